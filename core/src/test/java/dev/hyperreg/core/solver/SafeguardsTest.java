package dev.hyperreg.core.solver;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.hyperreg.core.Problems;
import dev.hyperreg.core.linalg.LinearAlgebra;
import dev.hyperreg.core.objective.Evaluation;
import dev.hyperreg.core.objective.Link;
import dev.hyperreg.core.objective.Objective;
import dev.hyperreg.core.objective.ObjectiveFunction;
import dev.hyperreg.core.objective.ObjectiveKind;
import org.junit.jupiter.api.Test;

/**
 * The safeguards of issue 22 that the awkward-problem family does not need on its own, each by the
 * situation it is for: the trust region (a Newton step and a CG solve never longer than the
 * radius), the certificate's gradient condition, the minimum-norm answer on a set of minimizers,
 * and Newton–CG taking a certificate's exact Hessian as its preconditioner.
 */
class SafeguardsTest {
  private static final Objective PLAIN_EXP = new Objective(ObjectiveKind.PLAIN, Link.EXP, 4, 0, -1);

  /** A plain exp problem and a point well off its minimizer, where the Newton step is long. */
  private static ObjectiveFunction plainExp() {
    double[] xStar = Problems.randomPoint(8, 4, 0.5);
    return Problems.planted(31, 300, 1.0, 0, PLAIN_EXP, xStar, 0.05, 2).function(PLAIN_EXP, false);
  }

  @Test
  void aNewtonStepLongerThanTheRadiusIsShortenedAlongItself() {
    ObjectiveFunction f = plainExp();
    Evaluation e = f.evaluate(new double[] {-2, 1, -2, 1}, true, "far");
    double[] full = NewtonDirection.of(e, Double.POSITIVE_INFINITY).step();
    double radius = LinearAlgebra.norm(full) / 10;
    NewtonDirection capped = NewtonDirection.of(e, radius);
    assertEquals(radius, LinearAlgebra.norm(capped.step()), 1e-12 * radius);
    double cosine = LinearAlgebra.dot(full, capped.step()) / (LinearAlgebra.norm(full) * radius);
    assertEquals(1, cosine, 1e-12, "along the Newton step");
    assertTrue(!capped.exact(), "a shortened step is not the exact Newton step");
  }

  @Test
  void conjugateGradientsStopOnTheTrustRadius() {
    ObjectiveFunction f = plainExp();
    Evaluation e = f.evaluate(new double[] {-2, 1, -2, 1}, false, "far");
    double full = LinearAlgebra.norm(NewtonDirection.of(f.evaluate(e.point(), true, "exact"), Double.POSITIVE_INFINITY).step());
    double radius = full / 10;
    NewtonDirection d = NewtonCg.forDimension(4, null, 3).direction(f, e, radius, false);
    assertTrue(LinearAlgebra.norm(d.step()) <= radius * (1 + 1e-12), LinearAlgebra.norm(d.step()) + " > " + radius);
    assertTrue(LinearAlgebra.dot(d.step(), e.scaledGradient()) < 0, "a descent direction");
  }

  /**
   * Condition 4: at a point whose exact Newton step passes a loose bound but whose gradient is above
   * the start's, the certificate does not hold (such a point sits where some curvature is huge).
   */
  @Test
  void aGradientAboveTheStartsIsNotCertified() {
    ObjectiveFunction f = plainExp();
    Evaluation e = f.evaluate(new double[] {0.3, 0.1, -0.2, 0.4}, false, "near");
    double step = LinearAlgebra.norm(NewtonDirection.of(f.evaluate(e.point(), true, "exact"), 1e9).step());
    ConvergenceCertificate.Verdict loose = ConvergenceCertificate.exactPass(f, e,
        new ConvergenceCertificate.Bounds(10 * step, e.logGradientNorm() + 1, 1e9), "certificate");
    assertEquals(ConvergenceCertificate.Outcome.CERTIFIED, loose.outcome(), loose.what());
    ConvergenceCertificate.Verdict above = ConvergenceCertificate.exactPass(f, e,
        new ConvergenceCertificate.Bounds(10 * step, e.logGradientNorm() - 1, 1e9), "certificate");
    assertEquals(ConvergenceCertificate.Outcome.GRADIENT_ABOVE_START, above.outcome(), above.what());
  }

  /**
   * A zero column and two equal columns: the minimizers form a set, and the fit ends at its
   * minimum-norm point (the zero column's coefficient 0, the equal columns' coefficients equal),
   * whatever the start, naming the columns.
   */
  @Test
  void aSetOfMinimizersEndsAtItsMinimumNormPoint() {
    Problems.Data base = Problems.random(4, 200, 2, 1.0, false, 0);
    double[][] a = new double[base.n()][4];
    double[] xStar = {0.4, -0.3, 0, 0};
    double[] b = new double[base.n()];
    for (int i = 0; i < base.n(); i++) {
      a[i] = new double[] {base.a[i][0], base.a[i][1], 0, base.a[i][1]}; // column 3 zero, column 4 = column 2
      b[i] = Math.exp(a[i][0] * xStar[0] + a[i][1] * xStar[1]) * (1 + 0.05 * Math.sin(i));
    }
    ObjectiveFunction f = new Problems.Data(a, b, null).function(PLAIN_EXP, false);
    for (HessianStrategy strategy : new HessianStrategy[] {HessianStrategy.EXACT, NewtonCg.forDimension(4, null, 5)}) {
      FitResult fit = new NewtonSolver().minimize(f, new double[] {0.1, 0.2, 0.7, -0.5}, strategy, IterationListener.NONE);
      assertTrue(fit.converged(), fit.message());
      double[] x = fit.coefficients();
      assertEquals(0, x[2], 1e-12, "the zero column's coefficient");
      assertEquals(x[1], x[3], 1e-9 * Math.abs(x[1]), "the equal columns share their coefficient");
      assertTrue(fit.message().contains("minimum-norm point") && fit.message().contains("column 3"), fit.message());
    }
  }

  /** After a certificate's exact pass, Newton–CG's next direction is one CG step on M = H: one pass. */
  @Test
  void newtonCgTakesACertificatesExactHessianAsItsPreconditioner() {
    ObjectiveFunction f = plainExp();
    NewtonCg cg = NewtonCg.forDimension(4, null, 3);
    cg.direction(f, f.evaluate(new double[] {0.5, -0.5, 0.5, -0.5}, false, "elsewhere"), 1e9, false); // builds M
    Evaluation exact = f.evaluate(new double[] {0.3, 0.1, -0.2, 0.4}, true, "certificate's exact pass");
    cg.useExactHessian(exact);
    long before = f.passes();
    NewtonDirection d = cg.direction(f, exact, 1e9, false);
    assertEquals(1, f.passes() - before, "one Hessian-vector pass");
    double[] newton = NewtonDirection.of(exact, 1e9).step();
    assertEquals(0, LinearAlgebra.relativeDistance(d.step(), newton), 1e-8);
  }
}
