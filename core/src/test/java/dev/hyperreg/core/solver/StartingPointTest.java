package dev.hyperreg.core.solver;

import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.hyperreg.core.Problems;
import dev.hyperreg.core.objective.Link;
import dev.hyperreg.core.objective.Objective;
import dev.hyperreg.core.objective.ObjectiveFunction;
import dev.hyperreg.core.objective.ObjectiveKind;
import dev.hyperreg.core.sketch.SketchSpec;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The default start is near the answer where the family allows it. For rescaled exp and softmax,
 * log b = Ax − (a constant): a least-squares fit that leaves the constant free lands within 20% of
 * the minimizer; one that does not makes x absorb the constant (errors of order 1 and more).
 *
 * <p>The targets are made as users' are (as {@code hyperreg generate} makes them): shares of
 * f(Ax*) with 5% noise, b_i = (u_i + 0.05·ξ_i·rms(u))/Σu for rescaled, b_i ∝ s_i·e^{0.05·ξ_i} for
 * softmax. The reference is the minimizer exact Newton finds from x*.
 */
class StartingPointTest {

  static Stream<Arguments> constantShiftedProblems() {
    List<Arguments> cases = new ArrayList<>();
    for (ObjectiveKind kind : new ObjectiveKind[] {ObjectiveKind.RESCALED, ObjectiveKind.SOFTMAX}) {
      for (boolean sparse : new boolean[] {false, true}) {
        for (String how : new String[] {"exact", "sketched", "sampled"}) cases.add(Arguments.of(kind, sparse, how));
      }
    }
    return cases.stream();
  }

  @ParameterizedTest(name = "{0} exp sparse={1} {2}")
  @MethodSource("constantShiftedProblems")
  void theStartLeavesTheConstantFree(ObjectiveKind kind, boolean sparse, String how) {
    int n = 3000, d = 8;
    // softmax's fit term is of order 1/n²: a regularizer of the rescaled kind would swamp it
    double regWeight = kind == ObjectiveKind.SOFTMAX ? 0 : 0.01;
    Problems.Data design = Problems.random(11, n, d, sparse ? 0.3 : 1.0, false, regWeight);
    double[] xStar = Problems.randomPoint(5, d, 1.0);
    Problems.Data data = design.withLabels(shares(kind, design.z(xStar), 0.05, new Random(17)));
    Objective objective = new Objective(kind, Link.EXP, d, 0, -1);
    ObjectiveFunction f = data.function(objective, sparse);
    double[] minimizer = new NewtonSolver().withTolerance(1e-12).minimize(f, xStar, IterationListener.NONE)
        .coefficients();
    StartingPoint start = switch (how) {
      case "sketched" -> StartingPoint.defaultFor(f, SketchSpec.atLeast(20L * d, 2, 9));
      case "sampled" -> StartingPoint.sampled(f, 20L * d, 9);
      default -> StartingPoint.defaultFor(f);
    };
    double error = Problems.relativeError(start.x(), minimizer);
    assertTrue(error <= 0.2, start.description() + ": relative error " + error);
  }

  /**
   * With a budget that keeps every row (p_i = 1) the sampled start solves the exact normal
   * equations: the same point as the exact start, weights, targets and free constant included, for
   * every link — and the same small non-zero point for cosh where acosh(b) is defined nowhere.
   */
  @ParameterizedTest(name = "{0} {1} sparse={2}")
  @MethodSource("dev.hyperreg.core.Problems#unregularizedCombinations")
  void aSampleOfEveryRowIsTheExactStart(ObjectiveKind kind, Link link, boolean sparse) {
    Problems.PlantedCase c = Problems.plantedCase(kind, link, sparse, false);
    ObjectiveFunction f = c.function();
    StartingPoint exact = StartingPoint.defaultFor(f);
    StartingPoint sampled = StartingPoint.sampled(f, 1_000_000, 4);
    assertTrue(Problems.relativeError(sampled.x(), exact.x()) < 1e-10,
        sampled.description() + " vs " + exact.description());
    // the matrix-free start solves the same normal equations by CG (to 10⁻³ of the residual)
    StartingPoint matrixFree = StartingPoint.matrixFree(f, 50);
    assertTrue(Problems.relativeError(matrixFree.x(), exact.x()) < 1e-2,
        matrixFree.description() + ": " + Problems.relativeError(matrixFree.x(), exact.x()));
    if (link == Link.COSH) {
      for (int i = 0; i < c.data().n(); i++) c.data().b[i] = 0.3;
      ObjectiveFunction undefined = c.data().function(c.objective(), sparse);
      org.junit.jupiter.api.Assertions.assertArrayEquals(StartingPoint.defaultFor(undefined).x(),
          StartingPoint.sampled(undefined, 100, 4).x(), 1e-12);
      org.junit.jupiter.api.Assertions.assertArrayEquals(StartingPoint.defaultFor(undefined).x(),
          StartingPoint.matrixFree(undefined, 50).x(), 1e-12);
    }
  }

  private static double[] shares(ObjectiveKind kind, double[] z, double noise, Random rnd) {
    int n = z.length;
    double[] b = new double[n];
    double max = Double.NEGATIVE_INFINITY;
    for (double v : z) max = Math.max(max, v);
    double sum = 0, squares = 0;
    for (int i = 0; i < n; i++) {
      double u = Math.exp(z[i] - max);
      sum += u;
      squares += u * u;
    }
    double rms = Math.sqrt(squares / n);
    double total = 0;
    for (int i = 0; i < n; i++) {
      double u = Math.exp(z[i] - max);
      b[i] = kind == ObjectiveKind.SOFTMAX ? u * Math.exp(noise * rnd.nextGaussian())
          : (u + noise * rnd.nextGaussian() * rms) / sum;
      total += b[i];
    }
    if (kind == ObjectiveKind.SOFTMAX) for (int i = 0; i < n; i++) b[i] /= total;
    return b;
  }
}
