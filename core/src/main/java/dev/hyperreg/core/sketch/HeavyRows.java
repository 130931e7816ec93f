package dev.hyperreg.core.sketch;

import dev.hyperreg.core.data.RowBlock;
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
 * <p>Values are held in the pass's scale (see {@link dev.hyperreg.core.objective.PassSums}): rows in group {@code rowGroup},
 * the per-row vector entries (b_i or e_i, for the factor's rank-one part) in {@code valueGroup}.
 */
public final class HeavyRows implements Serializable {
  private static final long serialVersionUID = 1L;

  final SketchSpec spec;
  final int dim;
  private final int rowGroup;
  private final int valueGroup;
  /** Keyed by mass; one number per row, its vector entry. */
  private final TopRows top;

  public HeavyRows(SketchSpec spec, int dim, int rowGroup, int valueGroup) {
    this.spec = spec;
    this.dim = dim;
    this.rowGroup = rowGroup;
    this.valueGroup = valueGroup;
    this.top = new TopRows(spec.heavyRows(), dim, 1);
  }

  /** The scale group of the kept rows (see the objective's pass sums). */
  public int rowGroup() { return rowGroup; }

  /** The scale group of the kept vector entries. */
  public int valueGroup() { return valueGroup; }

  public int count() { return top.count; }

  /** Offers row i of the block, scaled by weight, with its vector entry and mass. */
  public void offer(RowBlock block, int i, double weight, double value, double mass) {
    int slot = top.offer(block.rowId(i), mass);
    if (slot < 0) return;
    top.numbers[slot] = value;
    block.addRow(i, weight, top.rows, slot * dim);
  }

  /** Multiplies rows by rowFactor, values by valueFactor (and masses by rowFactor²): a change of scale. */
  public void rescale(double rowFactor, double valueFactor) {
    for (int t = 0; t < top.count; t++) {
      top.keys[t] *= rowFactor * rowFactor;
      top.numbers[t] *= valueFactor;
    }
    for (int p = 0; p < top.count * dim; p++) top.rows[p] *= rowFactor;
  }

  /** Keeps the heaviest of both sets (both in the same scale). */
  public void merge(HeavyRows other) { top.merge(other.top); }

  /**
   * F̃ = [S·F − S_H·F_H; F_H] (row-major, m + k rows) and its vector [S·v − S_H·v_H; v_H] (v may be
   * null), with the heavy rows in row-id order so that the result does not depend on partitioning.
   */
  public Factor factor(double[] sketch, double[] vector) {
    int m = spec.rows();
    int count = top.count;
    int[] order = top.slotsById();
    long[] sortedIds = new long[count];
    for (int t = 0; t < count; t++) sortedIds[t] = top.ids[order[t]];
    int s = spec.nonzeros();
    int[] bucket = new int[s * count];
    double[] sign = new double[s * count];
    spec.hash(sortedIds, count, SketchSpec.FIT_ROWS, bucket, sign);
    double[] f = Arrays.copyOf(sketch, (m + count) * dim);
    double[] v = vector == null ? null : Arrays.copyOf(vector, m + count);
    for (int t = 0; t < count; t++) {
      int src = order[t] * dim;
      double value = top.numbers[order[t]];
      for (int k = 0; k < s; k++) {
        int target = bucket[k * count + t] * dim;
        double c = sign[k * count + t];
        for (int j = 0; j < dim; j++) f[target + j] -= c * top.rows[src + j];
        if (v != null) v[bucket[k * count + t]] -= c * value;
      }
      System.arraycopy(top.rows, src, f, (m + t) * dim, dim);
      if (v != null) v[m + t] = value;
    }
    return new Factor(f, v, m + count);
  }

  /** A sketched factor with its heavy rows appended: {@code rows} × d row-major, and its vector. */
  public record Factor(double[] matrix, double[] vector, int rows) {}
}
