package dev.hyperreg.spark.io;

import dev.hyperreg.core.OverflowException;
import dev.hyperreg.core.data.RowBlock;
import dev.hyperreg.spark.NumericalFailure;
import java.util.List;
import org.apache.spark.api.java.JavaRDD;

/**
 * A dataset as the solvers see it: cached row blocks plus what was learned while loading them.
 * Row ids encode where a row came from ({@link #describeRow}).
 *
 * @param blocks the cached blocks
 * @param rows number of data rows n
 * @param features number of feature columns (the design has {@link #dim()} columns)
 * @param intercept whether a column of ones was appended as the last column
 * @param nonZeros stored feature entries
 * @param files the input files, in row-id order
 * @param denseBlocks how many blocks are dense (the rest are CSR)
 * @param totalBlocks how many blocks in all
 * @param lineNumbered whether the position in a row id is a line of a text file (LIBSVM) or the
 *     position among a file's data rows (CSV, Parquet)
 */
public record BlockedData(JavaRDD<RowBlock> blocks, long rows, int features, boolean intercept, long nonZeros,
    List<String> files, long denseBlocks, long totalBlocks, boolean lineNumbered) {

  /** Row ids are fileIndex·2⁴⁰ + (line − 1). */
  static final int FILE_SHIFT = 40;

  static long rowId(int fileIndex, long lineIndex) { return ((long) fileIndex << FILE_SHIFT) | lineIndex; }

  public int dim() { return features + (intercept ? 1 : 0); }

  /** −1 or the index of the intercept column. */
  public int interceptColumn() { return intercept ? features : -1; }

  /** "file:line" for a row id. */
  public String describeRow(long rowId) { return describeRow(files, rowId, lineNumbered); }

  /** "file:line" (LIBSVM) or "file data row N" (CSV, Parquet, a DataFrame) for a row id. */
  public static String describeRow(List<String> files, long rowId, boolean lineNumbered) {
    if (lineNumbered) return describeRow(files, rowId);
    int file = (int) (rowId >>> FILE_SHIFT);
    long row = (rowId & ((1L << FILE_SHIFT) - 1)) + 1;
    return (file < files.size() ? files.get(file) : "file #" + file) + " data row " + row;
  }

  static String describeRow(List<String> files, long rowId) {
    int file = (int) (rowId >>> FILE_SHIFT);
    long line = (rowId & ((1L << FILE_SHIFT) - 1)) + 1;
    return (file < files.size() ? files.get(file) : "file #" + file) + ":" + line;
  }

  /** An overflow as a {@link NumericalFailure}, the row it happened at named by file and line (or data row). */
  public NumericalFailure numericalFailure(OverflowException e) {
    return new NumericalFailure(e.getMessage().replace("at row " + e.rowId(),
        "at row " + e.rowId() + " (" + describeRow(e.rowId()) + ")"));
  }

  public void release() { blocks.unpersist(false); }
}
