package dev.hyperreg.core.data;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.api.Test;

class RowBlockBuilderTest {
  /** Random rows: row i has about density·features entries. */
  private static List<double[]> rows(int n, int features, double density, long seed) {
    Random random = new Random(seed);
    List<double[]> rows = new ArrayList<>();
    for (int i = 0; i < n; i++) {
      double[] row = new double[features];
      for (int j = 0; j < features; j++) if (random.nextDouble() < density) row[j] = random.nextGaussian();
      rows.add(row);
    }
    return rows;
  }

  private static void add(RowBlockBuilder builder, long id, double[] row) {
    int[] indices = new int[row.length];
    double[] values = new double[row.length];
    int nnz = 0;
    for (int j = 0; j < row.length; j++) {
      if (row[j] != 0) {
        indices[nnz] = j;
        values[nnz++] = row[j];
      }
    }
    builder.add(id, id * 0.5, Double.NaN, indices, values, nnz);
  }

  /** Every entry of every block against the rows it was made from; the intercept column holds ones. */
  private static void assertBlocksHold(List<RowBlock> blocks, List<double[]> rows, int cols, boolean intercept) {
    int i = 0;
    for (RowBlock block : blocks) {
      assertEquals(cols, block.cols());
      for (int r = 0; r < block.rows(); r++, i++) {
        assertEquals(i, block.rowId(r));
        assertEquals(i * 0.5, block.label(r));
        double[] row = rows.get(i);
        for (int j = 0; j < cols; j++) {
          double expected = intercept && j == cols - 1 ? 1.0 : j < row.length ? row[j] : 0.0;
          assertEquals(expected, block.get(r, j), "row " + i + " column " + j);
        }
      }
    }
    assertEquals(rows.size(), i);
  }

  @ParameterizedTest
  @CsvSource({"0.05, false", "0.05, true", "0.9, false", "0.9, true"})
  void aBuilderOfUnknownWidthMakesTheBlocksOfOneThatKnowsIt(double density, boolean intercept) {
    int features = 30;
    List<double[]> rows = rows(500, features, density, 7);
    RowBlockBuilder learning = RowBlockBuilder.ofUnknownWidth(intercept, 0.1);
    for (int i = 0; i < rows.size(); i++) add(learning, i, rows.get(i));
    int width = learning.width();
    assertTrue(width <= features && width > features - 3);
    List<RowBlock> blocks = learning.buildAll(features + 4);
    assertBlocksHold(blocks, rows, features + 4 + (intercept ? 1 : 0), intercept);
    assertEquals(density > 0.5, blocks.get(0) instanceof DenseRowBlock);
  }

  @ParameterizedTest
  @CsvSource({"0.05, false", "0.05, true", "0.9, false", "0.9, true"})
  void aWidenedBlockHoldsTheSameRowsWithTheInterceptMovedLast(double density, boolean intercept) {
    int features = 12;
    List<double[]> rows = rows(40, features, density, 3);
    RowBlockBuilder builder = RowBlockBuilder.ofUnknownWidth(intercept, 0);
    for (int i = 0; i < rows.size(); i++) add(builder, i, rows.get(i));
    List<RowBlock> narrow = builder.buildAll(features);
    List<RowBlock> wide = new ArrayList<>();
    int cols = features + 9 + (intercept ? 1 : 0);
    for (RowBlock block : narrow) wide.add(block.widened(cols, intercept));
    assertBlocksHold(wide, rows, cols, intercept);
    // and the kernels see the wider design: z = A x with x non-zero only in the new columns and the intercept
    double[] x = new double[cols];
    for (int j = features; j < cols; j++) x[j] = 1;
    double[] z = new double[wide.get(0).rows()];
    wide.get(0).multiply(x, z);
    for (double v : z) assertEquals(intercept ? 1.0 : 0.0, v);
  }

  /** Blocks hold about 8 MiB whatever the width: at d = 10⁵ with 50 entries a row, thousands of rows, not 64. */
  @Test
  void blocksAreSizedByBytesNotByColumns() {
    int d = 100_000;
    RowBlockBuilder builder = new RowBlockBuilder(d, -1, 0);
    Random random = new Random(1);
    int[] indices = new int[50];
    double[] values = new double[50];
    int rowsInFirstBlock = -1;
    for (int i = 0; i < 40_000 && rowsInFirstBlock < 0; i++) {
      for (int k = 0; k < 50; k++) {
        indices[k] = k * 2000 + random.nextInt(2000);
        values[k] = random.nextGaussian();
      }
      builder.add(i, 0, Double.NaN, indices, values, 50);
      if (builder.full()) rowsInFirstBlock = builder.rows();
    }
    // 50 entries · 12 bytes + 20 bytes of id, target and row start per row
    assertEquals(RowBlockBuilder.TARGET_BYTES / (50 * 12 + 20) + 1, rowsInFirstBlock, 1);
    RowBlock block = builder.build();
    assertTrue(block instanceof SparseRowBlock);
    // a dense design of 1000 columns: 8 MiB / (8 kB + 20 B) rows
    RowBlockBuilder dense = new RowBlockBuilder(1000, 999, 0);
    double[] row = new double[999];
    int[] all = new int[999];
    for (int j = 0; j < 999; j++) {
      all[j] = j;
      row[j] = j + 1;
    }
    int n = 0;
    while (!dense.full()) dense.add(n++, 0, Double.NaN, all, row, 999);
    assertEquals(RowBlockBuilder.TARGET_BYTES / (1000 * 8 + 20) + 1, n, 1);
  }
}
