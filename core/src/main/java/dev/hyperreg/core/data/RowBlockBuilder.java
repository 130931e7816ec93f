package dev.hyperreg.core.data;

import java.util.Arrays;

/**
 * Collects rows (sparse index/value pairs) and turns them into one {@link RowBlock}: dense
 * column-major when at least {@link #DENSE_FRACTION} of the entries are non-zero, CSR otherwise.
 * Dense blocks run their Gram through dgemm at many times the speed of sparse outer products, which
 * pays for the stored zeros from about a quarter full.
 */
public final class RowBlockBuilder {
  public static final double DENSE_FRACTION = 0.25;
  /** Aim for about this many stored entries per dense block (8 MiB of doubles). */
  static final long TARGET_ENTRIES = 1L << 20;

  private final int cols;
  private final int interceptColumn;
  private final double regWeightSquared;
  private long[] rowIds = new long[16];
  private double[] labels = new double[16];
  /** w_i² per row when some row has its own weight, else null (every row has regWeightSquared). */
  private double[] rowWeightsSquared;
  private int[] rowStart = new int[17];
  private int[] colIndex = new int[64];
  private double[] values = new double[64];
  private int rows;

  /**
   * @param cols columns of the block (features plus the intercept column, if any)
   * @param interceptColumn where to put a constant 1 in every row, or −1
   * @param regWeight w for every row (0: no regularization weights)
   */
  public RowBlockBuilder(int cols, int interceptColumn, double regWeight) {
    this.cols = cols;
    this.interceptColumn = interceptColumn;
    this.regWeightSquared = regWeight * regWeight;
  }

  /** Rows per block for a design with the given number of columns: about 1 Mi entries, 64 to 16 Ki rows. */
  public static int rowsPerBlock(int cols) {
    return (int) Math.max(64, Math.min(16384, TARGET_ENTRIES / Math.max(1, cols)));
  }

  public int rows() { return rows; }

  /** Adds a row with the builder's weight; indices are 0-based, strictly increasing and below the intercept column. */
  public void add(long rowId, double label, int[] indices, double[] rowValues) {
    add(rowId, label, Double.NaN, indices, rowValues);
  }

  /** Adds a row with its own regularization weight w_i (NaN: the builder's weight). */
  public void add(long rowId, double label, double regWeight, int[] indices, double[] rowValues) {
    if (rows == rowIds.length) {
      rowIds = Arrays.copyOf(rowIds, 2 * rows);
      labels = Arrays.copyOf(labels, 2 * rows);
      rowStart = Arrays.copyOf(rowStart, 2 * rows + 1);
      if (rowWeightsSquared != null) rowWeightsSquared = Arrays.copyOf(rowWeightsSquared, 2 * rows);
    }
    if (!Double.isNaN(regWeight) && rowWeightsSquared == null) {
      rowWeightsSquared = new double[rowIds.length];
      Arrays.fill(rowWeightsSquared, 0, rows, regWeightSquared);
    }
    if (rowWeightsSquared != null) {
      rowWeightsSquared[rows] = Double.isNaN(regWeight) ? regWeightSquared : regWeight * regWeight;
    }
    int start = rowStart[rows];
    int needed = start + indices.length + 1;
    if (needed > colIndex.length) {
      int size = Math.max(needed, 2 * colIndex.length);
      colIndex = Arrays.copyOf(colIndex, size);
      values = Arrays.copyOf(values, size);
    }
    int p = start;
    for (int k = 0; k < indices.length; k++) {
      if (indices[k] >= cols || indices[k] == interceptColumn) {
        throw new IllegalArgumentException("column " + indices[k] + " outside the design of " + cols);
      }
      colIndex[p] = indices[k];
      values[p++] = rowValues[k];
    }
    if (interceptColumn >= 0) {
      colIndex[p] = interceptColumn;
      values[p++] = 1.0;
    }
    rowIds[rows] = rowId;
    labels[rows] = label;
    rowStart[++rows] = p;
  }

  /** The block of the rows added so far; the builder is then empty again. */
  public RowBlock build() {
    int nnz = rowStart[rows];
    long[] ids = Arrays.copyOf(rowIds, rows);
    double[] b = Arrays.copyOf(labels, rows);
    double[] w2 = null;
    if (rowWeightsSquared != null) {
      w2 = Arrays.copyOf(rowWeightsSquared, rows);
      if (Arrays.stream(w2).allMatch(v -> v == 0)) w2 = null;
    } else if (regWeightSquared > 0) {
      w2 = new double[rows];
      Arrays.fill(w2, regWeightSquared);
    }
    RowBlock block;
    if (rows > 0 && nnz >= DENSE_FRACTION * rows * (double) cols) {
      double[] dense = new double[rows * cols];
      for (int i = 0; i < rows; i++) {
        for (int p = rowStart[i]; p < rowStart[i + 1]; p++) dense[colIndex[p] * rows + i] = values[p];
      }
      block = new DenseRowBlock(ids, cols, dense, b, w2);
    } else {
      block = new SparseRowBlock(ids, cols, Arrays.copyOf(rowStart, rows + 1), Arrays.copyOf(colIndex, nnz),
          Arrays.copyOf(values, nnz), b, w2);
    }
    rows = 0;
    rowWeightsSquared = null;
    return block;
  }
}
