package dev.hyperreg.core.shift;

import dev.hyperreg.core.InvalidProblemException;
import dev.hyperreg.core.data.BlockAggregator;
import dev.hyperreg.core.data.PairAggregator;
import dev.hyperreg.core.data.RowBlock;
import dev.hyperreg.core.linalg.LinearAlgebra;
import dev.hyperreg.core.objective.Link;
import dev.hyperreg.core.shift.FirstOrderResponse.RowTerms;
import java.io.Serializable;
import java.util.Arrays;

/**
 * The passes over a shift of the data, and their sums. The pair passes read each block of (A, b) with
 * its shifted block (A', b'), which must hold the same rows ({@link #checkSameRows}).
 * <ul>
 *   <li>{@link ShiftPass}, for {@link FirstOrderResponse#firstOrder}: with ΔA = A' − A, Δb = b' − b,
 *       δ = ΔA x* and the row terms of {@link RowTerms},
 *       <pre>
 *   the vectors   ΔAᵀψ,  Aᵀ(E∘δ),  Aᵀ(v∘Δb),    the d × d matrix  ΔAᵀΔA  (‖ΔA‖₂² = λ_max(ΔAᵀΔA)),
 *   the scalars   ⟨v, δ⟩,  ⟨v∘b, δ⟩,  ⟨t, Δb⟩,  ‖ΔA‖_F²,  ‖Δb‖²;
 *       </pre>
 *   <li>{@link OutputPass}: Σ(f(a'_i·x') − f(a_i·x*))² and Σf(a_i·x*)², how far the model's outputs
 *       moved;
 *   <li>{@link EquivalencePass}, over (A, b) alone, for a weight step Δx: ‖AΔx‖²,
 *       max_i |(a_i + Δa_i)·x* − a_i·(x* + Δx)| with Δa_i = (a_i·Δx) x*ᵀ / ‖x*‖², and max_i |a_i·(x* + Δx)|.
 * </ul>
 */
final class ResponsePasses {
  private ResponsePasses() {}

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

  record ShiftPass(Link link, double[] x, double m, double alpha, double beta, double bNormSquared)
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

  /** Refuses a shifted block that does not hold the original's rows: same count, width and row ids in order. */
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
  record OutputPass(Link link, double[] x, double[] shiftedPoint, double m) implements PairAggregator<double[]> {
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
  record EquivalencePass(double[] x, double[] step) implements BlockAggregator<double[]> {
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
