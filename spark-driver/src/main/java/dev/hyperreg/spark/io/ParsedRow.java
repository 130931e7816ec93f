package dev.hyperreg.spark.io;

import java.io.Serializable;

/**
 * One input row before blocking: its stable global row id, its target b_i, its own regularization
 * weight w_i (NaN: the job's --reg-weight) and its sparse features (0-based, strictly increasing
 * column indices).
 */
public record ParsedRow(long rowId, double label, double regWeight, int[] indices, double[] values)
    implements Serializable {
  /** A row with the job's regularization weight (NaN: no weight of its own). */
  public ParsedRow(long rowId, double label, int[] indices, double[] values) {
    this(rowId, label, Double.NaN, indices, values);
  }

  public int nnz() { return indices.length; }

  /** The largest column index + 1, or 0 for a row without features. */
  public int width() { return indices.length == 0 ? 0 : indices[indices.length - 1] + 1; }
}
