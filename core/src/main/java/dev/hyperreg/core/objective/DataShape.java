package dev.hyperreg.core.objective;

import java.io.Serializable;

/**
 * What a pass over the data reads, for the cost of passes ({@code PassCost}): the rows, the entries
 * the blocks store (every entry of a dense block, the non-zeros of a sparse one) and the
 * multiply-adds of the exact Hessian's row products, Σ over blocks of entries²/rows — n·d² for
 * dense data, about Σᵢ kᵢ² (kᵢ the non-zeros of row i) for sparse.
 */
public record DataShape(long rows, double storedEntries, double gramWork) implements Serializable {
  /** The exact Hessian's multiply-adds for a block of {@code rows} rows storing {@code entries}: entries²/rows. */
  public static double gramWork(long entries, int rows) {
    return rows == 0 ? 0 : (double) entries * entries / rows;
  }
}
