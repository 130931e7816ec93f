package dev.hyperreg.core.shift;

import dev.hyperreg.core.InvalidProblemException;
import dev.hyperreg.core.data.PairedPassRunner;
import dev.hyperreg.core.data.PassRunner;
import dev.hyperreg.core.data.RowBlock;
import dev.hyperreg.core.linalg.LinearAlgebra;
import dev.hyperreg.core.objective.Link;
import dev.hyperreg.core.objective.Objective;
import dev.hyperreg.core.objective.ObjectiveKind;
import dev.hyperreg.core.shift.FirstOrderResponse.RowTerms;
import dev.hyperreg.core.shift.ResponsePasses.EquivalencePass;
import dev.hyperreg.core.shift.ResponsePasses.OutputPass;
import dev.hyperreg.core.shift.SensitivityPasses.AlphaPass;
import dev.hyperreg.core.shift.SensitivityPasses.Globals;
import dev.hyperreg.core.shift.SensitivityPasses.GlobalsPass;
import dev.hyperreg.core.shift.SensitivityPasses.LocalPass;
import dev.hyperreg.core.shift.SensitivityPasses.LocalSums;
import java.io.Serializable;
import java.util.Arrays;

/**
 * How the minimizer x* of the rescaled objective moves when the data (A, b) move: the first-order
 * response, its operator norms, and a bound on the whole (non-linear) response that holds within a
 * radius, all computed from the data at x*.
 *
 * <p>Three passes over the data at x* ({@link #at}) collect what everything needs; the mathematics
 * is written out with the package-private classes that compute each part:
 * <ul>
 *   <li>first order ({@code FirstOrderResponse}): a shift (ΔA, Δb) changes the gradient at x* by
 *       G[ΔA, Δb], and the minimizer moves by Δx ≈ −H⁻¹G[ΔA, Δb] with the exact Hessian
 *       H = AᵀMA + λI at x* ({@link #firstOrder});
 *   <li>first-order constants ({@code OperatorNorms}): with μ = λ_min(H) &gt; 0,
 *       ‖H⁻¹G[ΔA, 0]‖ ≤ C_A‖ΔA‖₂ and ‖H⁻¹G[0, Δb]‖ ≤ C_b‖Δb‖ ({@link #constantA}, {@link #constantB}),
 *       from the d × d sandwiches H⁻¹KH⁻¹ and H⁻¹NH⁻¹;
 *   <li>the worst direction ({@code WorstDirection}): the shift of given relative sizes that moves
 *       x* most to first order ({@link #worstShift});
 *   <li>the bound and its radius ({@code ShiftBound}): ‖Δx*‖ ≤ L_A‖ΔA‖₂ + L_b‖Δb‖ = r with L over the
 *       region ‖x − x*‖ ≤ r the shifted path visits (L → C for small shifts), and the largest multiple
 *       of a shift for which that holds ({@link #bound}, {@link #radiusFactor});
 *   <li>the passes ({@code SensitivityPasses} at x*, {@code ResponsePasses} over a shift).
 * </ul>
 *
 * <p>Everything is computed with the link scaled by e^{-m} (m the largest exponent at x*, as in
 * the fit), which scales H, G, ψ and M by e^{-2m} and leaves H⁻¹G, the constants and the bound
 * unchanged.
 */
public final class ShiftSensitivity implements Serializable {
  private static final long serialVersionUID = 1L;

  private final Objective objective;
  private final double[] x;
  /** H at x* (of the link scaled by e^{-m}), its factor, μ, and the first-order response. */
  private final FirstOrderResponse response;
  /** C_A, C_b and the worst directions' generators. */
  private final OperatorNorms norms;
  /** The worst-direction shift of given sizes. */
  private final WorstDirection worstDirection;
  /** L_A, L_b and the radius. */
  private final ShiftBound shiftBound;
  /** ‖A‖₂, ‖b‖. */
  private final double aNorm, bNorm;
  /** Whether max|a_i·x*| ≤ {@link #ZERO_OUTPUT}: x* is 0 as far as the data can tell. */
  private final boolean outputsAtZero;
  /** Below this every a_i·x is zero to the precision of a fit (Newton steps stop at 1e-10·max(1, ‖x‖)). */
  static final double ZERO_OUTPUT = 1e-8;

  private ShiftSensitivity(Objective objective, double[] x, double m, double alpha, double beta, Globals g,
      LocalSums s) {
    if (objective.kind() != ObjectiveKind.RESCALED) {
      throw new InvalidProblemException("the shift analysis is derived for the rescaled objective, not "
          + objective.kind().label());
    }
    this.objective = objective;
    this.x = x.clone();
    int d = x.length;
    int dd = d * d;
    double bNormSquared = g.sums[Globals.BB];
    this.bNorm = Math.sqrt(bNormSquared);
    // the passes guarantee only the grams' upper triangles: mirror them once, before anything reads them
    for (int k = 0; k < LocalSums.GRAMS; k++) LinearAlgebra.mirrorUpper(s.grams, d, k * dd);

    RowTerms terms = new RowTerms(objective.link(), m, alpha, beta, bNormSquared);
    response = new FirstOrderResponse(objective, this.x, terms, s);
    norms = new OperatorNorms(response, s, this.x);
    double[] gram = Arrays.copyOfRange(s.grams, LocalSums.GRAM_1 * dd, LocalSums.GRAM_1 * dd + dd);
    double[] gramEigenvalues = LinearAlgebra.symmetricEigenvalues(gram, d);
    aNorm = Math.sqrt(Math.max(0, gramEigenvalues[d - 1]));
    shiftBound = new ShiftBound(this.x, response, norms, g, s, aNorm, bNorm);
    double aFrobenius = Math.sqrt(g.sums[Globals.FROBENIUS2]);
    worstDirection = new WorstDirection(objective, this.x, response, norms, aFrobenius, bNorm);
    outputsAtZero = g.sums[Globals.Z_MAX] <= ZERO_OUTPUT;
  }

  /** The sensitivity at x (a minimizer of the objective on the data): three passes. */
  public static ShiftSensitivity at(Objective objective, double[] x, PassRunner data) {
    Globals g = data.aggregate(new GlobalsPass(objective, x.clone()), "shift analysis: exponent and norms");
    double m = g.sums[Globals.EXPONENT];
    if (!Double.isFinite(m)) throw new InvalidProblemException("A·x is not finite at the given point");
    boolean regularized = objective.ridge() > 0 || g.sums[Globals.MAX_W2] > 0;
    if (regularized) m = Math.max(m, Link.REGULARIZED_EXPONENT_FLOOR);
    double[] sums = data.aggregate(new AlphaPass(objective.link(), x.clone(), m), "shift analysis: α and β");
    double alpha = sums[0];
    double beta = sums[1] - alpha * g.sums[Globals.BB];
    LocalSums local = data.aggregate(new LocalPass(objective.link(), x.clone(), m, alpha, beta, g.sums[Globals.BB]),
        "shift analysis: Hessian and sensitivity matrices");
    return new ShiftSensitivity(objective, x, m, alpha, beta, g, local);
  }

  public double[] point() { return x.clone(); }

  public Objective objective() { return objective; }

  /** The exact Hessian at x* (unscaled). */
  public double[] hessian() {
    double[] h = response.scaledHessian().clone();
    double scale = Math.exp(2 * response.terms().m());
    for (int k = 0; k < h.length; k++) h[k] *= scale;
    return h;
  }

  /** λ_min of the exact Hessian at x* (unscaled). */
  public double hessianMinEigenvalue() { return response.mu() * Math.exp(2 * response.terms().m()); }

  /** Whether x* is a strict local minimizer (H ≻ 0): otherwise nothing below is defined. */
  public boolean isStrictMinimizer() { return response.mu() > 0; }

  /** C_A: ‖H⁻¹G[ΔA, 0]‖ ≤ C_A‖ΔA‖₂ to first order. */
  public double constantA() { return norms.constantA; }

  /** C_b: ‖H⁻¹G[0, Δb]‖ ≤ C_b‖Δb‖₂ to first order (attained by the worst Δb). */
  public double constantB() { return norms.constantB; }

  /** ‖A‖₂. */
  public double aNorm() { return aNorm; }

  /** ‖b‖₂. */
  public double bNorm() { return bNorm; }

  /**
   * The shift of relative sizes relA (‖ΔA‖_F = ‖ΔA‖₂ = relA·‖A‖_F) and relB (‖Δb‖ = relB·‖b‖) in the
   * directions that move x* most to first order: Δb along the top right singular vector of
   * H⁻¹Aᵀ(∂ψ/∂b) (so its first-order response is exactly C_b‖Δb‖), and the rank-one ΔA = h x̂ᵀ with h
   * the top right singular vector of H⁻¹AᵀM, which turns the x-part of G into ‖x*‖‖H⁻¹AᵀM‖‖ΔA‖.
   * Rows of A become dense when shifted (ΔA is rank one, not sparse); the intercept column stays.
   */
  public WorstShift worstShift(double relA, double relB) { return worstDirection.shift(relA, relB); }

  /**
   * The worst-direction shift of {@link #worstShift}: per row, h_i = (M A w_A)_i = E_i a_i·w_A +
   * v_i(‖b‖² − b_i) q·w_A − v_i p·w_A gives Δa_i = scaleA·h_i·x̂, and Δb_i = scaleB·(−α v_i a_i·w_b −
   * (u_i − 2αb_i) q·w_b).
   */
  public static final class WorstShift implements ScalableShift {
    private static final long serialVersionUID = 1L;
    private final RowTerms terms;
    private final double[] x, q, p, worstA, worstB, direction;
    private final double scaleA, scaleB;

    WorstShift(RowTerms terms, double[] x, double[] q, double[] p, double[] worstA, double[] worstB,
        double[] direction, double scaleA, double scaleB) {
      this.terms = terms;
      this.x = x;
      this.q = q;
      this.p = p;
      this.worstA = worstA;
      this.worstB = worstB;
      this.direction = direction;
      this.scaleA = scaleA;
      this.scaleB = scaleB;
    }

    @Override public WorstShift times(double k) {
      return new WorstShift(terms, x, q, p, worstA, worstB, direction, k * scaleA, k * scaleB);
    }

    @Override public RowBlock apply(RowBlock block) {
      return WorstDirection.rows(block, terms, x, q, p, worstA, worstB, direction, scaleA, scaleB);
    }
  }

  /** The first-order response to a shift, from one pass over both datasets. */
  public record FirstOrder(double[] predictedShift, double aFrobenius, double aSpectral, double bNorm) {}

  /** Δx ≈ −H⁻¹G[ΔA, Δb] for the shift between the two datasets, with the shift's norms. */
  public FirstOrder firstOrder(PairedPassRunner data) { return response.firstOrder(data); }

  /**
   * The bound on ‖Δx*‖ for shifts of sizes ‖ΔA‖₂ ≤ rhoA, ‖Δb‖ ≤ rhoB, or invalid when they lie outside
   * the radius.
   *
   * @param lipschitzA L_A, @param lipschitzB L_b, @param solutionShift r = L_A·rhoA + L_b·rhoB
   * @param exponentShift δ, the largest change of a z_i in the region
   */
  public record Bound(boolean valid, double lipschitzA, double lipschitzB, double solutionShift,
      double exponentShift, double outputShiftRelative) {
    static final Bound INVALID = new Bound(false, Double.NaN, Double.NaN, Double.NaN, Double.NaN, Double.NaN);
  }

  /** The bound for shifts of sizes ‖ΔA‖₂ ≤ rhoA and ‖Δb‖ ≤ rhoB (see the class comment). */
  public Bound bound(double rhoA, double rhoB) { return shiftBound.bound(rhoA, rhoB); }

  /**
   * The largest factor s such that the bound holds for shifts of sizes s·rhoA, s·rhoB (bisection on
   * log s; the bound's validity is monotone in s). 0 when it holds for none.
   */
  public double radiusFactor(double rhoA, double rhoB) { return shiftBound.radiusFactor(rhoA, rhoB); }

  /** ‖f(A'x') − f(Ax*)‖ / ‖f(Ax*)‖: how far the model's outputs moved. */
  public double outputShiftRelative(PairedPassRunner data, double[] shiftedPoint) {
    double[] s = data.aggregate(new OutputPass(objective.link(), x, shiftedPoint.clone(), response.terms().m()),
        "shift analysis: outputs");
    return Math.sqrt(s[0] / s[1]);
  }

  /**
   * A weight step Δx at x* as a data shift: ΔA = (AΔx)x*ᵀ/‖x*‖² gives (A + ΔA)x* = A(x* + Δx).
   *
   * @param defined false when x* = 0, or so close that every |a_i·x*| ≤ 1e-8 (a weight shift from 0
   *     is no data shift: ΔA·0 = 0)
   * @param dataShiftFrobenius ‖ΔA‖_F = ‖ΔA‖₂ = ‖AΔx‖/‖x*‖ (rank one)
   * @param dataShiftBound ‖A‖₂‖Δx‖/‖x*‖
   * @param maxOutputDiscrepancy max_i |(a_i + Δa_i)·x* − a_i·(x* + Δx)| / max_i |a_i·(x* + Δx)|, formed
   *     with ΔA written out entry by entry
   */
  public record Equivalence(boolean defined, double stepNorm, double dataShiftFrobenius, double dataShiftBound,
      double maxOutputDiscrepancy) {}

  public Equivalence equivalence(double[] step, PassRunner data) {
    double xNorm = LinearAlgebra.norm(x);
    double stepNorm = LinearAlgebra.norm(step);
    if (xNorm == 0 || outputsAtZero) return new Equivalence(false, stepNorm, Double.NaN, Double.NaN, Double.NaN);
    double[] s = data.aggregate(new EquivalencePass(x, step.clone()), "shift analysis: weight shift as data shift");
    return new Equivalence(true, stepNorm, Math.sqrt(s[0]) / xNorm, aNorm * stepNorm / xNorm,
        s[2] > 0 ? s[1] / s[2] : s[1]);
  }
}
