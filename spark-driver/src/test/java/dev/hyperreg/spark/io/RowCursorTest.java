package dev.hyperreg.spark.io;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.hyperreg.core.data.RowBlock;
import java.util.List;
import org.junit.jupiter.api.Test;

/** A partition's blocks when the width is learned: every block as wide as the partition's widest row. */
class RowCursorTest {
  /** Row i has one feature, in column i mod 3 — until the last row, which reaches column 7. */
  private static RowCursor rows(int n) {
    return new RowCursor() {
      private int i = -1;

      @Override boolean next() {
        if (++i == n) return false;
        startRow(i);
        label = i;
        addFeature(i == n - 1 ? 7 : i % 3, i + 0.5);
        return true;
      }
    };
  }

  @Test
  void earlierNarrowerBlocksOfAPartitionAreWidenedToItsWidestRow() {
    int n = 700_000; // 32 bytes a row: about three blocks of 8 MiB
    List<RowBlock> blocks = rows(n).blocks(0, true, 0.1);
    assertTrue(blocks.size() >= 3, "blocks: " + blocks.size());
    int i = 0;
    for (RowBlock block : blocks) {
      assertEquals(9, block.cols(), "8 features and the intercept");
      for (int r = 0; r < block.rows(); r++, i++) {
        assertEquals(i, block.rowId(r));
        int column = i == n - 1 ? 7 : i % 3;
        for (int j = 0; j < 8; j++) assertEquals(j == column ? i + 0.5 : 0, block.get(r, j), "row " + i + " column " + j);
        assertEquals(1.0, block.get(r, 8), "intercept of row " + i);
      }
    }
    assertEquals(n, i);
  }
}
