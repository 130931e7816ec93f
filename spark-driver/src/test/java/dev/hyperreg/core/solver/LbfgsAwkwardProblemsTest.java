package dev.hyperreg.core.solver;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.hyperreg.core.Problems;
import dev.hyperreg.core.objective.Link;
import dev.hyperreg.core.objective.Objective;
import dev.hyperreg.core.objective.ObjectiveFunction;
import dev.hyperreg.core.objective.ObjectiveKind;
import dev.hyperreg.spark.lbfgs.LbfgsSolver;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * L-BFGS (Breeze's, driven by the same passes) over the awkward-problem family of
 * {@link AwkwardProblemsTest}, seeds 0–9: it never says converged at a wrong point. Its own test is
 * on the gradient (g = 10⁻⁸, the product's default); its claim must then pass the certificate with
 * the exact Newton step ≤ √g·max(1, ‖x₀‖), so a converged answer is within about that of a
 * minimizer — checked here against the reference minimizer with a factor ten to spare.
 */
class LbfgsAwkwardProblemsTest {
  static final double GRADIENT_TOLERANCE = 1e-8;

  @Test
  void neverConvergedAtAWrongPoint() {
    List<String> wrong = new ArrayList<>();
    int converged = 0, runs = 0;
    for (long seed = 0; seed < AwkwardProblemsTest.SEEDS; seed++) {
      for (AwkwardProblems.Case c : AwkwardProblems.all(seed)) {
        Objective objective = new Objective(c.kind(), c.link(), c.d(), c.ridge(), c.interceptColumn());
        ObjectiveFunction function = c.data().function(objective, false);
        double[] x0 = c.x0() != null ? c.x0().clone() : StartingPoint.defaultFor(function).x();
        FitResult fit = new LbfgsSolver(300, GRADIENT_TOLERANCE, 10).minimize(function, x0, IterationListener.NONE);
        runs++;
        if (!fit.converged()) continue;
        converged++;
        double allowed = 10 * Math.sqrt(GRADIENT_TOLERANCE) * Math.max(1, dev.hyperreg.core.linalg.LinearAlgebra.norm(x0))
            / Math.max(1e-300, dev.hyperreg.core.linalg.LinearAlgebra.norm(c.hasMinimizer() ? c.reference().x() : x0));
        double distance = c.hasMinimizer()
            ? ReferenceMinimizer.relativeDistance(c.reference().complementPart(fit.coefficients()), c.reference().x())
            : Double.POSITIVE_INFINITY;
        if (!(distance <= Math.max(allowed, 1e-6))) {
          // another local minimizer (cosh's mirror, say) is no wrong answer: the reference certifies it from there
          ReferenceMinimizer.Result polished = ReferenceMinimizer.minimize(c.problem(), fit.coefficients());
          double moved = polished.verdict().hasMinimizer()
              ? ReferenceMinimizer.relativeDistance(polished.complementPart(fit.coefficients()), polished.x())
              : Double.POSITIVE_INFINITY;
          if (!(moved <= Math.max(allowed, 1e-6))) {
            wrong.add(c.name() + " seed " + seed + ": distance " + distance + "; " + fit.message());
          }
        }
      }
    }
    System.out.printf("L-BFGS over the awkward family: %d runs, %d converged, %d wrong%n", runs, converged, wrong.size());
    assertEquals(List.of(), wrong);
    assertTrue(converged > 0, "L-BFGS converges somewhere in the family");
  }

  /** Plain cosh from x = 0, where ∇L = 0: once "init value should <= bound" (NaN objective), exit 1. */
  @Test
  void coshFromZeroStopsWithAReasonNotAnException() {
    Problems.Data data = Problems.random(6, 100, 3, 1.0, false, 0);
    for (int i = 0; i < data.n(); i++) data.b[i] = 3;
    ObjectiveFunction f = data.function(new Objective(ObjectiveKind.PLAIN, Link.COSH, 3, 0, -1), false);
    FitResult fit = new LbfgsSolver(100, GRADIENT_TOLERANCE, 10).minimize(f, new double[3], IterationListener.NONE);
    assertFalse(fit.converged(), fit.message());
    assertEquals(StopReason.STATIONARY_NOT_MINIMUM, fit.stopReason(), fit.message());
    assertTrue(fit.hessianMinEigenvalue() < 0, "the saddle's curvature: " + fit.hessianMinEigenvalue());
  }
}
