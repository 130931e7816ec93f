package dev.hyperreg.core.shift;

import dev.hyperreg.core.linalg.LinearAlgebra;
import dev.hyperreg.core.shift.SensitivityPasses.LocalSums;
import java.io.Serializable;
import java.util.Arrays;

/**
 * The first-order constants C_A and C_b: operator norms of ΔA ↦ H⁻¹G[ΔA, 0] and Δb ↦ H⁻¹G[0, Δb]
 * (G of {@link FirstOrderResponse}), from two d × d sandwiches, and the directions that attain them.
 *
 * <p>With μ = λ_min(H) &gt; 0, in the spectral norm of ΔA and the 2-norm of Δb:
 * <pre>
 *   ‖H⁻¹G[ΔA, 0]‖ ≤ C_A‖ΔA‖₂,  C_A = ‖ψ‖/μ + ‖x*‖·‖H⁻¹AᵀM‖₂,   ‖H⁻¹AᵀM‖₂² = λ_max(H⁻¹ K H⁻¹),  K = (MA)ᵀ(MA)
 *   ‖H⁻¹G[0, Δb]‖ ≤ C_b‖Δb‖,   C_b = ‖H⁻¹Aᵀ(∂ψ/∂b)‖₂,            C_b² = λ_max(H⁻¹ N H⁻¹),   N = Aᵀ(∂ψ/∂b)(∂ψ/∂b)ᵀA
 * </pre>
 * K and N are d × d and sums over rows (row i of MA is E_i a_i + v_i(‖b‖² − b_i) q − v_i p with
 * q = Aᵀv, p = Aᵀ(v∘b); column i of Aᵀ(∂ψ/∂b) is −α v_i a_i − (u_i − 2αb_i) q), so one pass
 * collects them. C_b is attained by the worst Δb. C_A adds two norms that one ΔA need not attain
 * together: the worst-direction ΔA ({@link WorstDirection}) aims at the x-part, and moved x* by 88–97%
 * of C_A·‖ΔA‖₂ on the benchmark problems of BENCHMARKS.md.
 *
 * <p>Written out with k_i = ‖b‖² − b_i, t = u − 2αb and the sums of {@link SensitivityPasses.LocalPass}:
 * <pre>
 *   K = Aᵀdiag(E²)A + s₁qᵀ + qs₁ᵀ − s₂pᵀ − ps₂ᵀ + (Σv²k²) qqᵀ − (Σv²k)(qpᵀ + pqᵀ) + (Σv²) ppᵀ,
 *                                                     s₁ = Aᵀ(E∘v∘k),  s₂ = Aᵀ(E∘v)
 *   N = α² Aᵀdiag(v²)A + α(s₃qᵀ + qs₃ᵀ) + (Σt²) qqᵀ,    s₃ = Aᵀ(v∘t)
 * </pre>
 * The sandwich H⁻¹SH⁻¹ takes two solves with the Cholesky factor of H. Its top unit eigenvector y
 * gives the generator w = H⁻¹y of the worst direction: the top right singular vector of H⁻¹AᵀM is
 * MAw/‖MAw‖ with ‖MAw‖ = √(wᵀKw), and that of H⁻¹Aᵀ(∂ψ/∂b) is (∂ψ/∂b)ᵀAw/√(wᵀNw) (w from N).
 * Where H does not factor (is not positive definite) all of these are NaN, the generators null.
 */
final class OperatorNorms implements Serializable {
  private static final long serialVersionUID = 1L;

  /** C_A and C_b. */
  final double constantA, constantB;
  /** H⁻¹y for the top eigenvectors y of H⁻¹KH⁻¹ and H⁻¹NH⁻¹: the worst shift directions' generators. */
  final double[] worstA, worstB;
  /** √(wᵀKw) and √(wᵀNw) for those w: the norms of the worst shifts they generate. */
  final double worstANorm, worstBNorm;

  /** From the sums of the pass at x (grams already mirrored) and H (factored) of {@code response}. */
  OperatorNorms(FirstOrderResponse response, LocalSums s, double[] x) {
    int d = x.length;
    int dd = d * d;
    double[] q = response.q();
    double[] p = response.p();
    double alpha = response.terms().alpha();
    double[] s1 = Arrays.copyOfRange(s.vectors, LocalSums.S1 * d, LocalSums.S1 * d + d);
    double[] s2 = Arrays.copyOfRange(s.vectors, LocalSums.S2 * d, LocalSums.S2 * d + d);
    double[] s3 = Arrays.copyOfRange(s.vectors, LocalSums.S3 * d, LocalSums.S3 * d + d);

    double[] kMatrix = Arrays.copyOfRange(s.grams, LocalSums.GRAM_E2 * dd, LocalSums.GRAM_E2 * dd + dd);
    LinearAlgebra.addOuter(kMatrix, 1, s1, q);
    LinearAlgebra.addOuter(kMatrix, 1, q, s1);
    LinearAlgebra.addOuter(kMatrix, -1, s2, p);
    LinearAlgebra.addOuter(kMatrix, -1, p, s2);
    LinearAlgebra.addOuter(kMatrix, s.scalars[LocalSums.V2K2], q, q);
    LinearAlgebra.addOuter(kMatrix, -s.scalars[LocalSums.V2K], q, p);
    LinearAlgebra.addOuter(kMatrix, -s.scalars[LocalSums.V2K], p, q);
    LinearAlgebra.addOuter(kMatrix, s.scalars[LocalSums.V2], p, p);

    double[] nMatrix = Arrays.copyOfRange(s.grams, LocalSums.GRAM_V2 * dd, LocalSums.GRAM_V2 * dd + dd);
    for (int k = 0; k < dd; k++) nMatrix[k] *= alpha * alpha;
    LinearAlgebra.addOuter(nMatrix, alpha, s3, q);
    LinearAlgebra.addOuter(nMatrix, alpha, q, s3);
    LinearAlgebra.addOuter(nMatrix, s.scalars[LocalSums.T2], q, q);

    double psiNorm = Math.sqrt(s.scalars[LocalSums.PSI2]);
    double mu = response.mu();
    if (response.factored()) {
      double[] sandwichK = sandwich(response, d, kMatrix);
      double[] sandwichN = sandwich(response, d, nMatrix);
      constantA = psiNorm / mu + LinearAlgebra.norm(x) * Math.sqrt(Math.max(0, largestEigenvalue(sandwichK, 0, d)));
      constantB = Math.sqrt(Math.max(0, largestEigenvalue(sandwichN, 0, d)));
      worstA = response.solve(LinearAlgebra.largestEigenvector(sandwichK, d));
      worstB = response.solve(LinearAlgebra.largestEigenvector(sandwichN, d));
      worstANorm = Math.sqrt(Math.max(0, quadraticForm(kMatrix, worstA)));
      worstBNorm = Math.sqrt(Math.max(0, quadraticForm(nMatrix, worstB)));
    } else {
      constantA = Double.NaN;
      constantB = Double.NaN;
      worstA = null;
      worstB = null;
      worstANorm = Double.NaN;
      worstBNorm = Double.NaN;
    }
  }

  /** λ_max (at least 0) of the symmetric d × d matrix at block {@code index} of {@code grams}. */
  static double largestEigenvalue(double[] grams, int index, int d) {
    double[] g = Arrays.copyOfRange(grams, index * d * d, (index + 1) * d * d);
    return Math.max(0, LinearAlgebra.symmetricEigenvalues(g, d)[d - 1]);
  }

  /** H⁻¹ S H⁻¹ for symmetric S, as H⁻¹(H⁻¹S)ᵀ, symmetrized. */
  private static double[] sandwich(FirstOrderResponse response, int d, double[] s) {
    double[] left = response.solve(s);
    double[] transposed = new double[d * d];
    for (int r = 0; r < d; r++) {
      for (int c = 0; c < d; c++) transposed[c * d + r] = left[r * d + c];
    }
    double[] sandwich = response.solve(transposed);
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
}
