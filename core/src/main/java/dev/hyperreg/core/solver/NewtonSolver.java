package dev.hyperreg.core.solver;

import dev.hyperreg.core.InvalidProblemException;
import dev.hyperreg.core.OverflowException;
import dev.hyperreg.core.linalg.LinearAlgebra;
import dev.hyperreg.core.objective.Evaluation;
import dev.hyperreg.core.objective.ObjectiveFunction;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * Exact Newton's method with the safeguards a real fit needs, on an {@link ObjectiveFunction} whose
 * every evaluation is one pass over the data:
 * <ul>
 *   <li>direction: solve (H + μI) p = −g by Cholesky, with μ = 0 when H is positive definite and
 *       otherwise the smallest μ = 10^k·10⁻¹⁰·max|H_jj| that makes it so (Levenberg–Marquardt
 *       damping), so p is always a descent direction;</li>
 *   <li>step: backtracking (halving) from t = 1 until the Armijo condition
 *       L(x + tp) ≤ L(x) + 10⁻⁴·t·gᵀp holds, judged within the loss's rounding error; when the
 *       full step cuts L by more than a factor e^0.9 (far from the minimizer of an exp-type loss),
 *       doubling t while L keeps falling (loss-only passes, then one pass with the Hessian at the
 *       best). Each backtracking trial
 *       is one fused pass (loss, gradient and Hessian), so the accepted trial already holds the
 *       next iteration's data: one pass per iteration when the full step is taken;</li>
 *   <li>stopping: converged when the undamped Newton step is below tol·max(1, ‖x‖) — near a
 *       non-degenerate minimizer that step is the distance to it, so tol is the relative accuracy
 *       of x; otherwise an honest {@link StopReason}.</li>
 * </ul>
 * The solver is immutable; settings come from the {@code with…} methods.
 */
public final class NewtonSolver {
  static final double ARMIJO = 1e-4;
  /** |Δ log L| of a step below which the iteration counts as local (passes use a reference α). */
  static final double LOCAL_PHASE_LOG_DECREASE = Math.log(2);
  /** Largest multiple of the Newton step an expanding line search tries. */
  static final double MAX_EXPANSION = 1024;

  private final int maxIterations;
  private final double tolerance;
  private final double gradientTolerance;
  private final int maxLineSearchSteps;
  /** log ‖∇L‖ the gradient test is relative to; NaN: that of the start point. */
  private final double logGradientReference;

  public NewtonSolver() { this(100, 1e-10, 0, 40, Double.NaN); }

  private NewtonSolver(int maxIterations, double tolerance, double gradientTolerance, int maxLineSearchSteps,
      double logGradientReference) {
    if (maxIterations < 1) throw new InvalidProblemException("max iterations must be ≥ 1, got " + maxIterations);
    if (!(tolerance > 0 && tolerance < 1)) {
      throw new InvalidProblemException("tolerance must lie in (0, 1), got " + tolerance);
    }
    if (!(gradientTolerance >= 0 && gradientTolerance < 1)) {
      throw new InvalidProblemException("gradient tolerance must lie in [0, 1), got " + gradientTolerance);
    }
    if (maxLineSearchSteps < 1) throw new InvalidProblemException("line search steps must be ≥ 1");
    this.maxIterations = maxIterations;
    this.tolerance = tolerance;
    this.gradientTolerance = gradientTolerance;
    this.maxLineSearchSteps = maxLineSearchSteps;
    this.logGradientReference = logGradientReference;
  }

  public NewtonSolver withMaxIterations(int n) {
    return new NewtonSolver(n, tolerance, gradientTolerance, maxLineSearchSteps, logGradientReference);
  }

  /** Converged when the undamped Newton step is ≤ tol·max(1, ‖x‖). */
  public NewtonSolver withTolerance(double tol) {
    return new NewtonSolver(maxIterations, tol, gradientTolerance, maxLineSearchSteps, logGradientReference);
  }

  /**
   * Also converged when ‖∇L‖ ≤ g·‖∇L(x₀)‖ at a positive definite Hessian whose Newton step is
   * ≤ √g·max(1, ‖x‖); the second condition keeps a loss that only shrinks along a runaway direction
   * (‖∇L‖ → 0 with steps that do not) from passing. 0 turns the test off.
   */
  public NewtonSolver withGradientTolerance(double g) {
    return new NewtonSolver(maxIterations, tolerance, g, maxLineSearchSteps, logGradientReference);
  }

  public NewtonSolver withMaxLineSearchSteps(int n) {
    return new NewtonSolver(maxIterations, tolerance, gradientTolerance, n, logGradientReference);
  }

  /**
   * Makes the gradient test relative to ‖∇L‖ = e^{logNorm} instead of the start point's: a fit
   * resumed from a checkpoint keeps the test of the run it continues. NaN: the start point's.
   */
  public NewtonSolver withGradientReference(double logNorm) {
    return new NewtonSolver(maxIterations, tolerance, gradientTolerance, maxLineSearchSteps, logNorm);
  }

  public int maxIterations() { return maxIterations; }
  public double tolerance() { return tolerance; }
  public double gradientTolerance() { return gradientTolerance; }

  /** Minimizes from x0 with the exact Hessian. */
  public FitResult minimize(ObjectiveFunction function, double[] x0, IterationListener listener) {
    return minimize(function, x0, HessianStrategy.EXACT, listener);
  }

  /**
   * Minimizes from x0 with the given Hessian strategy. Throws {@link OverflowException} when the
   * objective is not finite at x0. With an approximate Hessian the answer's smallest eigenvalue is
   * checked on one exact pass at the end, so convergence is never claimed at a saddle.
   */
  public FitResult minimize(ObjectiveFunction function, double[] x0, HessianStrategy hessians,
      IterationListener listener) {
    long start = System.nanoTime();
    long passesBefore = function.passes();
    String what = function.objective().describe();
    Evaluation current = hessians.evaluate(function, x0, "iteration 0: start point");
    if (!current.isFinite()) {
      throw new OverflowException(current.badRowId(), current.badRowValue(), what + " at the start point");
    }
    current = hessians.complete(function, current, "iteration 0: start point");
    List<IterationRecord> records = new ArrayList<>();
    records.add(record(0, current, 0, 0, 0, function.passes() - passesBefore, start, hessians.current(), null));
    listener.onIterate(records.get(0), current.point());

    double logInitialGradient = Double.isNaN(logGradientReference) ? current.logGradientNorm() : logGradientReference;
    int flatSteps = 0;
    double previousStepNorm = 0;
    double lastLogDecrease = Double.POSITIVE_INFINITY;
    for (int k = 1; ; k++) {
      long iterationStart = System.nanoTime();
      // Once a step changes L by less than a factor two, the iterates share their scale: passes
      // accumulate about the current point, which keeps small losses free of cancellation.
      function.accumulateAbout(lastLogDecrease < LOCAL_PHASE_LOG_DECREASE ? current : null);
      long passesAtStart = function.passes();
      double[] x = current.point();
      double xScale = Math.max(1, LinearAlgebra.norm(x));
      Direction direction = Direction.of(current);
      String hessianUsed = hessians.current();
      double stepNorm = LinearAlgebra.norm(direction.step);
      boolean positiveDefinite = direction.damping == 0;

      if (positiveDefinite && stepNorm <= tolerance * xScale) {
        return finish(StopReason.CONVERGED, String.format(Locale.ROOT,
            "converged: Newton step %.3g ≤ tol·max(1,‖x‖) = %.3g", stepNorm, tolerance * xScale),
            current, records, function, passesBefore, start);
      }
      double relativeGradient = Math.exp(current.logGradientNorm() - logInitialGradient);
      if (positiveDefinite && relativeGradient <= gradientTolerance
          && stepNorm <= Math.sqrt(gradientTolerance) * xScale) {
        return finish(StopReason.GRADIENT_TOLERANCE, String.format(Locale.ROOT,
            "converged: gradient norm %.3g of its start value ≤ %.3g", relativeGradient, gradientTolerance),
            current, records, function, passesBefore, start);
      }
      if (!positiveDefinite && stepNorm <= tolerance * xScale) {
        return finish(StopReason.STATIONARY_NOT_MINIMUM,
            "stationary point where the Hessian is not positive definite (a saddle or maximum);"
                + " start elsewhere (--x0)", current, records, function, passesBefore, start);
      }
      if (k > maxIterations) {
        return finish(StopReason.MAX_ITERATIONS, maxIterationsMessage(records),
            current, records, function, passesBefore, start);
      }

      double slope = LinearAlgebra.dot(current.scaledGradient(), direction.step);
      Evaluation accepted = null;
      double t = 1;
      for (int trial = 1; trial <= maxLineSearchSteps && slope < 0; trial++, t *= 0.5) {
        double[] candidate = x.clone();
        for (int j = 0; j < candidate.length; j++) candidate[j] += t * direction.step[j];
        Evaluation trialEvaluation = hessians.evaluate(function, candidate,
            String.format(Locale.ROOT, "iteration %d: step %.3g", k, t));
        if (trialEvaluation.isFinite() && sufficientDecrease(current, trialEvaluation, t * slope)) {
          accepted = trialEvaluation;
          break;
        }
      }
      if (accepted != null && t == 1) accepted = expand(function, hessians, k, x, direction.step, accepted, current);
      if (accepted == null) {
        boolean atFloor = positiveDefinite && stepNorm <= Math.sqrt(tolerance) * xScale;
        return finish(atFloor ? StopReason.ROUNDING_FLOOR : StopReason.LINE_SEARCH_FAILED,
            atFloor ? String.format(Locale.ROOT, "converged to rounding precision: no decrease is"
                    + " measurable and the Newton step is %.3g", stepNorm)
                : String.format(Locale.ROOT, "line search failed: no step along the Newton direction"
                    + " (damping %.3g) decreased the objective", direction.damping),
            current, records, function, passesBefore, start);
      }

      t = LinearAlgebra.distance(accepted.point(), x) / Math.max(stepNorm, Double.MIN_NORMAL);
      double decrease = decreaseInScaleOf(current, accepted);
      double roundingError = current.scaledLossRoundingError() + scaledRoundingError(current, accepted);
      double curvature = quadraticForm(current.scaledHessian(), direction.step);
      double predicted = -(t * slope + 0.5 * t * t * curvature);
      // a model ratio is meaningless once the decrease is at the loss's rounding level
      double ratio = predicted > 100 * roundingError ? decrease / predicted : Double.NaN;
      String note = hessians.afterStep(new HessianStrategy.StepOutcome(k, t, ratio, t * stepNorm, previousStepNorm,
          decrease / current.scaledLoss()));
      // "flat" = no measurable decrease and no contraction of the steps either: a linearly
      // converging (sketched) Newton keeps shrinking its steps long after the loss stops moving
      boolean contracting = previousStepNorm > 0 && t * stepNorm < 0.5 * previousStepNorm;
      flatSteps = decrease <= roundingError && !contracting ? flatSteps + 1 : 0;
      previousStepNorm = t * stepNorm;
      lastLogDecrease = Math.abs(current.logLoss() - accepted.logLoss());
      current = hessians.complete(function, accepted, "iteration " + k + ": accepted point");
      IterationRecord rec = record(k, current, t, t * stepNorm, direction.damping,
          function.passes() - passesAtStart, iterationStart, hessianUsed, note);
      records.add(rec);
      listener.onIterate(rec, current.point());
      if (flatSteps >= 3) {
        Direction next = Direction.of(current);
        boolean atFloor = next.damping == 0
            && LinearAlgebra.norm(next.step) <= Math.sqrt(tolerance) * Math.max(1, LinearAlgebra.norm(current.point()));
        return finish(atFloor ? StopReason.ROUNDING_FLOOR : StopReason.NO_PROGRESS,
            atFloor ? "converged to rounding precision: three steps changed the objective by less than"
                    + " its rounding error"
                : "no progress: three steps changed the objective by less than its rounding error, far"
                    + " from a minimizer",
            current, records, function, passesBefore, start);
      }
    }
  }

  /**
   * Far from the minimizer an exp-type loss behaves like e^{2z}, for which the Newton step only
   * moves z by ½ and L falls by a constant factor per iteration: thousands of iterations from a
   * start with a·x in the hundreds. When the full step cut L by more than a factor e^0.9, try 2, 4, …
   * times the step while L keeps falling, and keep the best. The trials only need the loss, so each
   * is a loss-and-gradient pass (no Hessian, no sketch: about a bare pass); the best, when it is
   * not the full step, is then evaluated once more with the strategy's Hessian.
   */
  private Evaluation expand(ObjectiveFunction function, HessianStrategy hessians, int k, double[] x,
      double[] step, Evaluation accepted, Evaluation current) {
    if (!(current.logLoss() - accepted.logLoss() > 0.9)) return accepted;
    Evaluation best = accepted;
    double bestT = 1;
    for (double t = 2; t <= MAX_EXPANSION; t *= 2) {
      double[] candidate = x.clone();
      for (int j = 0; j < candidate.length; j++) candidate[j] += t * step[j];
      Evaluation e = function.evaluate(candidate, false,
          String.format(Locale.ROOT, "iteration %d: step %.3g (loss only)", k, t));
      if (!e.isFinite() || !(e.logLoss() < best.logLoss())) break;
      best = e;
      bestT = t;
    }
    if (best == accepted) return accepted;
    return hessians.evaluate(function, best.point(), String.format(Locale.ROOT, "iteration %d: step %.3g", k, bestT));
  }

  /** Armijo: L_new ≤ L_old + c·t·gᵀp, in the old point's scale, allowing both losses' rounding error. */
  static boolean sufficientDecrease(Evaluation old, Evaluation candidate, double scaledTimesSlope) {
    double candidateLoss = candidate.scaledLoss() * Math.exp(candidate.logScale() - old.logScale());
    if (!Double.isFinite(candidateLoss)) return false; // astronomically larger (its slack would be ∞ too)
    double slack = old.scaledLossRoundingError() + scaledRoundingError(old, candidate);
    return candidateLoss <= old.scaledLoss() + ARMIJO * scaledTimesSlope + slack;
  }

  /** L_old − L_new, in the old point's scale. */
  private static double decreaseInScaleOf(Evaluation old, Evaluation candidate) {
    return old.scaledLoss() - candidate.scaledLoss() * Math.exp(candidate.logScale() - old.logScale());
  }

  private static double scaledRoundingError(Evaluation old, Evaluation candidate) {
    return candidate.scaledLossRoundingError() * Math.exp(candidate.logScale() - old.logScale());
  }

  /** pᵀHp. */
  private static double quadraticForm(double[] h, double[] p) {
    int d = p.length;
    double s = 0;
    for (int j = 0; j < d; j++) {
      double hp = 0;
      for (int i = 0; i < d; i++) hp += h[j * d + i] * p[i];
      s += p[j] * hp;
    }
    return s;
  }

  private static IterationRecord record(int k, Evaluation e, double t, double stepNorm, double damping,
      long passes, long startNanos, String hessian, String note) {
    return new IterationRecord(k, e.loss(), e.logLoss(), e.gradientNorm(), t, stepNorm, damping, passes,
        (System.nanoTime() - startNanos) / 1e9, hessian, note);
  }

  private FitResult finish(StopReason reason, String message, Evaluation last,
      List<IterationRecord> records, ObjectiveFunction function, long passesBefore, long startNanos) {
    int d = last.dim();
    double solveSeconds = (System.nanoTime() - startNanos) / 1e9;
    Evaluation exact = last.hasExactHessian() ? last
        : function.evaluate(last.point(), true, "final check: exact Hessian at the answer");
    double minEigen = LinearAlgebra.symmetricEigenvalues(exact.scaledHessian(), d)[0] * Math.exp(exact.logScale());
    long passes = function.passes() - passesBefore;
    String fullMessage = message;
    if (reason.converged() && !(minEigen > 0)) {
      // Cholesky accepted a matrix whose smallest eigenvalue rounds to ≤ 0: do not claim a minimum.
      reason = StopReason.STATIONARY_NOT_MINIMUM;
      fullMessage = message + ", but the Hessian's smallest eigenvalue is " + minEigen;
    }
    return new FitResult(last.point(), reason, fullMessage, last, minEigen, List.copyOf(records), passes,
        solveSeconds);
  }

  /** When the cap is hit, say whether the iterate looks like it is running away (no minimizer). */
  private static String maxIterationsMessage(List<IterationRecord> records) {
    String base = "not converged: reached the iteration cap of " + (records.size() - 1);
    int n = records.size();
    if (n < 6) return base + "; raise --max-iter";
    int half = n / 2;
    boolean steadyDecrease = true;
    double totalStep = 0;
    for (int i = half; i < n; i++) {
      steadyDecrease &= records.get(i).logObjectiveValue() < records.get(i - 1).logObjectiveValue();
      totalStep += records.get(i).stepNorm();
    }
    double lastSteps = records.get(n - 1).stepNorm() + records.get(n - 2).stepNorm();
    if (steadyDecrease && lastSteps > 0.5 * 2 * totalStep / (n - half)) {
      return base + String.format(Locale.ROOT, "; over the last %d iterations the objective fell"
          + " steadily (log L from %.4g to %.4g) while steps did not shrink: the objective may have no"
          + " minimizer (it decreases without bound along a direction) — add regularization"
          + " (--reg-weight or --ridge)", n - half, records.get(half - 1).logObjectiveValue(),
          records.get(n - 1).logObjectiveValue());
    }
    return base + "; raise --max-iter or check the problem's conditioning";
  }

  /** A damped Newton direction: (H + μI) p = −g with the smallest μ on the ladder that factors. */
  record Direction(double[] step, double damping) {
    static Direction of(Evaluation e) {
      double[] h = e.scaledHessian();
      int d = e.dim();
      double[] rhs = e.scaledGradient().clone();
      for (int j = 0; j < d; j++) rhs[j] = -rhs[j];
      for (double mu : LinearAlgebra.dampingLadder(h, d)) {
        double[] p = LinearAlgebra.choleskySolve(h, d, mu, rhs);
        if (p != null) return new Direction(p, mu);
      }
      throw new ArithmeticException("the Hessian could not be damped to positive definite (non-finite entries?)");
    }
  }
}
