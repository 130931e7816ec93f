package dev.hyperreg.core.solver;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.hyperreg.core.Problems;
import dev.hyperreg.core.objective.DataShape;
import dev.hyperreg.core.objective.Link;
import dev.hyperreg.core.objective.Objective;
import dev.hyperreg.core.objective.ObjectiveFunction;
import dev.hyperreg.core.objective.ObjectiveKind;
import org.junit.jupiter.api.Test;

/** The pass cost model's arithmetic, and the data shape the passes measure for it. */
class PassCostTest {
  @Test
  void passesMeasureRowsEntriesAndTheGramsWork() {
    int n = 300, d = 5;
    Objective objective = new Objective(ObjectiveKind.RESCALED, Link.EXP, d, 0, -1);
    Problems.Data data = Problems.random(3, n, d, 0.5, false, 0.01);
    ObjectiveFunction dense = data.function(objective, false);
    dense.evaluate(new double[d], false, "test");
    // dense blocks: every entry stored, each row's outer product d² multiply-adds
    assertEquals(new DataShape(n, n * d, (double) n * d * d), dense.dataShape());
    ObjectiveFunction sparse = data.function(objective, true);
    sparse.evaluate(new double[d], false, "test");
    long nonZeros = 0;
    for (double[] row : data.a) for (double v : row) if (v != 0) nonZeros++;
    assertEquals(nonZeros, sparse.dataShape().storedEntries(), 0);
    // Σ over blocks of nnz_b²/rows_b lies between (Σ nnz)²/n (Cauchy–Schwarz) and Σᵢ kᵢ² ≤ n·d²
    assertTrue(sparse.dataShape().gramWork() >= (double) nonZeros * nonZeros / n * (1 - 1e-12));
    assertTrue(sparse.dataShape().gramWork() <= (double) n * d * d);
  }

  @Test
  void secondsFollowTheStatedFormula() {
    int n = 40_000, d = 200, p = 16;
    DataShape dense = new DataShape(n, (double) n * d, (double) n * d * d);
    PassCost cost = new PassCost(0.3, 0.01, 2, p);
    double vector = 0.3 + p * 0.01 + n * (double) d / (PassCost.STREAM_RATE * 2) + p * 8.0 * d / PassCost.RESULT_RATE;
    double exact = vector + n * (double) d * d / (PassCost.GRAM_RATE * 2) + p * 8.0 * d * (d + 1) / 2 / PassCost.RESULT_RATE;
    assertEquals(vector, cost.vectorPassSeconds(dense, d), 1e-12);
    assertEquals(exact, cost.exactPassSeconds(dense, d), 1e-12);
    double worth = exact / vector - 1; // the d-vector passes one exact pass is worth
    assertTrue(cost.exactPassPays(dense, d, Math.ceil(worth)));
    assertFalse(cost.exactPassPays(dense, d, Math.floor(worth)));
  }

  /** Latency makes exact passes pay: the same data, free passes against a cluster's. */
  @Test
  void aPassLatencyMakesTheExactHessianWorthMorePasses() {
    int n = 200_000, d = 400;
    DataShape dense = new DataShape(n, (double) n * d, (double) n * d * d);
    assertFalse(new PassCost(0, 0, 2, 16).exactPassPays(dense, d, NewtonCg.EARLY_PRODUCTS));
    assertTrue(new PassCost(5, 0, 2, 16).exactPassPays(dense, d, NewtonCg.EARLY_PRODUCTS));
  }
}
