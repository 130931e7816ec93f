package dev.hyperreg.spark.io;

import dev.hyperreg.core.OverflowException;
import dev.hyperreg.core.data.RowBlock;
import dev.hyperreg.spark.NumericalFailure;
import java.util.List;
import org.apache.spark.api.java.JavaRDD;

/**
 * A dataset as the solvers see it: row blocks plus what was learned while loading them. Row ids
 * encode where a row came from ({@link InputFiles#describe}).
 *
 * @param blocks the blocks every pass reads: the cached ones, or — when some partitions were built
 *     narrower than the whole input — a view widening those on the fly
 * @param cached the blocks held in Spark's storage
 * @param rows number of data rows n
 * @param features number of feature columns (the design has {@link #dim()} columns)
 * @param intercept whether a column of ones was appended as the last column
 * @param nonZeros non-zero feature entries
 * @param input the input files, in row-id order
 * @param denseBlocks how many blocks are dense (the rest are CSR)
 * @param totalBlocks how many blocks in all
 * @param widenedBlocks how many cached blocks are narrower than the design and widened on every pass
 */
public record BlockedData(JavaRDD<RowBlock> blocks, JavaRDD<RowBlock> cached, long rows, int features,
    boolean intercept, long nonZeros, InputFiles input, long denseBlocks, long totalBlocks, long widenedBlocks) {

  public int dim() { return features + (intercept ? 1 : 0); }

  /** −1 or the index of the intercept column. */
  public int interceptColumn() { return intercept ? features : -1; }

  /** The input files, in row-id order. */
  public List<String> files() { return input.paths(); }

  /** "file:line" (text) or "file data row N" (tables) for a row id. */
  public String describeRow(long rowId) { return input.describe(rowId); }

  /** An overflow as a {@link NumericalFailure}, the row it happened at named by file and line (or data row). */
  public NumericalFailure numericalFailure(OverflowException e) {
    return new NumericalFailure(e.getMessage().replace("at row " + e.rowId(),
        "at row " + e.rowId() + " (" + describeRow(e.rowId()) + ")"));
  }

  public void release() { cached.unpersist(false); }
}
