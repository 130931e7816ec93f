package dev.hyperreg.core.objective;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.hyperreg.core.Problems;
import dev.hyperreg.core.linalg.LinearAlgebra;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/** Gradients and Hessians of every objective/link pair against central finite differences. */
class ObjectiveDerivativesTest {

  @ParameterizedTest(name = "{0} {1} sparse={2} regularized={3}")
  @MethodSource("dev.hyperreg.core.Problems#everyCombination")
  void gradientAndHessianMatchFiniteDifferences(ObjectiveKind kind, Link link, boolean sparse,
      boolean regularized) {
    int d = 6;
    boolean intercept = regularized && kind.interceptRefusal() == null;
    Problems.Data data = Problems.random(11, 80, d, sparse ? 0.4 : 1.0, intercept, regularized ? 0.7 : 0);
    int dim = data.d();
    Objective objective = new Objective(kind, link, dim, regularized ? 0.3 : 0, intercept ? dim - 1 : -1);
    ObjectiveFunction f = data.function(objective, sparse);
    double[] x = Problems.randomPoint(5, dim, 0.8);

    Evaluation at = f.evaluate(x, true, "test");
    double[] g = at.gradient();
    double[] h = at.hessian();
    double step = 1e-5;
    double gScale = LinearAlgebra.norm(g);
    for (int j = 0; j < dim; j++) {
      double[] plus = x.clone(), minus = x.clone();
      plus[j] += step;
      minus[j] -= step;
      Evaluation ep = f.evaluate(plus, false, "fd");
      Evaluation em = f.evaluate(minus, false, "fd");
      double fdGradient = (ep.loss() - em.loss()) / (2 * step);
      assertEquals(fdGradient, g[j], 1e-7 * Math.max(1, gScale), "gradient component " + j);
      double[] gp = ep.gradient(), gm = em.gradient();
      for (int i = 0; i < dim; i++) {
        double fdHessian = (gp[i] - gm[i]) / (2 * step);
        assertEquals(fdHessian, h[j * dim + i], 1e-6 * Math.max(1, maxAbs(h)), "Hessian (" + i + "," + j + ")");
      }
    }
    for (int i = 0; i < dim; i++) {
      for (int j = 0; j < dim; j++) assertEquals(h[j * dim + i], h[i * dim + j], 0.0, "symmetry");
    }
    assertTrue(at.loss() > 0);
  }

  @ParameterizedTest(name = "{0} {1}")
  @MethodSource("dev.hyperreg.core.Problems#everyCombination")
  void denseAndSparseBlocksGiveTheSameEvaluation(ObjectiveKind kind, Link link, boolean ignoredSparse,
      boolean regularized) {
    if (ignoredSparse) return;
    Problems.Data data = Problems.random(3, 50, 4, 0.5, false, regularized ? 0.5 : 0);
    Objective objective = new Objective(kind, link, 4, regularized ? 0.1 : 0, -1);
    double[] x = Problems.randomPoint(9, 4, 1.0);
    Evaluation dense = data.function(objective, false).evaluate(x, true, "dense");
    Evaluation sparse = data.function(objective, true).evaluate(x, true, "sparse");
    assertEquals(dense.loss(), sparse.loss(), 1e-13 * dense.loss());
    double[] hd = dense.hessian(), hs = sparse.hessian();
    for (int i = 0; i < hd.length; i++) assertEquals(hd[i], hs[i], 1e-12 * (1 + maxAbs(hd)));
  }

  /**
   * The Hessian-vector pass against the exact Hessian (itself checked against finite differences
   * above) times v, and the diagonal pass against its diagonal, in the scale of the evaluation at x; at a point where the rescaled loss
   * exceeds the double range too (the scaled form is then the only one there is).
   */
  @ParameterizedTest(name = "{0} {1} sparse={2} regularized={3}")
  @MethodSource("dev.hyperreg.core.Problems#everyCombination")
  void hessianTimesVectorAndDiagonalMatchTheExactHessian(ObjectiveKind kind, Link link, boolean sparse,
      boolean regularized) {
    int d = 7;
    boolean intercept = regularized && kind.interceptRefusal() == null;
    Problems.Data data = Problems.random(21, 90, d, sparse ? 0.4 : 1.0, intercept, regularized ? 0.6 : 0);
    int dim = data.d();
    Objective objective = new Objective(kind, link, dim, regularized ? 0.2 : 0, intercept ? dim - 1 : -1);
    ObjectiveFunction f = data.function(objective, sparse);
    double far = kind == ObjectiveKind.RESCALED ? 400 : 1; // plain exp overflows there; softmax is shift-free
    for (double scale : new double[] {0.7, far}) {
      double[] x = Problems.randomPoint(8, dim, scale);
      double[] v = Problems.randomPoint(4, dim, 1.0);
      Evaluation at = f.evaluate(x, true, "exact");
      double[] h = at.scaledHessian();
      double[] hv = f.hessianTimes(at, v, "H·v");
      assertMatchesProduct(h, v, hv, "H·v at scale " + scale);
      // a block of three directions in one pass: each product as if alone
      double[][] vs = {Problems.randomPoint(5, dim, 1.0), v, Problems.randomPoint(6, dim, 2.0)};
      long before = f.passes();
      double[][] hvs = f.hessianTimes(at, vs, "H·[v₁ v₂ v₃]");
      assertEquals(before + 1, f.passes(), "one pass for the block");
      for (int k = 0; k < vs.length; k++) assertMatchesProduct(h, vs[k], hvs[k], "H·v" + (k + 1) + " at scale " + scale);
      double[] diagonal = f.hessianDiagonal(at, "diag H");
      for (int j = 0; j < dim; j++) {
        assertEquals(h[j * dim + j], diagonal[j], 1e-11 * maxAbs(h), "H_jj, j = " + j + " at scale " + scale);
      }
    }
  }

  private static void assertMatchesProduct(double[] h, double[] v, double[] hv, String what) {
    int dim = v.length;
    double[] expected = new double[dim];
    for (int j = 0; j < dim; j++) for (int i = 0; i < dim; i++) expected[i] += h[j * dim + i] * v[j];
    double tolerance = 1e-11 * maxAbs(h) * LinearAlgebra.norm(v);
    for (int i = 0; i < dim; i++) assertEquals(expected[i], hv[i], tolerance, what + ", entry " + i);
  }

  static double maxAbs(double[] a) {
    double m = 0;
    for (double v : a) m = Math.max(m, Math.abs(v));
    return m;
  }
}
