package dev.hyperreg.core.objective;

import dev.hyperreg.core.data.RowBlock;
import dev.hyperreg.core.linalg.LinearAlgebra;
import dev.hyperreg.core.sketch.HeavyRows;

/**
 * L(x) = ½‖f(Ax) − b‖² + R(x). With r = u − b, v = f'(z), u'' = f''(z):
 * <pre>
 *   ∇L  = Aᵀ[v∘r + w²∘z] + λx
 *   ∇²L = Aᵀ diag(v² + u''∘r + w²) A + λI
 * </pre>
 * Everything is a plain row sum, so the regularizer folds into the same vector and matrix, and a
 * Hessian-vector pass collects H·v = Aᵀ[(v² + u''∘r + w²)∘(Av)] + λv.
 *
 * <p>Sketched: the Gauss–Newton factor is [diag(v)A; diag(w)A] (the second-order term u''∘r is
 * dropped); one m × d sketch S·[diag(v)A; diag(w)A] gives ∇²L ≈ FᵀF + λI. Sampled
 * ({@link dev.hyperreg.core.sketch.RowSampling}): Aᵀdiag(v² + u''∘r + w²)A from a leverage-score sample of the rows. There
 * is no scale-free form: once u² overflows (z ≳ 355 for exp) the pass records the first such row
 * and the evaluation is not finite.
 */
final class PlainTerms extends ObjectiveTerms {
  private static final long serialVersionUID = 1L;
  private static final int SUM_R2 = 0, SUM_REG = 1, SUM_ROUNDING = 2;

  private final Link link;

  PlainTerms(Link link) { this.link = link; }

  /** Plain fits b itself: every link, any intercept, no normalizer to refer to or to share. */
  static final class Facts extends ObjectiveTerms.Facts {
    @Override ObjectiveTerms terms(Link link, boolean ridged) { return new PlainTerms(link); }

    @Override Class<PlainTerms> termsClass() { return PlainTerms.class; }

    /** f(a·x) estimates b_i itself. */
    @Override boolean predictsShares() { return false; }
  }

  @Override int[][] layout(PassRequest request) {
    int grams = (request.hessian() ? 1 : 0) + (request.regularizerGram() ? 1 : 0);
    return new int[][] {{3, 0, 0}, {1, 0, 0}, {grams, 0, 0}, {request.sketch() != null ? 1 : 0, 0, 0}};
  }

  /** The regularizer's Gram follows the Hessian's, when both are collected. */
  private static int regularizerIndex(PassRequest request) { return request.hessian() ? 1 : 0; }

  @Override double[] regularizerGram(PassSums sums) {
    return sums.gramCount(0) > 0 ? matrix(sums, 0, sums.gramCount(0) - 1) : null;
  }

  /** Unscaled: everything in group 0 (the fit factor has no vector part). */
  @Override int[] fitFactorGroups() { return new int[] {0, 0}; }

  @Override double exponentBound(double z) { return 0; }

  @Override double passExponent(double blockExponent, PassSums acc, RowBlock block) { return 0; }

  @Override void accumulate(RowBlock block, double[] z, PassRequest request, PassSums acc) {
    int n = block.rows();
    double[] s0 = acc.scalars(0);
    double[] coefs = new double[n];
    double[] weights = request.hessian() ? new double[n] : null;
    double[] factor = request.sketch() != null ? new double[n] : null;
    double[] diagonal = request.sample() != null ? new double[n] : null;
    for (int i = 0; i < n; i++) {
      if (!Double.isFinite(z[i])) continue;
      double u = link.value(z[i]);
      double v = link.first(z[i], 0);
      double u2 = link.second(z[i], 0);
      double r = u - block.label(i);
      double w2 = block.regWeightSquared(i);
      double term = r * r;
      double coef = v * r + w2 * z[i];
      double weight = v * v + u2 * r + w2;
      if (!Double.isFinite(term) || !Double.isFinite(coef) || !Double.isFinite(weight)) {
        acc.recordBadRow(block.rowId(i), z[i]);
        continue;
      }
      s0[SUM_R2] += term;
      s0[SUM_REG] += w2 * z[i] * z[i];
      // r = u − b cancels where the fit is close: its error is ε(|u| + |b|), so r²'s is 2|r|·ε(|u| + |b|)
      s0[SUM_ROUNDING] += Math.abs(r) * (Math.abs(u) + Math.abs(block.label(i)));
      coefs[i] = coef;
      if (weights != null) weights[i] = weight;
      if (factor != null) factor[i] = v;
      if (diagonal != null) diagonal[i] = weight;
    }
    if (!request.lossOnly()) acc.transposes().add(coefs, 1, acc.vectors(0), 0);
    if (weights != null) addGrams(block, weights, 1, acc, 0, 0);
    if (diagonal != null) sampleRows(request.sample(), block, diagonal, acc);
    if (factor != null) sketchFitRows(block, request.sketch(), factor, null, acc);
    addRegularizerGram(block, request, acc, regularizerIndex(request));
  }

  @Override Evaluation finish(PassSums sums, double[] x, double[] regularizerGram, Objective objective,
      double[] direction) {
    double[] s0 = sums.scalars(0);
    double loss = 0.5 * s0[SUM_R2] + 0.5 * s0[SUM_REG] + objective.ridgePenalty(x);
    double[] gradient = vector(sums, 0, 0);
    objective.addRidgeGradient(x, 1, gradient);
    double[] hessian = null;
    // a sketched pass's only Gram is the regularizer's
    boolean exact = sums.gramCount(0) > 0 && sums.count(PassSums.SKETCH, 0) == 0;
    if (exact) {
      hessian = matrix(sums, 0, 0);
    } else if (sums.sample() != null) {
      hessian = sampledGram(sums);
    } else if (sums.count(PassSums.SKETCH, 0) > 0) {
      HeavyRows.Factor factor = fitFactor(sums);
      hessian = LinearAlgebra.gramOf(factor.matrix(), factor.rows(), x.length);
      if (regularizerGram != null) LinearAlgebra.addScaled(hessian, 1, regularizerGram);
    }
    if (hessian != null) objective.addRidgeHessian(1, hessian);
    double roundingError = 16 * EPS * loss + 4 * EPS * s0[SUM_ROUNDING];
    Evaluation e = new Evaluation(x, loss, 0, roundingError, gradient, hessian, exact, sums.rows()).withPassGlobals(0);
    if (direction == null) return e;
    double[] hv = gramTimesDirection(sums, 0, 0);
    objective.addRidgeHessianTimes(1, direction, hv);
    return e.withHessianTimesDirection(hv);
  }
}
