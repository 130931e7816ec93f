package dev.hyperreg.core.objective;

import dev.hyperreg.core.data.RowBlock;
import dev.hyperreg.core.linalg.LinearAlgebra;
import dev.hyperreg.core.sketch.HeavyRows;
import dev.hyperreg.core.sketch.RowSampling;
import java.util.EnumSet;
import java.util.Set;

/**
 * L(x) = ½‖s − b‖² + R(x), s = e/S, e = exp(z − m), S = Σe (m = max z, the usual shift; s does
 * not depend on it). With c = s − b, γ = ⟨s, c⟩ = Σe²/S² − ⟨b,e⟩/S:
 * <pre>
 *   L   = ½(Σe²/S² − 2⟨b,e⟩/S + ‖b‖²) + ½Σw²z² + ½λ‖x‖²
 *   ∇L  = Aᵀ(e²)/S² − Aᵀ(e∘b)/S − γ Aᵀe/S + Aᵀ(w²∘z) + λx           = Aᵀ[s∘c − γ s] + …
 *   ∇²L = 2Aᵀdiag(e²)A/S² − Aᵀdiag(e∘b)A/S − γ Aᵀdiag(e)A/S
 *         − ρ σᵀ − σ ρᵀ + κ σσᵀ + Aᵀdiag(w²)A + λI,
 *   ρ = Aᵀ(s∘(2s − b)) = 2Aᵀ(e²)/S² − Aᵀ(e∘b)/S,  σ = Aᵀs = Aᵀe/S,  κ = ⟨3s − 2b, s⟩.
 * </pre>
 * S is global, so the three matrices are collected apart (scale groups 2, 1, 1) and combined on
 * the driver; Aᵀdiag(w²)A does not depend on x and is collected once ({@link PassRequest}).
 *
 * <p>Sketched: the Gauss–Newton factor of s is diag(s)A − s σᵀ = (diag(e)A − e σᵀ)/S; one pass
 * collects S·diag(e)A and S e (group 1), and ∇²L ≈ F_fitᵀF_fit + Aᵀdiag(w²)A + λI with
 * F_fit = (S·diag(e)A − (S e)σᵀ)/S and the regularizer's Gram exact (collected once).
 *
 * <p>Rounding. Σe²/S² − 2⟨b,e⟩/S + ‖b‖² cancels when s ≈ b. With a reference normalizer S₀ (a
 * nearby point's, {@link PassRequest#reference()}) the pass uses the fixed exponent m = log S₀, so
 * that e ≈ s and S ≈ 1, and accumulates ĉ = e − b directly: with κ = 1/S − 1, c = ĉ + κe and
 * <pre>
 *   ‖c‖² = Σĉ² + 2κ⟨e,ĉ⟩ + κ²Σe²,   γ = (⟨e,ĉ⟩ + κΣe²)/S,   Aᵀ(s∘c) = (Aᵀ(e∘ĉ) + κAᵀ(e²))/S,
 * </pre>
 * free of the cancellation. A block whose a·x would overflow e at that m, or a pass whose S is not
 * within a factor two of 1, says so and the pass is run again about 0.
 *
 * <p>A Hessian-vector pass multiplies each matrix, Aᵀdiag(w²)A included, with v as it goes
 * (Aᵀ[weights∘(Av)]) and combines the products as above; the rank-two terms, which depend on x
 * only, come from the evaluation at x ({@link LowRankPart}).
 *
 * <p>Sampled ({@link RowSampling}, a second pass with m, S and γ of the first): the row-wise part
 * Aᵀdiag(D)A, D_i = 2s_i² − s_i b_i − γ s_i + w_i², from a leverage-score sample of the rows, and
 * −ρσᵀ − σρᵀ + κσσᵀ exactly.
 */
final class SoftmaxTerms extends ObjectiveTerms {
  private static final long serialVersionUID = 1L;
  // group 0: Σb², Σw²z², and with a reference Σĉ², ⟨e,ĉ⟩, Σ|ĉ|(|e| + |b|); group 1: S = Σe, Σbe; group 2: Σe²
  private static final int SUM_B2 = 0, SUM_REG = 1, SUM_C2 = 2, SUM_EC = 3, SUM_ROUNDING = 4;
  private static final int SUM_E = 0, SUM_BE = 1;
  private static final int SUM_E2 = 0;
  // group 1 vectors / matrices: e∘b, e; group 2: e²; group 0 vector: w²∘z, group 0 matrix: w²
  private static final int EB = 0, E = 1;

  @Override int[][] layout(PassRequest request) {
    int h = request.hessian() ? 1 : 0;
    int w = request.regularizerGram() ? 1 : 0;
    int k = request.sketch() != null ? 1 : 0;
    int c = request.reference() != null ? 1 : 0; // Aᵀ(e∘ĉ)
    return new int[][] {{c == 1 ? 5 : 2, 2, 1}, {1 + c, 2, 1}, {w, 2 * h, h}, {0, k, 0}, {0, k, 0}};
  }

  /**
   * Softmax fits shares with the exp link only; a constant added to every z is invisible to it, and the
   * regularizer's Gram cannot fold into the Hessian's pieces, whose weights carry 1/S.
   */
  static final class Facts extends ObjectiveTerms.Facts {
    @Override ObjectiveTerms terms(Link link, boolean ridged) { return new SoftmaxTerms(); }

    @Override Class<SoftmaxTerms> termsClass() { return SoftmaxTerms.class; }

    @Override Set<Link> links() { return EnumSet.of(Link.EXP); }

    @Override String interceptRefusal() { return "softmax(Ax + c) = softmax(Ax), so an intercept would be undetermined"; }

    /** log b = Ax − log Σe^z. */
    @Override boolean startHasFreeConstant(Link link) { return true; }

    @Override boolean predictsShares() { return true; }

    @Override boolean accumulatesAboutReference() { return true; }

    /** A sampling pass uses m, S and γ of the pass it samples from, so it keeps that pass's exponent. */
    @Override boolean samplesAboutReference() { return false; }

    @Override boolean keepsRegularizerApart() { return true; }
  }

  /** Fit rows e_i·a_i and their vector entries e_i are both in group 1. */
  @Override int[] fitFactorGroups() { return new int[] {1, 1}; }

  @Override double exponentBound(double z) { return z; }

  @Override double passExponent(double blockExponent, PassSums acc, RowBlock block) {
    double[] reference = acc.reference();
    if (reference != null) {
      double m0 = Math.log(reference[0]) + reference[1];
      // e = exp(z − m₀) and e² must stay finite; beyond that the pass is run again about 0
      if (blockExponent - m0 <= MAX_REFERENCE_EXCESS) return m0;
      acc.referenceUnusable();
    }
    return Math.max(acc.exponent(), blockExponent);
  }

  /** Largest max z − log S₀ a reference pass accepts: e² ≤ e^{600}. */
  private static final double MAX_REFERENCE_EXCESS = 300;

  @Override void accumulate(RowBlock block, double[] z, PassRequest request, PassSums acc) {
    int n = block.rows();
    double m = acc.exponent();
    double[] s0 = acc.scalars(0), s1 = acc.scalars(1), s2 = acc.scalars(2);
    double[] coefs0 = new double[n];
    double[] coefs1 = new double[2 * n];
    double[] coefs2 = new double[n];
    boolean about = request.reference() != null; // m is log S₀: e ≈ s, and ĉ = e − b is accumulated
    double[] coefsC = about ? new double[n] : null;
    RowSampling sample = request.sample();
    double[] diagonal = sample != null ? new double[n] : null;
    double sampleTotal = sample != null ? sample.globals()[1] : 0, sampleGamma = sample != null ? sample.globals()[2] : 0;
    for (int i = 0; i < n; i++) {
      if (!Double.isFinite(z[i])) continue;
      double e = Math.exp(z[i] - m);
      double b = block.label(i);
      double w2 = block.regWeightSquared(i);
      s0[SUM_B2] += b * b;
      s0[SUM_REG] += w2 * z[i] * z[i];
      s1[SUM_E] += e;
      s1[SUM_BE] += b * e;
      s2[SUM_E2] += e * e;
      coefs0[i] = w2 * z[i];
      coefs1[EB * n + i] = e * b;
      coefs1[E * n + i] = e;
      coefs2[i] = e * e;
      if (about) {
        double c = e - b;
        acc.addScalar(0, SUM_C2, c * c);
        acc.addScalar(0, SUM_EC, e * c);
        acc.addScalar(0, SUM_ROUNDING, Math.abs(c) * (e + Math.abs(b)));
        coefsC[i] = e * c;
      }
      if (diagonal != null) {
        double share = e / sampleTotal;
        diagonal[i] = 2 * share * share - share * b - sampleGamma * share + w2;
      }
    }
    if (!request.lossOnly()) {
      acc.transposes().add(coefs0, 1, acc.vectors(0), 0);
      if (about) acc.transposes().add(coefsC, 1, acc.vectors(0), block.cols());
      acc.transposes().add(coefs1, 2, acc.vectors(1), 0);
      acc.transposes().add(coefs2, 1, acc.vectors(2), 0);
    }
    if (request.hessian()) {
      addGrams(block, coefs1, 2, acc, 1, 0);
      addGrams(block, coefs2, 1, acc, 2, 0);
    }
    if (request.sketch() != null) {
      double[] e = java.util.Arrays.copyOfRange(coefs1, E * n, E * n + n);
      sketchFitRows(block, request.sketch(), e, e, acc);
    }
    if (diagonal != null) sampleRows(sample, block, diagonal, acc);
    addRegularizerGram(block, request, acc, 0);
  }

  @Override double[] regularizerGram(PassSums sums) { return matrix(sums, 0, 0); }

  @Override Evaluation finish(PassSums sums, double[] x, double[] regularizerGram, Objective objective,
      double[] direction) {
    double[] s0 = sums.scalars(0), s1 = sums.scalars(1), s2 = sums.scalars(2);
    double total = s1[SUM_E];
    double selfTerm = s2[SUM_E2] / (total * total);   // Σs²
    double crossTerm = s1[SUM_BE] / total;            // ⟨b, s⟩
    double gamma = selfTerm - crossTerm;
    double fit = 0.5 * Math.max(0, selfTerm - 2 * crossTerm + s0[SUM_B2]);
    double ridgeTerm = objective.ridgePenalty(x);
    double roundingError = 16 * EPS * (selfTerm + 2 * Math.abs(crossTerm) + s0[SUM_B2] + s0[SUM_REG] + ridgeTerm);
    // about a reference (e ≈ s): c = ĉ + κe with κ = 1/S − 1, no cancellation (see the class comment)
    boolean about = sums.reference() != null; // its layout then holds the ĉ sums
    double kappa = 1 / total - 1;
    if (about && !(Math.abs(kappa) <= 0.5)) {
      sums.referenceUnusable(); // S far from 1: the caller runs the pass again about 0
      about = false;
    }
    double sumEc = about ? sums.scalar(0, SUM_EC) : 0;
    if (about) {
      double sumC2 = sums.scalar(0, SUM_C2);
      double sumE2 = s2[SUM_E2];
      fit = 0.5 * Math.max(0, sumC2 + 2 * kappa * sumEc + kappa * kappa * sumE2);
      gamma = (sumEc + kappa * sumE2) / total;
      roundingError = 4 * EPS * (sums.scalar(0, SUM_ROUNDING) + sumC2 + Math.abs(2 * kappa * sumEc)
          + kappa * kappa * sumE2 + Math.abs(sumEc) + s0[SUM_REG] + ridgeTerm);
    }
    double loss = fit + 0.5 * s0[SUM_REG] + ridgeTerm;

    int d = x.length;
    double[] e2 = vector(sums, 2, 0);
    double[] eb = vector(sums, 1, EB);
    double[] e = vector(sums, 1, E);
    double[] gradient = vector(sums, 0, 0);
    double[] ec = about ? vector(sums, 0, 1) : null;
    double[] rho = new double[d];
    double[] sigma = new double[d];
    for (int j = 0; j < d; j++) {
      rho[j] = 2 * e2[j] / (total * total) - eb[j] / total;
      sigma[j] = e[j] / total;
      double fitPart = about ? (ec[j] + kappa * e2[j]) / total : e2[j] / (total * total) - eb[j] / total;
      gradient[j] += fitPart - gamma * sigma[j];
    }
    objective.addRidgeGradient(x, 1, gradient);

    double[] hessian = null;
    boolean exact = sums.gramCount(2) > 0;
    if (!exact && sums.count(PassSums.SKETCH, 1) > 0) {
      HeavyRows.Factor fitRows = fitFactor(sums);
      double[] factor = fitRows.matrix();
      LinearAlgebra.subtractOuter(factor, fitRows.rows(), 1, fitRows.vector(), sigma);
      for (int i = 0; i < factor.length; i++) factor[i] /= total;
      hessian = LinearAlgebra.gramOf(factor, fitRows.rows(), d);
      if (regularizerGram != null) LinearAlgebra.addScaled(hessian, 1, regularizerGram);
      objective.addRidgeHessian(1, hessian);
    }
    double[] sampled = sampledGram(sums);
    if (exact || sampled != null) {
      if (exact) {
        hessian = matrix(sums, 2, 0);
        for (int i = 0; i < hessian.length; i++) hessian[i] *= 2 / (total * total);
        LinearAlgebra.addScaled(hessian, -1 / total, matrix(sums, 1, EB));
        LinearAlgebra.addScaled(hessian, -gamma / total, matrix(sums, 1, E));
        if (regularizerGram != null) LinearAlgebra.addScaled(hessian, 1, regularizerGram);
      } else {
        hessian = sampled; // w² is part of the sampled rows' weights
      }
      LinearAlgebra.addOuter(hessian, -1, rho, sigma);
      LinearAlgebra.addOuter(hessian, -1, sigma, rho);
      LinearAlgebra.addOuter(hessian, 3 * selfTerm - 2 * crossTerm, sigma, sigma);
      objective.addRidgeHessian(1, hessian);
      LinearAlgebra.mirrorUpper(hessian, x.length, 0); // the rank-two terms round unevenly
    }
    Evaluation evaluation = new Evaluation(x, loss, 0, roundingError, gradient, hessian, exact, sums.rows())
        .withPassGlobals(sums.exponent(), total, gamma);
    if (direction == null) return evaluation.withLowRankPart(new LowRankPart(rho, sigma, 3 * selfTerm - 2 * crossTerm));
    // H·v's row sums: each matrix above times v (the regularizer's too); the rank-two part comes from the evaluation at x
    double[] hv = gramTimesDirection(sums, 2, 0);
    for (int j = 0; j < d; j++) hv[j] *= 2 / (total * total);
    LinearAlgebra.addScaled(hv, -1 / total, gramTimesDirection(sums, 1, EB));
    LinearAlgebra.addScaled(hv, -gamma / total, gramTimesDirection(sums, 1, E));
    if (sums.count(PassSums.GRAM_VECTOR, 0) > 0) LinearAlgebra.addScaled(hv, 1, gramTimesDirection(sums, 0, 0));
    objective.addRidgeHessianTimes(1, direction, hv);
    return evaluation.withHessianTimesDirection(hv);
  }
}
