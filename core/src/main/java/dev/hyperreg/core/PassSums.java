package dev.hyperreg.core;

import java.io.Serializable;
import java.util.Arrays;

/**
 * The sums one pass over the rows collects at a point x: scalars, d-vectors and d × d matrices,
 * each a sum over rows, so a pass is a fold of blocks into one PassSums and sums of different
 * tasks {@link #merge}.
 *
 * <p><b>Scale groups.</b> To survive f(z) far beyond the double range, objectives evaluate the link
 * in scaled form f(z)·e^{-m} (see {@link Link}). A quantity is in group k when it is homogeneous of
 * degree k in the scaled values: a scalar like Σu is in group 1, Σu² in group 2, Σb² in group 0.
 * Sums of group k carry the factor e^{-k·m} for the common {@link #exponent() exponent} m. Each task
 * uses the largest exponent it has seen; when a larger one arrives, the sums already held are
 * multiplied by e^{-k·Δm} ({@link #rescaleTo}) — harmless underflow of negligible terms, never
 * overflow. Objectives without scaling keep m = 0.
 *
 * <p>Matrices hold only their upper triangle until the objective's finish step mirrors them.
 */
public final class PassSums implements Serializable {
  private static final long serialVersionUID = 1L;
  static final int GROUPS = 3;

  private final int dim;
  private double exponent = Double.NEGATIVE_INFINITY;
  private long rows;
  /** First row (smallest id) whose terms were not finite, −1 if none, and its z. */
  private long badRowId = -1;
  private double badRowValue;
  private final double[][] scalars = new double[GROUPS][];
  private final double[][] vectors = new double[GROUPS][];
  private final double[][] grams = new double[GROUPS][];
  /** Arrays are allocated on first use, so an empty PassSums (the zero of an aggregation) is tiny. */
  private final int[] scalarCounts;
  private final int[] vectorCounts;
  private final int[] gramCounts;

  public PassSums(int dim, int[] scalarCounts, int[] vectorCounts, int[] gramCounts) {
    this.dim = dim;
    this.scalarCounts = scalarCounts.clone();
    this.vectorCounts = vectorCounts.clone();
    this.gramCounts = gramCounts.clone();
  }

  public int dim() { return dim; }
  public double exponent() { return exponent; }
  public long rows() { return rows; }
  public long badRowId() { return badRowId; }
  public double badRowValue() { return badRowValue; }

  /** Group g's scalar array (allocated on first use). */
  double[] scalars(int group) {
    if (scalars[group] == null) scalars[group] = new double[scalarCounts[group]];
    return scalars[group];
  }

  /** Group g's vectors, vector k at offset k·dim. */
  double[] vectors(int group) {
    if (vectors[group] == null) vectors[group] = new double[vectorCounts[group] * dim];
    return vectors[group];
  }

  /** Group g's matrices, matrix k at offset k·dim², column-major. */
  double[] grams(int group) {
    if (grams[group] == null) {
      long size = (long) gramCounts[group] * dim * dim;
      if (size > Integer.MAX_VALUE - 8) throw new IllegalStateException("d too large for a d×d array");
      grams[group] = new double[(int) size];
    }
    return grams[group];
  }

  int vectorCount(int group) { return vectorCounts[group]; }
  int gramCount(int group) { return gramCounts[group]; }

  void addRows(long count) { rows += count; }

  void recordBadRow(long rowId, double z) {
    if (badRowId < 0 || rowId < badRowId) {
      badRowId = rowId;
      badRowValue = z;
    }
  }

  /** Brings every held sum to exponent m ≥ the current one: group k is multiplied by e^{-k(m − m_old)}. */
  void rescaleTo(double m) {
    if (m <= exponent) return;
    if (exponent != Double.NEGATIVE_INFINITY) {
      for (int g = 1; g < GROUPS; g++) {
        double factor = Math.exp(g * (exponent - m));
        scale(scalars[g], factor);
        scale(vectors[g], factor);
        scale(grams[g], factor);
      }
    }
    exponent = m;
  }

  private static void scale(double[] a, double factor) {
    if (a == null || factor == 1) return;
    for (int i = 0; i < a.length; i++) a[i] *= factor;
  }

  /** Adds other into this (other is brought to the common exponent first; it may be modified). */
  public PassSums merge(PassSums other) {
    if (other.rows == 0 && other.badRowId < 0) return this;
    if (rows == 0 && badRowId < 0) return other;
    double m = Math.max(exponent, other.exponent);
    rescaleTo(m);
    other.rescaleTo(m);
    for (int g = 0; g < GROUPS; g++) {
      add(g, scalars, other.scalars);
      add(g, vectors, other.vectors);
      add(g, grams, other.grams);
    }
    rows += other.rows;
    if (other.badRowId >= 0) recordBadRow(other.badRowId, other.badRowValue);
    return this;
  }

  private static void add(int g, double[][] into, double[][] from) {
    if (from[g] == null) return;
    if (into[g] == null) {
      into[g] = from[g].clone();
      return;
    }
    double[] a = into[g];
    double[] b = from[g];
    for (int i = 0; i < a.length; i++) a[i] += b[i];
  }

  @Override public String toString() {
    return "PassSums{dim=" + dim + ", rows=" + rows + ", m=" + exponent + ", scalars="
        + Arrays.deepToString(scalars) + "}";
  }
}
