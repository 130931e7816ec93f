package dev.hyperreg.core;

import java.io.Serializable;
import java.util.Arrays;
import org.netlib.util.intW;

/**
 * How the minimizer x* of the rescaled objective moves when the data (A, b) move: the first-order
 * response, its operator norms, and a bound on the whole (non-linear) response that holds within a
 * radius, all computed from the data at x*.
 *
 * <h2>First order</h2>
 * Write the fit in z = Ax: ℓ(z, b) = ½‖u − αb‖², u = f(z), α = ⟨u, 1⟩, so that u − αb = T u with
 * T = I − b1ᵀ and ℓ = ½ uᵀQu, Q = TᵀT. With v = f'(z), u'' = f''(z) (= u for all three links),
 * y = Qu = r − β1 (r = u − αb, β = ⟨b, r⟩) and the regularizer ½Σw²z² + ½λ‖x‖²:
 * <pre>
 *   ∇L = Aᵀψ + λx,             ψ = v∘y + w²∘z                     (the per-row gradient)
 *   ∇²L = Aᵀ M A + λI,          M = diag(E) − (v∘b)vᵀ − v(v∘b)ᵀ + ‖b‖² vvᵀ,  E = v² + u''∘y + w²
 * </pre>
 * A shift (ΔA, Δb) changes the gradient at a fixed x by
 * <pre>
 *   G[ΔA, Δb] = ΔAᵀψ + AᵀM(ΔA x) + Aᵀ(∂ψ/∂b)Δb,   (∂ψ/∂b)Δb = −α v∘Δb − ⟨u − 2αb, Δb⟩ v
 * </pre>
 * and the implicit function theorem gives the first-order shift of the minimizer
 * Δx ≈ −H⁻¹ G[ΔA, Δb] with the exact Hessian H at x* ({@link #firstOrder}).
 *
 * <h2>First-order constants</h2>
 * With μ = λ_min(H) &gt; 0, in the spectral norm of ΔA and the 2-norm of Δb:
 * <pre>
 *   ‖H⁻¹G[ΔA, 0]‖ ≤ C_A‖ΔA‖₂,  C_A = ‖ψ‖/μ + ‖x*‖·‖H⁻¹AᵀM‖₂,   ‖H⁻¹AᵀM‖₂² = λ_max(H⁻¹ K H⁻¹),  K = (MA)ᵀ(MA)
 *   ‖H⁻¹G[0, Δb]‖ ≤ C_b‖Δb‖,   C_b = ‖H⁻¹Aᵀ(∂ψ/∂b)‖₂,            C_b² = λ_max(H⁻¹ N H⁻¹),   N = Aᵀ(∂ψ/∂b)(∂ψ/∂b)ᵀA
 * </pre>
 * K and N are d × d and sums over rows (row i of MA is E_i a_i + v_i(‖b‖² − b_i) q − v_i p with
 * q = Aᵀv, p = Aᵀ(v∘b); column i of Aᵀ(∂ψ/∂b) is −α v_i a_i − (u_i − 2αb_i) q), so one pass
 * collects them. C_b is attained by the worst Δb. C_A adds two norms that one ΔA need not attain
 * together: the worst-direction ΔA ({@link #worstShift}) aims at the x-part, and moved x* by 88–97%
 * of C_A·‖ΔA‖₂ on the benchmark problems of BENCHMARKS.md.
 *
 * <h2>The bound and its radius</h2>
 * Along the path (A + tΔA, b + tΔb), t ∈ [0, 1], the minimizer moves with speed H⁻¹G, so
 * ‖Δx*‖ ≤ sup ‖H⁻¹G‖ over the region the path visits: ‖x − x*‖ ≤ r, ‖ΔA‖₂ ≤ ρ_A, ‖Δb‖ ≤ ρ_b.
 * There every z_i moves by at most δ = (max‖a_i‖ + ρ_A)·r + ρ_A‖x*‖, so every f, f', f'' of a row
 * moves by at most (e^δ − 1)·ē_i and stays below e^δ·ē_i (ē_i = max(|u_i|, |v_i|); for exp,
 * f(z + Δ) = f(z)e^Δ, for cosh/sinh f(z + Δ) = f(z)cosh Δ + f'(z) sinh Δ). Carrying these through
 * every product in H and G (product rule on norms: ‖x'y' − xy‖ ≤ ‖x' − x‖‖y'‖ + ‖x‖‖y' − y‖) gives
 * ΔH ≥ ‖H − H(x*)‖ and ΔG_A, ΔG_b over the region. The dominant term, the change of Aᵀdiag(E)A, is
 * bounded row by row (|ΔE_i| ≤ c₂ē_i² + c_b ē_i|b_i| + c₁ē_i) through the norms of the weighted
 * Grams Aᵀdiag(ē²)A, Aᵀdiag(ē|b|)A, Aᵀdiag(ē)A, so rows with small f(z_i) count for little; the
 * rank-two part uses ‖q‖, ‖p‖ at x*. With Neumann's bound for H⁻¹
 * <pre>
 *   ‖H⁻¹G_A‖ ≤ L_A = (C_A + ΔG_A/μ) / (1 − ΔH/μ),   likewise L_b,   valid while ΔH ≤ μ/2,
 *   ‖Δx*‖ ≤ L_A‖ΔA‖₂ + L_b‖Δb‖ = r.
 * </pre>
 * r appears on both sides (δ grows with r); the least r that solves it is found by iterating from
 * r = C_A‖ΔA‖₂ + C_b‖Δb‖ — the iteration increases and converges exactly when the bound holds. The
 * radius is the largest multiple of a shift for which it does. For small shifts L → C: the bound is
 * then the first-order constant itself. The radius is conservative (norms of products are bounded
 * by products of norms), typically by orders of magnitude: the observed response stays linear
 * much further (see the sweep of {@code hyperreg shift}).
 *
 * <p>Everything is computed with the link scaled by e^{-m} (m the largest exponent at x*, as in
 * the fit), which scales H, G, ψ and M by e^{-2m} and leaves H⁻¹G, the constants and the bound
 * unchanged.
 */
public final class ShiftSensitivity implements Serializable {
  private static final long serialVersionUID = 1L;

  private final Objective objective;
  private final double[] x;
  private final int dim;
  /** Exponent scale m; α, β, H, … below are of the link scaled by e^{-m}. */
  private final double m;
  private final double alpha;
  private final double beta;
  private final double bNormSquared;
  private final double[] hessian;
  private final double[] q;
  private final double[] p;
  private final double mu;
  private final double constantA;
  private final double constantB;
  /** ‖A‖₂, max_i ‖a_i‖, ‖b‖, ‖b‖∞, max w̃², n. */
  private final double aNorm, maxRowNorm, bNorm, bMax, maxWeightSquared;
  private final long rows;
  /** max ē, Σē, ‖ē‖, ‖ψ‖, ‖u‖ (scaled). */
  private final double envelopeMax, envelopeSum, envelopeNorm, psiNorm, uNorm;
  private final double[] hessianFactor;
  /** H⁻¹y for the top eigenvectors y of H⁻¹KH⁻¹ and H⁻¹NH⁻¹: the worst shift directions' generators. */
  private final double[] worstA, worstB;
  /** √(wᵀKw) and √(wᵀNw) for those w: the norms of the worst shifts they generate. */
  private final double worstANorm, worstBNorm;
  private final double aFrobenius;
  /** Whether max|a_i·x*| ≤ {@link #ZERO_OUTPUT}: x* is 0 as far as the data can tell. */
  private final boolean outputsAtZero;
  /** Below this every a_i·x is zero to the precision of a fit (Newton steps stop at 1e-10·max(1, ‖x‖)). */
  static final double ZERO_OUTPUT = 1e-8;
  /** ‖q‖, ‖p‖, max|E_i|, and λ_max of Aᵀdiag(·)A for E², ē², ē, ē|b|: the bound's row-weighted norms. */
  private final double qNorm, pNorm, eMax, gramE2, gramEnvelope2, gramEnvelope, gramEnvelopeB;

  private ShiftSensitivity(Objective objective, double[] x, double m, double alpha, double beta, Globals g,
      LocalSums s) {
    if (objective.kind() != ObjectiveKind.RESCALED) {
      throw new InvalidProblemException("the shift analysis is derived for the rescaled objective, not "
          + objective.kind().label());
    }
    this.objective = objective;
    this.x = x.clone();
    this.dim = x.length;
    this.m = m;
    this.alpha = alpha;
    this.beta = beta;
    this.bNormSquared = g.sums[Globals.BB];
    this.rows = (long) g.sums[Globals.ROWS];
    this.maxRowNorm = Math.sqrt(g.sums[Globals.MAX_ROW_NORM2]);
    this.bNorm = Math.sqrt(bNormSquared);
    this.bMax = g.sums[Globals.B_MAX];
    this.maxWeightSquared = g.sums[Globals.MAX_W2] == 0 ? 0 : g.sums[Globals.MAX_W2] * Math.exp(-2 * m);
    int d = dim;
    int dd = d * d;
    q = Arrays.copyOfRange(s.vectors, LocalSums.Q * d, LocalSums.Q * d + d);
    p = Arrays.copyOfRange(s.vectors, LocalSums.P * d, LocalSums.P * d + d);
    double[] s1 = Arrays.copyOfRange(s.vectors, LocalSums.S1 * d, LocalSums.S1 * d + d);
    double[] s2 = Arrays.copyOfRange(s.vectors, LocalSums.S2 * d, LocalSums.S2 * d + d);
    double[] s3 = Arrays.copyOfRange(s.vectors, LocalSums.S3 * d, LocalSums.S3 * d + d);
    for (int k = 0; k < LocalSums.GRAMS; k++) LinearAlgebra.mirrorUpper(s.grams, d, k * dd);

    hessian = Arrays.copyOfRange(s.grams, LocalSums.GRAM_E * dd, LocalSums.GRAM_E * dd + dd);
    ObjectiveTerms.addOuter(hessian, -1, p, q);
    ObjectiveTerms.addOuter(hessian, -1, q, p);
    ObjectiveTerms.addOuter(hessian, bNormSquared, q, q);
    if (objective.ridge() > 0) objective.addRidgeHessian(Math.exp(-2 * m), hessian);

    double[] kMatrix = Arrays.copyOfRange(s.grams, LocalSums.GRAM_E2 * dd, LocalSums.GRAM_E2 * dd + dd);
    ObjectiveTerms.addOuter(kMatrix, 1, s1, q);
    ObjectiveTerms.addOuter(kMatrix, 1, q, s1);
    ObjectiveTerms.addOuter(kMatrix, -1, s2, p);
    ObjectiveTerms.addOuter(kMatrix, -1, p, s2);
    ObjectiveTerms.addOuter(kMatrix, s.scalars[LocalSums.V2K2], q, q);
    ObjectiveTerms.addOuter(kMatrix, -s.scalars[LocalSums.V2K], q, p);
    ObjectiveTerms.addOuter(kMatrix, -s.scalars[LocalSums.V2K], p, q);
    ObjectiveTerms.addOuter(kMatrix, s.scalars[LocalSums.V2], p, p);

    double[] nMatrix = Arrays.copyOfRange(s.grams, LocalSums.GRAM_V2 * dd, LocalSums.GRAM_V2 * dd + dd);
    for (int k = 0; k < dd; k++) nMatrix[k] *= alpha * alpha;
    ObjectiveTerms.addOuter(nMatrix, alpha, s3, q);
    ObjectiveTerms.addOuter(nMatrix, alpha, q, s3);
    ObjectiveTerms.addOuter(nMatrix, s.scalars[LocalSums.T2], q, q);

    double[] gram = Arrays.copyOfRange(s.grams, LocalSums.GRAM_1 * dd, LocalSums.GRAM_1 * dd + dd);
    double[] gramEigenvalues = LinearAlgebra.symmetricEigenvalues(gram, d);
    aNorm = Math.sqrt(Math.max(0, gramEigenvalues[d - 1]));
    qNorm = LinearAlgebra.norm(q);
    pNorm = LinearAlgebra.norm(p);
    eMax = s.scalars[LocalSums.E_MAX];
    gramE2 = largestEigenvalue(s.grams, LocalSums.GRAM_E2, d);
    gramEnvelope2 = largestEigenvalue(s.grams, LocalSums.GRAM_ENV2, d);
    gramEnvelope = largestEigenvalue(s.grams, LocalSums.GRAM_ENV, d);
    gramEnvelopeB = largestEigenvalue(s.grams, LocalSums.GRAM_ENV_B, d);
    envelopeMax = s.scalars[LocalSums.ENV_MAX];
    envelopeSum = s.scalars[LocalSums.ENV_SUM];
    envelopeNorm = Math.sqrt(s.scalars[LocalSums.ENV2]);
    psiNorm = Math.sqrt(s.scalars[LocalSums.PSI2]);
    uNorm = Math.sqrt(s.scalars[LocalSums.U2]);

    double smallest = LinearAlgebra.symmetricEigenvalues(hessian, d)[0];
    double[] factor = smallest > 0 ? cholesky(hessian, d) : null;
    // numerically positive definite only if it also factors
    mu = factor != null ? smallest : Math.min(smallest, 0);
    if (factor != null) {
      hessianFactor = factor;
      double[] sandwichK = sandwich(kMatrix);
      double[] sandwichN = sandwich(nMatrix);
      constantA = psiNorm / mu + LinearAlgebra.norm(x) * Math.sqrt(Math.max(0, largestEigenvalue(sandwichK, 0, d)));
      constantB = Math.sqrt(Math.max(0, largestEigenvalue(sandwichN, 0, d)));
      worstA = solve(hessianFactor, d, LinearAlgebra.largestEigenvector(sandwichK, d));
      worstB = solve(hessianFactor, d, LinearAlgebra.largestEigenvector(sandwichN, d));
      worstANorm = Math.sqrt(Math.max(0, quadraticForm(kMatrix, worstA)));
      worstBNorm = Math.sqrt(Math.max(0, quadraticForm(nMatrix, worstB)));
    } else {
      hessianFactor = null;
      constantA = Double.NaN;
      constantB = Double.NaN;
      worstA = null;
      worstB = null;
      worstANorm = Double.NaN;
      worstBNorm = Double.NaN;
    }
    aFrobenius = Math.sqrt(g.sums[Globals.FROBENIUS2]);
    outputsAtZero = g.sums[Globals.Z_MAX] <= ZERO_OUTPUT;
  }

  /** The sensitivity at x (a minimizer of the objective on the data): three passes. */
  public static ShiftSensitivity at(Objective objective, double[] x, PassRunner data) {
    Globals g = data.aggregate(new GlobalsPass(objective, x.clone()), "shift analysis: exponent and norms");
    double m = g.sums[Globals.EXPONENT];
    if (!Double.isFinite(m)) throw new InvalidProblemException("A·x is not finite at the given point");
    boolean regularized = objective.ridge() > 0 || g.sums[Globals.MAX_W2] > 0;
    if (regularized) m = Math.max(m, RescaledTerms.EXPONENT_FLOOR);
    double[] sums = data.aggregate(new AlphaPass(objective.link(), x.clone(), m), "shift analysis: α and β");
    double alpha = sums[0];
    double beta = sums[1] - alpha * g.sums[Globals.BB];
    LocalSums local = data.aggregate(new LocalPass(objective.link(), x.clone(), m, alpha, beta, g.sums[Globals.BB]),
        "shift analysis: Hessian and sensitivity matrices");
    return new ShiftSensitivity(objective, x, m, alpha, beta, g, local);
  }

  public double[] point() { return x.clone(); }

  public Objective objective() { return objective; }

  /** The exact Hessian at x* (unscaled). */
  public double[] hessian() {
    double[] h = hessian.clone();
    double scale = Math.exp(2 * m);
    for (int k = 0; k < h.length; k++) h[k] *= scale;
    return h;
  }

  /** λ_min of the exact Hessian at x* (unscaled). */
  public double hessianMinEigenvalue() { return mu * Math.exp(2 * m); }

  /** Whether x* is a strict local minimizer (H ≻ 0): otherwise nothing below is defined. */
  public boolean isStrictMinimizer() { return mu > 0; }

  /** C_A: ‖H⁻¹G[ΔA, 0]‖ ≤ C_A‖ΔA‖₂ to first order. */
  public double constantA() { return constantA; }

  /** C_b: ‖H⁻¹G[0, Δb]‖ ≤ C_b‖Δb‖₂ to first order (attained by the worst Δb). */
  public double constantB() { return constantB; }

  /** ‖A‖₂. */
  public double aNorm() { return aNorm; }

  /** ‖b‖₂. */
  public double bNorm() { return bNorm; }

  /**
   * The shift of relative sizes relA (‖ΔA‖_F = ‖ΔA‖₂ = relA·‖A‖_F) and relB (‖Δb‖ = relB·‖b‖) in the
   * directions that move x* most to first order: Δb along the top right singular vector of
   * H⁻¹Aᵀ(∂ψ/∂b) (so its first-order response is exactly C_b‖Δb‖), and the rank-one ΔA = h x̂ᵀ with h
   * the top right singular vector of H⁻¹AᵀM, which turns the x-part of G into ‖x*‖‖H⁻¹AᵀM‖‖ΔA‖.
   * Rows of A become dense when shifted (ΔA is rank one, not sparse); the intercept column stays.
   */
  public WorstShift worstShift(double relA, double relB) {
    if (!(mu > 0)) throw new IllegalStateException("no worst shift where H is not positive definite");
    double xNorm = LinearAlgebra.norm(x);
    double[] direction = x.clone();
    if (objective.interceptColumn() >= 0) direction[objective.interceptColumn()] = 0;
    double directionNorm = LinearAlgebra.norm(direction);
    boolean moveA = relA > 0 && xNorm > 0 && directionNorm > 0 && worstANorm > 0;
    if (moveA) for (int j = 0; j < dim; j++) direction[j] /= directionNorm;
    double scaleA = moveA ? relA * aFrobenius / worstANorm : 0;
    double scaleB = relB > 0 && worstBNorm > 0 ? relB * bNorm / worstBNorm : 0;
    if (scaleA == 0 && scaleB == 0) {
      throw new InvalidProblemException("the worst-direction shift is 0 here: no shift of A (x* = 0, or only the"
          + " intercept) or of b moves the minimizer to first order");
    }
    return new WorstShift(new RowTerms(objective.link(), m, alpha, beta, bNormSquared), x.clone(), q, p, worstA,
        worstB, direction, scaleA, scaleB);
  }

  /**
   * The worst-direction shift of {@link #worstShift}: per row, h_i = (M A w_A)_i = E_i a_i·w_A +
   * v_i(‖b‖² − b_i) q·w_A − v_i p·w_A gives Δa_i = scaleA·h_i·x̂, and Δb_i = scaleB·(−α v_i a_i·w_b −
   * (u_i − 2αb_i) q·w_b).
   */
  public static final class WorstShift implements ScalableShift {
    private static final long serialVersionUID = 1L;
    private final RowTerms terms;
    private final double[] x, q, p, worstA, worstB, direction;
    private final double scaleA, scaleB;

    WorstShift(RowTerms terms, double[] x, double[] q, double[] p, double[] worstA, double[] worstB,
        double[] direction, double scaleA, double scaleB) {
      this.terms = terms;
      this.x = x;
      this.q = q;
      this.p = p;
      this.worstA = worstA;
      this.worstB = worstB;
      this.direction = direction;
      this.scaleA = scaleA;
      this.scaleB = scaleB;
    }

    @Override public WorstShift times(double k) {
      return new WorstShift(terms, x, q, p, worstA, worstB, direction, k * scaleA, k * scaleB);
    }

    @Override public RowBlock apply(RowBlock block) {
      int n = block.rows();
      int d = x.length;
      double[] z = new double[n];
      double[] onA = new double[n];
      double[] onB = new double[n];
      block.multiply(x, z);
      block.multiply(worstA, onA);
      block.multiply(worstB, onB);
      double[][] t = new double[RowTerms.COUNT][n];
      terms.fill(block, z, t);
      double qa = LinearAlgebra.dot(q, worstA);
      double pa = LinearAlgebra.dot(p, worstA);
      double qb = LinearAlgebra.dot(q, worstB);
      double[] rowShift = new double[n];
      double[] labelShift = new double[n];
      for (int i = 0; i < n; i++) {
        double v = t[RowTerms.V][i];
        double k = terms.bNormSquared() - block.label(i);
        rowShift[i] = scaleA * (t[RowTerms.E][i] * onA[i] + v * k * qa - v * pa);
        labelShift[i] = scaleB * (-terms.alpha() * v * onB[i] - t[RowTerms.T][i] * qb);
      }
      if (scaleA == 0) return block.shifted((i, j, a) -> 0, labelShift);
      double[] labels = new double[n];
      for (int i = 0; i < n; i++) labels[i] = block.label(i) + labelShift[i];
      return DenseRowBlock.ofRows(block, (i, row) -> {
        block.addRow(i, 1, row, 0);
        for (int j = 0; j < d; j++) row[j] += rowShift[i] * direction[j];
      }, labels);
    }
  }

  /** The first-order response to a shift, from one pass over both datasets. */
  public record FirstOrder(double[] predictedShift, double aFrobenius, double aSpectral, double bNorm) {}

  /** Δx ≈ −H⁻¹G[ΔA, Δb] for the shift between the two datasets, with the shift's norms. */
  public FirstOrder firstOrder(PairedPassRunner data) {
    ShiftSums s = data.aggregate(new ShiftPass(objective.link(), x, m, alpha, beta, bNormSquared),
        "shift analysis: first-order response");
    int d = dim;
    double[] g = new double[d];
    double vDelta = s.scalars[ShiftSums.V_DELTA];
    double vbDelta = s.scalars[ShiftSums.VB_DELTA];
    double tDb = s.scalars[ShiftSums.T_DB];
    for (int j = 0; j < d; j++) {
      g[j] = s.vectors[ShiftSums.PSI_DA * d + j] + s.vectors[ShiftSums.E_DELTA_A * d + j]
          - p[j] * vDelta - q[j] * vbDelta + bNormSquared * q[j] * vDelta
          - alpha * s.vectors[ShiftSums.V_DB_A * d + j] - q[j] * tDb;
    }
    double[] predicted = hessianFactor == null ? null : solve(hessianFactor, d, g);
    if (predicted != null) for (int j = 0; j < d; j++) predicted[j] = -predicted[j];
    LinearAlgebra.mirrorUpper(s.deltaGram, d, 0);
    double spectral = Math.sqrt(Math.max(0, LinearAlgebra.symmetricEigenvalues(s.deltaGram, d)[d - 1]));
    return new FirstOrder(predicted, Math.sqrt(s.scalars[ShiftSums.DA2]), spectral,
        Math.sqrt(s.scalars[ShiftSums.DB2]));
  }

  /**
   * The bound on ‖Δx*‖ for shifts of sizes ‖ΔA‖₂ ≤ rhoA, ‖Δb‖ ≤ rhoB, or invalid when they lie outside
   * the radius.
   *
   * @param lipschitzA L_A, @param lipschitzB L_b, @param solutionShift r = L_A·rhoA + L_b·rhoB
   * @param exponentShift δ, the largest change of a z_i in the region
   */
  public record Bound(boolean valid, double lipschitzA, double lipschitzB, double solutionShift,
      double exponentShift, double outputShiftRelative) {
    static final Bound INVALID = new Bound(false, Double.NaN, Double.NaN, Double.NaN, Double.NaN, Double.NaN);
  }

  /** The bound for shifts of sizes ‖ΔA‖₂ ≤ rhoA and ‖Δb‖ ≤ rhoB (see the class comment). */
  public Bound bound(double rhoA, double rhoB) {
    if (!(mu > 0)) return Bound.INVALID;
    double r = constantA * rhoA + constantB * rhoB;
    for (int iteration = 0; iteration < 500; iteration++) {
      double[] l = lipschitzInRegion(rhoA, rhoB, r);
      if (l == null) return Bound.INVALID;
      double next = l[0] * rhoA + l[1] * rhoB;
      if (!(next <= r * (1 + 1e-12))) {
        r = next;
        continue;
      }
      double delta = (maxRowNorm + rhoA) * next + rhoA * LinearAlgebra.norm(x);
      // |f(z') − f(z)| ≤ e^δ ē |Δz|, ‖Δz‖ ≤ ‖A'‖‖Δx‖ + ‖ΔA‖‖x*‖
      double output = Math.exp(delta) * envelopeMax * ((aNorm + rhoA) * next + rhoA * LinearAlgebra.norm(x)) / uNorm;
      return new Bound(true, l[0], l[1], next, delta, output);
    }
    return Bound.INVALID;
  }

  /**
   * The largest factor s such that the bound holds for shifts of sizes s·rhoA, s·rhoB (bisection on
   * log s; the bound's validity is monotone in s). 0 when it holds for none.
   */
  public double radiusFactor(double rhoA, double rhoB) {
    if (!(mu > 0) || rhoA + rhoB == 0) return 0;
    double lo = 1e-16;
    double hi = 1e16;
    if (!bound(lo * rhoA, lo * rhoB).valid()) return 0;
    if (bound(hi * rhoA, hi * rhoB).valid()) return hi;
    for (int k = 0; k < 100 && hi / lo > 1.001; k++) {
      double mid = Math.sqrt(lo * hi);
      if (bound(mid * rhoA, mid * rhoB).valid()) lo = mid;
      else hi = mid;
    }
    return lo;
  }

  /**
   * {L_A, L_b} over the region ‖x − x*‖ ≤ r, ‖ΔA‖₂ ≤ rhoA, ‖Δb‖ ≤ rhoB, or null where ΔH &gt; μ/2.
   * Every quantity is a {@link Majorant}: its norm at x* and a bound on how far it moves.
   */
  private double[] lipschitzInRegion(double rhoA, double rhoB, double r) {
    double delta = (maxRowNorm + rhoA) * r + rhoA * LinearAlgebra.norm(x);
    double grow = Math.expm1(delta);
    if (!Double.isFinite(grow)) return null;
    double sqrtN = Math.sqrt((double) rows);
    Majorant uInf = new Majorant(envelopeMax, grow * envelopeMax);
    Majorant u2 = new Majorant(envelopeNorm, grow * envelopeNorm);
    Majorant u1 = new Majorant(envelopeSum, grow * envelopeSum);
    Majorant bInf = new Majorant(bMax, rhoB);
    Majorant b2 = new Majorant(bNorm, rhoB);
    Majorant a = new Majorant(aNorm, rhoA);
    Majorant xm = new Majorant(LinearAlgebra.norm(x), r);
    Majorant w2 = new Majorant(maxWeightSquared, 0);

    Majorant alphaM = new Majorant(Math.abs(alpha), u1.change());             // α = Σu
    Majorant bb = b2.times(b2);                                                // ‖b‖²
    Majorant betaM = new Majorant(Math.abs(beta),                              // β = ⟨b,u⟩ − α‖b‖²
        b2.times(u2).change() + alphaM.times(bb).change());
    Majorant y2 = u2.plus(alphaM.times(b2)).plus(betaM.scale(sqrtN));          // y = u − αb − β1
    Majorant yInf = uInf.plus(alphaM.times(bInf)).plus(betaM);
    Majorant eInf = uInf.times(uInf).plus(uInf.times(yInf)).plus(w2);          // E = v² + u''y + w²
    Majorant vb2 = uInf.times(b2);                                             // v∘b
    Majorant qm = new Majorant(qNorm, a.times(u2).change());                   // q = Aᵀv
    Majorant pm = new Majorant(pNorm, a.times(vb2).change());                  // p = Aᵀ(v∘b)
    double hChange = weightedGramChange(rhoA, rhoB, grow, alphaM, betaM)
        + 2 * pm.times(qm).change() + bb.times(qm).times(qm).change();
    Majorant z2 = new Majorant(aNorm * LinearAlgebra.norm(x), delta * sqrtN);
    Majorant psi = uInf.times(y2).plus(w2.times(z2));        // ψ = v∘y + w²z
    Majorant mHat = eInf.plus(u2.times(vb2).scale(2)).plus(bb.times(u2).times(u2));
    Majorant gA = psi.plus(a.times(mHat).times(xm));         // ΔAᵀψ + AᵀM(ΔA x)
    Majorant t2 = u2.plus(alphaM.times(b2).scale(2));        // t = u − 2αb
    Majorant gB = alphaM.times(a).times(uInf).plus(qm.times(t2));   // −αAᵀV − q tᵀ

    double hShare = hChange / mu;
    if (!(hShare <= 0.5)) return null;
    double inverse = 1 / (1 - hShare);
    return new double[] {(constantA + gA.change() / mu) * inverse, (constantB + gB.change() / mu) * inverse};
  }

  /**
   * A bound on ‖A'ᵀdiag(E')A' − Aᵀdiag(E)A‖ over the region, row by row: with y = u − αb − β,
   * |E'_i − E_i| ≤ c₂ē_i² + c_b ē_i|b_i| + c₁ē_i (from |Δ(v²)| ≤ (e^{2δ} − 1)ē², |Δ(u''y)| ≤
   * |Δu''||y'| + |u''||Δy|), and ‖A'ᵀdiag(w)A'‖ ≤ (√λ_max(Aᵀdiag(w)A) + ρ_A√max w)² for w ≥ 0; the
   * move of A itself adds 2ρ_A‖diag(E)A‖ + ρ_A² max|E|, ‖diag(E)A‖² = λ_max(Aᵀdiag(E²)A).
   */
  private double weightedGramChange(double rhoA, double rhoB, double grow, Majorant alphaM, Majorant betaM) {
    double ex = 1 + grow;
    double alphaBound = alphaM.bound();
    double betaBound = betaM.bound();
    double c2 = Math.expm1(2 * Math.log1p(grow)) + grow * ex + grow;
    double cb = grow * alphaBound + alphaM.change();
    double c1 = grow * (alphaBound * rhoB + betaBound) + alphaM.change() * rhoB + alphaM.value() * rhoB + betaM.change();
    double change = c2 * movedGram(gramEnvelope2, envelopeMax * envelopeMax, rhoA)
        + cb * movedGram(gramEnvelopeB, envelopeMax * bMax, rhoA)
        + c1 * movedGram(gramEnvelope, envelopeMax, rhoA);
    return change + 2 * rhoA * Math.sqrt(gramE2) + rhoA * rhoA * eMax;
  }

  /** (√gram + ρ√maxWeight)²: λ_max(A'ᵀdiag(w)A') for ‖A' − A‖₂ ≤ ρ. */
  private static double movedGram(double gram, double maxWeight, double rho) {
    double root = Math.sqrt(gram) + rho * Math.sqrt(maxWeight);
    return root * root;
  }

  /**
   * A norm at x* ({@code value}) and a bound on how far it moves over a region ({@code change}):
   * sums add, and products follow ‖x'y' − xy‖ ≤ ‖x' − x‖‖y'‖ + ‖x‖‖y' − y‖.
   */
  record Majorant(double value, double change) {
    double bound() { return value + change; }

    Majorant plus(Majorant o) { return new Majorant(value + o.value, change + o.change); }

    Majorant times(Majorant o) { return new Majorant(value * o.value, change * o.bound() + value * o.change); }

    Majorant scale(double k) { return new Majorant(k * value, k * change); }
  }

  /** ‖f(A'x') − f(Ax*)‖ / ‖f(Ax*)‖: how far the model's outputs moved. */
  public double outputShiftRelative(PairedPassRunner data, double[] shiftedPoint) {
    double[] s = data.aggregate(new OutputPass(objective.link(), x, shiftedPoint.clone(), m), "shift analysis: outputs");
    return Math.sqrt(s[0] / s[1]);
  }

  /**
   * A weight step Δx at x* as a data shift: ΔA = (AΔx)x*ᵀ/‖x*‖² gives (A + ΔA)x* = A(x* + Δx).
   *
   * @param defined false when x* = 0, or so close that every |a_i·x*| ≤ 1e-8 (a weight shift from 0
   *     is no data shift: ΔA·0 = 0)
   * @param dataShiftFrobenius ‖ΔA‖_F = ‖ΔA‖₂ = ‖AΔx‖/‖x*‖ (rank one)
   * @param dataShiftBound ‖A‖₂‖Δx‖/‖x*‖
   * @param maxOutputDiscrepancy max_i |(a_i + Δa_i)·x* − a_i·(x* + Δx)| / max_i |a_i·(x* + Δx)|, formed
   *     with ΔA written out entry by entry
   */
  public record Equivalence(boolean defined, double stepNorm, double dataShiftFrobenius, double dataShiftBound,
      double maxOutputDiscrepancy) {}

  public Equivalence equivalence(double[] step, PassRunner data) {
    double xNorm = LinearAlgebra.norm(x);
    double stepNorm = LinearAlgebra.norm(step);
    if (xNorm == 0 || outputsAtZero) return new Equivalence(false, stepNorm, Double.NaN, Double.NaN, Double.NaN);
    double[] s = data.aggregate(new EquivalencePass(x, step.clone()), "shift analysis: weight shift as data shift");
    return new Equivalence(true, stepNorm, Math.sqrt(s[0]) / xNorm, aNorm * stepNorm / xNorm,
        s[2] > 0 ? s[1] / s[2] : s[1]);
  }

  // ---- linear algebra on d × d matrices ----

  private static double largestEigenvalue(double[] grams, int index, int d) {
    double[] g = Arrays.copyOfRange(grams, index * d * d, (index + 1) * d * d);
    return Math.max(0, LinearAlgebra.symmetricEigenvalues(g, d)[d - 1]);
  }

  private static double[] cholesky(double[] h, int d) {
    double[] factor = h.clone();
    intW info = new intW(0);
    LinearAlgebra.lapack().dpotrf("U", d, factor, d, info);
    return info.val == 0 ? factor : null;
  }

  /** Solves H X = B (B column-major with columns of length d) with the Cholesky factor. */
  private static double[] solve(double[] factor, int d, double[] b) {
    if (factor == null) return null;
    double[] x = b.clone();
    intW info = new intW(0);
    LinearAlgebra.lapack().dpotrs("U", d, b.length / d, factor, d, x, d, info);
    return info.val == 0 ? x : null;
  }

  /** H⁻¹ S H⁻¹ for symmetric S, as H⁻¹(H⁻¹S)ᵀ, symmetrized. */
  private double[] sandwich(double[] s) {
    int d = dim;
    double[] left = solve(hessianFactor, d, s);
    double[] transposed = new double[d * d];
    for (int r = 0; r < d; r++) {
      for (int c = 0; c < d; c++) transposed[c * d + r] = left[r * d + c];
    }
    double[] sandwich = solve(hessianFactor, d, transposed);
    for (int r = 0; r < d; r++) {
      for (int c = r + 1; c < d; c++) {
        double mean = 0.5 * (sandwich[c * d + r] + sandwich[r * d + c]);
        sandwich[c * d + r] = mean;
        sandwich[r * d + c] = mean;
      }
    }
    return sandwich;
  }

  private static double quadraticForm(double[] a, double[] w) {
    int d = w.length;
    double s = 0;
    for (int c = 0; c < d; c++) {
      for (int r = 0; r < d; r++) s += w[r] * a[c * d + r] * w[c];
    }
    return s;
  }

  // ---- the passes ----

  /** The point's exponent m, n, ‖b‖², max|b_i|, max‖a_i‖², max w_i². */
  static final class Globals implements Serializable {
    private static final long serialVersionUID = 1L;
    static final int EXPONENT = 0, ROWS = 1, BB = 2, B_MAX = 3, MAX_ROW_NORM2 = 4, MAX_W2 = 5, FROBENIUS2 = 6,
        Z_MAX = 7;
    final double[] sums = {Double.NEGATIVE_INFINITY, 0, 0, 0, 0, 0, 0, 0};

    Globals merge(Globals o) {
      sums[EXPONENT] = Math.max(sums[EXPONENT], o.sums[EXPONENT]);
      sums[ROWS] += o.sums[ROWS];
      sums[BB] += o.sums[BB];
      sums[FROBENIUS2] += o.sums[FROBENIUS2];
      for (int k : new int[] {B_MAX, MAX_ROW_NORM2, MAX_W2, Z_MAX}) sums[k] = Math.max(sums[k], o.sums[k]);
      return this;
    }
  }

  private record GlobalsPass(Objective objective, double[] x) implements BlockAggregator<Globals> {
    @Override public Globals zero() { return new Globals(); }

    @Override public Globals add(Globals acc, RowBlock block) {
      int n = block.rows();
      double[] z = new double[n];
      block.multiply(x, z);
      double[] norms = block.rowNormsSquared();
      double[] s = acc.sums;
      for (int i = 0; i < n; i++) {
        if (!Double.isFinite(z[i])) s[Globals.EXPONENT] = Double.POSITIVE_INFINITY;
        else s[Globals.EXPONENT] = Math.max(s[Globals.EXPONENT], objective.link().exponentBound(z[i]));
        double b = block.label(i);
        s[Globals.BB] += b * b;
        s[Globals.Z_MAX] = Math.max(s[Globals.Z_MAX], Math.abs(z[i]));
        s[Globals.B_MAX] = Math.max(s[Globals.B_MAX], Math.abs(b));
        s[Globals.MAX_ROW_NORM2] = Math.max(s[Globals.MAX_ROW_NORM2], norms[i]);
        // ‖A‖_F² without the intercept column (which holds 1 and is never shifted)
        s[Globals.FROBENIUS2] += norms[i] - (objective.interceptColumn() >= 0 ? 1 : 0);
        s[Globals.MAX_W2] = Math.max(s[Globals.MAX_W2], block.regWeightSquared(i));
      }
      s[Globals.ROWS] += n;
      return acc;
    }

    @Override public Globals merge(Globals left, Globals right) { return left.merge(right); }
  }

  /** Σu and ⟨b, u⟩ of the scaled link. */
  private record AlphaPass(Link link, double[] x, double m) implements BlockAggregator<double[]> {
    @Override public double[] zero() { return new double[2]; }

    @Override public double[] add(double[] acc, RowBlock block) {
      int n = block.rows();
      double[] z = new double[n];
      block.multiply(x, z);
      for (int i = 0; i < n; i++) {
        double u = link.value(z[i], m);
        acc[0] += u;
        acc[1] += block.label(i) * u;
      }
      return acc;
    }

    @Override public double[] merge(double[] left, double[] right) {
      left[0] += right[0];
      left[1] += right[1];
      return left;
    }
  }

  /** Per-row quantities at x* shared by the passes (scaled link; w² scaled by e^{-2m}). */
  record RowTerms(Link link, double m, double alpha, double beta, double bNormSquared) implements Serializable {
    /** Fills u, v, y, E, ψ, t for the block's rows at z. */
    void fill(RowBlock block, double[] z, double[][] out) {
      double weightScale = Math.exp(-2 * m);
      for (int i = 0; i < block.rows(); i++) {
        double u = link.value(z[i], m);
        double v = link.first(z[i], m);
        double u2 = link.second(z[i], m);
        double b = block.label(i);
        double rawW2 = block.regWeightSquared(i);
        double w2 = rawW2 == 0 ? 0 : rawW2 * weightScale;   // 0·e^{-2m} must stay 0 when e^{-2m} overflows
        double y = u - alpha * b - beta;
        out[U][i] = u;
        out[V][i] = v;
        out[Y][i] = y;
        out[E][i] = v * v + u2 * y + w2;
        out[PSI][i] = v * y + w2 * z[i];
        out[T][i] = u - 2 * alpha * b;
        out[ENVELOPE][i] = Math.max(Math.abs(u), Math.max(Math.abs(v), Math.abs(u2)));
      }
    }

    static final int U = 0, V = 1, Y = 2, E = 3, PSI = 4, T = 5, ENVELOPE = 6, COUNT = 7;
  }

  /** Grams Aᵀdiag(·)A of E, E², v², 1; vectors q, p, s1, s2, s3; scalars. */
  static final class LocalSums implements Serializable {
    private static final long serialVersionUID = 1L;
    static final int GRAM_E = 0, GRAM_E2 = 1, GRAM_V2 = 2, GRAM_1 = 3, GRAM_ENV2 = 4, GRAM_ENV = 5, GRAM_ENV_B = 6,
        GRAMS = 7;
    static final int Q = 0, P = 1, S1 = 2, S2 = 3, S3 = 4, VECTORS = 5;
    static final int V2K2 = 0, V2K = 1, V2 = 2, T2 = 3, PSI2 = 4, ENV_MAX = 5, ENV_SUM = 6, ENV2 = 7, U2 = 8,
        E_MAX = 9, SCALARS = 10;
    final double[] grams;
    final double[] vectors;
    final double[] scalars = new double[SCALARS];

    LocalSums(int d) {
      grams = new double[GRAMS * d * d];
      vectors = new double[VECTORS * d];
    }

    LocalSums merge(LocalSums o) {
      for (int k = 0; k < grams.length; k++) grams[k] += o.grams[k];
      for (int k = 0; k < vectors.length; k++) vectors[k] += o.vectors[k];
      for (int k = 0; k < SCALARS; k++) {
        scalars[k] = k == ENV_MAX || k == E_MAX ? Math.max(scalars[k], o.scalars[k]) : scalars[k] + o.scalars[k];
      }
      return this;
    }
  }

  private record LocalPass(Link link, double[] x, double m, double alpha, double beta, double bNormSquared)
      implements BlockAggregator<LocalSums> {
    @Override public LocalSums zero() { return new LocalSums(x.length); }

    @Override public LocalSums add(LocalSums acc, RowBlock block) {
      int n = block.rows();
      if (n == 0) return acc;
      double[] z = new double[n];
      block.multiply(x, z);
      double[][] t = new double[RowTerms.COUNT][n];
      new RowTerms(link, m, alpha, beta, bNormSquared).fill(block, z, t);
      double[] weights = new double[LocalSums.GRAMS * n];
      double[] coefs = new double[LocalSums.VECTORS * n];
      double[] s = acc.scalars;
      for (int i = 0; i < n; i++) {
        double v = t[RowTerms.V][i];
        double e = t[RowTerms.E][i];
        double b = block.label(i);
        double k = bNormSquared - b;
        weights[LocalSums.GRAM_E * n + i] = e;
        weights[LocalSums.GRAM_E2 * n + i] = e * e;
        weights[LocalSums.GRAM_V2 * n + i] = v * v;
        weights[LocalSums.GRAM_1 * n + i] = 1;
        double env = t[RowTerms.ENVELOPE][i];
        weights[LocalSums.GRAM_ENV2 * n + i] = env * env;
        weights[LocalSums.GRAM_ENV * n + i] = env;
        weights[LocalSums.GRAM_ENV_B * n + i] = env * Math.abs(b);
        coefs[LocalSums.Q * n + i] = v;
        coefs[LocalSums.P * n + i] = v * b;
        coefs[LocalSums.S1 * n + i] = e * v * k;
        coefs[LocalSums.S2 * n + i] = e * v;
        coefs[LocalSums.S3 * n + i] = v * t[RowTerms.T][i];
        s[LocalSums.V2K2] += v * v * k * k;
        s[LocalSums.V2K] += v * v * k;
        s[LocalSums.V2] += v * v;
        s[LocalSums.T2] += t[RowTerms.T][i] * t[RowTerms.T][i];
        s[LocalSums.PSI2] += t[RowTerms.PSI][i] * t[RowTerms.PSI][i];
        s[LocalSums.E_MAX] = Math.max(s[LocalSums.E_MAX], Math.abs(e));
        s[LocalSums.ENV_MAX] = Math.max(s[LocalSums.ENV_MAX], env);
        s[LocalSums.ENV_SUM] += env;
        s[LocalSums.ENV2] += env * env;
        s[LocalSums.U2] += t[RowTerms.U][i] * t[RowTerms.U][i];
      }
      block.addWeightedGrams(weights, LocalSums.GRAMS, acc.grams, 0);
      block.addTransposeTimes(coefs, LocalSums.VECTORS, acc.vectors, 0);
      return acc;
    }

    @Override public LocalSums merge(LocalSums left, LocalSums right) { return left.merge(right); }
  }

  /** ΔAᵀψ, Aᵀ(E∘δ), Aᵀ(v∘Δb), ΔAᵀΔA; ⟨v,δ⟩, ⟨v∘b,δ⟩, ⟨t,Δb⟩, ‖ΔA‖_F², ‖Δb‖² with δ = ΔA x*. */
  static final class ShiftSums implements Serializable {
    private static final long serialVersionUID = 1L;
    static final int PSI_DA = 0, E_DELTA_A = 1, V_DB_A = 2, VECTORS = 3;
    static final int V_DELTA = 0, VB_DELTA = 1, T_DB = 2, DA2 = 3, DB2 = 4, SCALARS = 5;
    final double[] vectors;
    final double[] deltaGram;
    final double[] scalars = new double[SCALARS];

    ShiftSums(int d) {
      vectors = new double[VECTORS * d];
      deltaGram = new double[d * d];
    }

    ShiftSums merge(ShiftSums o) {
      for (int k = 0; k < vectors.length; k++) vectors[k] += o.vectors[k];
      for (int k = 0; k < deltaGram.length; k++) deltaGram[k] += o.deltaGram[k];
      for (int k = 0; k < SCALARS; k++) scalars[k] += o.scalars[k];
      return this;
    }
  }

  private record ShiftPass(Link link, double[] x, double m, double alpha, double beta, double bNormSquared)
      implements PairAggregator<ShiftSums> {
    @Override public ShiftSums zero() { return new ShiftSums(x.length); }

    @Override public ShiftSums add(ShiftSums acc, RowBlock original, RowBlock shifted) {
      int n = original.rows();
      int d = x.length;
      if (n == 0) return acc;
      checkSameRows(original, shifted);
      RowBlock difference = DataShift.between(original, shifted, 1, true);
      double[] z = new double[n];
      original.multiply(x, z);
      double[][] t = new double[RowTerms.COUNT][n];
      new RowTerms(link, m, alpha, beta, bNormSquared).fill(original, z, t);
      double[] delta = new double[n];
      difference.multiply(x, delta);
      double[] onDifference = new double[n];
      double[] onOriginal = new double[2 * n];
      double[] s = acc.scalars;
      for (int i = 0; i < n; i++) {
        double v = t[RowTerms.V][i];
        double db = shifted.label(i) - original.label(i);
        onDifference[i] = t[RowTerms.PSI][i];
        onOriginal[i] = t[RowTerms.E][i] * delta[i];
        onOriginal[n + i] = v * db;
        s[ShiftSums.V_DELTA] += v * delta[i];
        s[ShiftSums.VB_DELTA] += v * original.label(i) * delta[i];
        s[ShiftSums.T_DB] += t[RowTerms.T][i] * db;
        s[ShiftSums.DB2] += db * db;
      }
      for (double r : difference.rowNormsSquared()) s[ShiftSums.DA2] += r;
      difference.addTransposeTimes(onDifference, 1, acc.vectors, ShiftSums.PSI_DA * d);
      original.addTransposeTimes(onOriginal, 2, acc.vectors, ShiftSums.E_DELTA_A * d);
      double[] ones = new double[n];
      Arrays.fill(ones, 1);
      difference.addWeightedGrams(ones, 1, acc.deltaGram, 0);
      return acc;
    }

    @Override public ShiftSums merge(ShiftSums left, ShiftSums right) { return left.merge(right); }
  }

  static void checkSameRows(RowBlock original, RowBlock shifted) {
    if (shifted.rows() != original.rows() || shifted.cols() != original.cols()) {
      throw new InvalidProblemException("the shifted data do not have the same rows: a block of "
          + original.rows() + " × " + original.cols() + " meets one of " + shifted.rows() + " × " + shifted.cols());
    }
    for (int i = 0; i < original.rows(); i++) {
      if (original.rowId(i) != shifted.rowId(i)) {
        throw new InvalidProblemException("the shifted data do not have the same rows: row id "
            + original.rowId(i) + " meets " + shifted.rowId(i));
      }
    }
  }

  /** Σ(f(a'·x') − f(a·x))², Σ f(a·x)² (scaled link). */
  private record OutputPass(Link link, double[] x, double[] shiftedPoint, double m) implements PairAggregator<double[]> {
    @Override public double[] zero() { return new double[2]; }

    @Override public double[] add(double[] acc, RowBlock original, RowBlock shifted) {
      int n = original.rows();
      checkSameRows(original, shifted);
      double[] z = new double[n];
      double[] zShifted = new double[n];
      original.multiply(x, z);
      shifted.multiply(shiftedPoint, zShifted);
      for (int i = 0; i < n; i++) {
        double u = link.value(z[i], m);
        double change = link.value(zShifted[i], m) - u;
        acc[0] += change * change;
        acc[1] += u * u;
      }
      return acc;
    }

    @Override public double[] merge(double[] left, double[] right) {
      left[0] += right[0];
      left[1] += right[1];
      return left;
    }
  }

  /** ‖AΔx‖², max_i |(a_i + Δa_i)·x − a_i·(x + Δx)|, max_i |a_i·(x + Δx)|. */
  private record EquivalencePass(double[] x, double[] step) implements BlockAggregator<double[]> {
    @Override public double[] zero() { return new double[3]; }

    @Override public double[] add(double[] acc, RowBlock block) {
      int d = x.length;
      double xx = LinearAlgebra.dot(x, x);
      double[] moved = x.clone();
      for (int j = 0; j < d; j++) moved[j] += step[j];
      double[] row = new double[d];
      for (int i = 0; i < block.rows(); i++) {
        Arrays.fill(row, 0);
        block.addRow(i, 1, row, 0);
        double s = LinearAlgebra.dot(row, step);                 // a_i·Δx
        double dataShifted = 0;                                  // (a_i + (a_i·Δx) xᵀ/‖x‖²)·x
        for (int j = 0; j < d; j++) dataShifted += (row[j] + s * x[j] / xx) * x[j];
        double weightShifted = LinearAlgebra.dot(row, moved);    // a_i·(x + Δx)
        acc[0] += s * s;
        acc[1] = Math.max(acc[1], Math.abs(dataShifted - weightShifted));
        acc[2] = Math.max(acc[2], Math.abs(weightShifted));
      }
      return acc;
    }

    @Override public double[] merge(double[] left, double[] right) {
      left[0] += right[0];
      left[1] = Math.max(left[1], right[1]);
      left[2] = Math.max(left[2], right[2]);
      return left;
    }
  }
}
