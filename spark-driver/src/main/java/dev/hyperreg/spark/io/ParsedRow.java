package dev.hyperreg.spark.io;

import java.io.Serializable;

/**
 * One input row outside a block (scoring, the paired rows of a shift analysis): its stable global
 * row id, its target b_i, its own regularization weight w_i (NaN: the job's --reg-weight) and its
 * sparse features (0-based, strictly increasing column indices).
 *
 * <p>A plain final class rather than a record: Kryo writes it field by field (registered in
 * HyperregKryoRegistrator), where a record falls back to Java serialization at several times the
 * bytes and time.
 */
public final class ParsedRow implements Serializable {
  private static final long serialVersionUID = 1L;

  private final long rowId;
  private final double label;
  private final double regWeight;
  private final int[] indices;
  private final double[] values;

  public ParsedRow(long rowId, double label, double regWeight, int[] indices, double[] values) {
    this.rowId = rowId;
    this.label = label;
    this.regWeight = regWeight;
    this.indices = indices;
    this.values = values;
  }

  public long rowId() { return rowId; }

  public double label() { return label; }

  public double regWeight() { return regWeight; }

  public int[] indices() { return indices; }

  public double[] values() { return values; }

  public int nnz() { return indices.length; }

  /** The largest column index + 1, or 0 for a row without features. */
  public int width() { return indices.length == 0 ? 0 : indices[indices.length - 1] + 1; }
}
