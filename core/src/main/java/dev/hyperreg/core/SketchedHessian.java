package dev.hyperreg.core;

import java.util.Locale;

/**
 * A Hessian from a sparse sign sketch of the Gauss–Newton factor ({@link SketchSpec}), fused into
 * the pass that computes loss and gradient: O(s·nnz(A)) work on the executors and an m × d
 * payload per task, where the exact Hessian costs Σ nnz(a_i)² (n·d² for dense rows). The gradient
 * stays exact, so the fixed point is the exact minimizer; the sketch only changes the rate.
 *
 * <p>Every pass draws a fresh sketch (seed mixed with the pass number), so errors do not repeat.
 * <b>Adaptivity:</b> when a step shows the model is poor — actual decrease below 10% of the
 * predicted one, or, in the local regime (full step, model ratio within [0.5, 2] or the decrease
 * already at rounding level, and the loss falling by under 1%), a step no more than halving the
 * previous one — the sketch doubles, up to {@code maxRows}; past that the solver
 * falls back to the exact Hessian instead of stalling.
 */
public final class SketchedHessian implements HessianStrategy {
  /** Default sketch rows per column of A: m = 20d (measured contraction in SketchEmbeddingTest). */
  public static final int DEFAULT_ROWS_PER_COLUMN = 20;
  public static final int DEFAULT_NONZEROS = 4;

  private SketchSpec spec;
  private final long maxRows;
  private final long seed;
  private long passes;
  private boolean exact;

  /**
   * @param initial the first sketch
   * @param maxRows largest sketch before falling back to the exact Hessian
   */
  public SketchedHessian(SketchSpec initial, long maxRows) {
    this.spec = initial;
    this.maxRows = Math.max(initial.rows(), maxRows);
    this.seed = initial.seed();
  }

  /** The default for a design with d columns: m = 20d, s = 4, growing up to 8 times. */
  public static SketchedHessian forDimension(int dim, Integer rows, long seed) {
    long m = rows != null ? rows : (long) DEFAULT_ROWS_PER_COLUMN * dim;
    return new SketchedHessian(SketchSpec.atLeast(m, DEFAULT_NONZEROS, seed), 8 * m);
  }

  @Override public Evaluation evaluate(ObjectiveFunction function, double[] x, String description) {
    if (exact) return function.evaluate(x, true, description);
    SketchSpec fresh = spec.withSeed(SketchSpec.mix(seed + 0x5DEECE66DL * ++passes));
    return function.evaluate(x, fresh, description);
  }

  @Override public String afterStep(StepOutcome o) {
    if (exact) return null;
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
      return "sketch enlarged to " + spec.rows() + " rows (" + why + ")";
    }
    exact = true;
    return "fell back to the exact Hessian (" + why + " at the largest sketch)";
  }

  @Override public String current() { return exact ? "exact (fallback)" : "sketch " + spec.rows() + "×" + spec.nonzeros(); }
}
