package dev.hyperreg.core.sketch;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.hyperreg.core.Problems;
import dev.hyperreg.core.data.RowBlock;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The normalized row sample (Newton–CG's preconditioner): what the tasks ship together stays about
 * m rows however many tasks there are, and the estimate of Aᵀdiag(D)A stays unbiased.
 */
class RowSamplingTest {
  private static final int ROWS = 4000, D = 8, TASKS = 40, BUDGET = 200;

  /** One "task" per block of 100 rows; D_i = 1 + (i mod 3) (so AᵀDA, not AᵀA). */
  private static final Problems.Data DATA = Problems.random(3, ROWS, D, 1.0, false, 0);
  private static final List<RowBlock> BLOCKS = blocks();

  private static List<RowBlock> blocks() {
    List<RowBlock> blocks = new ArrayList<>();
    for (int t = 0; t < TASKS; t++) blocks.add(DATA.denseBlock(t * (ROWS / TASKS), ROWS / TASKS));
    return blocks;
  }

  private static double[] diagonal(RowBlock block) {
    double[] w = new double[block.rows()];
    for (int i = 0; i < w.length; i++) w[i] = 1 + block.rowId(i) % 3;
    return w;
  }

  private record Sampled(double[] gram, int shipped) {}

  /** Each task samples its block; the driver merges: the Gram, and the rows the tasks shipped. */
  private static Sampled sample(RowSampling sampling) {
    PrioritySample merged = null;
    int shipped = 0;
    for (RowBlock block : BLOCKS) {
      PrioritySample task = new PrioritySample(sampling.size(), D, sampling.floor());
      sampling.addRows(block, diagonal(block), task);
      shipped += task.keptRows();
      if (merged == null) merged = task;
      else merged.merge(task);
    }
    return new Sampled(merged.gram(), shipped);
  }

  private static RowSampling normalized(long seed) {
    RowSampling scores = RowSampling.fromFactor(null, D, ROWS, new double[] {0}, 0, seed);
    double total = 0;
    for (RowBlock block : BLOCKS) {
      PrioritySample sums = new PrioritySample(0, D);
      scores.addRows(block, diagonal(block), sums);
      total += sums.leverageSum();
    }
    return scores.withBudget(BUDGET).withScoreTotal(total);
  }

  @Test
  void theTasksShipAboutTheBudgetInAllNotTheBudgetEach() {
    Sampled floored = sample(normalized(11));
    Sampled plain = sample(RowSampling.fromFactor(null, D, ROWS, new double[] {0}, BUDGET, 11));
    assertTrue(floored.shipped() <= 1.3 * BUDGET, floored.shipped() + " rows shipped for a budget of " + BUDGET);
    assertEquals(ROWS, plain.shipped(), "without the floor every task ships its top m + 1: here all its rows");
  }

  /** The mean of 300 normalized samples is within 4 standard errors of Aᵀdiag(D)A. */
  @Test
  void theNormalizedSampleIsUnbiased() {
    double[] exact = new double[D * D];
    for (int i = 0; i < ROWS; i++) {
      for (int j = 0; j < D; j++) {
        for (int k = 0; k < D; k++) exact[j * D + k] += (1 + i % 3) * DATA.a[i][j] * DATA.a[i][k];
      }
    }
    Problems.assertUnbiased(exact, 300, r -> sample(normalized(1000 + r)).gram());
  }
}
