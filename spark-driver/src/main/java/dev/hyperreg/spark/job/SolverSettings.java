package dev.hyperreg.spark.job;

/**
 * How to solve: the solver and its settings, as the command line, the estimator and {@code shift}
 * give them to {@link FitJob#fitBlocks}.
 *
 * @param sketchSize sketch rows (or rows to sample), null for the default 20·d
 * @param aggregationDepth treeAggregate depth of every pass, 0 to choose it from the partitions
 * @param logGradientReference log ‖∇L‖ that --gradient-tol (and L-BFGS) measure against: NaN for the
 *     start point's; a resumed fit passes its original start's
 */
public record SolverSettings(Solver solver, Integer sketchSize, long seed, int maxIterations, double tolerance,
    double gradientTolerance, int aggregationDepth, double logGradientReference) implements java.io.Serializable {
  /** Settings whose gradient test is relative to the start point's gradient. */
  public SolverSettings(Solver solver, Integer sketchSize, long seed, int maxIterations, double tolerance,
      double gradientTolerance, int aggregationDepth) {
    this(solver, sketchSize, seed, maxIterations, tolerance, gradientTolerance, aggregationDepth, Double.NaN);
  }

  /** The same settings with the gradient test relative to ‖∇L‖ = e^{logNorm} (a resumed fit). */
  SolverSettings withGradientReference(double logNorm) {
    return new SolverSettings(solver, sketchSize, seed, maxIterations, tolerance, gradientTolerance,
        aggregationDepth, logNorm);
  }
}
