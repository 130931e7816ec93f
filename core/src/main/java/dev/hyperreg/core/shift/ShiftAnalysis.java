package dev.hyperreg.core.shift;

import dev.hyperreg.core.InvalidProblemException;
import dev.hyperreg.core.data.PairedPassRunner;
import dev.hyperreg.core.data.PassRunner;
import dev.hyperreg.core.linalg.LinearAlgebra;
import dev.hyperreg.core.objective.Evaluation;
import dev.hyperreg.core.objective.Objective;
import dev.hyperreg.core.objective.ObjectiveFunction;
import dev.hyperreg.core.solver.FitResult;
import dev.hyperreg.core.solver.HessianStrategy;
import dev.hyperreg.core.solver.IterationListener;
import dev.hyperreg.core.solver.NewtonSolver;
import dev.hyperreg.core.solver.StartingPoint;
import java.util.function.Supplier;

/**
 * Data shift versus weight shift for the rescaled objective: after the data moved from (A, b) to
 * (A', b'), how far did the minimizer move, how well did the first-order prediction from the exact
 * Hessian at x* foresee it, how does that compare with the bound of {@link ShiftSensitivity}, and
 * how cheap is refitting from the old minimizer (warm) compared with starting afresh (cold).
 */
public final class ShiftAnalysis {
  private ShiftAnalysis() {}

  /** A dataset and its shifted copy, with a way to fit on either. */
  public interface ShiftedProblem {
    PairedPassRunner passes();

    /**
     * Fits on the shifted (or the original) data.
     *
     * @param start the start point, or null for the solver's default start (a cold fit)
     */
    Refit fit(boolean shifted, double[] start);
  }

  /** A fit and the data passes it made (its start included). */
  public record Refit(FitResult fit, long passes) {}

  /**
   * What one shift did.
   *
   * @param firstOrder the first-order prediction and the shift's norms
   * @param warm the refit on (A', b') from x*
   * @param cold the refit on (A', b') from the default start, or null when not asked for
   * @param solutionShift x*' − x*
   * @param bound the bound for this shift's sizes (invalid when it lies outside the radius)
   * @param radiusFactor the bound holds for this shift's direction up to this multiple of its size
   * @param outputShiftRelative ‖f(A'x*') − f(Ax*)‖ / ‖f(Ax*)‖
   * @param newtonStep the first Newton step on (A', b') from x* (the weight shift), or null
   * @param equivalence that step as a data shift, or null
   */
  public record Result(ShiftSensitivity.FirstOrder firstOrder, Refit warm, Refit cold, double[] solutionShift,
      ShiftSensitivity.Bound bound, double radiusFactor, double outputShiftRelative, double[] newtonStep,
      ShiftSensitivity.Equivalence equivalence) {

    public double solutionShiftNorm() { return LinearAlgebra.norm(solutionShift); }

    /** ‖ΔA‖₂ + ‖Δb‖: the size of the shift the Lipschitz ratio divides by. */
    public double dataShiftNorm() { return firstOrder.aSpectral() + firstOrder.bNorm(); }

    public double lipschitzRatio() { return solutionShiftNorm() / dataShiftNorm(); }

    /** The bound on ‖Δx*‖ divided by the shift's size; NaN outside the radius. */
    public double lipschitzBound() { return bound.solutionShift() / dataShiftNorm(); }

    /** ‖Δx_predicted − Δx*‖ (NaN when H is not positive definite). */
    public double predictedShiftError() {
      return firstOrder.predictedShift() == null ? Double.NaN
          : LinearAlgebra.distance(firstOrder.predictedShift(), solutionShift);
    }
  }

  /**
   * Analyzes one shift: first-order pass, warm refit, optionally a cold refit, the bound and its
   * radius, the outputs, and (with {@code weightShift}) the first Newton step as a data shift.
   * Refuses ({@link InvalidProblemException}) a shift of size 0.
   */
  public static Result analyze(ShiftSensitivity sensitivity, ShiftedProblem problem, boolean coldFit,
      boolean weightShift) {
    double[] x = sensitivity.point();
    ShiftSensitivity.FirstOrder firstOrder = sensitivity.firstOrder(problem.passes());
    if (!(firstOrder.aSpectral() + firstOrder.bNorm() > 0)) {
      throw new InvalidProblemException("the shifted data equal the original (‖ΔA‖₂ + ‖Δb‖ = 0): there is no"
          + " shift to analyze");
    }
    Refit warm = problem.fit(true, x);
    Refit cold = coldFit ? problem.fit(true, null) : null;
    double[] moved = warm.fit().coefficients();
    double[] shift = new double[x.length];
    for (int j = 0; j < x.length; j++) shift[j] = moved[j] - x[j];
    ShiftSensitivity.Bound bound = sensitivity.bound(firstOrder.aSpectral(), firstOrder.bNorm());
    double radius = sensitivity.radiusFactor(firstOrder.aSpectral(), firstOrder.bNorm());
    double output = sensitivity.outputShiftRelative(problem.passes(), moved);
    double[] step = null;
    ShiftSensitivity.Equivalence equivalence = null;
    if (weightShift) {
      step = newtonStep(sensitivity.objective(), problem.passes().shifted(), x);
      if (step != null) equivalence = sensitivity.equivalence(step, problem.passes().original());
    }
    return new Result(firstOrder, warm, cold, shift, bound, radius, output, step, equivalence);
  }

  /** −H⁻¹g at x on the data, exact Hessian; null where H is not positive definite there. */
  static double[] newtonStep(Objective objective, PassRunner data, double[] x) {
    Evaluation e = new ObjectiveFunction(objective, data).evaluate(x, true, "shift analysis: Newton step");
    if (!e.isFinite()) return null;
    double[] step = LinearAlgebra.choleskySolve(e.scaledHessian(), x.length, 0, e.scaledGradient());
    if (step == null) return null;
    for (int j = 0; j < step.length; j++) step[j] = -step[j];
    return step;
  }

  /** A shifted problem fitted in this process by {@link NewtonSolver} with the given Hessians. */
  static ShiftedProblem newton(Objective objective, PairedPassRunner passes, NewtonSolver solver,
      Supplier<HessianStrategy> hessians) {
    return new ShiftedProblem() {
      @Override public PairedPassRunner passes() { return passes; }

      @Override public Refit fit(boolean shifted, double[] start) {
        ObjectiveFunction f = new ObjectiveFunction(objective, shifted ? passes.shifted() : passes.original());
        double[] x0 = start != null ? start : StartingPoint.defaultFor(f).x();
        FitResult fit = solver.minimize(f, x0, hessians.get(), IterationListener.NONE);
        return new Refit(fit, f.passes());
      }
    };
  }
}
