package dev.hyperreg.core.solver;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.hyperreg.core.objective.Link;
import dev.hyperreg.core.objective.ObjectiveKind;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/** The test family's independent minimizer checked against its own definitions. */
class ReferenceMinimizerTest {

  static Stream<Arguments> combinations() {
    List<Arguments> out = new ArrayList<>();
    for (ObjectiveKind kind : ObjectiveKind.values()) {
      for (Link link : Link.values()) {
        if (!kind.takes(link)) continue;
        out.add(Arguments.of(kind, link));
      }
    }
    return out.stream();
  }

  /** A small random problem with row weights, a ridge and an (unpenalized) intercept column. */
  private static ReferenceMinimizer.Problem small(ObjectiveKind kind, Link link, long seed) {
    Random rnd = new Random(seed);
    int n = 30, d = 4;
    double[][] a = new double[n][d];
    double[] b = new double[n];
    double[] w2 = new double[n];
    for (int i = 0; i < n; i++) {
      for (int j = 0; j < d - 1; j++) a[i][j] = rnd.nextGaussian() * 0.7;
      a[i][d - 1] = kind == ObjectiveKind.SOFTMAX ? rnd.nextGaussian() : 1;
      b[i] = kind == ObjectiveKind.PLAIN ? 0.5 + 2 * rnd.nextDouble() : (0.5 + rnd.nextDouble()) / n;
      w2[i] = 0.01 * (0.5 + rnd.nextDouble());
    }
    return new ReferenceMinimizer.Problem(a, b, w2, kind, link, 0.03, kind == ObjectiveKind.SOFTMAX ? -1 : d - 1);
  }

  /** Gradient against central differences of the loss, Hessian against central differences of the gradient. */
  @ParameterizedTest(name = "{0} {1}")
  @MethodSource("combinations")
  void derivativesMatchCentralDifferences(ObjectiveKind kind, Link link) {
    ReferenceMinimizer.Problem p = small(kind, link, 11);
    int d = p.d();
    double[] x = {0.4, -0.3, 0.25, 0.15};
    ReferenceMinimizer.Eval e = ReferenceMinimizer.evaluate(p, x);
    double[] g = e.trueGradient();
    double[][] h = e.hessian();
    double hScale = Math.exp(e.logScale);
    double gSize = ReferenceMinimizer.norm(g);
    double hSize = 0;
    for (double[] row : h) for (double v : row) hSize = Math.max(hSize, Math.abs(v) * hScale);
    for (int j = 0; j < d; j++) {
      double step = 1e-5;
      double[] plus = x.clone(), minus = x.clone();
      plus[j] += step;
      minus[j] -= step;
      ReferenceMinimizer.Eval ep = ReferenceMinimizer.evaluate(p, plus), em = ReferenceMinimizer.evaluate(p, minus);
      double fd = (ep.trueLoss() - em.trueLoss()) / (2 * step);
      assertEquals(fd, g[j], 1e-7 * Math.max(1, gSize), "∂L/∂x_" + j);
      double[] gp = ep.trueGradient(), gm = em.trueGradient();
      for (int k = 0; k < d; k++) {
        double fdh = (gp[k] - gm[k]) / (2 * step);
        assertEquals(fdh, h[k][j] * hScale, 1e-7 * Math.max(1, hSize), "∂²L/∂x_" + k + "∂x_" + j);
      }
    }
  }

  /** Zero noise, plain exp: the planted x* from a start 0.3 away in every coordinate, to 1e-12. */
  @ParameterizedTest(name = "{0}")
  @MethodSource("plainLinks")
  void recoversThePlantedPoint(Link link) {
    Random rnd = new Random(3);
    int n = 150, d = 4;
    double[][] a = new double[n][d];
    double[] xStar = {0.5, -0.4, 0.3, 0.8};
    double[] b = new double[n];
    for (int i = 0; i < n; i++) {
      double z = 0;
      for (int j = 0; j < d; j++) {
        a[i][j] = rnd.nextGaussian() * 0.6;
        z += a[i][j] * xStar[j];
      }
      b[i] = switch (link) {
        case EXP -> Math.exp(z);
        case COSH -> Math.cosh(z);
        case SINH -> Math.sinh(z);
      };
    }
    ReferenceMinimizer.Problem p = new ReferenceMinimizer.Problem(a, b, null, ObjectiveKind.PLAIN, link, 0, -1);
    double[] x0 = xStar.clone();
    for (int j = 0; j < d; j++) x0[j] += 0.3;
    ReferenceMinimizer.Result r = ReferenceMinimizer.minimize(p, x0);
    assertEquals(ReferenceMinimizer.Verdict.STRICT_MINIMIZER, r.verdict(), r.toString());
    assertTrue(ReferenceMinimizer.relativeDistance(r.x(), xStar) < 1e-12, r.toString());
  }

  static Stream<Link> plainLinks() { return Stream.of(Link.EXP, Link.SINH, Link.COSH); }

  /** A zero column and a duplicated pair: a minimizer set, answered by its minimum-norm point. */
  @Test
  void zeroAndDuplicatedColumnsGiveTheMinimumNormPoint() {
    Random rnd = new Random(8);
    int n = 100;
    double[][] a = new double[n][5];
    double[] b = new double[n];
    for (int i = 0; i < n; i++) {
      a[i][0] = rnd.nextGaussian() * 0.5;
      a[i][1] = rnd.nextGaussian() * 0.5;
      a[i][3] = a[i][0]; // duplicate of column 0; column 2 all zero
      a[i][4] = rnd.nextGaussian() * 0.5;
      b[i] = Math.exp(0.6 * a[i][0] - 0.2 * a[i][1] + 0.4 * a[i][4]) * (1 + 0.05 * rnd.nextGaussian());
    }
    ReferenceMinimizer.Problem p = new ReferenceMinimizer.Problem(a, b, null, ObjectiveKind.PLAIN, Link.EXP, 0, -1);
    ReferenceMinimizer.Result r = ReferenceMinimizer.minimize(p, new double[] {0.1, 0, 0.7, 0.3, 0});
    assertEquals(ReferenceMinimizer.Verdict.SINGULAR_MINIMIZER, r.verdict(), r.toString());
    assertEquals(2, r.nullBasis()[0].length);
    assertEquals(0, r.x()[2], 1e-15, "the zero column's coefficient of the minimum-norm point");
    assertEquals(r.x()[0], r.x()[3], 1e-12, "a duplicated pair split evenly");
    assertTrue(Math.abs(r.x()[0] + r.x()[3] - 0.6) < 0.1, r.toString());
  }

  /** Rescaled exp with an intercept and no regularization: the iterate runs away. */
  @Test
  void rescaledExpWithAnInterceptHasNoMinimizer() {
    Random rnd = new Random(4);
    int n = 60;
    double[][] a = new double[n][3];
    double[] b = new double[n];
    double total = 0;
    for (int i = 0; i < n; i++) {
      a[i][0] = rnd.nextGaussian();
      a[i][1] = rnd.nextGaussian();
      a[i][2] = 1;
      b[i] = 0.5 + rnd.nextDouble();
      total += b[i];
    }
    for (int i = 0; i < n; i++) b[i] /= total;
    ReferenceMinimizer.Problem p = new ReferenceMinimizer.Problem(a, b, null, ObjectiveKind.RESCALED, Link.EXP, 0, 2);
    ReferenceMinimizer.Result r = ReferenceMinimizer.minimize(p, new double[3]);
    assertEquals(ReferenceMinimizer.Verdict.NO_MINIMIZER, r.verdict(), r.toString());
    assertTrue(r.x()[2] < -50, "the intercept runs to −∞: " + r);
  }
}
