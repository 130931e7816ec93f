package dev.hyperreg.core.solver;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.hyperreg.core.Problems;
import dev.hyperreg.core.linalg.LinearAlgebra;
import dev.hyperreg.core.objective.Evaluation;
import dev.hyperreg.core.objective.Link;
import dev.hyperreg.core.objective.Objective;
import dev.hyperreg.core.objective.ObjectiveKind;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * NewtonDirection's μ search at an indefinite Hessian, against a brute force written here: with
 * S = diag(1/√|H_jj|), p(μ) = −S (S H S + μI)⁻¹ S g by Gaussian elimination, and the smallest μ
 * that makes S H S + μI positive definite (every pivot of its elimination positive) and ‖p(μ)‖ ≤ Δ
 * by bisection — no eigen-decomposition, which is what the solver uses.
 */
class NewtonDirectionTest {
  private static final int D = 5;

  /**
   * Plain cosh with targets b = 3 on half the rows and 0.2 on the others, at a point near 0: the
   * second-order term cosh(z)(cosh z − b) makes some curvatures negative, others positive.
   */
  private static Evaluation indefinite() {
    Problems.Data data = Problems.random(17, 60, D, 1.0, false, 0);
    double[] b = new double[data.n()];
    for (int i = 0; i < b.length; i++) b[i] = i % 2 == 0 ? 3 : 0.2;
    Objective objective = new Objective(ObjectiveKind.PLAIN, Link.COSH, D, 0, -1);
    return data.withLabels(b).function(objective, false).evaluate(Problems.randomPoint(4, D, 0.3), true, "test");
  }

  /** −S (S H S + μI)⁻¹ S g, or null where S H S + μI is not positive definite. */
  private static double[] dampedStep(double[] h, double[] g, double mu) {
    int d = g.length;
    double[] s = new double[d];
    for (int j = 0; j < d; j++) s[j] = 1 / Math.sqrt(Math.abs(h[j * d + j]));
    double[][] m = new double[d][d + 1];
    for (int i = 0; i < d; i++) {
      for (int j = 0; j < d; j++) m[i][j] = s[i] * h[j * d + i] * s[j] + (i == j ? mu : 0);
      m[i][d] = -s[i] * g[i];
    }
    // elimination without pivoting: a symmetric matrix is positive definite iff every pivot is positive
    for (int k = 0; k < d; k++) {
      if (!(m[k][k] > 0)) return null;
      for (int i = k + 1; i < d; i++) {
        double f = m[i][k] / m[k][k];
        for (int j = k; j <= d; j++) m[i][j] -= f * m[k][j];
      }
    }
    double[] y = new double[d];
    for (int i = d - 1; i >= 0; i--) {
      double r = m[i][d];
      for (int j = i + 1; j < d; j++) r -= m[i][j] * y[j];
      y[i] = r / m[i][i];
    }
    for (int j = 0; j < d; j++) y[j] *= s[j];
    return y;
  }

  private static boolean within(double[] h, double[] g, double mu, double radius) {
    double[] p = dampedStep(h, g, mu);
    return p != null && LinearAlgebra.norm(p) <= radius;
  }

  /** The smallest μ ≥ 0 with S H S + μI positive definite and ‖p(μ)‖ ≤ radius, by bisection. */
  private static double bruteForceDamping(double[] h, double[] g, double radius) {
    double low = 0, high = 1;
    while (!within(h, g, high, radius)) high *= 2;
    for (int it = 0; it < 200; it++) {
      double mid = 0.5 * (low + high);
      if (within(h, g, mid, radius)) high = mid;
      else low = mid;
    }
    return high;
  }

  @ParameterizedTest(name = "radius {0}")
  @ValueSource(doubles = {0.01, 0.1, 0.5})
  void theDampedStepIsTheSmallestDampingThatStaysInTheTrustRadius(double radius) {
    Evaluation e = indefinite();
    double[] h = e.scaledHessian(), g = e.scaledGradient();
    assertTrue(LinearAlgebra.symmetricEigenvalues(h, D)[0] < 0 && dampedStep(h, g, 0) == null,
        "the premise: H is indefinite");
    double expected = bruteForceDamping(h, g, radius);
    NewtonDirection direction = NewtonDirection.of(e, radius);

    assertEquals(expected, direction.damping(), 1e-8 * expected, "μ");
    assertEquals(radius, LinearAlgebra.norm(direction.step()), 1e-8 * radius, "‖p‖ = Δ: the constraint is active");
    double[] p = dampedStep(h, g, expected);
    for (int j = 0; j < D; j++) assertEquals(p[j], direction.step()[j], 1e-6 * radius, "p(μ)_" + j);

    double[] v = direction.negativeCurvature();
    assertNotNull(v);
    assertEquals(1, LinearAlgebra.norm(v), 1e-12);
    assertTrue(LinearAlgebra.dot(g, v) <= 0, "v points downhill");
    assertTrue(NewtonDirection.quadraticForm(h, v) < 0, "vᵀHv < 0");
    // the quadratic model decreases along the step
    assertTrue(LinearAlgebra.dot(g, direction.step()) + 0.5 * direction.curvature() < 0);
  }

  /** A smaller trust radius needs more damping. */
  @Test
  void dampingGrowsAsTheRadiusShrinks() {
    Evaluation e = indefinite();
    double previous = 0;
    for (double radius : new double[] {1, 0.3, 0.1, 0.03, 0.01}) {
      double mu = NewtonDirection.of(e, radius).damping();
      assertTrue(mu > previous, "μ(" + radius + ") = " + mu + " after " + previous);
      previous = mu;
    }
  }
}
