package dev.hyperreg.core.data;

/**
 * Rows stored in compressed sparse row form (column indices strictly increasing within a row).
 * A^T diag(W) A is accumulated by sparse outer products, Σ_i nnz(a_i)² work, never densified.
 */
public final class SparseRowBlock extends RowBlock {
  private static final long serialVersionUID = 1L;

  private final int[] rowStart;
  private final int[] colIndex;
  private final double[] values;

  /** @param rowStart length rows + 1; row i holds entries rowStart[i] .. rowStart[i+1] − 1 */
  public SparseRowBlock(long[] rowIds, int cols, int[] rowStart, int[] colIndex,
      double[] values, double[] labels, double[] regWeightsSquared) {
    super(rowIds, cols, labels, regWeightsSquared);
    if (rowStart.length != rows + 1 || colIndex.length != values.length
        || rowStart[rows] != values.length) {
      throw new IllegalArgumentException("inconsistent CSR arrays");
    }
    this.rowStart = rowStart;
    this.colIndex = colIndex;
    this.values = values;
  }

  @Override public long storedEntries() { return values.length; }

  @Override public double get(int i, int j) {
    for (int p = rowStart[i]; p < rowStart[i + 1]; p++) {
      if (colIndex[p] == j) return values[p];
    }
    return 0;
  }

  @Override public long countNonZeros() { return countNonZeros(values); }

  @Override public RowBlock widened(int newCols, boolean intercept) {
    if (newCols < cols) throw new IllegalArgumentException("cannot narrow " + cols + " columns to " + newCols);
    int[] index = colIndex;
    if (intercept && newCols != cols) {
      index = colIndex.clone();
      for (int p = 0; p < index.length; p++) {
        if (index[p] == cols - 1) index[p] = newCols - 1;
      }
    }
    return new SparseRowBlock(rowIds, newCols, rowStart, index, values, labels, regWeightsSquared);
  }

  @Override public RowBlock withLabelsDividedBy(double divisor) {
    return new SparseRowBlock(rowIds, cols, rowStart, colIndex, values, labelsDividedBy(divisor), regWeightsSquared);
  }

  @Override public RowBlock shifted(EntryShift entryShift, double[] labelShift) {
    double[] moved = values.clone();
    for (int i = 0; i < rows; i++) {
      for (int p = rowStart[i]; p < rowStart[i + 1]; p++) moved[p] += entryShift.at(i, colIndex[p], values[p]);
    }
    return new SparseRowBlock(rowIds, cols, rowStart, colIndex, moved, shiftedLabels(labelShift), regWeightsSquared);
  }

  @Override public void multiply(double[] x, double[] z) {
    for (int i = 0; i < rows; i++) {
      double s = 0;
      for (int p = rowStart[i]; p < rowStart[i + 1]; p++) s += values[p] * x[colIndex[p]];
      z[i] = s;
    }
  }

  @Override protected void computeRowNormsSquared(double[] out) {
    for (int i = 0; i < rows; i++) {
      for (int p = rowStart[i]; p < rowStart[i + 1]; p++) out[i] += values[p] * values[p];
    }
  }

  @Override public void addRow(int i, double scale, double[] out, int offset) {
    for (int p = rowStart[i]; p < rowStart[i + 1]; p++) out[offset + colIndex[p]] += scale * values[p];
  }

  @Override public void multiply(double[] x, int count, double[] z) {
    for (int c = 0; c < count; c++) {
      int xBase = c * cols;
      int zBase = c * rows;
      for (int i = 0; i < rows; i++) {
        double s = 0;
        for (int p = rowStart[i]; p < rowStart[i + 1]; p++) s += values[p] * x[xBase + colIndex[p]];
        z[zBase + i] = s;
      }
    }
  }

  @Override public void addTransposeTimes(double[] coefs, int count, double[] out, int offset) {
    for (int k = 0; k < count; k++) {
      int base = offset + k * cols;
      for (int i = 0; i < rows; i++) {
        double c = coefs[k * rows + i];
        if (c == 0) continue;
        for (int p = rowStart[i]; p < rowStart[i + 1]; p++) out[base + colIndex[p]] += c * values[p];
      }
    }
  }

  @Override public void addWeightedGrams(double[] weights, int count, double[] out, int offset) {
    int square = cols * cols;
    for (int k = 0; k < count; k++) {
      for (int i = 0; i < rows; i++) addOuter(i, weights[k * rows + i], out, offset + k * square);
    }
  }

  @Override public void addWeightedSquares(double[] weights, int count, double[] out, int offset) {
    for (int k = 0; k < count; k++) {
      int base = offset + k * cols;
      for (int i = 0; i < rows; i++) {
        double w = weights[k * rows + i];
        if (w == 0) continue;
        for (int p = rowStart[i]; p < rowStart[i + 1]; p++) out[base + colIndex[p]] += w * values[p] * values[p];
      }
    }
  }

  /** The upper triangle of w·a_i a_iᵀ into the cols × cols matrix at out[base]. */
  private void addOuter(int i, double w, double[] out, int base) {
    if (w == 0) return;
    int end = rowStart[i + 1];
    for (int p = rowStart[i]; p < end; p++) {
      double wv = w * values[p];
      int colBase = base + colIndex[p];
      // upper triangle: entry (colIndex[p], colIndex[q]) with colIndex[p] ≤ colIndex[q]
      for (int q = p; q < end; q++) out[colBase + colIndex[q] * cols] += wv * values[q];
    }
  }

  @Override public void addSketch(int sketchRows, int nonzeros, int[] bucket, double[] sign, double[] weights,
      double[] out, int offset) {
    for (int i = 0; i < rows; i++) {
      double w = weights[i];
      if (w == 0) continue;
      for (int k = 0; k < nonzeros; k++) {
        int target = offset + bucket[k * rows + i] * cols;
        double c = sign[k * rows + i] * w;
        for (int p = rowStart[i]; p < rowStart[i + 1]; p++) out[target + colIndex[p]] += c * values[p];
      }
    }
  }
}
