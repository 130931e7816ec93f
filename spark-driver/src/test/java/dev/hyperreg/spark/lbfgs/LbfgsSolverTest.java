package dev.hyperreg.spark.lbfgs;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.hyperreg.core.Problems;
import dev.hyperreg.core.linalg.LinearAlgebra;
import dev.hyperreg.core.objective.Link;
import dev.hyperreg.core.objective.Objective;
import dev.hyperreg.core.objective.ObjectiveFunction;
import dev.hyperreg.core.objective.ObjectiveKind;
import dev.hyperreg.core.solver.FitResult;
import dev.hyperreg.core.solver.IterationListener;
import dev.hyperreg.core.solver.IterationRecord;
import dev.hyperreg.core.solver.StopReason;
import org.junit.jupiter.api.Test;

/**
 * L-BFGS on problems whose answer is known without solving them: plain exp with targets
 * b = exp(A x*) exactly has L(x*) = 0, so x* is its minimizer (unique for a design of full column
 * rank); and the bookkeeping a fit reports, counted here.
 */
class LbfgsSolverTest {
  private static final int D = 4;
  private static final double[] X_STAR = {0.4, -0.3, 0.2, 0.1};

  /** Plain exp, b = exp(A x*): zero residual at x*. */
  private static ObjectiveFunction zeroResidual(double conditioning) {
    Problems.Data data = Problems.random(23, 200, D, 1.0, false, 0);
    for (double[] row : data.a) row[D - 1] *= conditioning;
    double[] xStar = X_STAR.clone();
    xStar[D - 1] /= conditioning;
    double[] z = data.z(xStar);
    double[] b = new double[data.n()];
    for (int i = 0; i < b.length; i++) b[i] = Math.exp(z[i]);
    return data.withLabels(b).function(new Objective(ObjectiveKind.PLAIN, Link.EXP, D, 0, -1), false);
  }

  private static double[] xStar(double conditioning) {
    double[] x = X_STAR.clone();
    x[D - 1] /= conditioning;
    return x;
  }

  @Test
  void reachesTheZeroResidualMinimizerAndCertifiesIt() {
    for (boolean matrixFree : new boolean[] {false, true}) {
      ObjectiveFunction f = zeroResidual(1);
      LbfgsSolver solver = new LbfgsSolver(200, 1e-8, 10);
      FitResult fit = (matrixFree ? solver.matrixFree() : solver).minimize(f, new double[D], IterationListener.NONE);
      assertEquals(StopReason.GRADIENT_TOLERANCE, fit.stopReason(), fit.message());
      assertTrue(fit.converged() && fit.message().contains("certificate"), fit.message());
      // ‖∇L‖ ≤ 1e-8 of its start (the product's default): near a well-conditioned zero-residual minimum
      // the error in x is of that order too
      assertTrue(LinearAlgebra.relativeDistance(fit.coefficients(), xStar(1)) < 1e-5,
          "x = " + java.util.Arrays.toString(fit.coefficients()));
      assertTrue(fit.finalEvaluation().loss() < 1e-10, "L(x) = " + fit.finalEvaluation().loss());
    }
  }

  /**
   * Every pass is counted: the fit reports what the function counted — the start, each iteration's
   * evaluations, the pass at the answer, and whatever the certificate adds.
   */
  @Test
  void reportsEveryPassItMade() {
    ObjectiveFunction f = zeroResidual(1);
    FitResult fit = new LbfgsSolver(200, 1e-8, 10).minimize(f, new double[D], IterationListener.NONE);
    long inIterations = fit.iterations().stream().mapToLong(IterationRecord::dataPasses).sum();
    assertEquals(f.passes(), fit.dataPasses(), "the function's own count");
    assertTrue(fit.dataPasses() >= 1 + inIterations + 1 && fit.dataPasses() <= inIterations + 4,
        "start + iterations + the answer's pass (+ the certificate's): " + fit.dataPasses() + " for " + inIterations);
    for (int k = 0; k < fit.iterations().size(); k++) assertEquals(k, fit.iterations().get(k).iteration());
  }

  @Test
  void stopsAtItsIterationCapUnconverged() {
    ObjectiveFunction f = zeroResidual(30);
    FitResult fit = new LbfgsSolver(3, 1e-10, 10).minimize(f, new double[D], IterationListener.NONE);
    assertEquals(StopReason.MAX_ITERATIONS, fit.stopReason(), fit.message());
    assertFalse(fit.converged());
    assertTrue(fit.iterations().size() <= 4 && fit.message().contains("3"), fit.message());
  }

  /**
   * A resumed fit measures its gradient against the original start's: given a reference far above
   * this start's gradient, its own test passes at once — and the certificate, an exact Newton step
   * that is anything but small there, refuses the claim.
   */
  @Test
  void aGradientClaimTheCertificateRefutesIsNotConvergence() {
    ObjectiveFunction f = zeroResidual(1);
    double reference = Math.log(1e12);
    FitResult fit = new LbfgsSolver(200, 1e-10, 10, reference).minimize(f, new double[D], IterationListener.NONE);
    assertEquals(StopReason.CERTIFICATE_FAILED, fit.stopReason(), fit.message());
    assertFalse(fit.converged());
    assertTrue(LinearAlgebra.relativeDistance(fit.coefficients(), xStar(1)) > 1e-3, "it stopped early, far from x*");
  }
}
