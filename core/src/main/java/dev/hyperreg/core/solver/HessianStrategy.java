package dev.hyperreg.core.solver;

import dev.hyperreg.core.objective.Evaluation;
import dev.hyperreg.core.objective.ObjectiveFunction;

/**
 * Where a Newton solver's Hessian comes from at each point: exactly (one pass forming AᵀDA),
 * sketched or sampled ({@link SketchedHessian}). A strategy may adapt after every step.
 *
 * <p>The solver calls {@link #evaluate} at every trial point and {@link #complete} once at each
 * accepted one, so a strategy that needs a second pass (row sampling needs the first pass's
 * leverage estimates) pays it only for accepted points.
 */
public interface HessianStrategy {
  /** One pass at x: loss, gradient and this strategy's Hessian. */
  Evaluation evaluate(ObjectiveFunction function, double[] x, String description);

  /**
   * The evaluation whose Hessian the next direction is solved with, at the point of an accepted
   * (finite) evaluation; the evaluation itself when it already carries that Hessian.
   */
  default Evaluation complete(ObjectiveFunction function, Evaluation accepted, String description) {
    return accepted;
  }

  /**
   * The search direction at an evaluation this strategy made: by default the Newton direction of
   * its d × d Hessian ({@link NewtonDirection#of}).
   *
   * @param radius the largest step a direction along negative curvature may take
   * @param accurate whether convergence is about to be judged on the step
   */
  default NewtonDirection direction(ObjectiveFunction function, Evaluation current, double radius, boolean accurate) {
    return NewtonDirection.of(function, current, radius);
  }

  /**
   * The {@link ConvergenceCertificate} at a candidate answer: by default one exact pass (none when
   * the evaluation has the exact Hessian) and the dense verdict.
   */
  default ConvergenceCertificate.Verdict certify(ObjectiveFunction function, Evaluation current,
      ConvergenceCertificate.Bounds bounds, String description) {
    return ConvergenceCertificate.exactPass(function, current, bounds, description);
  }

  /**
   * Whether a pass with the exact Hessian costs about what a few Hessian-vector passes do, so that
   * in Newton's local phase the solver takes the exact step from a certificate's pass instead of
   * solving for an approximate one: Newton–CG where its cost model chose the dense certificate.
   * (The exact solver's own passes carry H already; sketches keep their own steps.)
   */
  default boolean exactStepsAreCheap() { return false; }

  /**
   * Told that the fit is in Newton's local phase where exact steps are cheap: a strategy that can
   * may collect the exact Hessian in every pass from now on (its trial passes then give the next
   * exact step and the certificate at once, one pass an iteration, as the exact solver's do).
   */
  default void takeExactPasses() {}

  /**
   * Told of an evaluation with the exact Hessian that a certificate made at the current point: a
   * strategy that preconditions may take it as its preconditioner (it is the best there is).
   */
  default void useExactHessian(Evaluation exact) {}

  /** Whether an accepted trial evaluation lacks what {@link #direction} needs (its Hessian, by default). */
  default boolean needsPass(Evaluation accepted) { return accepted.scaledHessian() == null; }

  /** Told how an accepted step went; returns a note for the iteration record, or null. */
  default String afterStep(StepOutcome outcome) { return null; }

  /** The current setting, for the iteration record ("exact", "sketch 2000×2"). */
  String current();

  /**
   * How an accepted step went.
   *
   * @param iteration the iteration that took it
   * @param stepSize the multiple t of the direction taken
   * @param ratio actual over predicted decrease of the quadratic model (1 for a perfect model), NaN
   *     when both are at the loss's rounding level
   * @param stepNorm ‖x_new − x_old‖
   * @param previousStepNorm the previous iteration's, 0 at the first
   * @param relativeDecrease (L_old − L_new)/L_old: large far from the answer, where exp-type losses
   *     fall by a constant factor per step and Newton steps do not shrink whatever the Hessian
   */
  record StepOutcome(int iteration, double stepSize, double ratio, double stepNorm, double previousStepNorm,
      double relativeDecrease) {}

  /** The exact Hessian at every point. */
  HessianStrategy EXACT = new HessianStrategy() {
    @Override public Evaluation evaluate(ObjectiveFunction function, double[] x, String description) {
      return function.evaluate(x, true, description);
    }

    @Override public String current() { return "exact"; }
  };
}
