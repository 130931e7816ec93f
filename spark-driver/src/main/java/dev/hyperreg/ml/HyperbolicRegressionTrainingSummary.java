package dev.hyperreg.ml;

import dev.hyperreg.core.solver.FitResult;
import dev.hyperreg.core.solver.IterationRecord;
import java.io.Serializable;
import java.util.List;

/**
 * What a fit did, iteration by iteration (index 0 is the start point), as Spark ML's training
 * summaries report it. Only a freshly fitted model has one; a loaded model does not.
 *
 * @param objectiveHistory L at the start and after every iteration (+∞ where L exceeds the double
 *     range; see logObjectiveHistory)
 * @param logObjectiveHistory log L, always finite unless L = 0
 * @param gradientNormHistory ‖∇L‖ at the same points
 * @param iterationSeconds wall time of every iteration
 * @param totalIterations iterations made (the histories have one more entry)
 * @param stopReason why the solver stopped (CONVERGED, MAX_ITERATIONS, …)
 * @param message the solver's explanation
 * @param converged whether the stop counts as convergence
 * @param dataPasses passes over the data, start point and final checks included
 */
public record HyperbolicRegressionTrainingSummary(double[] objectiveHistory, double[] logObjectiveHistory,
    double[] gradientNormHistory, double[] iterationSeconds, int totalIterations, String stopReason, String message,
    boolean converged, long dataPasses) implements Serializable {

  static HyperbolicRegressionTrainingSummary of(FitResult fit, long dataPasses) {
    List<IterationRecord> its = fit.iterations();
    int n = its.size();
    double[] objective = new double[n], logObjective = new double[n], gradient = new double[n], seconds = new double[n];
    for (int k = 0; k < n; k++) {
      IterationRecord r = its.get(k);
      objective[k] = r.objectiveValue();
      logObjective[k] = r.logObjectiveValue();
      gradient[k] = r.gradientNorm();
      seconds[k] = r.seconds();
    }
    return new HyperbolicRegressionTrainingSummary(objective, logObjective, gradient, seconds, fit.iterationCount(),
        fit.stopReason().name(), fit.message(), fit.converged(), dataPasses);
  }
}
