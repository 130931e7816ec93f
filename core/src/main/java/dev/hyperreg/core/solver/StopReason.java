package dev.hyperreg.core.solver;

/** Why a fit stopped. Only the first two mean the answer is a minimizer to the requested accuracy. */
public enum StopReason {
  /**
   * The Newton step is below tol·max(1, ‖x‖) and the {@link ConvergenceCertificate} holds: the
   * exact Newton step within that bound, no negative curvature beyond rounding.
   */
  CONVERGED(true),
  /**
   * The gradient norm fell below the requested fraction of its start value (and the Hessian is
   * positive definite with a Newton step below √g·max(1, ‖x‖)); or no further decrease is
   * measurable, the Newton step is below √tol·max(1, ‖x‖) and the gradient passes that test (√tol
   * when none was asked): as accurate as rounding allows.
   */
  GRADIENT_TOLERANCE(true),
  /**
   * No further decrease is measurable and the Newton step is below √tol·max(1, ‖x‖), but the
   * gradient does not pass its test: the objective is noisier than its rounding error (not
   * converged).
   */
  ROUNDING_FLOOR(false),
  /** The iteration cap was reached first. */
  MAX_ITERATIONS(false),
  /** No step along the (damped) Newton direction decreased the objective. */
  LINE_SEARCH_FAILED(false),
  /** Several steps in a row decreased the objective by no more than rounding, far from a minimizer. */
  NO_PROGRESS(false),
  /** The Newton step vanished but the Hessian is not positive definite: a saddle point or maximum. */
  STATIONARY_NOT_MINIMUM(false),
  /**
   * A first-order solver's own test passed (L-BFGS: ‖∇L‖ ≤ g·‖∇L(x₀)‖) but the
   * {@link ConvergenceCertificate} did not: the exact Newton step is still long, the gradient is
   * above the start's, or the loss still falls along a flat direction.
   */
  CERTIFICATE_FAILED(false),
  /**
   * The Hessian at the current point has entries beyond the double range while the loss is finite
   * (an iterate run far along a direction where the loss vanishes: the scaled curvature underflows
   * to 0·∞): no direction can be computed there.
   */
  NOT_FINITE(false);

  private final boolean converged;

  StopReason(boolean converged) { this.converged = converged; }

  public boolean converged() { return converged; }
}
