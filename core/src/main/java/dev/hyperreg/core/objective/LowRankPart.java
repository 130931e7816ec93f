package dev.hyperreg.core.objective;

import dev.hyperreg.core.linalg.LinearAlgebra;
import java.io.Serializable;

/**
 * The Hessian's part that is not a sum over rows, −(u wᵀ + w uᵀ) + c·w wᵀ, in the scale of the
 * evaluation that carries it: u = Aᵀ(v∘b), w = Aᵀv, c = ‖b‖² for the rescaled objective; u = ρ,
 * w = σ, c = κ for softmax (see their classes). It depends on the point only, so a Hessian-vector
 * pass at the same point takes it from the evaluation there and collects the row sums alone.
 */
public record LowRankPart(double[] u, double[] w, double c) implements Serializable {
  /** out += diag(−(u wᵀ + w uᵀ) + c·w wᵀ) = −2u∘w + c·w∘w. */
  void addDiagonal(double[] out) {
    for (int j = 0; j < out.length; j++) out[j] += -2 * u[j] * w[j] + c * w[j] * w[j];
  }

  /** out += (−(u wᵀ + w uᵀ) + c·w wᵀ)·v. */
  void addTimes(double[] v, double[] out) {
    double wv = LinearAlgebra.dot(w, v), uv = LinearAlgebra.dot(u, v);
    for (int j = 0; j < out.length; j++) out[j] += -u[j] * wv - w[j] * uv + c * w[j] * wv;
  }
}
