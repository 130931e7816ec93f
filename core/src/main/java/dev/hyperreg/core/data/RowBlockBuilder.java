package dev.hyperreg.core.data;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * Collects rows (sparse index/value pairs) and turns them into {@link RowBlock}s: dense
 * column-major when at least {@link #DENSE_FRACTION} of the entries are non-zero, CSR otherwise.
 * Dense blocks run their Gram through dgemm at many times the speed of sparse outer products, which
 * pays for the stored zeros from about a quarter full.
 *
 * <p>Blocks are sized by the bytes they will hold ({@link #full}), not by a row count: a row count
 * chosen from the column count gives a sparse design with d = 10⁵ blocks of a few dozen rows.
 *
 * <p>A builder either knows the design's width up front ({@link #RowBlockBuilder(int, int, double)})
 * or learns it from the rows ({@link #ofUnknownWidth}): then {@link #buildAll} cuts the rows held
 * into blocks as wide as asked (at least the widest row seen). The intercept's column of ones is
 * added when a block is built, as the last column.
 */
public final class RowBlockBuilder {
  public static final double DENSE_FRACTION = 0.25;
  /** A block is full when it would hold this many bytes (8 MiB): big enough for BLAS, small enough to spill. */
  static final long TARGET_BYTES = 8L << 20;
  /** Per-row bytes besides the entries: id, target, CSR row start. */
  private static final int ROW_OVERHEAD_BYTES = 8 + 8 + 4;

  /** Columns of the design including the intercept, or −1 while the width is learned from the rows. */
  private final int cols;
  private final boolean intercept;
  private final double regWeightSquared;
  private long[] rowIds = new long[16];
  private double[] labels = new double[16];
  /** w_i² per row when some row has its own weight, else null (every row has regWeightSquared). */
  private double[] rowWeightsSquared;
  private int[] rowStart = new int[17];
  private int[] colIndex = new int[64];
  private double[] values = new double[64];
  private int rows;
  /** The largest feature index + 1 among the rows held. */
  private int width;

  /**
   * @param cols columns of the block (features plus the intercept column, if any)
   * @param interceptColumn −1, or cols − 1: the column of ones (the intercept is always the last column)
   * @param regWeight w for every row (0: no regularization weights)
   */
  public RowBlockBuilder(int cols, int interceptColumn, double regWeight) {
    if (interceptColumn != -1 && interceptColumn != cols - 1) {
      throw new IllegalArgumentException("the intercept column must be the last, " + (cols - 1) + ", not " + interceptColumn);
    }
    this.cols = cols;
    this.intercept = interceptColumn >= 0;
    this.regWeightSquared = regWeight * regWeight;
  }

  private RowBlockBuilder(boolean intercept, double regWeight) {
    this.cols = -1;
    this.intercept = intercept;
    this.regWeightSquared = regWeight * regWeight;
  }

  /** A builder that learns the width from its rows; only {@link #buildAll} makes its blocks. */
  public static RowBlockBuilder ofUnknownWidth(boolean intercept, double regWeight) {
    return new RowBlockBuilder(intercept, regWeight);
  }

  public int rows() { return rows; }

  /** The largest feature index + 1 among the rows held (0 when none has a feature). */
  public int width() { return width; }

  /** Adds a row with the builder's weight; indices are 0-based, strictly increasing and below the intercept column. */
  public void add(long rowId, double label, int[] indices, double[] rowValues) {
    add(rowId, label, Double.NaN, indices, rowValues, indices.length);
  }

  /** Adds a row with its own regularization weight w_i (NaN: the builder's weight). */
  public void add(long rowId, double label, double regWeight, int[] indices, double[] rowValues) {
    add(rowId, label, regWeight, indices, rowValues, indices.length);
  }

  /** Adds a row whose features are the first {@code nnz} entries of indices and rowValues (scratch arrays may be reused). */
  public void add(long rowId, double label, double regWeight, int[] indices, double[] rowValues, int nnz) {
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
    int needed = start + nnz;
    if (needed > colIndex.length) {
      int size = (int) Math.min(Integer.MAX_VALUE - 8, Math.max(needed, 2L * colIndex.length));
      colIndex = Arrays.copyOf(colIndex, size);
      values = Arrays.copyOf(values, size);
    }
    int features = cols < 0 ? Integer.MAX_VALUE : cols - (intercept ? 1 : 0);
    for (int k = 0; k < nnz; k++) {
      if (indices[k] >= features || indices[k] < 0) {
        throw new IllegalArgumentException("column " + indices[k] + " outside the design of " + cols);
      }
    }
    System.arraycopy(indices, 0, colIndex, start, nnz);
    System.arraycopy(rowValues, 0, values, start, nnz);
    if (nnz > 0) width = Math.max(width, indices[nnz - 1] + 1);
    rowIds[rows] = rowId;
    labels[rows] = label;
    rowStart[++rows] = start + nnz;
  }

  /**
   * Whether the rows held would make a block of at least {@link #TARGET_BYTES} (for a builder of
   * unknown width: as wide as its widest row so far): the loaders start a new block then.
   */
  public boolean full() {
    return bytes(0, rows, cols >= 0 ? cols : width + (intercept ? 1 : 0)) >= TARGET_BYTES;
  }

  /** The bytes rows [from, to) would take as one block of the given width. */
  private long bytes(int from, int to, int blockCols) {
    long n = to - from;
    long entries = rowStart[to] - rowStart[from] + (intercept ? n : 0);
    boolean dense = n > 0 && entries >= DENSE_FRACTION * n * (double) blockCols;
    return n * ROW_OVERHEAD_BYTES + (dense ? n * blockCols * 8L : entries * 12L);
  }

  /** The block of the rows added so far; the builder is then empty again. Only for a builder of known width. */
  public RowBlock build() {
    if (cols < 0) throw new IllegalStateException("a builder of unknown width makes its blocks with buildAll");
    RowBlock block = build(0, rows, cols);
    clear();
    return block;
  }

  /**
   * Every row held, cut into blocks of about {@link #TARGET_BYTES}, each {@code features} wide
   * (plus the intercept column); the builder is then empty again.
   *
   * @param features at least {@link #width()}
   */
  public List<RowBlock> buildAll(int features) {
    if (features < width) throw new IllegalArgumentException("width " + features + " < widest row " + width);
    int blockCols = features + (intercept ? 1 : 0);
    List<RowBlock> blocks = new ArrayList<>();
    int from = 0;
    while (from < rows) {
      int to = from + 1;
      while (to < rows && bytes(from, to + 1, blockCols) < TARGET_BYTES) to++;
      blocks.add(build(from, to, blockCols));
      from = to;
    }
    clear();
    return blocks;
  }

  private void clear() {
    rows = 0;
    width = 0;
    rowWeightsSquared = null;
  }

  /** Rows [from, to) as one block of blockCols columns, the last being the intercept's if there is one. */
  private RowBlock build(int from, int to, int blockCols) {
    int n = to - from;
    int base = rowStart[from];
    int featureEntries = rowStart[to] - base;
    long[] ids = Arrays.copyOfRange(rowIds, from, to);
    double[] b = Arrays.copyOfRange(labels, from, to);
    double[] w2 = null;
    if (rowWeightsSquared != null) {
      w2 = Arrays.copyOfRange(rowWeightsSquared, from, to);
      if (Arrays.stream(w2).allMatch(v -> v == 0)) w2 = null;
    } else if (regWeightSquared > 0) {
      w2 = new double[n];
      Arrays.fill(w2, regWeightSquared);
    }
    int interceptColumn = intercept ? blockCols - 1 : -1;
    long entries = featureEntries + (intercept ? n : 0L);
    if (n > 0 && entries >= DENSE_FRACTION * n * (double) blockCols) {
      double[] dense = new double[Math.multiplyExact(n, blockCols)];
      for (int i = 0; i < n; i++) {
        for (int p = rowStart[from + i]; p < rowStart[from + i + 1]; p++) dense[colIndex[p] * n + i] = values[p];
        if (intercept) dense[interceptColumn * n + i] = 1.0;
      }
      return new DenseRowBlock(ids, blockCols, dense, b, w2);
    }
    int[] start = new int[n + 1];
    int[] index = new int[(int) entries];
    double[] value = new double[(int) entries];
    int q = 0;
    for (int i = 0; i < n; i++) {
      start[i] = q;
      int p0 = rowStart[from + i];
      int len = rowStart[from + i + 1] - p0;
      System.arraycopy(colIndex, p0, index, q, len);
      System.arraycopy(values, p0, value, q, len);
      q += len;
      if (intercept) {
        index[q] = interceptColumn;
        value[q++] = 1.0;
      }
    }
    start[n] = q;
    return new SparseRowBlock(ids, blockCols, start, index, value, b, w2);
  }
}
