package dev.hyperreg.core.solver;

import dev.hyperreg.core.objective.Evaluation;
import dev.hyperreg.core.objective.ObjectiveFunction;
import java.util.ArrayList;
import java.util.List;

/** What one {@link NewtonSolver} minimization keeps while it runs: its records, its trust radius, its start's gradient. */
final class NewtonRun {
  final ObjectiveFunction function;
  final HessianStrategy hessians;
  final IterationListener listener;
  final long start = System.nanoTime();
  final long passesBefore;
  final List<IterationRecord> records = new ArrayList<>();
  double logInitialGradient;
  /** max(1, ‖x₀‖). */
  double startScale;
  /** Whether the last step was local (full, well predicted, short): {@link NewtonSolver#LOCAL_STEP}. */
  boolean local;
  /** A failed certificate at the rounding floor whose exact step the next iteration takes, or null. */
  ConvergenceCertificate.Verdict pending;
  int floorRetries;
  /** The longest step a direction may take: a trust region, so one direction cannot throw x far. */
  double radius;

  NewtonRun(ObjectiveFunction function, HessianStrategy hessians, IterationListener listener) {
    this.function = function;
    this.hessians = hessians;
    this.listener = listener;
    this.passesBefore = function.passes();
  }

  void add(IterationRecord record, Evaluation at) {
    records.add(record);
    listener.onIterate(record, at.point());
  }

  /**
   * Makes the next iteration take a failed certificate's exact step ({@link #pending}); every call
   * counts against the {@value NewtonSolver#FLOOR_RETRIES} a fit has. False when those are spent or the
   * verdict has no step to take (negative curvature is the saddle escape's business).
   */
  boolean retryFrom(ConvergenceCertificate.Verdict verdict) {
    if (floorRetries++ >= NewtonSolver.FLOOR_RETRIES || verdict.direction() == null
        || verdict.outcome() == ConvergenceCertificate.Outcome.NEGATIVE_CURVATURE) {
      return false;
    }
    pending = verdict;
    return true;
  }

  ConvergenceCertificate.Verdict certify(Evaluation current, double bound, String description) {
    return hessians.certify(function, current, new ConvergenceCertificate.Bounds(bound, logInitialGradient, radius),
        description);
  }

  /**
   * A stop on a verdict. A certified answer with undetermined directions moves to the
   * minimum-norm point of its minimizer set when one loss-only pass shows the loss the same there.
   */
  FitResult finish(StopReason reason, String message, ConvergenceCertificate.Verdict verdict) {
    double solveSeconds = (System.nanoTime() - start) / 1e9;
    Evaluation last = verdict.evaluation();
    String full = reason.converged() ? message + " (certificate: " + verdict.what() + ")" : message;
    if (reason.converged() && !verdict.flatDirections().isEmpty()) {
      double[] nearest = ConvergenceCertificate.minimumNorm(last.point(), verdict.flatDirections());
      Evaluation there = function.evaluate(nearest, false, "minimum-norm point of the minimizer set (loss only)");
      if (there.isFinite() && Math.abs(NewtonSolver.decreaseInScaleOf(last, there))
          <= last.scaledLossRoundingError() + NewtonSolver.scaledRoundingError(last, there)) {
        last = there;
        full += "; along the undetermined directions the answer is the minimum-norm point";
      } else {
        full += "; the answer is one point of that set (its minimum-norm point changes the loss)";
      }
    }
    return new FitResult(last.point(), reason, full, last, verdict.smallestEigenvalue(), List.copyOf(records),
        function.passes() - passesBefore, solveSeconds);
  }

  /** An unconverged stop with no curvature measured (it cannot be, there). */
  FitResult finishWithout(StopReason reason, String message, Evaluation last) {
    return new FitResult(last.point(), reason, message, last, Double.NaN, List.copyOf(records),
        function.passes() - passesBefore, (System.nanoTime() - start) / 1e9);
  }

  /** An unconverged stop: the curvature at the last point is measured for the record. */
  FitResult finish(StopReason reason, String message, Evaluation last) {
    return finish(reason, message, certify(last, 0, "final check: curvature at the last point"));
  }
}
