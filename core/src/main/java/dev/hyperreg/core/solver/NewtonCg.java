package dev.hyperreg.core.solver;

import dev.hyperreg.core.linalg.LinearAlgebra;
import dev.hyperreg.core.objective.Evaluation;
import dev.hyperreg.core.objective.ObjectiveFunction;
import dev.hyperreg.core.sketch.RowSampling;
import dev.hyperreg.core.sketch.SketchSpec;
import dev.hyperreg.core.linalg.ScaledSpectrum;
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
 *   <li><b>Convergence is certified, not inferred.</b> A small CG step only proposes
 *       convergence; the {@link ConvergenceCertificate} decides, from one exact pass where d × d
 *       matrices are held ({@link #forDimension}), from an accurate CG solve whose residual is checked,
 *       Jacobi-scaled, against the unpreconditioned gradient and a curvature estimate of the
 *       Jacobi-scaled Hessian otherwise ({@link #matrixFree}, {@link #certify}).</li>
 *   <li><b>Trust region.</b> CG stops at the boundary of the solver's trust radius (Steihaug): an
 *       iterate that would leave it, or a direction of non-positive curvature, ends the solve there.
 *       A direction of negative curvature is reported for the solver's saddle escape.</li>
 *   <li><b>Preconditioner.</b> M is built at the first direction and rebuilt at the point of the
 *       next direction when it has gone stale: a solve needed more than {@value #REBUILD_AFTER} CG
 *       steps, or more than a residual contraction of {@value #REBUILD_RATE} a step would for its
 *       η, or met negative curvature; or, at once, when the Rayleigh quotient of its first CG
 *       direction, dᵀHd/dᵀMd, has moved by more than a factor {@value #STALE_RATIO} from where it
 *       was after the build (the Hessian has moved away from M). An exact Hessian made by a
 *       certificate replaces it. By default M is the Hessian estimated from a row sample
 *       ({@link #forDimension}) whose passes ship about m rows in all. It is factored in
 *       Jacobi-scaled coordinates: S M S (unit diagonal) by Cholesky, or, where that is not positive
 *       definite, as Q|Λ|Qᵀ with |λ| floored at 10⁻⁸ of the largest — so no shift needed at an
 *       indefinite point can swamp the directions whose curvature is small. PCG is invariant to M's
 *       scale, so M may come from a pass in another scale.</li>
 * </ul>
 *
 * <p><b>State.</b> Unlike the solver, a strategy is not immutable: it keeps, for the one fit it
 * serves, its preconditioner (the Jacobi scale and factor of M, or 1/diag(H)), when it must be
 * rebuilt and the Rayleigh quotient its staleness test compares with, the forcing term's last point,
 * and the counts shown in the iteration records. Make a new one for every fit (the factories do).
 * The CG iteration itself is {@link ConjugateGradients}, shared with the matrix-free start.
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

  /** CG steps a direction at most when matrix-free (the L-BFGS certificate's cap too). */
  public static final int MATRIX_FREE_STEPS = 250;
  /**
   * Hessian-vector passes a direction costs far from the answer (η = 0.1, the row-sample M: 2–4 CG
   * steps, and M's two build passes spread over the first iterations): an exact pass from the start
   * pays where it costs less than this many more passes ({@link PassCost#exactPassPays}).
   */
  static final double EARLY_PRODUCTS = 3;
  /**
   * The same near the answer, where η falls with the square of the gradient: 4–10 CG steps a
   * direction, and the certificate's pass after the last. The local phase's exact passes pay where
   * they cost less than this many more.
   */
  static final double LOCAL_PRODUCTS = 8;
  /** dᵀHd/dᵀMd of a solve's first direction beyond this factor of its value after the build: M is stale. */
  static final double STALE_RATIO = 4;
  /** Smallest |λ| of a preconditioner's scaled spectrum, relative to the largest. */
  static final double PRECONDITIONER_FLOOR = 1e-8;


  /** No d × d matrix anywhere: M = |diag(H)|, the matrix-free certificate. */
  private final boolean matrixFree;
  /** Whether the certificate is one exact pass (P·d² doubles) or the matrix-free one. */
  private final boolean denseCertificate;
  private final long sampleRows;
  private final long seed;
  private final int maxSteps;
  /** What a pass costs, for the choice between Hessian-vector and exact passes; null: not known. */
  private final PassCost cost;
  // per-fit state (see the class comment)
  private double logInitialGradient = Double.NaN;
  /** The evaluation the last forcing term was chosen at, and that term. */
  private Evaluation forcedAt;
  private double lastEta;
  /** M = S⁻¹ (scaled factor) S⁻¹: the Jacobi scale of the matrix M was built from. */
  private double[] scale;
  /** Upper Cholesky factor of S M S, or null when M is held as its scaled eigen-decomposition. */
  private double[] factor;
  /** S M S = Q Λ Qᵀ with |λ| floored, when its Cholesky factor does not exist. */
  private double[] eigenVectors, absEigenValues;
  /** 1 / M_jj of the matrix-free preconditioner. */
  private double[] inverseDiagonal;
  private boolean rebuildDue = true;
  /** dᵀHd/dᵀMd of the first direction of the first solve after the build; NaN before it. */
  private double ratioAtBuild = Double.NaN;
  private String source = "";
  private int builds;
  private int lastSteps;
  private boolean lastNegative;
  /**
   * Whether every pass collects the exact Hessian and the step is exact Newton's: from the start
   * where the cost model says such passes pay already ({@link #EARLY_PRODUCTS}), else from the
   * solver's local phase on ({@link #takeExactPasses}).
   */
  private boolean exactPasses;
  private boolean costDecided, localPhasePays;

  private NewtonCg(boolean matrixFree, boolean denseCertificate, long sampleRows, long seed, int maxSteps,
      PassCost cost) {
    if (maxSteps < 1) throw new IllegalArgumentException("CG steps must be ≥ 1, got " + maxSteps);
    this.matrixFree = matrixFree;
    this.denseCertificate = denseCertificate;
    this.sampleRows = sampleRows;
    this.seed = seed;
    this.maxSteps = maxSteps;
    this.cost = cost;
  }

  /**
   * The cost model's choices, made once what a pass reads is known (after the first pass): exact
   * passes from here on where one costs less than {@value #EARLY_PRODUCTS} more d-vector passes;
   * the local phase's where it costs less than {@value #LOCAL_PRODUCTS}.
   */
  private void decideByCost(ObjectiveFunction function) {
    if (cost == null || costDecided || function.dataShape() == null || !denseCertificate) return;
    costDecided = true;
    int d = function.objective().dim();
    exactPasses |= cost.exactPassPays(function.dataShape(), d, EARLY_PRODUCTS);
    localPhasePays = cost.exactPassPays(function.dataShape(), d, LOCAL_PRODUCTS);
  }

  /**
   * The default: preconditioned by a row sample of m rows (m = 20d unless given), at most
   * max(20, min(d, 200)) CG steps a direction. Building M takes two passes: one sums the rows'
   * scores (leverage against the previous M; squared norms at the first build), the next keeps
   * about m rows by normalized priority sampling ({@link RowSampling}), shipping about m rows in all
   * instead of m per task; the Hessian's low-rank part is added exactly.
   */
  public static NewtonCg forDimension(int dim, Integer sampleRows, long seed) {
    return new NewtonCg(false, true, SketchedHessian.rowsFor(dim, sampleRows), seed, Math.max(20, Math.min(dim, 200)),
        null);
  }

  /**
   * The same strategy choosing, by what its passes cost, between Hessian-vector passes and passes
   * that carry the exact Hessian: exact passes throughout where one costs less than
   * {@value #EARLY_PRODUCTS} more d-vector passes, from the local phase on where it costs less than
   * {@value #LOCAL_PRODUCTS}, and only for the certificate otherwise. Without a model (the other
   * factories) the local phase takes exact passes wherever the certificate does.
   */
  public NewtonCg withPassCost(PassCost passCost) {
    return new NewtonCg(matrixFree, denseCertificate, sampleRows, seed, maxSteps, passCost);
  }

  /**
   * The same strategy certifying without a d × d pass (as {@link #matrixFree} does): for when the
   * exact pass's P·d² doubles cost more than the few d-vector passes of the matrix-free
   * certificate (the caller's cost model decides).
   */
  public NewtonCg withMatrixFreeCertificate() {
    return new NewtonCg(matrixFree, false, sampleRows, seed, maxSteps, cost);
  }

  /**
   * For d whose d × d matrices do not fit: M = |diag(H)| from one diagonal pass
   * ({@link ObjectiveFunction#hessianDiagonal}) (the second-order term can make entries negative; a
   * zero entry gets 10⁻¹² of the largest), at most 250 CG steps a direction, and the
   * certificate's curvature by block LOBPCG on Hessian-vector passes ({@link #certify}) instead of
   * a dense eigendecomposition. Every pass ships d-vectors.
   */
  public static NewtonCg matrixFree() {
    return new NewtonCg(true, false, 0, 0, MATRIX_FREE_STEPS, null);
  }

  /**
   * Where the certificate is one exact pass, so is a local Newton step ({@link NewtonSolver}) — when
   * the cost model, if there is one, says that pass costs less than the {@value #LOCAL_PRODUCTS}
   * Hessian-vector passes it saves.
   */
  @Override public boolean exactStepsAreCheap() {
    return denseCertificate && (cost == null || localPhasePays);
  }

  /** From now on every pass carries the exact Hessian and the direction is exact Newton's. */
  @Override public void takeExactPasses() {
    if (denseCertificate) exactPasses = true;
  }

  /** Loss and gradient (the curvature comes later, from Hessian-vector passes), or all of it with exact passes. */
  @Override public Evaluation evaluate(ObjectiveFunction function, double[] x, String description) {
    decideByCost(function);
    if (exactPasses) return function.evaluate(x, true, description + " (with the exact Hessian)");
    return function.evaluate(x, false, description + " (loss and gradient)");
  }

  @Override public boolean needsPass(Evaluation accepted) { return exactPasses && !accepted.hasExactHessian(); }

  @Override public NewtonDirection direction(ObjectiveFunction function, Evaluation current, double radius,
      boolean accurate) {
    decideByCost(function);
    if (exactPasses) { // (the point's pass lacks the Hessian where the model could decide only after it)
      lastSteps = 0;
      Evaluation exact = current.hasExactHessian() ? current
          : function.evaluate(current.point(), true, "the exact Hessian (cost model)");
      return NewtonDirection.of(function, exact, radius);
    }
    if (rebuildDue) buildPreconditioner(function, current);
    if (Double.isNaN(logInitialGradient)) logInitialGradient = current.logGradientNorm();
    if (current != forcedAt) {
      lastEta = forcingTerm(current);
      forcedAt = current;
    }
    double eta = accurate ? Math.min(lastEta, EXACT_FORCING) : lastEta;
    NewtonDirection direction = solve(function, current, radius, eta, accurate ? preconditionerScale() : null, true);
    if (direction == null) { // M was stale at its first direction: rebuilt here, solve again
      buildPreconditioner(function, current);
      direction = solve(function, current, radius, eta, accurate ? preconditionerScale() : null, false);
    }
    // M has gone stale when CG contracts slower than REBUILD_RATE a step (8 steps for η = 0.1), or met
    // negative curvature (the point is indefinite: M, built positive definite, no longer describes H)
    rebuildDue = lastNegative || lastSteps > Math.max(REBUILD_AFTER, Math.log(eta) / Math.log(REBUILD_RATE));
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
    ratioAtBuild = Double.NaN;
    if (matrixFree) {
      double[] diagonal = function.hessianDiagonal(current, what + ": diag(H)");
      double largest = 0;
      for (double v : diagonal) largest = Math.max(largest, Math.abs(v));
      inverseDiagonal = new double[diagonal.length];
      for (int j = 0; j < diagonal.length; j++) {
        // |H_jj| where it is not 0 (negative where the point is indefinite): each direction keeps its own
        // scale; a floor relative to the largest would swamp a column whose curvature is 10¹³ below a stiff one
        double size = diagonal[j] != 0 ? Math.abs(diagonal[j]) : 1e-12 * largest;
        inverseDiagonal[j] = size > 0 ? 1 / size : 1;
      }
      source = "diagonal";
      return;
    }
    double[] previousFactorForScores = factor != null ? unscaledFactor() : null;
    RowSampling scores = RowSampling.fromFactor(previousFactorForScores, current.dim(), current.rows(),
        current.passGlobals(), 0, SketchSpec.mix(seed + 0x9E3779B97F4A7C15L * (builds + 1)));
    double total = function.evaluate(current.point(), scores, what + ": score total").leverageSum();
    Evaluation e = function.evaluate(current.point(), scores.withBudget(sampleRows).withScoreTotal(total),
        what + ": row sample");
    source = "row sample of " + e.sampledRows();
    factorize(e.scaledHessian(), e.dim());
  }

  /** Takes a certificate's exact Hessian as M (the best preconditioner there is, and free). */
  @Override public void useExactHessian(Evaluation exact) {
    if (matrixFree || !exact.hasExactHessian()) return;
    factorize(exact.scaledHessian(), exact.dim());
    builds++;
    rebuildDue = false;
    ratioAtBuild = Double.NaN;
    source = "exact Hessian of a certificate";
  }

  /**
   * Factors M in Jacobi-scaled coordinates: S M S = UᵀU when that Cholesky factor exists, else
   * S M S = QΛQᵀ, applied as Q|Λ|⁻¹Qᵀ with |λ| ≥ {@value #PRECONDITIONER_FLOOR}·max|λ|.
   */
  private void factorize(double[] m, int d) {
    scale = ScaledSpectrum.jacobiScale(m, d);
    factor = ScaledSpectrum.scaledCholesky(m, d, scale, PRECONDITIONER_FLOOR);
    eigenVectors = null;
    absEigenValues = null;
    if (factor != null) return;
    LinearAlgebra.SymmetricEigen eigen = LinearAlgebra.symmetricEigen(ScaledSpectrum.scaled(m, d, scale), d);
    double top = 0;
    for (double v : eigen.values()) top = Math.max(top, Math.abs(v));
    absEigenValues = new double[d];
    for (int i = 0; i < d; i++) absEigenValues[i] = Math.max(Math.abs(eigen.values()[i]), PRECONDITIONER_FLOOR * top);
    eigenVectors = eigen.vectors();
  }

  /**
   * The previous M as an upper factor U with UᵀU ≈ M (what the row sample's leverage scores are
   * taken against); the Cholesky factor of S M S unscaled, or, from the eigen form, diag(√|λ|)Qᵀ S⁻¹.
   */
  private double[] unscaledFactor() {
    int d = scale.length;
    double[] u = new double[d * d];
    if (factor != null) {
      for (int j = 0; j < d; j++) for (int i = 0; i <= j; i++) u[j * d + i] = factor[j * d + i] / scale[j];
      return u;
    }
    // rows of √|Λ| Qᵀ S⁻¹: not triangular, so return the Cholesky factor of its Gram instead
    double[] gram = new double[d * d];
    for (int a = 0; a < d; a++) {
      for (int b = 0; b < d; b++) {
        double v = 0;
        for (int i = 0; i < d; i++) v += eigenVectors[i * d + a] * absEigenValues[i] * eigenVectors[i * d + b];
        gram[b * d + a] = v / (scale[a] * scale[b]);
      }
    }
    return LinearAlgebra.dampedCholesky(gram, d);
  }

  /** z = M⁻¹r. */
  private double[] precondition(double[] r) {
    int d = r.length;
    double[] z = new double[d];
    if (matrixFree) {
      for (int j = 0; j < d; j++) z[j] = inverseDiagonal[j] * r[j];
      return z;
    }
    double[] sr = new double[d];
    for (int j = 0; j < d; j++) sr[j] = scale[j] * r[j];
    double[] y;
    if (factor != null) {
      y = LinearAlgebra.solveWithCholesky(factor, d, sr);
    } else {
      y = new double[d];
      for (int i = 0; i < d; i++) {
        double c = 0;
        for (int j = 0; j < d; j++) c += eigenVectors[i * d + j] * sr[j];
        c /= absEigenValues[i];
        for (int j = 0; j < d; j++) y[j] += c * eigenVectors[i * d + j];
      }
    }
    for (int j = 0; j < d; j++) z[j] = scale[j] * y[j];
    return z;
  }

  /**
   * PCG on H p = −g from p = 0 until ‖r‖_{M⁻¹} ≤ η‖g‖_{M⁻¹} (and, when {@code accurate}, the
   * Jacobi-scaled ‖S r‖ ≤ {@value #ConvergenceCertificate.CERTIFICATE_RESIDUAL}·‖S g‖ as well), a direction of non-positive
   * curvature, the trust radius, or the step cap. pᵀHp is Σ αⱼ²·dⱼᵀHdⱼ (the directions are
   * H-conjugate). At g = 0 the step is 0 and CG only probes for negative curvature. Null when
   * {@code mayRebuild} and the first direction's dᵀHd/dᵀMd shows M stale.
   */
  private NewtonDirection solve(ObjectiveFunction function, Evaluation current, double radius, double eta,
      double[] residualScale, boolean mayRebuild) {
    boolean accurate = residualScale != null;
    int d = current.dim();
    double[] g = current.scaledGradient();
    double[] b = new double[d];
    for (int j = 0; j < d; j++) b[j] = -g[j];
    // g = 0: a stationary point. CG from g would see nothing; its Krylov space from a fixed random
    // vector shows whether H has negative curvature there (the step stays 0 either way)
    boolean probe = LinearAlgebra.norm(b) == 0;
    if (probe) b = new java.util.Random(d).doubles(d, -1, 1).toArray();
    double stopAt = eta * eta * LinearAlgebra.dot(b, precondition(b));
    double scaledG = accurate ? scaledNorm(residualScale, g) : 0;
    ConjugateGradients.Result r = ConjugateGradients.solve(
        (v, step) -> function.hessianTimes(current, v, String.format(Locale.ROOT, "CG step %d (Hessian-vector product)", step)),
        this::precondition, b, maxSteps,
        (residual, rz) -> rz <= stopAt && (!accurate || scaledNorm(residualScale, residual) <= ConvergenceCertificate.CERTIFICATE_RESIDUAL * scaledG),
        probe ? Double.POSITIVE_INFINITY : radius,
        matrixFree ? null : (dHd, dMd) -> stillFresh(dHd / dMd, mayRebuild));
    lastSteps = r.steps();
    lastNegative = r.end() == ConjugateGradients.End.NON_POSITIVE_CURVATURE;
    double[] zero = new double[d];
    return switch (r.end()) {
      case ABANDONED -> null;
      case NON_POSITIVE_CURVATURE -> {
        NewtonDirection found = negativeCurvature(r.y(), r.curvature(), r.direction(), r.directionCurvature(), g, radius,
            r.steps() == 1);
        yield probe ? new NewtonDirection(zero, found.damping(), found.negativeCurvature(), 0, false) : found;
      }
      case SOLVED -> probe ? new NewtonDirection(zero, 0, null, 0, true)
          : new NewtonDirection(r.y(), 0, null, r.curvature(), accurate);
      case BOUNDARY, STEP_CAP -> probe ? new NewtonDirection(zero, 0, null, 0, false)
          : new NewtonDirection(r.y(), 0, null, r.curvature(), false);
    };
  }

  /**
   * The staleness test at a solve's first CG step: dᵀHd/dᵀMd of the preconditioned gradient
   * against its value at the first solve after the build. False (rebuild and solve again) when it
   * moved by more than a factor {@value #STALE_RATIO} and a rebuild is allowed.
   */
  private boolean stillFresh(double ratio, boolean mayRebuild) {
    if (Double.isNaN(ratioAtBuild)) {
      ratioAtBuild = ratio;
      return true;
    }
    return !mayRebuild || (ratio <= STALE_RATIO * ratioAtBuild && ratio >= ratioAtBuild / STALE_RATIO);
  }

  /** The Jacobi scale S = diag(M)^{−1/2} of the preconditioner. */
  private double[] preconditionerScale() {
    if (!matrixFree) return scale;
    double[] s = new double[inverseDiagonal.length];
    for (int j = 0; j < s.length; j++) s[j] = Math.sqrt(inverseDiagonal[j]);
    return s;
  }

  /**
   * ‖S v‖ for a Jacobi scale S: the residual test of a certified step is made in these units, where
   * a column whose curvature is 10¹³ below a stiff one still counts (in the Euclidean norm its whole
   * residual hides under 10⁻⁶ of the stiff one's gradient).
   */
  private static double scaledNorm(double[] s, double[] v) {
    return LinearAlgebra.norm(times(s, v));
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
   * The certificate: one exact pass where d × d matrices are cheap (the default), else
   * {@link ConvergenceCertificate#matrixFree} with this strategy's M for its CG solve.
   */
  @Override public ConvergenceCertificate.Verdict certify(ObjectiveFunction function, Evaluation current,
      ConvergenceCertificate.Bounds bounds, String description) {
    if (denseCertificate) return HessianStrategy.super.certify(function, current, bounds, description);
    if (rebuildDue || (!matrixFree && factor == null && eigenVectors == null)) buildPreconditioner(function, current);
    return ConvergenceCertificate.matrixFree(function, current, bounds, description, this::precondition, maxSteps);
  }

  private static double[] times(double[] s, double[] v) {
    double[] out = new double[v.length];
    for (int j = 0; j < v.length; j++) out[j] = s[j] * v[j];
    return out;
  }

  @Override public String current() {
    if (exactPasses) return "newton-cg: exact passes (" + (builds == 0 ? "cost model" : "local phase") + ")";
    String mode = matrixFree ? "newton-cg matrix-free" : "newton-cg";
    if (builds == 0) return mode;
    return String.format(Locale.ROOT, "%s: %d CG steps (preconditioner %s, built %d×)", mode, lastSteps, source, builds);
  }
}
