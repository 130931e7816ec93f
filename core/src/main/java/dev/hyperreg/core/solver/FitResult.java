package dev.hyperreg.core.solver;

import dev.hyperreg.core.objective.Evaluation;
import java.util.List;

/**
 * The outcome of a fit.
 *
 * @param coefficients the final point x
 * @param stopReason why the solver stopped; {@link #converged()} follows from it
 * @param message a sentence for the user: what happened and, when not converged, what to change
 * @param finalEvaluation loss, gradient and Hessian at the final point
 * @param hessianMinEigenvalue smallest eigenvalue of the exact Hessian at the final point
 *     (−∞/+∞ when it exceeds the double range; see {@link #logScale()})
 * @param iterations iteration 0 (the start) and every accepted step
 * @param dataPasses passes over the data made by the solve (with an approximate Hessian, the final
 *     exact check included)
 * @param seconds wall time of the solve, up to the stopping decision (the final exact check of an
 *     approximate-Hessian fit is not included)
 */
public record FitResult(double[] coefficients, StopReason stopReason, String message,
    Evaluation finalEvaluation, double hessianMinEigenvalue, List<IterationRecord> iterations,
    long dataPasses, double seconds) {

  public boolean converged() { return stopReason.converged(); }

  /** Number of Newton steps taken (iteration 0, the start, not counted). */
  public int iterationCount() { return iterations.size() - 1; }

  public double logScale() { return finalEvaluation.logScale(); }
}
