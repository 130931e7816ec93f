package dev.hyperreg.core.shift;

import dev.hyperreg.core.data.BlockAggregator;
import dev.hyperreg.core.data.RowBlock;
import dev.hyperreg.core.objective.Link;
import dev.hyperreg.core.objective.Objective;
import dev.hyperreg.core.shift.FirstOrderResponse.RowTerms;
import java.io.Serializable;

/**
 * The three passes over the data at x* that {@link ShiftSensitivity#at} makes, and their sums. With
 * z_i = a_i·x*:
 * <ol>
 *   <li>{@link GlobalsPass}: the exponent scale m = max_i (the link's exponent bound at z_i), n, ‖b‖²,
 *       max|b_i|, max‖a_i‖², max w_i², ‖A‖_F² without the intercept column, and max|z_i|;
 *   <li>{@link AlphaPass}: α = Σu_i and ⟨b, u⟩ with u = f(z) of the link scaled by e^{-m} (so that
 *       β = ⟨b, u⟩ − α‖b‖²);
 *   <li>{@link LocalPass}: with the row terms u, v, y, E, ψ, t, ē of {@link RowTerms} and
 *       k_i = ‖b‖² − b_i,
 *       <pre>
 *   the weighted Grams  Aᵀdiag(w)A  for w = E, E², v², 1, ē², ē, ē∘|b|,
 *   the vectors         q = Aᵀv,  p = Aᵀ(v∘b),  s₁ = Aᵀ(E∘v∘k),  s₂ = Aᵀ(E∘v),  s₃ = Aᵀ(v∘t),
 *   the scalars         Σv²k², Σv²k, Σv², Σt², ‖ψ‖², max ē, Σē, ‖ē‖², ‖u‖², max|E|,
 *       </pre>
 *       from which {@link FirstOrderResponse} assembles H, {@link OperatorNorms} the matrices K and N,
 *       and {@link ShiftBound} the row-weighted norms of its region.
 * </ol>
 * Each sum merges by addition (or max), so the blocks may be summed in any grouping.
 */
final class SensitivityPasses {
  private SensitivityPasses() {}

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

  record GlobalsPass(Objective objective, double[] x) implements BlockAggregator<Globals> {
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
  record AlphaPass(Link link, double[] x, double m) implements BlockAggregator<double[]> {
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

  record LocalPass(Link link, double[] x, double m, double alpha, double beta, double bNormSquared)
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
}
