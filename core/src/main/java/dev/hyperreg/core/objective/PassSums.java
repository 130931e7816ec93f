package dev.hyperreg.core.objective;

import dev.hyperreg.core.sketch.HeavyRows;
import dev.hyperreg.core.sketch.PrioritySample;
import java.io.Serializable;

/**
 * The sums one pass over the rows collects at a point x: scalars, d-vectors, d × d matrices and, for
 * sketched solvers, m × d sketch matrices and m-vectors, and, for the sampling solver, the rows of
 * its sample ({@link dev.hyperreg.core.sketch.RowSampling}). Each is a sum over rows, so a pass is a
 * fold of blocks into one PassSums, and sums of different tasks {@link #merge}.
 *
 * <p><b>Scale groups.</b> To survive f(z) far beyond the double range, objectives evaluate the link
 * in scaled form f(z)·e^{-m} (see {@link Link}). A quantity is in group k when it is homogeneous of
 * degree k in the scaled values: a scalar like Σu is in group 1, Σu² in group 2, Σb² in group 0.
 * Sums of group k carry the factor e^{-k·m} for the common {@link #exponent() exponent} m. Each task
 * uses the largest exponent it has seen; when a larger one arrives, the sums already held are
 * multiplied by e^{-k·Δm} ({@link #rescaleTo}) — harmless underflow of negligible terms, never
 * overflow. Objectives without scaling keep m = 0.
 *
 * <p>Gram matrices hold only their upper triangle until the objective's finish step mirrors them.
 * Arrays are allocated on first use, so an empty PassSums (the zero of an aggregation) is tiny.
 */
public final class PassSums implements Serializable {
  private static final long serialVersionUID = 2L;
  static final int GROUPS = 3;
  static final int SCALAR = 0, VECTOR = 1, GRAM = 2, SKETCH = 3, SKETCH_VECTOR = 4;
  /** The running compensation of each scalar ({@link #addScalar}). */
  private static final int SCALAR_COMPENSATION = 5;
  /**
   * A Gram piece reduced to a d-vector where the piece would be d × d: times the direction,
   * Aᵀdiag(W)(Av), or its diagonal.
   */
  static final int GRAM_VECTOR = 6;
  private static final int KINDS = 7;

  private final int dim;
  private final int sketchRows;
  /** counts[kind][group]: how many items of that kind the group holds. */
  private final int[][] counts;
  private final double[][][] data = new double[KINDS][GROUPS][];
  private double exponent = Double.NEGATIVE_INFINITY;
  private long rows;
  /** Entries the pass's blocks store, and Σ over blocks of entries²/rows (the Gram's multiply-adds, dense rows). */
  private double storedEntries, gramWork;
  /** The rows a sampling pass keeps; null for other passes. */
  private PrioritySample sample;
  /** The heaviest rows of a sketched fit factor, kept whole; null when the pass keeps none. */
  private HeavyRows heavy;
  /** The reference the pass accumulates about ({@link PassRequest#reference()}), or null. */
  private double[] reference;
  private boolean referenceFailed;
  /** First row (smallest id) whose terms were not finite, −1 if none, and its z. */
  private long badRowId = -1;
  private double badRowValue;
  /** Whether the Grams are reduced to their diagonals (else, when reduced, times the direction). */
  private final boolean gramDiagonals;
  /** Products per Gram in a Hessian-vector pass (item k, direction j at (k·directions + j)·d). */
  private final int directions;
  /** The direction whose products {@link #gramVectorOffset} points at (the finish step's choice). */
  private transient int selectedDirection;
  /** A·v of the block being folded in, for a Hessian-vector pass; scratch, never shipped. */
  private transient double[] blockDirectionProducts;
  /** The Aᵀc products the block being folded in owes ({@link TransposeBatch}); scratch. */
  private transient TransposeBatch transposes;

  /**
   * @param counts counts[kind][group] for the kinds scalar, vector, Gram, sketch matrix and sketch
   *     vector (missing trailing kinds count 0)
   * @param gramsAsVectors whether the Grams are held as d-vectors ({@link #GRAM_VECTOR}) instead of
   *     as d × d matrices
   * @param gramDiagonals with gramsAsVectors: the vectors are the diagonals, not products with a direction
   * @param directions with gramsAsVectors: how many directions each Gram is multiplied with
   */
  public PassSums(int dim, int sketchRows, int[][] counts, boolean gramsAsVectors, boolean gramDiagonals,
      int directions) {
    this.dim = dim;
    this.directions = Math.max(1, directions);
    this.sketchRows = sketchRows;
    this.counts = new int[KINDS][GROUPS];
    for (int kind = 0; kind < counts.length; kind++) this.counts[kind] = counts[kind].clone();
    this.counts[SCALAR_COMPENSATION] = this.counts[SCALAR].clone();
    if (gramsAsVectors) {
      this.counts[GRAM_VECTOR] = this.counts[GRAM];
      this.counts[GRAM] = new int[GROUPS];
    }
    this.gramDiagonals = gramsAsVectors && gramDiagonals;
  }

  public int dim() { return dim; }
  public int sketchRows() { return sketchRows; }
  public double exponent() { return exponent; }
  public long rows() { return rows; }
  /** What the pass read: its rows, stored entries and the exact Hessian's work ({@link DataShape}). */
  public DataShape shape() { return new DataShape(rows, storedEntries, gramWork); }

  /** The sample of a {@link dev.hyperreg.core.sketch.RowSampling} pass; null for other passes. */
  public PrioritySample sample() { return sample; }
  public long badRowId() { return badRowId; }
  public double badRowValue() { return badRowValue; }

  private long itemSize(int kind) {
    return switch (kind) {
      case SCALAR, SCALAR_COMPENSATION -> 1;
      case VECTOR -> dim;
      case GRAM_VECTOR -> (long) dim * directions;
      case GRAM -> (long) dim * dim;
      case SKETCH -> (long) sketchRows * dim;
      case SKETCH_VECTOR -> sketchRows;
      default -> throw new IllegalArgumentException("kind " + kind);
    };
  }

  /** The array of the given kind and group, item k at offset k·(item size); allocated on first use. */
  double[] array(int kind, int group) {
    if (data[kind][group] == null) {
      long size = counts[kind][group] * itemSize(kind);
      if (size > Integer.MAX_VALUE - 8) {
        throw new IllegalStateException("pass sums of " + size + " doubles do not fit an array: d is too large");
      }
      data[kind][group] = new double[(int) size];
    }
    return data[kind][group];
  }

  double[] scalars(int group) { return array(SCALAR, group); }
  double[] vectors(int group) { return array(VECTOR, group); }
  double[] grams(int group) { return array(GRAM, group); }
  double[] sketches(int group) { return array(SKETCH, group); }
  double[] sketchVectors(int group) { return array(SKETCH_VECTOR, group); }

  int count(int kind, int group) { return counts[kind][group]; }

  /** Whether the Grams are reduced to their diagonals ({@link PassRequest#diagonal()}). */
  boolean holdsGramDiagonals() { return gramDiagonals; }

  /** Products per Gram of a Hessian-vector pass (1 for other passes). */
  int directions() { return directions; }

  /** Makes {@link #gramVectorOffset} point at direction j's products (a Hessian-vector pass of several). */
  void selectDirection(int j) {
    if (j < 0 || j >= directions) throw new IllegalArgumentException("direction " + j + " of " + directions);
    selectedDirection = j;
  }

  /** Where Gram k's product with the selected direction (or its diagonal) starts in its array. */
  int gramVectorOffset(int k) { return (k * directions + selectedDirection) * dim; }

  /** Sets A·[v₁ … v_k] of the block about to be folded in (a Hessian-vector pass; column j at j·rows). */
  void setBlockDirectionProducts(double[] av) { blockDirectionProducts = av; }

  double[] blockDirectionProducts() { return blockDirectionProducts; }

  /** Where the block being folded in records its Aᵀc products; {@link Objective} flushes them after the block. */
  TransposeBatch transposes() {
    if (transposes == null) transposes = new TransposeBatch();
    return transposes;
  }

  /**
   * Scalar k of the group += value, with Neumaier's compensation: the rounding error of every
   * addition is kept apart and added back by {@link #scalar}, so a sum of N terms is accurate to a
   * few ulps of the result instead of N·eps times its largest term.
   */
  void addScalar(int group, int k, double value) {
    double[] s = scalars(group);
    double[] c = array(SCALAR_COMPENSATION, group);
    double sum = s[k];
    double t = sum + value;
    c[k] += Math.abs(sum) >= Math.abs(value) ? (sum - t) + value : (value - t) + sum;
    s[k] = t;
  }

  /** Scalar k of the group with its compensation (see {@link #addScalar}). */
  double scalar(int group, int k) {
    double[] c = data[SCALAR_COMPENSATION][group];
    return scalars(group)[k] + (c == null ? 0 : c[k]);
  }

  /** Whether any block wrote to this array (an untouched one is all zeros). */
  boolean holds(int kind, int group) { return data[kind][group] != null; }
  int gramCount(int group) { return counts[GRAM][group]; }

  /** Counts a block's rows and entries; its Gram costs entries²/rows multiply-adds (rows·d² when dense). */
  void addBlock(int blockRows, long entries) {
    rows += blockRows;
    storedEntries += entries;
    gramWork += DataShape.gramWork(entries, blockRows);
  }

  HeavyRows heavyRows() { return heavy; }

  double[] reference() { return reference; }

  /**
   * Whether the reference did not serve: it overflowed in some block's scale, or the pass's own
   * normalizer is far from it (the objective's finish step says so).
   */
  public boolean referenceFailed() { return referenceFailed; }

  void referenceUnusable() { referenceFailed = true; }

  void useReference(double[] value) { reference = value; }

  /** Declares that this pass keeps the heaviest rows of its sketched fit factor. */
  void keepHeavyRows(HeavyRows rows) { heavy = rows; }

  /** Declares that this pass samples rows into the given sample. */
  void collectSample(PrioritySample rows) { sample = rows; }

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
        for (int kind = 0; kind < KINDS; kind++) scale(data[kind][g], factor);
      }
      if (heavy != null) {
        heavy.rescale(Math.exp(heavy.rowGroup() * (exponent - m)), Math.exp(heavy.valueGroup() * (exponent - m)));
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
      // scalars merge compensated too: their compensations add below with the other kinds
      double[] from = other.data[SCALAR][g];
      if (from == null || data[SCALAR][g] == null) continue;
      for (int k = 0; k < from.length; k++) addScalar(g, k, from[k]);
      other.data[SCALAR][g] = null;
    }
    for (int kind = 0; kind < KINDS; kind++) {
      for (int g = 0; g < GROUPS; g++) {
        double[] from = other.data[kind][g];
        if (from == null) continue;
        double[] into = data[kind][g];
        if (into == null) {
          data[kind][g] = from;
          continue;
        }
        for (int i = 0; i < into.length; i++) into[i] += from[i];
      }
    }
    referenceFailed |= other.referenceFailed;
    rows += other.rows;
    storedEntries += other.storedEntries;
    gramWork += other.gramWork;
    if (heavy != null && other.heavy != null) heavy.merge(other.heavy);
    if (sample != null && other.sample != null) sample.merge(other.sample);
    if (other.badRowId >= 0) recordBadRow(other.badRowId, other.badRowValue);
    return this;
  }

  @Override public String toString() {
    return "PassSums{dim=" + dim + ", rows=" + rows + ", m=" + exponent + "}";
  }
}
