package dev.hyperreg.core.shift;

import dev.hyperreg.core.linalg.LinearAlgebra;
import dev.hyperreg.core.shift.SensitivityPasses.Globals;
import dev.hyperreg.core.shift.SensitivityPasses.LocalSums;
import java.io.Serializable;

/**
 * A bound on the whole (non-linear) shift of the minimizer, ‖Δx*‖ ≤ L_A‖ΔA‖₂ + L_b‖Δb‖, valid for
 * shifts within a radius, and that radius: a majorization of H and G over the region the shifted
 * path visits, a fixed-point iteration for the region's size, a bisection for the radius.
 *
 * <p>Along the path (A + tΔA, b + tΔb), t ∈ [0, 1], the minimizer moves with speed H⁻¹G, so
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
 * <p>C_A, C_b are those of {@link OperatorNorms}, μ that of {@link FirstOrderResponse}; all norms are
 * of the link scaled by e^{-m}, which leaves L, r and the radius unchanged.
 */
final class ShiftBound implements Serializable {
  private static final long serialVersionUID = 1L;

  private final double[] x;
  private final double alpha;
  private final double beta;
  private final double mu;
  private final double constantA;
  private final double constantB;
  /** ‖A‖₂, max_i ‖a_i‖, ‖b‖, ‖b‖∞, max w̃², n. */
  private final double aNorm, maxRowNorm, bNorm, bMax, maxWeightSquared;
  private final long rows;
  /** max ē, Σē, ‖ē‖, ‖u‖ (scaled). */
  private final double envelopeMax, envelopeSum, envelopeNorm, uNorm;
  /** ‖q‖, ‖p‖, max|E_i|, and λ_max of Aᵀdiag(·)A for E², ē², ē, ē|b|: the bound's row-weighted norms. */
  private final double qNorm, pNorm, eMax, gramE2, gramEnvelope2, gramEnvelope, gramEnvelopeB;

  /** From the sums of the passes at x (grams already mirrored), H and the constants; ‖A‖₂ and ‖b‖ given. */
  ShiftBound(double[] x, FirstOrderResponse response, OperatorNorms norms, Globals g, LocalSums s, double aNorm,
      double bNorm) {
    int d = x.length;
    double m = response.terms().m();
    this.x = x;
    this.alpha = response.terms().alpha();
    this.beta = response.terms().beta();
    this.mu = response.mu();
    this.constantA = norms.constantA;
    this.constantB = norms.constantB;
    this.aNorm = aNorm;
    this.bNorm = bNorm;
    this.rows = (long) g.sums[Globals.ROWS];
    this.maxRowNorm = Math.sqrt(g.sums[Globals.MAX_ROW_NORM2]);
    this.bMax = g.sums[Globals.B_MAX];
    this.maxWeightSquared = g.sums[Globals.MAX_W2] == 0 ? 0 : g.sums[Globals.MAX_W2] * Math.exp(-2 * m);
    qNorm = LinearAlgebra.norm(response.q());
    pNorm = LinearAlgebra.norm(response.p());
    eMax = s.scalars[LocalSums.E_MAX];
    gramE2 = OperatorNorms.largestEigenvalue(s.grams, LocalSums.GRAM_E2, d);
    gramEnvelope2 = OperatorNorms.largestEigenvalue(s.grams, LocalSums.GRAM_ENV2, d);
    gramEnvelope = OperatorNorms.largestEigenvalue(s.grams, LocalSums.GRAM_ENV, d);
    gramEnvelopeB = OperatorNorms.largestEigenvalue(s.grams, LocalSums.GRAM_ENV_B, d);
    envelopeMax = s.scalars[LocalSums.ENV_MAX];
    envelopeSum = s.scalars[LocalSums.ENV_SUM];
    envelopeNorm = Math.sqrt(s.scalars[LocalSums.ENV2]);
    uNorm = Math.sqrt(s.scalars[LocalSums.U2]);
  }

  /** The bound for shifts of sizes ‖ΔA‖₂ ≤ rhoA and ‖Δb‖ ≤ rhoB (see the class comment). */
  ShiftSensitivity.Bound bound(double rhoA, double rhoB) {
    if (!(mu > 0)) return ShiftSensitivity.Bound.INVALID;
    double r = constantA * rhoA + constantB * rhoB;
    for (int iteration = 0; iteration < 500; iteration++) {
      double[] l = lipschitzInRegion(rhoA, rhoB, r);
      if (l == null) return ShiftSensitivity.Bound.INVALID;
      double next = l[0] * rhoA + l[1] * rhoB;
      if (!(next <= r * (1 + 1e-12))) {
        r = next;
        continue;
      }
      double delta = (maxRowNorm + rhoA) * next + rhoA * LinearAlgebra.norm(x);
      // |f(z') − f(z)| ≤ e^δ ē |Δz|, ‖Δz‖ ≤ ‖A'‖‖Δx‖ + ‖ΔA‖‖x*‖
      double output = Math.exp(delta) * envelopeMax * ((aNorm + rhoA) * next + rhoA * LinearAlgebra.norm(x)) / uNorm;
      return new ShiftSensitivity.Bound(true, l[0], l[1], next, delta, output);
    }
    return ShiftSensitivity.Bound.INVALID;
  }

  /**
   * The largest factor s such that the bound holds for shifts of sizes s·rhoA, s·rhoB (bisection on
   * log s; the bound's validity is monotone in s). 0 when it holds for none.
   */
  double radiusFactor(double rhoA, double rhoB) {
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
}
