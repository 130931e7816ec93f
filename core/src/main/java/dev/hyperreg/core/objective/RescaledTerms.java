package dev.hyperreg.core.objective;

import dev.hyperreg.core.data.RowBlock;
import dev.hyperreg.core.linalg.LinearAlgebra;
import dev.hyperreg.core.sketch.HeavyRows;
import dev.hyperreg.core.sketch.RowSampling;

/**
 * L(x) = ½‖r‖² + R(x), r = u − αb, u = f(Ax), α = ⟨u, 1⟩, evaluated with the link scaled by e^{-m}
 * (m = the largest exponent bound over all rows), which multiplies L, ∇L and ∇²L by e^{-2m} and
 * leaves the Newton direction unchanged; the regularizer is scaled to match (w² e^{-2m}, λ e^{-2m}).
 *
 * <p>With v = f'(z), u'' = f''(z), q = Aᵀv, p = Aᵀ(v∘b), β = ⟨b, r⟩ = ⟨b,u⟩ − α‖b‖²:
 * <pre>
 *   L  = ½(Σu² − 2α⟨b,u⟩ + α²‖b‖²) + ½Σw²z² + ½λ‖x‖²
 *   ∇L = Aᵀ(v∘u) − α Aᵀ(v∘b) − β Aᵀv + Aᵀ(w²∘z) + λx                 = Aᵀ[v∘(r − β1)] + …
 *   ∇²L = Aᵀ diag(v² + u''∘u + w²) A − α Aᵀdiag(u''∘b)A − β Aᵀdiag(u'')A
 *         − p qᵀ − q pᵀ + ‖b‖² q qᵀ + λI
 * </pre>
 * The second-order diagonal u''∘(r − β1) depends on α and β of the same point, so a single pass
 * collects three matrices (scale groups 2, 1, 1) that the driver combines; the rank-two term is
 * neither diagonal nor PSD and is added exactly from the vectors p and q.
 *
 * <p>Sketched: the Gauss–Newton factor of r is J = diag(v)A − b qᵀ, linear in the rows, so
 * S·J = S·diag(v)A − (S b) qᵀ: one pass collects S·diag(v)A (group 1) and S b (group 0), and the
 * driver subtracts (S b) qᵀ once q is known. The regularizer's part Aᵀdiag(w²)A does not depend on
 * x (only on the scale, e^{-2m}): it is collected exactly once and added. ∇²L ≈ FᵀF + λe^{-2m}I drops the
 * second-order term u''∘(r − β1) — small when the residual is — and keeps the rank-two part exactly
 * as part of the factor.
 *
 * <p>A Hessian-vector pass multiplies each of the three matrices with v as it goes
 * (Aᵀ[weights∘(Av)], a d-vector each) and the driver combines them as above; the rank-two part,
 * which depends on x only, comes from the evaluation at x ({@link LowRankPart}): H·v exactly,
 * with no d × d matrix anywhere.
 *
 * <p>Sampled ({@link RowSampling}, a second pass at the same point with α, β and m of the first):
 * each row's whole diagonal weight D_i = v² + u''(r_i − β) + w² is known, the row-wise part
 * Aᵀdiag(D)A is estimated from a leverage-score sample of the rows, and the rank-two part
 * −pqᵀ − qpᵀ + ‖b‖²qqᵀ is added exactly, never sampled.
 *
 * <p>Rounding. Formed as Σu² − 2α⟨b,u⟩ + α²‖b‖², the loss cancels when the residual is small (a
 * relative error of eps/ρ² for ρ² = ‖r‖²/‖u‖²: noise at ρ = 0). So a pass accumulates about a
 * reference α₀ (the previous evaluation's α, brought to the pass's scale): with r̂ = u − α₀b and
 * δ = α − α₀, r = r̂ − δb and
 * <pre>
 *   ‖r‖² = Σr̂² − 2δ⟨b,r̂⟩ + δ²‖b‖²,   β = ⟨b,r̂⟩ − δ‖b‖²,   ∇L = Aᵀ(v∘r̂ + w²z) − δp − βq + λx,
 *   ∇²L = Aᵀdiag(v² + u''∘r̂ + w²)A − δ Aᵀdiag(u''∘b)A − β Aᵀdiag(u'')A − pqᵀ − qpᵀ + ‖b‖²qqᵀ + λI,
 * </pre>
 * still one pass; cancellation is now only in the δ terms, which vanish as the iterates settle.
 * Scalars are summed with compensation, and {@link Evaluation#scaledLossRoundingError()} bounds the
 * rest from the residual itself (Σ|r̂|(|u| + |α₀b|)), not from ‖u‖².
 */
final class RescaledTerms extends ObjectiveTerms {
  private static final long serialVersionUID = 1L;

  // group 0 scalars
  private static final int SUM_B2 = 0;
  // group 1 scalars: α = Σu, ⟨b, r̂⟩
  private static final int SUM_U = 0, SUM_BR = 1;
  // group 2 scalars: Σr̂², Σw²z², Σ|r̂|(|u| + |α₀b|) (the rounding of r̂)
  private static final int SUM_R2 = 0, SUM_REG = 1, SUM_ROUNDING = 2;
  // group 1 vectors: Aᵀ(v∘b) = p, Aᵀv = q; group 2 vector: Aᵀ(v∘r̂ + w²z)
  private static final int P = 0, Q = 1;
  // group 1 matrices: Aᵀdiag(u''∘b)A, Aᵀdiag(u'')A; group 2 matrix: Aᵀdiag(v² + u''∘u + w²)A
  private static final int GRAM_U2B = 0, GRAM_U2 = 1;

  private final Link link;
  private final boolean ridged;

  RescaledTerms(Link link, boolean ridged) {
    this.link = link;
    this.ridged = ridged;
  }

  /** Rescaled fits b up to the factor α: every link, residuals about a reference α₀ (see above). */
  static final class Facts extends ObjectiveTerms.Facts {
    @Override ObjectiveTerms terms(Link link, boolean ridged) { return new RescaledTerms(link, ridged); }

    @Override Class<RescaledTerms> termsClass() { return RescaledTerms.class; }

    /**
     * For exp, along the intercept column e every u_i, and α with them, gains the factor e^t, so the fit
     * term scales by e^{2t}; only the row term ½Σw_i²z_i² grows along e.
     */
    @Override String interceptWithoutRowWeightsRefusal(Link link) {
      return link != Link.EXP ? null : "along the intercept column e the fit term obeys L_fit(x + t·e) = e^(2t)·L_fit(x),"
          + " so the loss shrinks as t → −∞ and the fit would run the intercept off to −∞";
    }

    /** For exp, u = e^z ≈ αb at the answer: log b = Ax − log α. */
    @Override boolean startHasFreeConstant(Link link) { return link == Link.EXP; }

    /** u ≈ αb: the model is b's share of Σu. */
    @Override boolean predictsShares() { return true; }

    @Override boolean accumulatesAboutReference() { return true; }
  }

  @Override int[][] layout(PassRequest request) {
    int h = request.hessian() ? 1 : 0;
    int k = request.sketch() != null ? 1 : 0;
    int w = request.regularizerGram() ? 1 : 0;
    return new int[][] {{1, 2, 3}, {0, 2, 1}, {w, 2 * h, h}, {0, k, 0}, {k, 0, 0}};
  }

  /** Fit rows v_i·a_i are in group 1, their vector entries b_i in group 0. */
  @Override int[] fitFactorGroups() { return new int[] {1, 0}; }

  @Override double exponentBound(double z) { return link.exponentBound(z); }

  @Override double passExponent(double blockExponent, PassSums acc, RowBlock block) {
    double floor = ridged || block.hasRegWeights() ? Link.REGULARIZED_EXPONENT_FLOOR : Double.NEGATIVE_INFINITY;
    return Math.max(acc.exponent(), Math.max(blockExponent, floor));
  }

  @Override void accumulate(RowBlock block, double[] z, PassRequest request, PassSums acc) {
    int n = block.rows();
    double m = acc.exponent();
    double regScale = Math.exp(-2 * m);
    // α₀ in this pass's scale: a₀·e^{m₀ − m} for the reference a₀ (held at exponent m₀)
    double alpha0 = referenceInScale(acc.reference(), m);
    if (!Double.isFinite(alpha0)) {
      acc.referenceUnusable(); // far below the reference's scale: the pass is run again about 0
      alpha0 = 0;
    }
    double[] coefs1 = new double[2 * n];
    double[] coefs2 = new double[n];
    double[] weights1 = request.hessian() ? new double[2 * n] : null;
    double[] weights2 = request.hessian() ? new double[n] : null;
    double[] factor = request.sketch() != null ? new double[n] : null;
    RowSampling sample = request.sample();
    double[] diagonal = sample != null ? new double[n] : null;
    double sampleAlpha = sample != null ? sample.globals()[1] : 0, sampleBeta = sample != null ? sample.globals()[2] : 0;
    for (int i = 0; i < n; i++) {
      if (!Double.isFinite(z[i])) continue;
      double u = link.value(z[i], m);
      double v = link.first(z[i], m);
      double u2 = link.second(z[i], m);
      double b = block.label(i);
      double rawW2 = block.regWeightSquared(i);
      double w2 = rawW2 == 0 ? 0 : rawW2 * regScale;
      double r = u - alpha0 * b;
      acc.addScalar(0, SUM_B2, b * b);
      acc.addScalar(1, SUM_U, u);
      acc.addScalar(1, SUM_BR, b * r);
      acc.addScalar(2, SUM_R2, r * r);
      acc.addScalar(2, SUM_REG, w2 * z[i] * z[i]);
      acc.addScalar(2, SUM_ROUNDING, Math.abs(r) * (Math.abs(u) + Math.abs(alpha0 * b)));
      coefs1[P * n + i] = v * b;
      coefs1[Q * n + i] = v;
      coefs2[i] = v * r + w2 * z[i];
      if (factor != null) factor[i] = v;
      if (diagonal != null) diagonal[i] = v * v + u2 * (u - sampleAlpha * b - sampleBeta) + w2;
      if (weights1 != null) {
        weights1[GRAM_U2B * n + i] = u2 * b;
        weights1[GRAM_U2 * n + i] = u2;
        weights2[i] = v * v + u2 * r + w2;
      }
    }
    if (!request.lossOnly()) {
      acc.transposes().add(coefs1, 2, acc.vectors(1), 0);
      acc.transposes().add(coefs2, 1, acc.vectors(2), 0);
    }
    if (weights1 != null) {
      addGrams(block, weights1, 2, acc, 1, 0);
      addGrams(block, weights2, 1, acc, 2, 0);
    }
    if (factor != null) sketchFitRows(block, request.sketch(), factor, block.labels(), acc);
    addRegularizerGram(block, request, acc, 0);
    if (diagonal != null) sampleRows(sample, block, diagonal, acc);
  }

  /** α₀ = a₀·e^{m₀} brought to the scale e^{-m}: a₀·e^{m₀ − m}; 0 without a reference. */
  private static double referenceInScale(double[] reference, double m) {
    return reference == null ? 0 : reference[0] * Math.exp(reference[1] - m);
  }

  @Override double[] regularizerGram(PassSums sums) {
    return sums.gramCount(0) > 0 ? matrix(sums, 0, 0) : null;
  }

  @Override Evaluation finish(PassSums sums, double[] x, double[] regularizerGram, Objective objective,
      double[] direction) {
    double m = sums.exponent();
    // λe^{-2m}; without a ridge m may sit far below the floor, where e^{-2m} overflows
    double ridgeScale = objective.ridge() > 0 ? Math.exp(-2 * m) : 0;
    double alpha0 = referenceInScale(sums.reference(), m);
    double alpha = sums.scalar(1, SUM_U);
    double sumB2 = sums.scalar(0, SUM_B2);
    double sumBr = sums.scalar(1, SUM_BR);
    double delta = alpha - alpha0;
    if (alpha0 != 0 && !(Math.abs(delta) <= 0.5 * Math.max(Math.abs(alpha), Math.abs(alpha0)))) {
      sums.referenceUnusable(); // r̂ would be mostly α₀b: the caller runs the pass again about 0
    }
    double beta = sumBr - delta * sumB2;
    double sumR2 = sums.scalar(2, SUM_R2);
    double regTerm = sums.scalar(2, SUM_REG);
    // ½‖r‖² = ½Σ(r̂ − δb)² ≥ 0; the expansion can round slightly below 0 when r ≈ 0
    double fit = 0.5 * Math.max(0, sumR2 - 2 * delta * sumBr + delta * delta * sumB2);
    double ridgeTerm = ridgeScale == 0 ? 0 : ridgeScale * objective.ridgePenalty(x);
    double loss = fit + 0.5 * regTerm + ridgeTerm;
    // each r̂_i is off by eps(|u_i| + |α₀b_i|); δ by eps(|α| + |α₀|), which moves ‖r‖²/2 by |β| times
    // that; the compensated sums and the final additions add a few ulps of each term
    double roundingError = 4 * EPS * (sums.scalar(2, SUM_ROUNDING) + Math.abs(beta) * (Math.abs(alpha) + Math.abs(alpha0))
        + sumR2 + Math.abs(2 * delta * sumBr) + delta * delta * sumB2 + regTerm + ridgeTerm);

    double[] p = vector(sums, 1, P);
    double[] q = vector(sums, 1, Q);
    double[] gradient = vector(sums, 2, 0);
    for (int j = 0; j < gradient.length; j++) gradient[j] += -delta * p[j] - beta * q[j];
    if (ridgeScale != 0) objective.addRidgeGradient(x, ridgeScale, gradient);

    double[] hessian = null;
    boolean exact = sums.gramCount(2) > 0;
    if (!exact && sums.count(PassSums.SKETCH, 1) > 0) {
      HeavyRows.Factor factor = fitFactor(sums);
      LinearAlgebra.subtractOuter(factor.matrix(), factor.rows(), 1, factor.vector(), q);
      hessian = LinearAlgebra.gramOf(factor.matrix(), factor.rows(), x.length);
      // Aᵀdiag(w²)A, collected once unscaled, in this pass's scale e^{-2m}
      if (regularizerGram != null) LinearAlgebra.addScaled(hessian, Math.exp(-2 * m), regularizerGram);
      if (ridgeScale != 0) objective.addRidgeHessian(ridgeScale, hessian);
    }
    double[] sampled = sampledGram(sums);
    if (exact || sampled != null) {
      if (exact) {
        hessian = matrix(sums, 2, 0);
        LinearAlgebra.addScaled(hessian, -delta, matrix(sums, 1, GRAM_U2B));
        LinearAlgebra.addScaled(hessian, -beta, matrix(sums, 1, GRAM_U2));
      } else {
        hessian = sampled;
      }
      LinearAlgebra.addOuter(hessian, -1, p, q);
      LinearAlgebra.addOuter(hessian, -1, q, p);
      LinearAlgebra.addOuter(hessian, sumB2, q, q);
      if (ridgeScale != 0) objective.addRidgeHessian(ridgeScale, hessian);
      LinearAlgebra.mirrorUpper(hessian, x.length, 0); // the rank-two terms round unevenly
    }
    Evaluation e = new Evaluation(x, loss, 2 * m, roundingError, gradient, hessian, exact, sums.rows())
        .withPassGlobals(m, alpha, beta);
    if (direction == null) return e.withLowRankPart(new LowRankPart(p, q, sumB2));
    // H·v's row sums: each matrix above times v (the rank-two part comes from the evaluation at x)
    double[] hv = gramTimesDirection(sums, 2, 0);
    LinearAlgebra.addScaled(hv, -delta, gramTimesDirection(sums, 1, GRAM_U2B));
    LinearAlgebra.addScaled(hv, -beta, gramTimesDirection(sums, 1, GRAM_U2));
    if (ridgeScale != 0) objective.addRidgeHessianTimes(ridgeScale, direction, hv);
    return e.withHessianTimesDirection(hv);
  }
}
