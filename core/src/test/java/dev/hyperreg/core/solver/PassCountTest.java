package dev.hyperreg.core.solver;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.hyperreg.core.Problems;
import dev.hyperreg.core.objective.Link;
import dev.hyperreg.core.objective.Objective;
import dev.hyperreg.core.objective.ObjectiveFunction;
import dev.hyperreg.core.objective.ObjectiveKind;
import dev.hyperreg.core.objective.PassKind;
import dev.hyperreg.core.sketch.SketchSpec;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * Data passes of the default solver (Newton–CG with the cost model FitJob gives it) against exact
 * Newton's iterations on the same problem and start: a regression in the pass count — the currency
 * of a fit on a cluster — fails here before a benchmark shows it.
 */
class PassCountTest {
  /** A planted rescaled-exp problem with per-row regularization, as the README's data. */
  private static ObjectiveFunction problem(int n, int d) {
    Objective objective = new Objective(ObjectiveKind.RESCALED, Link.EXP, d, 0, -1);
    double[] xStar = Problems.randomPoint(7, d, 0.7);
    return Problems.planted(21, n, 1.0, 0.01, objective, xStar, 0.05, 3).function(objective, false);
  }

  private static final NewtonSolver SOLVER = new NewtonSolver();

  /**
   * The quick start's shape (1000 rows, d = 6) and a d = 50 problem, priced as `local[2]` with 4
   * partitions and as a cluster: passes in all ≤ 2 × exact Newton's iterations + 3, at exact's answer.
   */
  @ParameterizedTest(name = "n={0} d={1} cluster={2}")
  @CsvSource({"1000, 6, false", "1000, 6, true", "20000, 50, false", "20000, 50, true"})
  void defaultSolverPassesStayNearExactNewtonsIterations(int n, int d, boolean cluster) {
    ObjectiveFunction f = problem(n, d);
    double[] x0 = StartingPoint.defaultFor(f, SketchSpec.atLeast(20L * d, 4, 1)).x();
    FitResult exact = SOLVER.minimize(f, x0, HessianStrategy.EXACT, IterationListener.NONE);
    PassCost cost = cluster ? PassCost.cluster(2, 4) : PassCost.local(2, 4);
    FitResult fit = SOLVER.minimize(f, x0, NewtonCg.forDimension(d, null, 42).withPassCost(cost), IterationListener.NONE);
    assertTrue(exact.converged() && fit.converged(), fit.message());
    int exactIterations = exact.iterations().size() - 1;
    assertTrue(fit.dataPasses() <= 2L * exactIterations + 3,
        fit.dataPasses() + " passes against exact's " + exactIterations + " iterations");
    assertEquals(0, Problems.relativeError(fit.coefficients(), exact.coefficients()), 1e-8);
  }

  /**
   * Where exact passes pay only near the answer (a model in which an exact pass costs ≈ d/2
   * d-vector passes: results' bytes alone), CG takes the early iterations and the local phase one
   * pass an iteration — its trial passes carry the Hessian that the next step and the certificate
   * need: the phase's iterations after its first cost one pass each, and the fit no more than three
   * times exact's passes.
   */
  @ParameterizedTest(name = "d={0}")
  @CsvSource({"10", "12"})
  void theLocalPhaseCostsOnePassAnIteration(int d) {
    ObjectiveFunction f = problem(20000, d);
    double[] x0 = StartingPoint.defaultFor(f, SketchSpec.atLeast(20L * d, 4, 1)).x();
    FitResult exact = SOLVER.minimize(f, x0, HessianStrategy.EXACT, IterationListener.NONE);
    ObjectiveFunction priced = problem(20000, d); // its own pass counts
    FitResult fit = SOLVER.minimize(priced, x0,
        NewtonCg.forDimension(d, null, 42).withPassCost(new PassCost(0, 0, 1, 100_000)), IterationListener.NONE);
    assertTrue(fit.converged(), fit.message());
    boolean cgEarly = fit.iterations().get(1).hessian().contains("CG steps");
    assertTrue(cgEarly, "the model should leave the early iterations to CG: " + fit.iterations().get(1).hessian());
    long localIterations = fit.iterations().stream().filter(r -> r.hessian().contains("exact passes (local phase)"))
        .peek(r -> assertEquals(1, r.dataPasses(), r.toString())).count();
    assertTrue(localIterations >= 1, "no iteration of the local phase after its first");
    // the breakdown by kind adds up, and shows both phases: CG's products, the local phase's exact passes
    java.util.Map<PassKind, Long> kinds = priced.passesByKind();
    assertEquals(priced.passes(), kinds.values().stream().mapToLong(Long::longValue).sum(), kinds.toString());
    assertTrue(kinds.getOrDefault(PassKind.HESSIAN_VECTOR, 0L) >= 1 && kinds.get(PassKind.EXACT_HESSIAN) > localIterations,
        kinds.toString());
    assertTrue(fit.dataPasses() <= 3 * exact.dataPasses(), fit.dataPasses() + " vs exact's " + exact.dataPasses());
  }

  /**
   * Asking for more digits costs a pass or two, not a CG phase bound by its step cap: the passes
   * at tolerance 10⁻¹² exceed those at 10⁻⁶ by at most two (Newton's quadratic rate doubles the
   * digits each iteration).
   */
  @ParameterizedTest(name = "cluster={0}")
  @CsvSource({"false", "true"})
  void passesGrowAtMostLogarithmicallyWithTheAccuracyAskedFor(boolean cluster) {
    int d = 50;
    ObjectiveFunction f = problem(20000, d);
    double[] x0 = StartingPoint.defaultFor(f, SketchSpec.atLeast(20L * d, 4, 1)).x();
    PassCost cost = cluster ? PassCost.cluster(2, 4) : PassCost.local(2, 4);
    long[] passes = new long[2];
    double[] tolerances = {1e-6, 1e-12};
    for (int i = 0; i < 2; i++) {
      FitResult fit = SOLVER.withTolerance(tolerances[i]).minimize(f, x0,
          NewtonCg.forDimension(d, null, 42).withPassCost(cost), IterationListener.NONE);
      assertTrue(fit.converged(), fit.message());
      passes[i] = fit.dataPasses();
    }
    assertTrue(passes[1] - passes[0] <= 2, passes[0] + " passes at 1e-6, " + passes[1] + " at 1e-12");
  }
}
