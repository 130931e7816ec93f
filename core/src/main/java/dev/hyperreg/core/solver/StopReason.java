package dev.hyperreg.core.solver;

/** Why a fit stopped. Only the first two mean the answer is a minimizer to the requested accuracy. */
public enum StopReason {
  /**
   * The Newton step is below tol·max(1, ‖x‖) and the {@link ConvergenceCertificate} holds: the
   * exact Newton step within that bound, no negative curvature beyond rounding.
   */
  CONVERGED(true),
  /**
   * The gradient norm fell below the requested fraction of its start value and the
   * {@link ConvergenceCertificate} holds with the exact Newton step below √g·max(1, ‖x₀‖) (L-BFGS:
   * its own gradient test, then that certificate); or, converged to rounding precision, no further
   * decrease is measurable, two passes at the point agree and the certificate holds with
   * tol^¾·max(1, ‖x‖).
   */
  GRADIENT_TOLERANCE(true),
  /**
   * No further decrease is measurable at a Newton step below √tol·max(1, ‖x‖), but two passes at
   * the point disagree (the data change between passes), or the certificate fails even after its
   * exact step was tried: not converged.
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
