package dev.hyperreg.core.objective;

import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.hyperreg.core.Problems;
import java.math.BigDecimal;
import org.junit.jupiter.api.Test;

/**
 * Losses near a zero residual. With b = softmax(Ax*) exactly, L(x*) = 0 for the rescaled exp and the
 * softmax objectives, and near x* their expansions (Σu² − 2α⟨b,u⟩ + α²‖b‖², Σs² − 2⟨b,s⟩ + ‖b‖²)
 * lose eps/ρ² relatively (ρ² the squared relative residual): 1e-10 at ρ² = 1e-6. Accumulated about a
 * nearby point's normalizer they keep 1e-12 — checked against the residual summed exactly
 * (BigDecimal) from the same rounded values (5.9e-11 for softmax at ρ² ≈ 1e-4 without the reference).
 */
class LossAccuracyTest {

  private static final int N = 2000, D = 6;
  private static final double[] DISTANCES = {1e-2, 1e-3};

  @Test
  void smallRescaledLossesAreAccurate() {
    ZeroResidual problem = new ZeroResidual(ObjectiveKind.RESCALED);
    for (double eta : DISTANCES) {
      double[] x = problem.near(eta);
      Evaluation e = problem.evaluateAboutXStar(x);
      double[] exact = exactLossAndShare(problem.data, x);
      double error = Math.abs(e.loss() - exact[0]) / exact[0];
      assertTrue(error <= 1e-12, "η = " + eta + " (ρ² = " + exact[1] + "): relative error " + error);
      assertTrue(e.scaledLossRoundingError() * Math.exp(e.logScale()) <= 1e-10 * exact[0],
          "the rounding bound follows the residual, not ‖u‖²");
    }
  }

  /** The same for softmax: ½‖s − b‖² near b = softmax(Ax*), against s − b summed exactly. */
  @Test
  void smallSoftmaxLossesAreAccurate() {
    ZeroResidual problem = new ZeroResidual(ObjectiveKind.SOFTMAX);
    for (double eta : DISTANCES) {
      double[] x = problem.near(eta);
      Evaluation e = problem.evaluateAboutXStar(x);
      double[] s = softmax(problem.data.z(x));
      BigDecimal residual = BigDecimal.ZERO;
      for (int i = 0; i < N; i++) {
        BigDecimal c = new BigDecimal(s[i]).subtract(new BigDecimal(problem.data.b[i]));
        residual = residual.add(c.multiply(c));
      }
      double exact = 0.5 * residual.doubleValue();
      double error = Math.abs(e.loss() - exact) / exact;
      assertTrue(error <= 1e-12, "η = " + eta + ": relative error " + error);
    }
  }

  /** b = softmax(Ax*) exactly on a random design: L(x*) = 0 for both objectives. */
  private static final class ZeroResidual {
    final Problems.Data data;
    final double[] xStar = Problems.randomPoint(4, D, 1.0);
    final double[] direction = Problems.randomPoint(12, D, 1.0);
    final ObjectiveFunction function;

    ZeroResidual(ObjectiveKind kind) {
      Problems.Data design = Problems.random(8, N, D, 1.0, false, 0);
      data = design.withLabels(softmax(design.z(xStar)));
      function = data.function(new Objective(kind, Link.EXP, D, 0, -1), false);
    }

    double[] near(double eta) {
      double[] x = xStar.clone();
      for (int j = 0; j < D; j++) x[j] += eta * direction[j];
      return x;
    }

    /** The loss at x from a pass accumulated about x*, as the solvers do near the answer. */
    Evaluation evaluateAboutXStar(double[] x) {
      function.accumulateAbout(function.evaluate(xStar, false, "the reference point"));
      return function.evaluate(x, false, "near it");
    }
  }

  /** {½‖u − αb‖², ‖r‖²/‖u‖²} with u = e^z rounded as doubles and every sum exact. */
  private static double[] exactLossAndShare(Problems.Data data, double[] x) {
    double[] z = data.z(x);
    double max = Double.NEGATIVE_INFINITY;
    for (double v : z) max = Math.max(max, v);
    BigDecimal alpha = BigDecimal.ZERO;
    double[] u = new double[z.length];
    for (int i = 0; i < z.length; i++) {
      u[i] = Math.exp(z[i] - max) * Math.exp(max); // as the library rounds it: scaled, then scaled back
      alpha = alpha.add(new BigDecimal(u[i]));
    }
    BigDecimal residual = BigDecimal.ZERO, size = BigDecimal.ZERO;
    for (int i = 0; i < z.length; i++) {
      BigDecimal r = new BigDecimal(u[i]).subtract(alpha.multiply(new BigDecimal(data.b[i])));
      residual = residual.add(r.multiply(r));
      size = size.add(new BigDecimal(u[i]).multiply(new BigDecimal(u[i])));
    }
    return new double[] {0.5 * residual.doubleValue(), residual.doubleValue() / size.doubleValue()};
  }

  private static double[] softmax(double[] z) {
    double max = Double.NEGATIVE_INFINITY;
    for (double v : z) max = Math.max(max, v);
    double sum = 0;
    double[] s = new double[z.length];
    for (int i = 0; i < z.length; i++) sum += s[i] = Math.exp(z[i] - max);
    for (int i = 0; i < z.length; i++) s[i] /= sum;
    return s;
  }
}
