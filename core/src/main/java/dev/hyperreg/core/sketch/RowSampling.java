package dev.hyperreg.core.sketch;

import dev.hyperreg.core.data.RowBlock;
import dev.hyperreg.core.linalg.LinearAlgebra;
import java.io.Serializable;
import java.util.Random;

/**
 * Leverage-score row sampling of the Hessian's row-wise part Aᵀ diag(D) A (the papers' method,
 * second pass of the {@code sample} solver). Row i is sampled with weight
 * <pre>
 *   w_i = 0.9·ℓ̃_i / d + 0.1 / n,    ℓ̃_i = |D_i| · ‖Pᵀ a_i‖²,
 * </pre>
 * by priority sampling of a fixed number of rows ({@link PrioritySample}): about the budget, however
 * the weights are scaled, and an unbiased estimate of Aᵀ diag(D) A. ℓ̃_i approximates the leverage
 * score |D_i|·a_iᵀ H̃⁻¹ a_i of the row against a sketched Hessian H̃ = UᵀU from the first pass:
 * P = U⁻¹G with a d × k Gaussian G of variance 1/k (Johnson–Lindenstrauss), so
 * ‖Pᵀa‖² = ‖GᵀU⁻ᵀa‖² ≈ ‖U⁻ᵀa‖² = aᵀH̃⁻¹a within a constant factor for k = 16, at 2k flops per
 * non-zero. The uniform tenth keeps every row's weight away from 0 when a JL estimate happens to
 * come out tiny. The pass also sums the ℓ̃_i: about d when H̃ is dominated by the sampled part,
 * ≫ d when the Hessian's low-rank part cancels much of the row-wise one — then no small sample of
 * rows approximates the Hessian well, and the solver sketches instead.
 *
 * <p>D_i is the exact diagonal weight of the row, second-order term included, computed with the
 * pass-wide constants of the first pass ({@code globals}, e.g. α and β of the rescaled objective,
 * and the common exponent m, which the second pass adopts so that those constants apply as they
 * are). Negative D_i are sampled by |D_i| and enter with their sign, so the estimate stays
 * unbiased; the non-diagonal low-rank parts are never sampled, the objectives add them exactly.
 * A row's uniform u_i is hashed from its global row id and the seed, so the sample does not
 * depend on partitioning.
 *
 * <p><b>Normalized, for traffic that does not grow with the partitions</b> (Newton–CG's
 * preconditioner). Priority sampling alone makes every task ship its top m + 1 rows: P·m·d values
 * per pass. When Σℓ̃ is known from an earlier pass ({@code scoreTotal}), the weights
 * w_i = 0.9·ℓ̃_i/Σℓ̃ + 0.1/n sum to 1, the final threshold τ is about 1/m, and a task need not ship
 * any row whose priority is below the floor 1/m: such a row can never be kept ({@link
 * PrioritySample}). Then the rows shipped number about m in all, however many tasks there are, and
 * the estimate stays unbiased (a row's probability is min(1, w_i/max(1/m, τ))). Without a
 * projection, ℓ̃_i = |D_i|·‖a_i‖²: squared-norm sampling of the rows, for when no Hessian is at hand.
 *
 * @param projection P, d × k column-major; null: ℓ̃_i = |D_i|·‖a_i‖²
 * @param k columns of P
 * @param budget number of rows to sample (rounded up)
 * @param totalRows n, the number of rows in the data
 * @param seed the sample's randomness
 * @param globals the objective's pass-wide constants, globals[0] = the exponent m
 * @param scoreTotal Σℓ̃ over all rows, from an earlier pass with the same scores; NaN when not known
 *     (then w_i = 0.9·ℓ̃_i/d + 0.1/n and every task ships its top m + 1)
 */
public record RowSampling(double[] projection, int k, double budget, long totalRows, long seed, double[] globals,
    double scoreTotal) implements Serializable {
  /** JL columns: leverage estimates within a small constant factor are all sampling needs. */
  static final int PROJECTION_COLUMNS = 16;
  /** Share of the budget spread uniformly over all rows. */
  static final double UNIFORM_SHARE = 0.1;

  /**
   * The sampling for the point of a first pass that collected a (sketched) Hessian.
   *
   * @param hessian the first pass's d × d Hessian (in its scale): it gives the leverage estimates
   * @param totalRows n, the rows that pass saw
   * @param globals the first pass's constants, globals[0] its exponent m: they give the weights D_i
   */
  public static RowSampling from(double[] hessian, int d, long totalRows, double[] globals, double budget, long seed) {
    return fromFactor(LinearAlgebra.dampedCholesky(hessian, d), d, totalRows, globals, budget, seed);
  }

  /**
   * The same from the upper Cholesky factor U of the Hessian the scores are measured against;
   * null: no Hessian, squared-norm scores ℓ̃_i = |D_i|·‖a_i‖².
   */
  public static RowSampling fromFactor(double[] upper, int d, long totalRows, double[] globals, double budget,
      long seed) {
    if (upper == null) return new RowSampling(null, 0, budget, totalRows, SketchSpec.mix(seed), globals, Double.NaN);
    Random random = new Random(seed);
    double[] p = new double[d * PROJECTION_COLUMNS];
    double scale = 1 / Math.sqrt(PROJECTION_COLUMNS);
    for (int i = 0; i < p.length; i++) p[i] = scale * random.nextGaussian();
    // P = U⁻¹G: solve U P = G in place
    LinearAlgebra.blas().dtrsm("L", "U", "N", "N", d, PROJECTION_COLUMNS, 1.0, upper, d, p, d);
    return new RowSampling(p, PROJECTION_COLUMNS, budget, totalRows, SketchSpec.mix(seed), globals, Double.NaN);
  }

  /** The same scores with their total known (from a pass of this sampling): the normalized mode. */
  public RowSampling withScoreTotal(double total) {
    return new RowSampling(projection, k, budget, totalRows, seed, globals, total);
  }

  /** The same scores and randomness with another budget (0: a pass that only sums the scores). */
  public RowSampling withBudget(double rows) {
    return new RowSampling(projection, k, rows, totalRows, seed, globals, scoreTotal);
  }

  /**
   * The priority below which a row cannot be kept (normalized mode), else 0; 0 too when the budget
   * covers every row, which are then all kept.
   */
  public double floor() { return Double.isNaN(scoreTotal) || size() == 0 || size() >= totalRows ? 0 : 1.0 / size(); }

  /** The exponent m of the first pass, which the sampling pass adopts. */
  public double exponent() { return globals[0]; }

  /** The rows a pass samples: the budget, rounded up, at most n. */
  public int size() { return (int) Math.min(Math.ceil(budget), Math.min(totalRows, Integer.MAX_VALUE - 8)); }

  /**
   * Offers the block's rows to the pass's sample by their estimated leverage, and adds their
   * estimates to its leverage sum.
   *
   * @param diagonal D_i per row of the block (0 for rows to skip)
   */
  public void addRows(RowBlock block, double[] diagonal, PrioritySample sample) {
    addRows(block, diagonal, null, sample);
  }

  /**
   * The same for a least-squares sample ({@link PrioritySample#withTargets}): each row offered with
   * its target y_i.
   */
  public void addRows(RowBlock block, double[] diagonal, double[] targets, PrioritySample sample) {
    int n = block.rows();
    double[] z = null;
    if (projection != null) {
      z = new double[n * k];
      block.multiply(projection, k, z);
    }
    double[] norms = projection == null ? block.rowNormsSquared() : null;
    double scale = Double.isNaN(scoreTotal) ? block.cols() : scoreTotal;
    double scores = 0;
    for (int i = 0; i < n; i++) {
      if (diagonal[i] == 0) continue;
      double squared = 0;
      if (z == null) squared = norms[i];
      else for (int c = 0; c < k; c++) squared += z[c * n + i] * z[c * n + i];
      double leverage = Math.abs(diagonal[i]) * squared;
      scores += leverage;
      double weight = (1 - UNIFORM_SHARE) * leverage / scale + UNIFORM_SHARE / totalRows;
      sample.offer(block, i, diagonal[i], weight, uniform(block.rowId(i)), targets == null ? Double.NaN : targets[i]);
    }
    sample.addScores(scores);
  }

  /** A uniform number in (0, 1] from the row id and the seed. */
  private double uniform(long rowId) {
    return ((SketchSpec.mix(seed ^ rowId * 0x9E3779B97F4A7C15L) >>> 11) + 1) * 0x1.0p-53;
  }
}
