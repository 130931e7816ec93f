package dev.hyperreg.core.sketch;

import dev.hyperreg.core.data.RowBlock;
import dev.hyperreg.core.objective.PassSums;
import java.io.Serializable;
import java.util.Arrays;

/**
 * The k heaviest rows of a sketched factor F = diag(weights)·A, kept whole instead of hashed.
 *
 * <p>Why: a sparse sign sketch with m = O(d) rows is an embedding only up to a constant factor,
 * and its worst case is a factor dominated by a few rows — exactly what exp-type objectives produce
 * far from the answer, where e^{2z} of the largest z outweighs everything else (the sketched model
 * was seen to predict decreases 15–50 times too large there, forcing quarter steps). Rows are ranked
 * by their mass ‖f_i‖² = weight_i²·‖a_i‖²; every task keeps its top k, merging keeps the top k of the
 * union (ties by row id), so the final set is the global top k whatever the partitioning. All rows
 * are still added to the sketch; the driver subtracts the heavy rows' own contribution S_H·F_H
 * (their buckets are recomputed from their ids) and appends them as exact rows:
 * F̃ = [S·F − S_H·F_H; F_H], whose Gram is exact on the heavy rows and sketched on the rest.
 *
 * <p>Values are held in the pass's scale (see {@link PassSums}): rows in group {@code rowGroup},
 * the per-row vector entries (b_i or e_i, for the factor's rank-one part) in {@code valueGroup}.
 */
public final class HeavyRows implements Serializable {
  private static final long serialVersionUID = 1L;

  final SketchSpec spec;
  final int capacity;
  final int dim;
  private final int rowGroup;
  private final int valueGroup;
  private long[] ids = new long[0];
  private double[] masses = new double[0];
  private double[] rows = new double[0];
  private double[] values = new double[0];
  private int count;
  private int lightest = -1;

  public HeavyRows(SketchSpec spec, int dim, int rowGroup, int valueGroup) {
    this.spec = spec;
    this.capacity = spec.heavyRows();
    this.dim = dim;
    this.rowGroup = rowGroup;
    this.valueGroup = valueGroup;
  }

  /** The scale group of the kept rows (see the objective's pass sums). */
  public int rowGroup() { return rowGroup; }

  /** The scale group of the kept vector entries. */
  public int valueGroup() { return valueGroup; }

  public int count() { return count; }

  /** Offers row i of the block, scaled by weight, with its vector entry and mass. */
  public void offer(RowBlock block, int i, double weight, double value, double mass) {
    int slot = keep(block.rowId(i), mass, value);
    if (slot < 0) return;
    Arrays.fill(rows, slot * dim, (slot + 1) * dim, 0);
    block.addRow(i, weight, rows, slot * dim);
  }

  /**
   * Makes room for a row when it is among the k heaviest seen (a free slot, else the lightest
   * one's), records its id, mass and vector entry, and returns the slot for its d values; −1 when
   * the row is lighter than all k kept.
   */
  private int keep(long id, double mass, double value) {
    int slot;
    if (count < capacity) {
      slot = count++;
      grow(count);
    } else if (heavier(mass, id, masses[lightest], ids[lightest])) {
      slot = lightest;
    } else {
      return -1;
    }
    ids[slot] = id;
    masses[slot] = mass;
    values[slot] = value;
    lightest = lightestIndex();
    return slot;
  }

  private static boolean heavier(double mass, long id, double otherMass, long otherId) {
    return mass > otherMass || (mass == otherMass && id < otherId);
  }

  private int lightestIndex() {
    if (count < capacity) return -1;
    int min = 0;
    for (int t = 1; t < count; t++) if (heavier(masses[min], ids[min], masses[t], ids[t])) min = t;
    return min;
  }

  private void grow(int size) {
    if (ids.length >= size) return;
    int n = Math.min(capacity, Math.max(size, 2 * ids.length));
    ids = Arrays.copyOf(ids, n);
    masses = Arrays.copyOf(masses, n);
    values = Arrays.copyOf(values, n);
    rows = Arrays.copyOf(rows, n * dim);
  }

  /** Multiplies rows by rowFactor, values by valueFactor (and masses by rowFactor²): a change of scale. */
  public void rescale(double rowFactor, double valueFactor) {
    for (int t = 0; t < count; t++) {
      masses[t] *= rowFactor * rowFactor;
      values[t] *= valueFactor;
    }
    for (int p = 0; p < count * dim; p++) rows[p] *= rowFactor;
  }

  /** Keeps the heaviest of both sets (both in the same scale). */
  public void merge(HeavyRows other) {
    for (int t = 0; t < other.count; t++) {
      int slot = keep(other.ids[t], other.masses[t], other.values[t]);
      if (slot >= 0) System.arraycopy(other.rows, t * dim, rows, slot * dim, dim);
    }
  }

  /**
   * F̃ = [S·F − S_H·F_H; F_H] (row-major, m + k rows) and its vector [S·v − S_H·v_H; v_H] (v may be
   * null), with the heavy rows in row-id order so that the result does not depend on partitioning.
   */
  public Factor factor(double[] sketch, double[] vector) {
    int m = spec.rows();
    Integer[] order = new Integer[count];
    for (int t = 0; t < count; t++) order[t] = t;
    Arrays.sort(order, (a, b) -> Long.compare(ids[a], ids[b]));
    long[] sortedIds = new long[count];
    for (int t = 0; t < count; t++) sortedIds[t] = ids[order[t]];
    int s = spec.nonzeros();
    int[] bucket = new int[s * count];
    double[] sign = new double[s * count];
    spec.hash(sortedIds, count, SketchSpec.FIT_ROWS, bucket, sign);
    double[] f = Arrays.copyOf(sketch, (m + count) * dim);
    double[] v = vector == null ? null : Arrays.copyOf(vector, m + count);
    for (int t = 0; t < count; t++) {
      int src = order[t] * dim;
      for (int k = 0; k < s; k++) {
        int target = bucket[k * count + t] * dim;
        double c = sign[k * count + t];
        for (int j = 0; j < dim; j++) f[target + j] -= c * rows[src + j];
        if (v != null) v[bucket[k * count + t]] -= c * values[order[t]];
      }
      System.arraycopy(rows, src, f, (m + t) * dim, dim);
      if (v != null) v[m + t] = values[order[t]];
    }
    return new Factor(f, v, m + count);
  }

  /** A sketched factor with its heavy rows appended: {@code rows} × d row-major, and its vector. */
  public record Factor(double[] matrix, double[] vector, int rows) {}
}
