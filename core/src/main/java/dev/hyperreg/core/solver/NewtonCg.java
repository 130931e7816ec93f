package dev.hyperreg.core.solver;

import dev.hyperreg.core.linalg.LinearAlgebra;
import dev.hyperreg.core.objective.Evaluation;
import dev.hyperreg.core.objective.ObjectiveFunction;
import dev.hyperreg.core.sketch.RowSampling;
import dev.hyperreg.core.sketch.SketchSpec;
import java.util.Locale;

/**
 * Inexact Newton with exact curvature: the direction solves H p = −g by preconditioned conjugate
 * gradients, every product H·v one exact Hessian-vector pass ({@link ObjectiveFunction#hessianTimes})
 * whose tasks ship d-vectors — so no pass sends more than a few d-vectors per task, however many
 * partitions there are — and the preconditioner M a randomized Hessian built at one point and kept
 * while it serves.
 *
 * <ul>
 *   <li><b>Forcing.</b> CG stops when the preconditioned residual ‖r‖_{M⁻¹} falls below
 *       η·‖g‖_{M⁻¹} with Eisenstat and Walker's second choice η_k = min(0.1,
 *       0.9·(‖g_k‖/‖g_{k−1}‖)²), and 0.1 at the first direction (matrix-free: {@link #forcingTerm}):
 *       loose while the gradient falls slowly (far from the answer, where a rough direction does as
 *       well), and tightening as fast as the gradient falls once the iteration is local, which keeps
 *       Newton's quadratic rate — the same outer iterations as exact Newton on every benchmark
 *       problem, where η = √(‖g‖/‖g₀‖) (rate 3/2) took up to two more.</li>
 *   <li><b>Convergence is judged on an exact step.</b> Asked for one, CG runs to η = 10⁻³: then
 *       the step is the exact Newton step up to κ(M⁻¹H)·10⁻³ of its length (in the M-norm), so
 *       "Newton step ≤ tol·max(1, ‖x‖)" means what it does for exact Newton, at no d × d pass.</li>
 *   <li><b>Negative curvature.</b> When a CG direction d has dᵀHd ≤ 0 the Hessian is not
 *       positive definite: CG stops with the iterate so far (a descent direction), or at the first
 *       step with d itself scaled to the trust radius, and reports d as the direction of negative
 *       curvature for the solver's saddle escape.</li>
 *   <li><b>Preconditioner.</b> M is built at the first direction and rebuilt at the point of the
 *       next direction whenever a solve needed more than {@value #REBUILD_AFTER} CG steps, or more than a
 *       residual contraction of {@value #REBUILD_RATE} a step would for its η (the
 *       Hessian has moved away from M). Far from the answer of an exp-type loss that can mean a
 *       rebuild per iteration; near it, one M serves to the end. By default M is the Hessian
 *       estimated from a row sample ({@link #forDimension}) whose passes ship about m rows in all;
 *       it is factored once by Cholesky (damped if it is not positive definite); PCG is invariant
 *       to M's scale, so M may come from a pass in another scale.</li>
 * </ul>
 */
public final class NewtonCg implements HessianStrategy {
  /**
   * A solve needing more CG steps than this, or than a contraction of the residual by
   * {@link #REBUILD_RATE} a step would, rebuilds the preconditioner for the next one.
   */
  static final int REBUILD_AFTER = 8;
  static final double REBUILD_RATE = 0.75;
  /** The loosest forcing term η. */
  static final double MAX_FORCING = 0.1;
  /** The forcing term of a step convergence is judged on. */
  static final double EXACT_FORCING = 1e-3;

  /** Vectors of the curvature check at the answer ({@link #smallestEigenvalue}). */
  public static final int CHECK_BLOCK = 8;
  /** Its passes at most, and its relative tolerance (residual, or θ₁'s decrease per pass). */
  static final int CHECK_PASSES = 20;
  static final double CHECK_TOLERANCE = 1e-4;

  /** Where M comes from; null: a row sample of about {@code sampleRows} rows, O(m·d) traffic in all. */
  private final HessianStrategy preconditioners;
  /** No d × d matrix anywhere: M = diag(H) (clamped positive), the final check preconditioned by it. */
  private final boolean matrixFree;
  private final long sampleRows;
  private final long seed;
  private final int maxSteps;
  private double logInitialGradient = Double.NaN;
  /** The evaluation the last forcing term was chosen at, and that term. */
  private Evaluation forcedAt;
  private double lastEta;
  /** Upper Cholesky factor of the preconditioner; null before the first build. */
  private double[] factor;
  /** 1 / M_jj of the matrix-free preconditioner. */
  private double[] inverseDiagonal;
  private boolean rebuildDue = true;
  private int builds;
  private int lastSteps;
  private long lastSampled = -1;
  private int checkPasses;

  private NewtonCg(HessianStrategy preconditioners, boolean matrixFree, long sampleRows, long seed, int maxSteps) {
    if (maxSteps < 1) throw new IllegalArgumentException("CG steps must be ≥ 1, got " + maxSteps);
    this.preconditioners = preconditioners;
    this.matrixFree = matrixFree;
    this.sampleRows = sampleRows;
    this.seed = seed;
    this.maxSteps = maxSteps;
  }

  /**
   * Preconditioned by another strategy's Hessian ({@link SketchedHessian}: the sketch, whose pass
   * ships an m × d block per task; {@link HessianStrategy#EXACT}: the exact Hessian at one point).
   *
   * @param maxSteps CG steps per direction at most; past it the iterate so far is the direction
   */
  public static NewtonCg preconditionedBy(HessianStrategy preconditioners, int maxSteps) {
    return new NewtonCg(preconditioners, false, 0, 0, maxSteps);
  }

  /**
   * The default: preconditioned by a row sample of m rows (m = 20d unless given), at most
   * max(20, min(d, 200)) CG steps a direction. Building M takes two passes: one sums the rows'
   * scores (leverage against the previous M; squared norms at the first build), the next keeps
   * about m rows by normalized priority sampling ({@link RowSampling}), shipping about m rows in all
   * instead of m per task; the Hessian's low-rank part is added exactly.
   */
  public static NewtonCg forDimension(int dim, Integer sampleRows, long seed) {
    return new NewtonCg(null, false, SketchedHessian.rowsFor(dim, sampleRows), seed, Math.max(20, Math.min(dim, 200)));
  }

  /**
   * For d whose d × d matrices do not fit: M = diag(H) from one diagonal pass
   * ({@link ObjectiveFunction#hessianDiagonal}), entries clamped to at least 10⁻¹² of the largest
   * (the second-order term can make some ≤ 0), at most 250 CG steps a direction, and the curvature
   * check at the answer by block LOBPCG on Hessian-vector passes ({@link #smallestEigenvalue}) instead of
   * a dense eigendecomposition. Every pass ships d-vectors.
   */
  public static NewtonCg matrixFree() {
    return new NewtonCg(null, true, 0, 0, 250);
  }

  /** Loss and gradient: the curvature comes later, from Hessian-vector passes. */
  @Override public Evaluation evaluate(ObjectiveFunction function, double[] x, String description) {
    return function.evaluate(x, false, description + " (loss and gradient)");
  }

  @Override public boolean needsPass(Evaluation accepted) { return false; }

  /** The same evaluation: the exact step is an accurate CG solve at it ({@link #direction}). */
  @Override public Evaluation forExactStep(ObjectiveFunction function, Evaluation current, String description) {
    return current;
  }

  @Override public NewtonDirection direction(ObjectiveFunction function, Evaluation current, double radius,
      boolean accurate) {
    if (rebuildDue) buildPreconditioner(function, current);
    if (Double.isNaN(logInitialGradient)) logInitialGradient = current.logGradientNorm();
    if (current != forcedAt) {
      lastEta = forcingTerm(current);
      forcedAt = current;
    }
    double eta = accurate ? Math.min(lastEta, EXACT_FORCING) : lastEta;
    NewtonDirection direction = solve(function, current, radius, eta);
    // M has gone stale when CG contracts slower than REBUILD_RATE a step: 8 steps for η = 0.1
    rebuildDue = lastSteps > Math.max(REBUILD_AFTER, Math.log(eta) / Math.log(REBUILD_RATE));
    return direction;
  }

  /**
   * η at a new point. With the row-sample M CG contracts fast (κ(M⁻¹H) near 1), so a tight η costs
   * a few CG steps and saves outer iterations: Eisenstat–Walker's η = 0.9·(‖g_k‖/‖g_{k−1}‖)²
   * (quadratic rate). With diag(H) (matrix-free) CG steps are most of the fit's passes and each
   * digit of η costs many: η = √(‖g_k‖/‖g₀‖) (rate 3/2) — measured at d = 10⁵ (BENCHMARKS.md, run
   * AB), the quadratic choice took 1147 passes where this takes 662, for the same 8 iterations.
   */
  private double forcingTerm(Evaluation current) {
    if (matrixFree) return Math.min(MAX_FORCING, Math.exp(0.5 * (current.logGradientNorm() - logInitialGradient)));
    if (forcedAt == null) return MAX_FORCING;
    double ratio = Math.exp(current.logGradientNorm() - forcedAt.logGradientNorm());
    return Math.min(MAX_FORCING, 0.9 * ratio * ratio);
  }

  private void buildPreconditioner(ObjectiveFunction function, Evaluation current) {
    String what = "preconditioner " + (builds + 1);
    builds++;
    rebuildDue = false;
    if (matrixFree) {
      double[] diagonal = function.hessianDiagonal(current, what + ": diag(H)");
      double largest = 0;
      for (double v : diagonal) largest = Math.max(largest, Math.abs(v));
      inverseDiagonal = new double[diagonal.length];
      for (int j = 0; j < diagonal.length; j++) {
        double clamped = Math.max(diagonal[j], 1e-12 * largest);
        inverseDiagonal[j] = clamped > 0 ? 1 / clamped : 1;
      }
      return;
    }
    Evaluation e;
    if (preconditioners != null) {
      e = preconditioners.complete(function, preconditioners.evaluate(function, current.point(), what), what);
    } else {
      RowSampling scores = RowSampling.fromFactor(factor, current.dim(), current.rows(), current.passGlobals(), 0,
          SketchSpec.mix(seed + 0x9E3779B97F4A7C15L * (builds + 1)));
      double total = function.evaluate(current.point(), scores, what + ": score total").leverageSum();
      e = function.evaluate(current.point(), scores.withBudget(sampleRows).withScoreTotal(total),
          what + ": row sample");
      lastSampled = e.sampledRows();
    }
    factor = LinearAlgebra.dampedCholesky(e.scaledHessian(), e.dim());
  }

  /** z = M⁻¹r. */
  private double[] precondition(double[] r) {
    if (!matrixFree) return LinearAlgebra.solveWithCholesky(factor, r.length, r);
    double[] z = new double[r.length];
    for (int j = 0; j < r.length; j++) z[j] = inverseDiagonal[j] * r[j];
    return z;
  }

  /**
   * PCG on H p = −g from p = 0 until ‖r‖_{M⁻¹} ≤ η‖g‖_{M⁻¹}, a direction of non-positive curvature,
   * or the step cap. pᵀHp is Σ αⱼ²·dⱼᵀHdⱼ (the directions are H-conjugate). At g = 0 the step
   * is 0 and CG only probes for negative curvature.
   */
  private NewtonDirection solve(ObjectiveFunction function, Evaluation current, double radius, double eta) {
    int d = current.dim();
    double[] g = current.scaledGradient();
    double[] p = new double[d];
    double[] r = new double[d];
    for (int j = 0; j < d; j++) r[j] = -g[j];
    // g = 0: a stationary point. CG from g would see nothing; its Krylov space from a fixed random
    // vector shows whether H has negative curvature there (the step stays 0 either way)
    boolean probe = LinearAlgebra.norm(r) == 0;
    if (probe) r = new java.util.Random(d).doubles(d, -1, 1).toArray();
    double[] z = precondition(r);
    double[] dir = z.clone();
    double rz = LinearAlgebra.dot(r, z);
    double stopAt = eta * eta * rz;
    double curvature = 0;
    lastSteps = 0;
    for (int step = 1; step <= maxSteps; step++) {
      lastSteps = step;
      double[] hd = function.hessianTimes(current, dir,
          String.format(Locale.ROOT, "CG step %d (Hessian-vector product)", step));
      double dHd = LinearAlgebra.dot(dir, hd);
      if (!(dHd > 0)) {
        NewtonDirection found = negativeCurvature(p, curvature, dir, dHd, g, radius, step == 1);
        return probe ? new NewtonDirection(new double[d], found.damping(), found.negativeCurvature(), 0, false) : found;
      }
      double alpha = rz / dHd;
      for (int j = 0; j < d; j++) {
        p[j] += alpha * dir[j];
        r[j] -= alpha * hd[j];
      }
      curvature += alpha * alpha * dHd;
      z = precondition(r);
      double rzNext = LinearAlgebra.dot(r, z);
      if (rzNext <= stopAt) {
        return probe ? new NewtonDirection(new double[d], 0, null, 0, true)
            : new NewtonDirection(p, 0, null, curvature, eta <= EXACT_FORCING);
      }
      double beta = rzNext / rz;
      for (int j = 0; j < d; j++) dir[j] = z[j] + beta * dir[j];
      rz = rzNext;
    }
    return probe ? new NewtonDirection(new double[d], 0, null, 0, false) : new NewtonDirection(p, 0, null, curvature, false);
  }

  /**
   * CG met dᵀHd ≤ 0: H is not positive definite. The iterate so far is a descent direction; at
   * the first step there is none, and d (= M⁻¹(−g), a descent direction) scaled to the radius is
   * taken. d, signed against g, is the direction of negative curvature; the damping reported is
   * the shift −dᵀHd/‖d‖² that would make its curvature zero (and at least a hair above 0).
   */
  private static NewtonDirection negativeCurvature(double[] p, double curvature, double[] dir, double dHd,
      double[] g, double radius, boolean first) {
    double norm = LinearAlgebra.norm(dir);
    double[] unit = new double[dir.length];
    double sign = LinearAlgebra.dot(dir, g) > 0 ? -1 : 1;
    for (int j = 0; j < dir.length; j++) unit[j] = sign * dir[j] / norm;
    double damping = Math.max(-dHd / (norm * norm), Double.MIN_NORMAL);
    if (!first) return new NewtonDirection(p, damping, unit, curvature, false);
    double[] step = new double[dir.length];
    for (int j = 0; j < dir.length; j++) step[j] = radius * unit[j];
    return new NewtonDirection(step, damping, unit, radius * radius * dHd / (norm * norm), false);
  }

  /**
   * λ_min of H at the answer by block LOBPCG ({@link BlockLobpcg}) on Hessian-times-block passes,
   * preconditioned by this strategy's M (the row sample; diag(H) when matrix-free, built at the
   * answer when there is none yet, as for L-BFGS's check): {@value #CHECK_BLOCK} vectors, at most
   * {@value #CHECK_PASSES} passes, until ‖Hx₁ − θ₁x₁‖ ≤ {@value #CHECK_TOLERANCE}·θ₁ or a pass
   * lowers θ₁ by at most that fraction of it. Each pass ships {@value #CHECK_BLOCK} d-vectors per
   * Hessian piece and task where the exact check ships d × d matrices. A
   * Ritz value bounds λ_min from above: a value ≤ 0 proves the point is no minimum, a positive one
   * is an estimate. Without an M (a fit that never asked for a direction) the default exact check.
   */
  @Override public double smallestEigenvalue(ObjectiveFunction function, Evaluation last) {
    if (matrixFree && inverseDiagonal == null) buildPreconditioner(function, last);
    if (!matrixFree && factor == null) return HessianStrategy.super.smallestEigenvalue(function, last);
    BlockLobpcg.Result r = BlockLobpcg.smallest((block, step) -> function.hessianTimes(last, block,
        String.format(Locale.ROOT, "final check: LOBPCG pass %d (H times %d vectors)", step, block.length)),
        this::precondition, last.dim(), CHECK_BLOCK, CHECK_PASSES, CHECK_TOLERANCE, 31);
    checkPasses = r.products();
    return r.smallest() * Math.exp(last.logScale());
  }

  @Override public String current() {
    String mode = matrixFree ? "newton-cg matrix-free" : "newton-cg";
    if (builds == 0) return mode;
    String source = matrixFree ? "diagonal" : preconditioners != null ? preconditioners.current()
        : "row sample of " + (lastSampled < 0 ? sampleRows : lastSampled);
    return String.format(Locale.ROOT, "%s: %d CG steps (preconditioner %s, built %d×)%s", mode, lastSteps, source,
        builds, checkPasses > 0 ? ", final check " + checkPasses + " LOBPCG passes" : "");
  }
}
