package dev.hyperreg.core.solver;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.hyperreg.core.linalg.LinearAlgebra;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Block LOBPCG returns the smallest eigenvalue, never the largest: the failure was a block
 * of one vector, started from M⁻¹·(random), returning λ_max = 1.15·10³⁰ as λ_min for d = 2.
 */
class BlockLobpcgTest {

  /** H = D C D: C a random SPD matrix with unit diagonal, D spanning 10¹⁵ (so H's spectrum spans ~10³⁰). */
  private static double[] stiff(int d, long seed, double[] scaleOut, double[] correlationOut) {
    Random rnd = new Random(seed);
    double[] g = new double[d * (d + 2)];
    for (int i = 0; i < g.length; i++) g[i] = rnd.nextGaussian();
    int m = d + 2;
    double[] c = new double[d * d];
    for (int a = 0; a < d; a++) {
      for (int b = 0; b < d; b++) {
        double v = 0;
        for (int r = 0; r < m; r++) v += g[r * d + a] * g[r * d + b];
        c[b * d + a] = v;
      }
    }
    double[] unit = new double[d];
    for (int j = 0; j < d; j++) unit[j] = 1 / Math.sqrt(c[j * d + j]);
    for (int a = 0; a < d; a++) for (int b = 0; b < d; b++) c[b * d + a] *= unit[a] * unit[b];
    System.arraycopy(c, 0, correlationOut, 0, d * d);
    for (int j = 0; j < d; j++) scaleOut[j] = Math.pow(10, 15.0 * j / Math.max(1, d - 1));
    double[] h = new double[d * d];
    for (int a = 0; a < d; a++) for (int b = 0; b < d; b++) h[b * d + a] = scaleOut[a] * c[b * d + a] * scaleOut[b];
    return h;
  }

  private static double[][] times(double[] h, int d, double[][] block) {
    double[][] out = new double[block.length][d];
    for (int v = 0; v < block.length; v++) {
      for (int i = 0; i < d; i++) {
        double s = 0;
        for (int j = 0; j < d; j++) s += h[j * d + i] * block[v][j];
        out[v][i] = s;
      }
    }
    return out;
  }

  @ParameterizedTest(name = "d = {0}")
  @ValueSource(ints = {2, 3, 4, 5})
  void findsTheSmallestEigenvalueOfAHessianSpanning1e30(int d) {
    double[] scale = new double[d];
    double[] correlation = new double[d * d];
    double[] h = stiff(d, 11 + d, scale, correlation);
    double[] eigen = LinearAlgebra.symmetricEigenvalues(h, d);
    double largest = eigen[d - 1];
    assertTrue(largest > 1e29, "the premise: λ_max = " + largest);
    // unscaled, with the preconditioner the old check used (the inverse diagonal)
    BlockLobpcg.Result raw = BlockLobpcg.smallest((block, step) -> times(h, d, block),
        r -> {
          double[] z = r.clone();
          for (int j = 0; j < d; j++) z[j] /= h[j * d + j];
          return z;
        }, d, ConvergenceCertificate.CHECK_BLOCK, 20, 1e-4, 31);
    assertTrue(raw.smallest() < 1e-10 * largest, "not λ_max: " + raw.smallest() + " vs λ_max " + largest);
    // the certificate's operator: the Jacobi-scaled Hessian, where λ_min is resolved to rounding
    double[] scaled = new double[d * d];
    for (int a = 0; a < d; a++) {
      for (int b = 0; b < d; b++) scaled[b * d + a] = h[b * d + a] / Math.sqrt(h[a * d + a] * h[b * d + b]);
    }
    double expected = LinearAlgebra.symmetricEigenvalues(correlation, d)[0];
    BlockLobpcg.Result r = BlockLobpcg.smallest((block, step) -> times(scaled, d, block), v -> v, d,
        ConvergenceCertificate.CHECK_BLOCK, 20, 1e-4, 31);
    assertEquals(expected, r.smallest(), 1e-9 * Math.max(1, expected));
    assertEquals(1, r.products(), "a block as wide as the space: one product");
  }

  /**
   * H = Q Λ Qᵀ with Q a random orthogonal matrix and Λ chosen: the answer is λ₁ by construction.
   * The lower edge is crowded (λ₂ … λ₆ within 1 % of λ₁), where one vector settles on a neighbour.
   */
  private static double[] withSpectrum(double[] lambda, long seed) {
    int d = lambda.length;
    Random rnd = new Random(seed);
    double[][] q = new double[d][];
    for (int k = 0; k < d; k++) {
      double[] v = rnd.doubles(d).map(u -> u - 0.5).toArray();
      for (int pass = 0; pass < 2; pass++) {
        for (int i = 0; i < k; i++) {
          double dot = LinearAlgebra.dot(v, q[i]);
          for (int j = 0; j < d; j++) v[j] -= dot * q[i][j];
        }
      }
      double norm = LinearAlgebra.norm(v);
      for (int j = 0; j < d; j++) v[j] /= norm;
      q[k] = v;
    }
    double[] h = new double[d * d];
    for (int k = 0; k < d; k++) {
      for (int a = 0; a < d; a++) for (int b = 0; b < d; b++) h[b * d + a] += lambda[k] * q[k][a] * q[k][b];
    }
    return h;
  }

  private static double[] crowdedSpectrum(int d, double smallest) {
    double[] lambda = new double[d];
    for (int k = 0; k < d; k++) lambda[k] = k < 6 ? smallest + 0.002 * k * Math.abs(smallest) : 1 + 10.0 * k / d;
    return lambda;
  }

  @ParameterizedTest(name = "d = {0}")
  @ValueSource(ints = {12, 40})
  void aBlockNarrowerThanTheSpaceFindsAKnownSmallestEigenvalueOnACrowdedEdge(int d) {
    double[] h = withSpectrum(crowdedSpectrum(d, 0.5), 5 + d);
    BlockLobpcg.Result r = BlockLobpcg.smallest((block, step) -> times(h, d, block), v -> v, d, 4, 200, 1e-10, 3);
    assertEquals(0.5, r.smallest(), 1e-9, "λ₁ = 0.5 by construction");
    assertTrue(r.products() > 1 && r.products() < 200, "iterated, and stopped on its tolerance: " + r.products());
    // the Ritz vector is λ₁'s eigenvector: its residual ‖Hx − θx‖, computed here, is small
    double[] hx = times(h, d, new double[][] {r.vector()})[0];
    double residual = 0;
    for (int j = 0; j < d; j++) residual += Math.pow(hx[j] - r.smallest() * r.vector()[j], 2);
    assertEquals(1, LinearAlgebra.norm(r.vector()), 1e-12);
    assertTrue(Math.sqrt(residual) < 1e-4, "residual " + Math.sqrt(residual));
  }

  /** Ritz values bound λ₁ from above at every step: a stop after two products is still ≥ λ₁. */
  @Test
  void anEarlyStopIsAnUpperBound() {
    int d = 30;
    double[] h = withSpectrum(crowdedSpectrum(d, 0.5), 9);
    BlockLobpcg.Result r = BlockLobpcg.smallest((block, step) -> times(h, d, block), v -> v, d, 2, 2, 1e-14, 4);
    assertEquals(2, r.products());
    assertTrue(r.smallest() >= 0.5 - 1e-12 && r.smallest() <= 11, "θ₁ = " + r.smallest());
  }

  /** λ₁ &lt; 0: it stops once θ₁ ≤ 0, which proves H is not positive definite, and θ₁ ≥ λ₁ still. */
  @Test
  void aNegativeRitzValueProvesIndefiniteness() {
    int d = 25;
    double[] lambda = crowdedSpectrum(d, 0.5);
    lambda[0] = -0.3;
    double[] h = withSpectrum(lambda, 13);
    BlockLobpcg.Result r = BlockLobpcg.smallest((block, step) -> times(h, d, block), v -> v, d, 3, 200, 1e-10, 5);
    assertTrue(r.smallest() <= 0 && r.smallest() >= -0.3 - 1e-12, "θ₁ = " + r.smallest());
  }
}
