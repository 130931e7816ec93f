package dev.hyperreg.core.solver;

import dev.hyperreg.core.objective.Evaluation;
import dev.hyperreg.core.objective.ObjectiveFunction;
import dev.hyperreg.core.sketch.RowSampling;
import dev.hyperreg.core.sketch.SketchSpec;
import java.util.Locale;

/**
 * A randomized Hessian, the {@code sketch} and {@code sample} solvers. The gradient stays exact, so
 * the fixed point is the exact minimizer; the approximation only changes the rate.
 *
 * <ul>
 *   <li><b>sketch</b>: a sparse sign sketch of the Gauss–Newton factor ({@link SketchSpec}), fused
 *       into the pass that computes loss and gradient: O(s·nnz(A)) work on the executors and an
 *       (m + m/8) × d payload per task (the m/8 heaviest rows are kept whole, {@link dev.hyperreg.core.sketch.HeavyRows}),
 *       where the exact Hessian costs Σ nnz(a_i)² (n·d² for dense rows). One pass per point.</li>
 *   <li><b>sample</b>: the papers' leverage-score sampling ({@link RowSampling}). The pass at every
 *       trial point also collects a small sketch (4d rows) whose Gram gives approximate leverage
 *       scores; at an accepted point a second pass keeps exactly m rows by priority sampling on
 *       those scores ((m + 1) × d payload per task), the driver sums their weighted outer products,
 *       and the objective adds its low-rank part exactly. Two passes per iteration. When the
 *       scores sum to more than 8d, the Hessian's low-rank part cancels much of the sampled part
 *       (an intercept with the rescaled objective does this near the answer), a sample of m rows
 *       cannot resolve what is left, and the solver sketches from then on.</li>
 * </ul>
 *
 * <p>Every pass draws fresh randomness (seed mixed with the pass number), so errors do not repeat.
 * <b>Adaptivity:</b> when a step shows the model is poor — actual decrease below 10% of the
 * predicted one, or, in the local regime (full step, model ratio within [0.5, 2] or the decrease
 * already at rounding level, and the loss falling by under 1%), a step no more than halving the
 * previous one — m doubles, up to {@code maxRows}; past that the solver falls back to the exact
 * Hessian instead of stalling.
 */
public final class SketchedHessian implements HessianStrategy {
  /** Default rows (sketch rows or expected sampled rows) per column of A: m = 20d. */
  public static final int DEFAULT_ROWS_PER_COLUMN = 20;
  public static final int DEFAULT_NONZEROS = 2;
  /** How many times m may double-grow in all (m ≤ 8·m₀) before the solver falls back to exact. */
  public static final int MAX_GROWTH = 8;
  /** Sketch rows per column for the sampling solver's leverage estimates. */
  public static final int SCORE_ROWS_PER_COLUMN = 4;

  /** Leverage sums above this many times d end sampling ({@link Evaluation#leverageSum}). */
  static final double LEVERAGE_SUM_LIMIT = 8;

  private boolean sampling;
  private final long scoreRows;
  private SketchSpec spec;
  private final long maxRows;
  private final long seed;
  private long passes;
  private boolean exact;
  /** The last sample: rows kept and Σℓ̃ in units of d (shown in the record). */
  private long lastKept = -1;
  private double lastLeverage = Double.NaN;
  /** Whether sampling gave way to sketching (leverage estimates summed past the limit). */
  private boolean samplingEnded;

  /**
   * A sketching strategy.
   *
   * @param initial the first sketch
   * @param maxRows largest sketch before falling back to the exact Hessian
   */
  public SketchedHessian(SketchSpec initial, long maxRows) {
    this(false, 0, initial, maxRows);
  }

  private SketchedHessian(boolean sampling, long scoreRows, SketchSpec initial, long maxRows) {
    this.sampling = sampling;
    this.scoreRows = scoreRows;
    this.spec = initial;
    this.maxRows = Math.max(initial.rows(), maxRows);
    this.seed = initial.seed();
  }

  /**
   * The default sketch for a design with d columns: m = 20d, s = 2, growing up to 8 times. s = 2
   * embeds as well as s = 4 at this size (SketchEmbeddingTest: coherent design [0.50, 1.51] against
   * [0.52, 1.58]) for half the scatter work; s = 1 does not.
   */
  public static SketchedHessian forDimension(int dim, Integer rows, long seed) {
    return forDimension(dim, rows, seed, MAX_GROWTH * rowsFor(dim, rows));
  }

  /** The same, growing m no further than {@code maxRows} (what the driver can hold, say). */
  public static SketchedHessian forDimension(int dim, Integer rows, long seed, long maxRows) {
    return new SketchedHessian(SketchSpec.atLeast(rowsFor(dim, rows), DEFAULT_NONZEROS, seed), maxRows);
  }

  /** m: the rows asked for, or the default 20d. */
  public static long rowsFor(int dim, Integer rows) {
    return rows != null ? rows : (long) DEFAULT_ROWS_PER_COLUMN * dim;
  }

  /** Leverage-score sampling of about m = 20d rows (or the given number), growing up to 8 times. */
  public static SketchedHessian sampling(int dim, Integer rows, long seed) {
    return sampling(dim, rows, seed, MAX_GROWTH * rowsFor(dim, rows));
  }

  /** The same, growing the sample no further than {@code maxRows}. */
  public static SketchedHessian sampling(int dim, Integer rows, long seed, long maxRows) {
    return new SketchedHessian(true, (long) SCORE_ROWS_PER_COLUMN * dim,
        SketchSpec.atLeast(rowsFor(dim, rows), DEFAULT_NONZEROS, seed), maxRows);
  }

  @Override public Evaluation evaluate(ObjectiveFunction function, double[] x, String description) {
    if (exact) return function.evaluate(x, true, description);
    SketchSpec fresh = spec.withSeed(freshSeed());
    if (sampling) fresh = fresh.withRows(scoreRows);
    return function.evaluate(x, fresh, description);
  }

  @Override public Evaluation complete(ObjectiveFunction function, Evaluation accepted, String description) {
    if (exact || !sampling || !accepted.isFinite()) return accepted;
    RowSampling sample = sampling(accepted, spec.rows(), freshSeed());
    Evaluation sampled = function.evaluate(accepted.point(), sample, description + ", row sample");
    lastKept = sampled.sampledRows();
    lastLeverage = sampled.leverageSum() / sampled.dim();
    return sampled;
  }

  /**
   * The leverage-score sampling for the point of a first pass that carries a (sketched) Hessian:
   * its Hessian gives the leverage estimates, its pass-wide constants the weights D_i.
   */
  public static RowSampling sampling(Evaluation scores, double budget, long seed) {
    return RowSampling.from(scores.scaledHessian(), scores.dim(), scores.rows(), scores.passGlobals(), budget, seed);
  }

  private long freshSeed() { return SketchSpec.mix(seed + 0x5DEECE66DL * ++passes); }

  @Override public String afterStep(StepOutcome o) {
    if (exact) return null;
    if (sampling && lastLeverage > LEVERAGE_SUM_LIMIT) {
      sampling = false;
      samplingEnded = true;
      return String.format(Locale.ROOT, "sampling ended (leverage estimates summed to %.1f·d: the low-rank part"
          + " cancels the sampled one); sketching instead", lastLeverage);
    }
    boolean poorModel = o.ratio() < 0.1; // false for NaN: decrease at rounding level, no verdict
    // the local regime: the model is right and the loss has almost stopped falling (far away an
    // exp-type loss drops by a constant factor per step, and exact Newton steps do not shrink either)
    boolean localRegime = (Double.isNaN(o.ratio()) || (o.ratio() > 0.5 && o.ratio() < 2))
        && !(o.relativeDecrease() > 0.01);
    boolean slowContraction = o.stepSize() == 1 && localRegime && o.iteration() > 2
        && o.previousStepNorm() > 0 && o.stepNorm() > 0.5 * o.previousStepNorm();
    if (!poorModel && !slowContraction) return null;
    String why = poorModel ? String.format(Locale.ROOT, "model ratio %.2f", o.ratio())
        : String.format(Locale.ROOT, "step shrank only to %.2f of the last", o.stepNorm() / o.previousStepNorm());
    if (2L * spec.rows() <= maxRows) {
      spec = spec.withRows(2L * spec.rows());
      return (sampling ? "sample enlarged to " : "sketch enlarged to ") + spec.rows() + " rows (" + why + ")";
    }
    exact = true;
    return "fell back to the exact Hessian (" + why + " at the largest " + (sampling ? "sample)" : "sketch)");
  }

  @Override public String current() {
    if (exact) return "exact (fallback)";
    if (!sampling) {
      return "sketch " + spec.rows() + "×" + spec.nonzeros() + (samplingEnded ? " (sampling ended)" : "");
    }
    String last = lastKept < 0 ? "" : String.format(Locale.ROOT, "; last kept %d, Σℓ̃ %.1f·d", lastKept, lastLeverage);
    return "sample " + spec.rows() + " (scores: sketch " + scoreRows + "×" + spec.nonzeros() + last + ")";
  }
}
