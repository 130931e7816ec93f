package dev.hyperreg.spark.io;

import dev.hyperreg.core.OverflowException;
import dev.hyperreg.core.data.RowBlock;
import dev.hyperreg.spark.NumericalFailure;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
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

  /** "at row N": how an {@link OverflowException}, a line search's note and its stop message name a row. */
  private static final Pattern ROW = Pattern.compile("at row (\\d+)");

  /** The text with each "at row N" followed by the row's file and line: "at row 200 (data.libsvm:201)". */
  public String nameRows(String text) {
    if (text == null) return null;
    Matcher m = ROW.matcher(text);
    StringBuilder named = new StringBuilder();
    while (m.find()) {
      m.appendReplacement(named, Matcher.quoteReplacement(m.group() + " (" + describeRow(Long.parseLong(m.group(1))) + ")"));
    }
    m.appendTail(named);
    return named.toString();
  }

  /** An overflow as a {@link NumericalFailure}, the row it happened at named by file and line (or data row). */
  public NumericalFailure numericalFailure(OverflowException e) { return new NumericalFailure(nameRows(e.getMessage())); }

  public void release() { cached.unpersist(false); }
}
