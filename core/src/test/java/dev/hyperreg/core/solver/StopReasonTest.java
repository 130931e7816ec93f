package dev.hyperreg.core.solver;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.hyperreg.core.Problems;
import dev.hyperreg.core.data.BlockAggregator;
import dev.hyperreg.core.data.DenseRowBlock;
import dev.hyperreg.core.data.InMemoryPassRunner;
import dev.hyperreg.core.data.PassRunner;
import dev.hyperreg.core.data.RowBlock;
import dev.hyperreg.core.objective.Link;
import dev.hyperreg.core.objective.Objective;
import dev.hyperreg.core.objective.ObjectiveFunction;
import dev.hyperreg.core.objective.ObjectiveKind;
import java.io.Serializable;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * Every way a fit can end short of a minimizer ends with its own, unconverged stop reason; and the
 * line search earns its keep. Each problem is built so that its stop is forced.
 */
class StopReasonTest {
  private static final int D = 3;

  /** Plain cosh from a start where the full Newton step raises the loss (found by search, seed 4). */
  private static Problems.Data backtrackingProblem(Objective objective, double[] xStar) {
    return Problems.planted(14, 200, 1.0, 0, objective, xStar, 0.05, 3);
  }

  @Test
  void theLineSearchBacktracksWhereTheFullStepRaisesTheLoss() {
    Objective objective = new Objective(ObjectiveKind.PLAIN, Link.COSH, D, 0, -1);
    double[] xStar = Problems.randomPoint(4, D, 0.7);
    ObjectiveFunction f = backtrackingProblem(objective, xStar).function(objective, false);
    FitResult fit = new NewtonSolver().withTolerance(1e-12).minimize(f, Problems.randomPoint(104, D, 2.0),
        IterationListener.NONE);
    assertTrue(fit.converged(), fit.message());
    assertEquals(0, Problems.relativeError(fit.coefficients(), xStar), 1e-8);
    assertTrue(fit.iterations().stream().anyMatch(r -> r.iteration() > 0 && r.stepSize() < 0.75),
        "some iteration took a shortened step");
    for (int k = 1; k < fit.iterations().size(); k++) {
      double before = fit.iterations().get(k - 1).objectiveValue();
      double after = fit.iterations().get(k).objectiveValue();
      assertTrue(after <= before * (1 + 1e-12), "iteration " + k + " raised the loss: " + before + " → " + after);
    }
  }

  @Test
  void aLineSearchWithoutRoomFailsHonestly() {
    Objective objective = new Objective(ObjectiveKind.PLAIN, Link.COSH, D, 0, -1);
    double[] xStar = Problems.randomPoint(4, D, 0.7);
    ObjectiveFunction f = backtrackingProblem(objective, xStar).function(objective, false);
    FitResult fit = new NewtonSolver().withMaxLineSearchSteps(1).minimize(f, Problems.randomPoint(104, D, 2.0),
        IterationListener.NONE);
    assertEquals(StopReason.LINE_SEARCH_FAILED, fit.stopReason(), fit.message());
    assertFalse(fit.converged());
    assertTrue(fit.message().startsWith("line search failed"), fit.message());
  }

  /**
   * Plain exp with b = 0 on rows that share a column of ones runs off along it (L = ½Σe^{2z} falls
   * by e^{-1} a step, with no minimizer), and one row with a = 0, b = 10⁸ adds 5·10¹⁵ to L: the fall
   * is below L's rounding error and the steps do not shrink.
   */
  @Test
  void stepsThatChangeNothingFarFromAMinimizerAreNoProgress() {
    Problems.Data design = Problems.random(5, 200, D - 1, 1.0, true, 0);
    double[][] rows = new double[201][];
    double[] b = new double[201];
    for (int i = 0; i < 200; i++) rows[i] = design.a[i];
    rows[200] = new double[D];
    b[200] = 1e8;
    Objective objective = new Objective(ObjectiveKind.PLAIN, Link.EXP, D, 0, -1);
    ObjectiveFunction f = new Problems.Data(rows, b, null).function(objective, false);
    FitResult fit = new NewtonSolver().minimize(f, new double[] {1, 1, 1}, IterationListener.NONE);
    assertEquals(StopReason.NO_PROGRESS, fit.stopReason(), fit.message());
    assertFalse(fit.converged());
  }

  /**
   * Passes that do not agree with each other (here one row's target drifts from pass to pass by
   * 10⁻⁵, as data read from a changing source would): next to the minimizer the loss moves by noise
   * and the noisy gradient keeps the steps from shrinking. No decrease is measurable at a step below
   * √tol, but the gradient test fails: the rounding floor, not convergence.
   */
  @Test
  void aFloorWithoutTheGradientTestIsNotConvergence() {
    Objective objective = new Objective(ObjectiveKind.PLAIN, Link.EXP, D, 0, -1);
    double[] xStar = Problems.randomPoint(8, D, 0.5);
    Problems.Data data = Problems.planted(31, 300, 1.0, 0, objective, xStar, 0.05, 2);
    // the drifting row's target is centred on f(x*_0), so x* stays the minimizer on average
    ObjectiveFunction f = new ObjectiveFunction(objective,
        new DriftingRunner(data.blocks(false), Math.exp(xStar[0]), 1e-5));
    double[] x0 = xStar.clone();
    x0[0] += 1e-6;
    FitResult fit = new NewtonSolver().minimize(f, x0, IterationListener.NONE);
    assertEquals(StopReason.ROUNDING_FLOOR, fit.stopReason(), fit.message());
    assertFalse(fit.converged());
  }

  /** The blocks plus one row a = (1, 0, …), b = center + σξ drawn afresh for every pass. */
  private static final class DriftingRunner implements PassRunner {
    private final InMemoryPassRunner rows;
    private final double center;
    private final double sigma;
    private final Random random = new Random(3);
    private long nextId = 1L << 40;

    DriftingRunner(List<RowBlock> blocks, double center, double sigma) {
      this.rows = new InMemoryPassRunner(blocks);
      this.center = center;
      this.sigma = sigma;
    }

    @Override public <A extends Serializable> A aggregate(BlockAggregator<A> aggregator, String description) {
      A acc = rows.aggregate(aggregator, description);
      double[] values = new double[D];
      values[0] = 1;
      RowBlock drifting = new DenseRowBlock(new long[] {nextId++}, D, values,
          new double[] {center + sigma * random.nextGaussian()}, null);
      return aggregator.merge(acc, aggregator.add(aggregator.zero(), drifting));
    }
  }
}
