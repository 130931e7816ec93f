package dev.hyperreg.core.data;

import java.io.Serializable;

/**
 * A block of rows of the design A together with their targets b_i and squared regularization
 * weights w_i². Every row carries a stable global row id, so anything hashed or reported by row
 * does not depend on how the rows were partitioned or blocked.
 *
 * <p>Blocks are built once and cached; every pass of a solver reads each block once. The three
 * kernels a pass needs are {@link #multiply} (z = A x), {@link #addTransposeTimes} (A^T C for a few
 * coefficient columns) and {@link #addWeightedGrams} (A^T diag(w_k) A for a few weight columns).
 */
public abstract sealed class RowBlock implements Serializable permits DenseRowBlock, SparseRowBlock {
  private static final long serialVersionUID = 1L;

  protected final long[] rowIds;
  protected final int rows;
  protected final int cols;
  protected final double[] labels;
  /** w_i² per row, or null when every weight is 0. */
  protected final double[] regWeightsSquared;

  protected RowBlock(long[] rowIds, int cols, double[] labels, double[] regWeightsSquared) {
    int rows = rowIds.length;
    if (labels.length != rows) throw new IllegalArgumentException("labels: " + labels.length + " != " + rows);
    if (regWeightsSquared != null && regWeightsSquared.length != rows) {
      throw new IllegalArgumentException("weights: " + regWeightsSquared.length + " != " + rows);
    }
    this.rowIds = rowIds;
    this.rows = rowIds.length;
    this.cols = cols;
    this.labels = labels;
    this.regWeightsSquared = regWeightsSquared;
  }

  /** ‖a_i‖² per row, computed on first use and kept with the cached block (not shipped). */
  private transient double[] rowNormsSquared;

  /** ‖a_i‖² of every row. */
  public double[] rowNormsSquared() {
    if (rowNormsSquared == null) {
      double[] norms = new double[rows];
      computeRowNormsSquared(norms);
      rowNormsSquared = norms;
    }
    return rowNormsSquared;
  }

  protected abstract void computeRowNormsSquared(double[] out);

  /** out[offset + j] += scale·a_ij for every column j. */
  public abstract void addRow(int i, double scale, double[] out, int offset);

  /** The global row id of row i. */
  public long rowId(int i) { return rowIds[i]; }
  public int rows() { return rows; }
  public int cols() { return cols; }
  public double label(int i) { return labels[i]; }
  /** The targets b_i of the block's rows, copied. */
  public double[] labels() { return labels.clone(); }
  /** w_i², 0 when the block has no weights. */
  public double regWeightSquared(int i) { return regWeightsSquared == null ? 0 : regWeightsSquared[i]; }
  public boolean hasRegWeights() { return regWeightsSquared != null; }

  /** Number of stored entries (rows·cols for a dense block). */
  public abstract long storedEntries();

  /** Number of stored entries that are not 0. */
  public abstract long countNonZeros();

  protected static long countNonZeros(double[] storedValues) {
    long count = 0;
    for (double v : storedValues) if (v != 0) count++;
    return count;
  }

  /** z = A x for the block's rows; z has length ≥ rows. */
  public abstract void multiply(double[] x, double[] z);

  /** Z = A X for the cols × count column-major X into the rows × count column-major Z. */
  public abstract void multiply(double[] x, int count, double[] z);

  /**
   * out[offset + k·cols + j] += Σ_i coefs[k·rows + i] · a_ij for k &lt; count: A^T C for the
   * rows × count column-major coefficient matrix C.
   */
  public abstract void addTransposeTimes(double[] coefs, int count, double[] out, int offset);

  /**
   * Adds A^T diag(W_k) A, for the count weight columns W_k = weights[k·rows .. (k+1)·rows), into
   * consecutive column-major cols × cols matrices starting at out[offset]. Only the upper triangle
   * (row ≤ column) is guaranteed; callers mirror it with {@link dev.hyperreg.core.linalg.LinearAlgebra#mirrorUpper}.
   * Weights may be negative.
   */
  public abstract void addWeightedGrams(double[] weights, int count, double[] out, int offset);

  /**
   * out[offset + k·cols + j] += Σ_i weights[k·rows + i]·a_ij² for k &lt; count: the diagonals of
   * A^T diag(W_k) A, for a Jacobi preconditioner where d × d matrices do not fit.
   */
  public abstract void addWeightedSquares(double[] weights, int count, double[] out, int offset);

  /**
   * Adds S·diag(weights)·A to the m × cols <em>row-major</em> matrix at out[offset] (a sketch row's
   * d entries are contiguous, so adding a data row to it is one streaming axpy), for the sketch S
   * restricted to this block's rows: row i, scaled by weights[i], is added with sign·1/√s to its
   * bucket in each of the s slices. Work s·nnz.
   *
   * @param bucket bucket[k·rows + i] from {@link dev.hyperreg.core.sketch.SketchSpec#hash}
   * @param sign the matching signed scales
   */
  public abstract void addSketch(int sketchRows, int nonzeros, int[] bucket, double[] sign, double[] weights,
      double[] out, int offset);

  /**
   * This block as part of a wider design: {@code newCols} columns, the same entries, and — when
   * {@code intercept} — the column of ones moved from this block's last column to the new last one.
   * A loader that learns the design's width only after building a partition's blocks widens the
   * narrower ones; a sparse block without intercept shares its arrays.
   */
  public abstract RowBlock widened(int newCols, boolean intercept);

  /** Entry (i, j), for tests and small tools. */
  public abstract double get(int i, int j);

  /**
   * A copy of this block with every stored entry a_ij replaced by a_ij + entryShift.at(i, j, a_ij) and
   * every target b_i by b_i + labelShift[i] (null: targets unchanged); ids, weights and the stored
   * pattern stay (a sparse block stays sparse: only its stored entries move).
   */
  public abstract RowBlock shifted(EntryShift entryShift, double[] labelShift);

  /**
   * This block with every target b_i replaced by b_i/divisor, sharing its entries (no copy of the
   * matrix): how the Spark ML estimator fits shares b/Σb of a training set whose labels do not sum to 1.
   */
  public abstract RowBlock withLabelsDividedBy(double divisor);

  protected final double[] labelsDividedBy(double divisor) {
    double[] b = new double[rows];
    for (int i = 0; i < rows; i++) b[i] = labels[i] / divisor;
    return b;
  }

  /** The change of entry (i, j) of a block, which holds {@code value}, for {@link #shifted}. */
  @FunctionalInterface
  public interface EntryShift {
    double at(int row, int col, double value);
  }

  protected final double[] shiftedLabels(double[] labelShift) {
    double[] b = labels.clone();
    if (labelShift != null) {
      for (int i = 0; i < rows; i++) b[i] += labelShift[i];
    }
    return b;
  }
}
