package dev.hyperreg.core.solver;

/**
 * One Newton iteration as the user sees it (iteration 0 is the start point).
 *
 * @param objectiveValue L at the new point; +∞ when it exceeds the double range
 * @param logObjectiveValue log L (always finite unless L = 0)
 * @param gradientNorm ‖∇L‖ at the new point
 * @param stepSize the line-search multiple t of the Newton direction that was taken
 * @param stepNorm ‖x_new − x_old‖
 * @param damping μ added to the Hessian's diagonal (0: the Hessian was positive definite)
 * @param dataPasses passes over the data this iteration made (one per line-search trial, plus the
 *     row-sample pass of the sampling solver)
 * @param seconds wall time of the iteration
 * @param hessian where the Hessian of the step came from ("exact", "sketch 2000×2")
 * @param note what the Hessian strategy changed after the step (sketch enlarged, fallback), and
 *     line-search trials that overflowed a double ("step 1 overflowed a double at row N (a·x = …),
 *     taken 0.25"); null when neither
 */
public record IterationRecord(int iteration, double objectiveValue, double logObjectiveValue,
    double gradientNorm, double stepSize, double stepNorm, double damping, long dataPasses,
    double seconds, String hessian, String note) {}
