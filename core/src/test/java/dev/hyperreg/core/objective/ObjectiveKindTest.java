package dev.hyperreg.core.objective;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.hyperreg.core.InvalidProblemException;
import dev.hyperreg.core.Problems;
import java.util.List;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Each objective's facts ({@link ObjectiveTerms.Facts}) against what its loss does: the facts are
 * statements about L, so they are checked on L's values at chosen points, not restated. Every case
 * uses a design whose last column is all ones, e, and no regularization (the facts are about the fit
 * term); a new objective is checked by these as soon as its constant exists.
 */
class ObjectiveKindTest {
  private static final int N = 60, D = 4;

  /** L_fit at x for the design with a column of ones last (not declared an intercept) and targets b. */
  private static double fitLoss(ObjectiveKind kind, Link link, double[] b, double[] x) {
    Problems.Data data = Problems.random(5, N, D, 1.0, true, 0).withLabels(b);
    return data.function(new Objective(kind, link, D + 1, 0, -1), false).evaluate(x, false, "test").loss();
  }

  /** A fixed point with its last coordinate (the ones column's) moved by shift. */
  private static double[] point(double shift) { return point(3, shift); }

  private static double[] point(long seed, double shift) {
    double[] x = Problems.randomPoint(seed, D + 1, 0.4);
    x[D] += shift;
    return x;
  }

  /** b = f(Ax₀)/Σ f(Ax₀): the shares of the link's values at x₀. */
  private static double[] shares(Link link, double[] x0) {
    double[] z = Problems.random(5, N, D, 1.0, true, 0).z(x0);
    double[] b = new double[N];
    double sum = 0;
    for (int i = 0; i < N; i++) sum += b[i] = link.value(z[i]);
    for (int i = 0; i < N; i++) b[i] /= sum;
    return b;
  }

  /** Targets that no objective fits exactly. */
  private static double[] arbitraryTargets() {
    double[] b = new double[N];
    for (int i = 0; i < N; i++) b[i] = 0.002 + 0.03 * ((i * 7919) % 13) / 13.0;
    return b;
  }

  @ParameterizedTest(name = "{0} {1}")
  @MethodSource("dev.hyperreg.core.Problems#unregularizedCombinations")
  void anInterceptIsRefusedExactlyWhereAddingAConstantToEveryZLeavesTheLossUnchanged(ObjectiveKind kind, Link link,
      boolean ignoredSparse) {
    double[] b = arbitraryTargets();
    double at = fitLoss(kind, link, b, point(0)), shifted = fitLoss(kind, link, b, point(0.8));
    boolean invariant = Math.abs(shifted - at) <= 1e-12 * at;
    assertEquals(invariant, kind.interceptRefusal() != null, at + " against " + shifted);
  }

  @ParameterizedTest(name = "{0} {1}")
  @MethodSource("dev.hyperreg.core.Problems#unregularizedCombinations")
  void anInterceptNeedsRowWeightsExactlyWhereTheLossScalesByE2tAlongTheOnesColumn(ObjectiveKind kind, Link link,
      boolean ignoredSparse) {
    double[] b = arbitraryTargets();
    double t = -0.6;
    double at = fitLoss(kind, link, b, point(0)), moved = fitLoss(kind, link, b, point(t));
    boolean scales = Math.abs(moved - Math.exp(2 * t) * at) <= 1e-12 * at;
    assertEquals(scales, kind.interceptWithoutRowWeightsRefusal(link) != null, at + " and " + moved);
  }

  /**
   * L_fit at x₀ with the ones column's coordinate moved to {@code shift}, for targets that are the
   * shares of the link's values at x₀ (shift 0.5), relative to L_fit at an unrelated point: rounding
   * alone (the loss is formed as a difference of sums) where the fit is exact, of order one elsewhere.
   */
  private static double sharesFitAt(ObjectiveKind kind, Link link, double shift) {
    double[] b = shares(link, point(0.5));
    return fitLoss(kind, link, b, point(shift)) / fitLoss(kind, link, b, point(8, 0));
  }

  @ParameterizedTest(name = "{0} {1}")
  @MethodSource("dev.hyperreg.core.Problems#unregularizedCombinations")
  void predictionsAreSharesExactlyWhereTargetsThatAreSharesOfTheValuesFitExactly(ObjectiveKind kind, Link link,
      boolean ignoredSparse) {
    double relative = sharesFitAt(kind, link, 0.5);
    assertEquals(relative <= 1e-10, kind.predictsShares(), "L(x₀) relative to elsewhere: " + relative);
  }

  @ParameterizedTest(name = "{0} {1}")
  @MethodSource("dev.hyperreg.core.Problems#unregularizedCombinations")
  void theStartHasAFreeConstantExactlyWhereShiftingEveryZKeepsAnExactFitExact(ObjectiveKind kind, Link link,
      boolean ignoredSparse) {
    double relative = sharesFitAt(kind, link, 1.2);
    assertEquals(kind.predictsShares() && relative <= 1e-10, kind.startHasFreeConstant(link),
        "L(x₀ + 0.7·e) relative to elsewhere: " + relative);
  }

  @ParameterizedTest(name = "{0} {1}")
  @MethodSource("dev.hyperreg.core.Problems#unregularizedCombinations")
  void anObjectiveIsBuiltForTheLinksItTakes(ObjectiveKind kind, Link link, boolean ignoredSparse) {
    assertTrue(kind.takes(link));
    new Objective(kind, link, 3, 0, -1);
  }

  @org.junit.jupiter.api.Test
  void linksAnObjectiveDoesNotTakeAreRefusedNamingTheOnesItDoes() {
    for (ObjectiveKind kind : ObjectiveKind.values()) {
      for (Link link : Link.values()) {
        if (kind.takes(link)) continue;
        InvalidProblemException e = assertThrows(InvalidProblemException.class, () -> new Objective(kind, link, 3, 0, -1));
        assertTrue(e.getMessage().contains(link.label()) && e.getMessage().contains(kind.linkLabels().get(0)), e.getMessage());
      }
    }
    assertEquals(List.of("exp"), ObjectiveKind.SOFTMAX.linkLabels());
  }

  @org.junit.jupiter.api.Test
  void labelsNameEveryObjectiveAndParseBack() {
    assertEquals(ObjectiveKind.values().length, ObjectiveKind.labels().size());
    for (String label : ObjectiveKind.labels()) assertEquals(label, ObjectiveKind.parse(" " + label.toUpperCase() + " ").label());
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> ObjectiveKind.parse("logistic"));
    assertTrue(e.getMessage().endsWith("expected rescaled, plain or softmax"), e.getMessage());
  }
}
