package dev.hyperreg.core.shift;

import dev.hyperreg.core.data.PairedPassRunner;
import dev.hyperreg.core.data.RowBlock;
import dev.hyperreg.core.linalg.LinearAlgebra;
import dev.hyperreg.core.objective.Link;
import dev.hyperreg.core.objective.Objective;
import dev.hyperreg.core.shift.ResponsePasses.ShiftPass;
import dev.hyperreg.core.shift.ResponsePasses.ShiftSums;
import dev.hyperreg.core.shift.SensitivityPasses.LocalSums;
import java.io.Serializable;
import java.util.Arrays;
import org.netlib.util.intW;

/**
 * The first-order response of the minimizer x* to a data shift, Δx ≈ −H⁻¹G[ΔA, Δb], with the exact
 * Hessian H at x* and the per-row z-space terms ({@link RowTerms}) both are made of.
 *
 * <p>Write the fit in z = Ax: ℓ(z, b) = ½‖u − αb‖², u = f(z), α = ⟨u, 1⟩, so that u − αb = T u with
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
 * <p>Both are sums over rows. With q = Aᵀv and p = Aᵀ(v∘b) the rank-two part of M gives
 * <pre>
 *   H = Aᵀdiag(E)A − p qᵀ − q pᵀ + ‖b‖² q qᵀ + λI                      (one pass at x*)
 *   G = ΔAᵀψ + Aᵀ(E∘δ) − p⟨v, δ⟩ − q⟨v∘b, δ⟩ + ‖b‖² q⟨v, δ⟩ − α Aᵀ(v∘Δb) − q⟨t, Δb⟩
 *                                   δ = ΔA x*, t = u − 2αb            (one pass over both datasets)
 * </pre>
 * H is factored once (Cholesky) for every solve here and in {@link OperatorNorms}; μ = λ_min(H), and
 * where H is not numerically positive definite nothing is solved. As everywhere in the shift analysis,
 * the link is scaled by e^{-m}: H, G, ψ and M carry a factor e^{-2m}, H⁻¹G none.
 */
final class FirstOrderResponse implements Serializable {
  private static final long serialVersionUID = 1L;

  private final RowTerms terms;
  private final double[] x;
  private final int dim;
  private final double[] hessian;
  private final double[] q;
  private final double[] p;
  /** The Cholesky factor of H; null where H is not positive definite. */
  private final double[] hessianFactor;
  private final double mu;

  /** H from the sums of the pass at x (grams already mirrored), factored. */
  FirstOrderResponse(Objective objective, double[] x, RowTerms terms, LocalSums s) {
    this.terms = terms;
    this.x = x;
    this.dim = x.length;
    int d = dim;
    int dd = d * d;
    q = Arrays.copyOfRange(s.vectors, LocalSums.Q * d, LocalSums.Q * d + d);
    p = Arrays.copyOfRange(s.vectors, LocalSums.P * d, LocalSums.P * d + d);

    hessian = Arrays.copyOfRange(s.grams, LocalSums.GRAM_E * dd, LocalSums.GRAM_E * dd + dd);
    LinearAlgebra.addOuter(hessian, -1, p, q);
    LinearAlgebra.addOuter(hessian, -1, q, p);
    LinearAlgebra.addOuter(hessian, terms.bNormSquared(), q, q);
    if (objective.ridge() > 0) objective.addRidgeHessian(Math.exp(-2 * terms.m()), hessian);

    double smallest = LinearAlgebra.symmetricEigenvalues(hessian, d)[0];
    double[] factor = smallest > 0 ? cholesky(hessian, d) : null;
    // numerically positive definite only if it also factors
    mu = factor != null ? smallest : Math.min(smallest, 0);
    hessianFactor = factor;
  }

  /** The row terms at x*: the scaled link, m, α, β and ‖b‖². */
  RowTerms terms() { return terms; }

  /** H at x* of the scaled link (not a copy). */
  double[] scaledHessian() { return hessian; }

  /** μ = λ_min(H) of the scaled link; at most 0 where H does not factor. */
  double mu() { return mu; }

  /** Whether H factored (is numerically positive definite): otherwise {@link #solve} gives null. */
  boolean factored() { return hessianFactor != null; }

  /** q = Aᵀv (not a copy). */
  double[] q() { return q; }

  /** p = Aᵀ(v∘b) (not a copy). */
  double[] p() { return p; }

  /** Δx ≈ −H⁻¹G[ΔA, Δb] for the shift between the two datasets, with the shift's norms. */
  ShiftSensitivity.FirstOrder firstOrder(PairedPassRunner data) {
    double alpha = terms.alpha();
    double bNormSquared = terms.bNormSquared();
    ShiftSums s = data.aggregate(new ShiftPass(terms.link(), x, terms.m(), alpha, terms.beta(), bNormSquared),
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
    return new ShiftSensitivity.FirstOrder(predicted, Math.sqrt(s.scalars[ShiftSums.DA2]), spectral,
        Math.sqrt(s.scalars[ShiftSums.DB2]));
  }

  /** H⁻¹B for B column-major with columns of length d; null where H did not factor. */
  double[] solve(double[] b) { return solve(hessianFactor, dim, b); }

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

  /**
   * Per-row quantities at x* shared by the passes (scaled link; w² scaled by e^{-2m}): with z = a·x,
   * u = f(z), v = f'(z), u'' = f''(z),
   * <pre>
   *   y = u − αb − β,   E = v² + u''y + w²,   ψ = vy + w²z,   t = u − 2αb,   ē = max(|u|, |v|, |u''|)
   * </pre>
   */
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
}
