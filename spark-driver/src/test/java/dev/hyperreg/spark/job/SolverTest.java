package dev.hyperreg.spark.job;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.hyperreg.core.data.RowBlock;
import dev.hyperreg.core.data.RowBlockBuilder;
import dev.hyperreg.core.objective.Link;
import dev.hyperreg.core.objective.Objective;
import dev.hyperreg.core.objective.ObjectiveKind;
import dev.hyperreg.core.solver.IterationListener;
import dev.hyperreg.spark.SparkTestSession;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.api.java.JavaSparkContext;
import org.junit.jupiter.api.Test;

/** What each solver tells the fit before it runs, against the README's figures, and that each one fits. */
class SolverTest {

  /** The names the README and --help list, in that order; a wrong one is refused naming them all. */
  @Test
  void namesAreTheOptionValues() {
    assertEquals(List.of("sketch", "sample", "newton-cg", "exact", "lbfgs"), Solver.labels());
    for (String name : Solver.labels()) assertEquals(name, Solver.named(name).label());
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> Solver.named("newton"));
    assertTrue(e.getMessage().contains("sketch, sample, newton-cg, exact, lbfgs"), e.getMessage());
  }

  /** README: newton-cg and lbfgs fit any d, matrix-free; only the sketch and the sample grow. */
  @Test
  void whichRunMatrixFreeAndWhichGrow() {
    for (Solver s : Solver.values()) {
      boolean matrixFree = s == Solver.NEWTON_CG || s == Solver.LBFGS;
      assertEquals(matrixFree, s.canRunMatrixFree(), s.label());
      assertEquals(s == Solver.SKETCH || s == Solver.SAMPLE, s.growsItsSketch(), s.label());
    }
  }

  /**
   * The README's memory table: a sketch of m = 20d rows and its m/8 heavy rows is 180·d² bytes,
   * growing 8×, plus the regularizer's Gram (8·d²); the exact Hessian's pieces are four d × d
   * matrices (32·d²) per task; the exact start two Grams.
   */
  @Test
  void largestPassResultsAreTheDocumentedSizes() {
    int d = 100;
    double dSquared = (double) d * d;
    assertEquals((8 * 180 + 8) * dSquared, Solver.SKETCH.largestPassResultBytes(d, null, false, 1), 1e-6);
    assertEquals(3 * 32 * dSquared, Solver.EXACT.largestPassResultBytes(d, null, true, 3), 1e-6);
    assertEquals(3 * 32 * dSquared, Solver.LBFGS.largestPassResultBytes(d, null, false, 3), 1e-6);
    // the sample: 8 × 20d rows plus one, of d doubles
    assertEquals((8 * 20 * d + 1) * 8.0 * d, Solver.SAMPLE.largestPassResultBytes(d, null, false, 1), 1e-6);
    // newton-cg: its row sample, m = 20d rows of d doubles in all (1.5·m allowed) however many tasks
    assertEquals(1.5 * 20 * d * 8.0 * d, Solver.NEWTON_CG.largestPassResultBytes(d, null, true, 4), 1e-6);
    assertEquals(1.5 * 20 * d * 8.0 * d, Solver.NEWTON_CG.largestPassResultBytes(d, null, true, 64), 1e-6);
  }

  /** README: "exact pass", "lobpcg", or "none" for exact, whose last pass has the Hessian. */
  @Test
  void certificateLabels() {
    Solver.Plan dense = new Solver.Plan(false, true, 0, null);
    Solver.Plan sparse = new Solver.Plan(false, false, 0, null);
    Solver.Plan free = new Solver.Plan(true, false, 0, null);
    assertEquals("none", Solver.EXACT.certificate(dense));
    assertEquals("exact pass", Solver.NEWTON_CG.certificate(dense));
    assertEquals("lobpcg", Solver.NEWTON_CG.certificate(sparse));
    assertEquals("lobpcg", Solver.NEWTON_CG.certificate(free));
    assertEquals("exact pass", Solver.LBFGS.certificate(dense));
    assertEquals("lobpcg", Solver.LBFGS.certificate(free));
    assertEquals("exact pass", Solver.SKETCH.certificate(sparse));
  }

  /** The exact solver holds ten d × d matrices and nothing per row; newton-cg 4 d-vectors per sampled row. */
  @Test
  void driverMatrices() {
    assertEquals(10, DriverLimits.driverMatrices(Solver.EXACT, null, 50), 0);
    assertEquals(10, DriverLimits.driverMatrices(Solver.LBFGS, null, 50), 0);
    assertEquals(10 + 4 * 20, DriverLimits.driverMatrices(Solver.NEWTON_CG, null, 50), 1e-12);
    assertFalse(DriverLimits.matrixFree(Solver.EXACT, 50_000, null, 1L << 40));
  }

  /**
   * Every solver, through the one fit path, reaches the exact solver's answer on planted data; the
   * Newton solvers certify it (L-BFGS's line search may end it before its own test, README).
   */
  @Test
  void everySolverReachesTheSameAnswer() {
    JavaSparkContext jsc = SparkTestSession.context();
    int d = 8;
    int n = 4000;
    PlantedData planted = PlantedData.draw(new SplittableRandom(11), d, 1, 0.5);
    List<RowBlock> blocks = new ArrayList<>();
    RowBlockBuilder builder = new RowBlockBuilder(d, -1, 0.01);
    int[] idx = new int[d];
    double[] val = new double[d];
    for (int i = 0; i < n; i++) {
      SplittableRandom rnd = new SplittableRandom(1000 + i);
      int k = planted.drawRow(rnd, idx, val);
      double b = PlantedData.rowTarget(ObjectiveKind.RESCALED, Link.EXP, planted.margin(idx, val, k), 0.05, rnd, n);
      builder.add(i, b, Double.NaN, idx, val, k);
      if (builder.full()) blocks.add(builder.build());
    }
    if (builder.rows() > 0) blocks.add(builder.build());
    JavaRDD<RowBlock> rdd = jsc.parallelize(blocks, 3).cache();
    Objective objective = new Objective(ObjectiveKind.RESCALED, Link.EXP, d, 0, -1);
    double[] reference = null;
    for (Solver s : List.of(Solver.EXACT, Solver.SKETCH, Solver.SAMPLE, Solver.NEWTON_CG, Solver.LBFGS)) {
      SolverSettings settings = new SolverSettings(s, null, 3, 500, 1e-12, s == Solver.LBFGS ? 1e-10 : 0, 0);
      FitJob.Fitted fitted = FitJob.fitBlocks(jsc, rdd, objective, settings, null, "solver-test", IterationListener.NONE);
      if (s != Solver.LBFGS) assertTrue(fitted.fit().converged(), s.label() + ": " + fitted.fit().message());
      double[] x = fitted.fit().coefficients();
      if (reference == null) reference = x;
      double diff = 0;
      double size = 0;
      for (int j = 0; j < d; j++) {
        diff += (x[j] - reference[j]) * (x[j] - reference[j]);
        size += reference[j] * reference[j];
      }
      assertTrue(Math.sqrt(diff / size) < 1e-5, s.label() + " is " + Math.sqrt(diff / size) + " from exact's answer");
    }
    rdd.unpersist();
  }
}
