package dev.hyperreg.core.shift;

import dev.hyperreg.core.InvalidProblemException;
import dev.hyperreg.core.data.DenseRowBlock;
import dev.hyperreg.core.data.RowBlock;
import dev.hyperreg.core.linalg.LinearAlgebra;
import dev.hyperreg.core.objective.Objective;
import dev.hyperreg.core.shift.FirstOrderResponse.RowTerms;
import java.io.Serializable;

/**
 * The shift of the data that moves x* most to first order, at given relative sizes: the search for
 * it ({@link #shift}) and its rows ({@link #rows}).
 *
 * <p>The shift of relative sizes relA (‖ΔA‖_F = ‖ΔA‖₂ = relA·‖A‖_F) and relB (‖Δb‖ = relB·‖b‖) in the
 * directions that move x* most to first order: Δb along the top right singular vector of
 * H⁻¹Aᵀ(∂ψ/∂b) (so its first-order response is exactly C_b‖Δb‖), and the rank-one ΔA = h x̂ᵀ with h
 * the top right singular vector of H⁻¹AᵀM, which turns the x-part of G into ‖x*‖‖H⁻¹AᵀM‖‖ΔA‖.
 * x̂ is x* with the intercept entry set to 0, normalized (the intercept column stays a column of ones).
 *
 * <p>With the generators w_A, w_b of {@link OperatorNorms} (h ∝ MAw_A, ‖MAw_A‖ = √(w_AᵀKw_A), and
 * likewise (∂ψ/∂b)ᵀAw_b, ‖(∂ψ/∂b)ᵀAw_b‖ = √(w_bᵀNw_b)), per row, h_i = (M A w_A)_i = E_i a_i·w_A +
 * v_i(‖b‖² − b_i) q·w_A − v_i p·w_A gives Δa_i = scaleA·h_i·x̂, and Δb_i = scaleB·(−α v_i a_i·w_b −
 * (u_i − 2αb_i) q·w_b), with scaleA = relA‖A‖_F/√(w_AᵀKw_A) and scaleB = relB‖b‖/√(w_bᵀNw_b).
 * Rows of A become dense when shifted (ΔA is rank one, not sparse).
 */
final class WorstDirection implements Serializable {
  private static final long serialVersionUID = 1L;

  private final Objective objective;
  private final double[] x;
  private final FirstOrderResponse response;
  private final OperatorNorms norms;
  /** ‖A‖_F without the intercept column, ‖b‖. */
  private final double aFrobenius, bNorm;

  WorstDirection(Objective objective, double[] x, FirstOrderResponse response, OperatorNorms norms,
      double aFrobenius, double bNorm) {
    this.objective = objective;
    this.x = x;
    this.response = response;
    this.norms = norms;
    this.aFrobenius = aFrobenius;
    this.bNorm = bNorm;
  }

  /** The worst-direction shift of relative sizes relA and relB (see the class comment). */
  ShiftSensitivity.WorstShift shift(double relA, double relB) {
    if (!(response.mu() > 0)) throw new IllegalStateException("no worst shift where H is not positive definite");
    int dim = x.length;
    double xNorm = LinearAlgebra.norm(x);
    double[] direction = x.clone();
    if (objective.interceptColumn() >= 0) direction[objective.interceptColumn()] = 0;
    double directionNorm = LinearAlgebra.norm(direction);
    boolean moveA = relA > 0 && xNorm > 0 && directionNorm > 0 && norms.worstANorm > 0;
    if (moveA) for (int j = 0; j < dim; j++) direction[j] /= directionNorm;
    double scaleA = moveA ? relA * aFrobenius / norms.worstANorm : 0;
    double scaleB = relB > 0 && norms.worstBNorm > 0 ? relB * bNorm / norms.worstBNorm : 0;
    if (scaleA == 0 && scaleB == 0) {
      throw new InvalidProblemException("the worst-direction shift is 0 here: no shift of A (x* = 0, or only the"
          + " intercept) or of b moves the minimizer to first order");
    }
    RowTerms t = response.terms();
    return new ShiftSensitivity.WorstShift(new RowTerms(t.link(), t.m(), t.alpha(), t.beta(), t.bNormSquared()),
        x.clone(), response.q(), response.p(), norms.worstA, norms.worstB, direction, scaleA, scaleB);
  }

  /** The block's rows after the worst-direction shift with generators worstA, worstB (see the class comment). */
  static RowBlock rows(RowBlock block, RowTerms terms, double[] x, double[] q, double[] p, double[] worstA,
      double[] worstB, double[] direction, double scaleA, double scaleB) {
    int n = block.rows();
    int d = x.length;
    double[] z = new double[n];
    double[] onA = new double[n];
    double[] onB = new double[n];
    block.multiply(x, z);
    block.multiply(worstA, onA);
    block.multiply(worstB, onB);
    double[][] t = new double[RowTerms.COUNT][n];
    terms.fill(block, z, t);
    double qa = LinearAlgebra.dot(q, worstA);
    double pa = LinearAlgebra.dot(p, worstA);
    double qb = LinearAlgebra.dot(q, worstB);
    double[] rowShift = new double[n];
    double[] labelShift = new double[n];
    for (int i = 0; i < n; i++) {
      double v = t[RowTerms.V][i];
      double k = terms.bNormSquared() - block.label(i);
      rowShift[i] = scaleA * (t[RowTerms.E][i] * onA[i] + v * k * qa - v * pa);
      labelShift[i] = scaleB * (-terms.alpha() * v * onB[i] - t[RowTerms.T][i] * qb);
    }
    if (scaleA == 0) return block.shifted((i, j, a) -> 0, labelShift);
    double[] labels = new double[n];
    for (int i = 0; i < n; i++) labels[i] = block.label(i) + labelShift[i];
    return DenseRowBlock.ofRows(block, (i, row) -> {
      block.addRow(i, 1, row, 0);
      for (int j = 0; j < d; j++) row[j] += rowShift[i] * direction[j];
    }, labels);
  }
}
