package dev.hyperreg.core.objective;

import dev.hyperreg.core.linalg.LinearAlgebra;

/**
 * Loss, gradient and (optionally) Hessian of an objective at one point, as combined on the driver
 * from one pass's {@link PassSums}.
 *
 * <p>Values are stored <em>scaled</em>: the true loss is {@code scaledLoss · e^{logScale}}, the true
 * gradient and Hessian are the stored ones times the same factor. Only the rescaled objective uses
 * logScale ≠ 0 (its loss grows like e^{2 max z} and can exceed the largest double); a Newton
 * direction H⁻¹g does not depend on the factor, and losses at different points are compared as
 * logarithms.
 */
public final class Evaluation {
  private final double[] point;
  private final double scaledLoss;
  private final double logScale;
  private final double scaledLossRoundingError;
  private final double[] scaledGradient;
  private final double[] scaledHessian;
  private final boolean exactHessian;
  private final long rows;
  private final long badRowId;
  private final double badRowValue;
  /** The objective's pass-wide constants (exponent m first), for a second pass at the same point. */
  private double[] passGlobals;
  private long sampledRows = -1;
  private double leverageSum = Double.NaN;
  private double[] scaledHessianTimesDirection;
  private LowRankPart lowRankPart;

  Evaluation(double[] point, double scaledLoss, double logScale, double scaledLossRoundingError,
      double[] scaledGradient, double[] scaledHessian, boolean exactHessian, long rows) {
    this.point = point.clone();
    this.scaledLoss = scaledLoss;
    this.logScale = logScale;
    this.scaledLossRoundingError = scaledLossRoundingError;
    this.scaledGradient = scaledGradient;
    this.scaledHessian = scaledHessian;
    this.exactHessian = exactHessian && scaledHessian != null;
    this.rows = rows;
    this.badRowId = -1;
    this.badRowValue = Double.NaN;
  }

  /** An evaluation at a point where some row's terms are not finite doubles. */
  Evaluation(double[] point, long rows, long badRowId, double badRowValue) {
    this.point = point.clone();
    this.scaledLoss = Double.POSITIVE_INFINITY;
    this.logScale = 0;
    this.scaledLossRoundingError = 0;
    this.scaledGradient = null;
    this.scaledHessian = null;
    this.exactHessian = false;
    this.rows = rows;
    this.badRowId = badRowId;
    this.badRowValue = badRowValue;
  }

  /** Attaches the pass-wide constants a {@link dev.hyperreg.core.sketch.RowSampling} second pass needs; returns this. */
  Evaluation withPassGlobals(double... globals) {
    this.passGlobals = globals;
    return this;
  }

  /** Records the size of the row sample the Hessian was estimated from, and Σℓ̃; returns this. */
  Evaluation withSample(long kept, double leverageSum) {
    this.sampledRows = kept;
    this.leverageSum = leverageSum;
    return this;
  }

  /** Attaches the Hessian's low-rank part at this point, in this evaluation's scale; returns this. */
  Evaluation withLowRankPart(LowRankPart part) {
    this.lowRankPart = part;
    return this;
  }

  /** The Hessian's part that is not a row sum ({@link LowRankPart}), in this scale; null when there is none. */
  LowRankPart lowRankPart() { return lowRankPart; }

  /** Attaches H·v of a Hessian-vector pass, in this evaluation's scale; returns this. */
  Evaluation withHessianTimesDirection(double[] hv) {
    this.scaledHessianTimesDirection = hv;
    return this;
  }

  /**
   * The row sums' part of H·v (scaled like the gradient: the true product is this times
   * e^{logScale}) for the direction v of a Hessian-vector pass, without the {@link LowRankPart}
   * ({@link ObjectiveFunction#hessianTimes} adds it); null for other passes.
   */
  public double[] scaledHessianTimesDirection() { return scaledHessianTimesDirection; }

  /** Rows kept by the leverage-score sample this Hessian comes from; −1 when not sampled. */
  public long sampledRows() { return sampledRows; }

  /**
   * Σℓ̃, the sum of the sample's leverage estimates over all rows: about d when they describe the
   * Hessian, ≫ d when its low-rank part cancels much of the sampled row-wise part; NaN when not
   * sampled.
   */
  public double leverageSum() { return leverageSum; }

  /** The pass-wide constants the objective computed at this point (globals[0] its exponent m). */
  public double[] passGlobals() { return passGlobals; }

  public double[] point() { return point.clone(); }
  public int dim() { return point.length; }
  public long rows() { return rows; }

  /** False when some row overflowed; then only {@link #badRowId()} and {@link #badRowValue()} mean anything. */
  public boolean isFinite() { return badRowId < 0; }
  public long badRowId() { return badRowId; }
  /** z = a_i·x of the first row that overflowed. */
  public double badRowValue() { return badRowValue; }

  public double scaledLoss() { return scaledLoss; }
  public double logScale() { return logScale; }
  /** A bound on the rounding error of {@link #scaledLoss()}, used to judge loss differences. */
  public double scaledLossRoundingError() { return scaledLossRoundingError; }
  public double[] scaledGradient() { return scaledGradient; }
  /** Whether {@link #scaledHessian()} is the exact Hessian (not a sketched approximation). */
  public boolean hasExactHessian() { return exactHessian; }

  /** d × d, column-major, symmetric; null when the pass did not collect the Hessian. */
  public double[] scaledHessian() { return scaledHessian; }

  /** The loss; +∞ when it exceeds the double range (then use {@link #logLoss()}). */
  public double loss() { return scaledLoss * Math.exp(logScale); }

  /** log L; −∞ when L = 0. */
  public double logLoss() { return Math.log(scaledLoss) + logScale; }

  public double gradientNorm() { return LinearAlgebra.norm(scaledGradient) * Math.exp(logScale); }

  public double logGradientNorm() { return Math.log(LinearAlgebra.norm(scaledGradient)) + logScale; }

  /** The true loss gradient (may overflow to ±∞ for huge rescaled problems). */
  public double[] gradient() { return scaled(scaledGradient); }

  /** The true Hessian, or null. */
  public double[] hessian() { return scaledHessian == null ? null : scaled(scaledHessian); }

  private double[] scaled(double[] a) {
    double f = Math.exp(logScale);
    double[] r = a.clone();
    for (int i = 0; i < r.length; i++) r[i] *= f;
    return r;
  }
}
