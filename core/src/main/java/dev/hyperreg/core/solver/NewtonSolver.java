package dev.hyperreg.core.solver;

import dev.hyperreg.core.InvalidProblemException;
import dev.hyperreg.core.OverflowException;
import dev.hyperreg.core.linalg.LinearAlgebra;
import dev.hyperreg.core.objective.Evaluation;
import dev.hyperreg.core.objective.ObjectiveFunction;
import java.util.List;
import java.util.Locale;

/**
 * Exact Newton's method with the safeguards a real fit needs, on an {@link ObjectiveFunction} whose
 * every evaluation is one pass over the data:
 * <ul>
 *   <li>direction: solve H p = −g by Cholesky when H is positive definite. Otherwise
 *       (Levenberg–Marquardt, as a trust region) p = −(H + μI)⁻¹g from the eigen-decomposition
 *       H = QΛQᵀ, with the smallest μ &gt; −λ_min that keeps ‖p‖ ≤ max(1, ‖x‖): always a descent
 *       direction, never the huge step a μ just above |λ_min| gives;</li>
 *   <li>saddles: where that step vanishes but H is indefinite, a step along the eigenvector of
 *       λ_min (the sign that does not raise L to first order), halved until L falls; only when
 *       none does is the point reported as {@link StopReason#STATIONARY_NOT_MINIMUM};</li>
 *   <li>step: backtracking (halving) from t = 1 until the Armijo condition
 *       L(x + tp) ≤ L(x) + 10⁻⁴·t·gᵀp holds, judged within the loss's rounding error; when the
 *       full step cuts L by more than a factor e^0.9 (far from the minimizer of an exp-type loss),
 *       doubling t while L keeps falling, all doublings evaluated by one ladder pass. Trials are
 *       loss-and-gradient passes and the accepted point gets its Hessian once, except where the
 *       quadratic model expects no expansion: there the t = 1 trial collects the Hessian too, one
 *       pass per iteration. A trial where some row overflows a double (the plain objective past
 *       a·x ≈ 355) is rejected and halved like one whose loss rose; the iteration's note says so,
 *       naming the row, and so does the message when the line search fails;</li>
 *   <li>trust region: no direction is longer than 10·max(1, ‖x‖) (a longer Newton step is shortened
 *       along itself, CG stops on the boundary), so one direction (a CG solve that resolved only a
 *       stiff row, say) cannot throw x by 10⁴ and loosen every relative test;</li>
 *   <li>stopping: a small undamped step (below tol·max(1, ‖x‖)) or a gradient that passes its test
 *       only proposes convergence; the fit says CONVERGED only when the
 *       {@link ConvergenceCertificate} holds at the point — the exact Newton step within the bound,
 *       no negative curvature beyond rounding in the Jacobi-scaled Hessian, no slope along its flat
 *       directions, a gradient no larger than the start's. A failed certificate hands the solver the
 *       exact step (or the negative curvature) to go on with. When no decrease is measurable any
 *       more at a small step, the fit has converged (to rounding precision) only if two passes at
 *       the point agree and the certificate holds with tol^¾; otherwise the certificate's exact step
 *       is tried (three times at most), then {@link StopReason#ROUNDING_FLOOR} or another honest,
 *       unconverged {@link StopReason}.</li>
 * </ul>
 * The solver is immutable; settings come from the {@code with…} methods.
 */
public final class NewtonSolver {
  static final double ARMIJO = 1e-4;
  /** A full step that cuts L by more than e^this is expanded (2t, 4t, … while L keeps falling). */
  static final double EXPANSION_LOG_DECREASE = 0.9;
  /** Largest multiple of the Newton step an expanding line search tries. */
  static final double MAX_EXPANSION = 1024;
  /**
   * A full step the model predicted within a factor two (actual over predicted decrease in [½, 2])
   * and shorter than this many max(1, ‖x‖) puts Newton in its local phase, the next step about its
   * square: where exact steps are cheap ({@link HessianStrategy#exactStepsAreCheap}) they are then
   * taken from one exact pass, which certifies the answer at the same time.
   */
  static final double LOCAL_STEP = 1e-2;
  /** The trust radius in units of max(1, ‖x‖): no direction may move x further in one iteration. */
  static final double TRUST_FACTOR = 10;

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
   * Also converged when ‖∇L‖ ≤ g·‖∇L(x₀)‖ and the certificate holds with the exact Newton step
   * ≤ √g·max(1, ‖x₀‖); the second condition, on the start's scale, keeps a loss that only shrinks
   * along a runaway direction (‖∇L‖ → 0 with steps that do not, while ‖x‖ grows) from passing.
   * 0 turns the test off.
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
   * objective is not finite at x0. Convergence is claimed only on a {@link ConvergenceCertificate}.
   */
  public FitResult minimize(ObjectiveFunction function, double[] x0, HessianStrategy hessians,
      IterationListener listener) {
    NewtonRun run = new NewtonRun(function, hessians, listener);
    String what = function.objective().describe();
    Evaluation current = hessians.evaluate(function, x0, "iteration 0: start point");
    if (!current.isFinite()) {
      throw new OverflowException(current.badRowId(), current.badRowValue(), what + " at the start point");
    }
    current = hessians.complete(function, current, "iteration 0: start point");
    run.add(record(0, current, 0, 0, 0, function.passes() - run.passesBefore, run.start, hessians.current(), null),
        current);
    run.logInitialGradient = Double.isNaN(logGradientReference) ? current.logGradientNorm() : logGradientReference;
    run.startScale = Math.max(1, LinearAlgebra.norm(x0));
    run.radius = TRUST_FACTOR * run.startScale;
    int flatSteps = 0;
    double previousStepNorm = 0;
    Evaluation previous = null; // the iterate before current: whether passes may accumulate about current
    for (int k = 1; ; k++) {
      long iterationStart = System.nanoTime();
      function.accumulateAboutSettled(previous, current);
      long passesAtStart = function.passes();
      double[] x = current.point();
      double xScale = Math.max(1, LinearAlgebra.norm(x));
      NewtonDirection direction;
      String hessianUsed;
      if (run.pending != null) { // the exact step of a certificate that failed at the rounding floor
        direction = run.pending.direction();
        hessianUsed = "exact (certificate at the rounding floor)";
        hessians.useExactHessian(current);
        run.pending = null;
      } else if (run.local && hessians.exactStepsAreCheap() && !current.hasExactHessian()) {
        // Newton's local phase (the next step about the square of the last): one exact pass gives the
        // exact step and the certificate at once, where a tightly forced CG solve would take many
        // Hessian-vector passes only to find a step the certificate must then check; from here on the
        // trial passes carry the exact Hessian too
        hessians.takeExactPasses();
        ConvergenceCertificate.Verdict verdict = run.certify(current, tolerance * xScale,
            "iteration " + k + ": exact step and certificate (local phase)");
        current = verdict.evaluation();
        if (verdict.certified()) {
          return run.finish(StopReason.CONVERGED, String.format(Locale.ROOT, "converged: Newton step %.3g ≤"
              + " tol·max(1,‖x‖) = %.3g", verdict.stepNorm(), tolerance * xScale), verdict);
        }
        hessians.useExactHessian(current);
        // the step exact Newton would take here (Cholesky where it factors: it resolves what the
        // certificate's eigen-decomposition leaves out below 4ε·λ_max)
        direction = current.hasExactHessian() ? NewtonDirection.of(function, current, run.radius)
            : hessians.direction(function, current, run.radius, false);
        hessianUsed = "exact (local phase)";
      } else {
        try {
          direction = hessians.direction(function, current, run.radius, false);
        } catch (ArithmeticException e) {
          return run.finishWithout(StopReason.NOT_FINITE, String.format(Locale.ROOT, "not converged: at iteration %d"
              + " (log L = %.6g) no direction can be computed: %s; the iterate may be running off where the loss"
              + " vanishes (no minimizer: add a row regularizer, --reg-weight)", k, current.logLoss(), e.getMessage()),
              current);
        }
        hessianUsed = hessians.current();
      }
      double stepNorm = LinearAlgebra.norm(direction.step());
      double relativeGradient = Math.exp(current.logGradientNorm() - run.logInitialGradient);

      // a candidate answer: the step is small, or the gradient passes its test; only the certificate decides
      StopReason claim = null;
      double bound = 0;
      if (stepNorm <= tolerance * xScale) {
        claim = StopReason.CONVERGED;
        bound = tolerance * xScale;
      } else if (relativeGradient <= gradientTolerance && stepNorm <= Math.sqrt(gradientTolerance) * run.startScale) {
        // the loose test's scale is the start's: a runaway (‖∇L‖ → 0 along a direction with no
        // minimizer, steps of constant length) inflates ‖x‖ until √g·‖x‖ exceeds its steps
        claim = StopReason.GRADIENT_TOLERANCE;
        bound = Math.sqrt(gradientTolerance) * run.startScale;
      }
      if (claim != null) {
        ConvergenceCertificate.Verdict verdict = run.certify(current, bound, "iteration " + k + ": convergence certificate");
        current = verdict.evaluation();
        if (verdict.certified()) {
          String message = claim == StopReason.CONVERGED
              ? String.format(Locale.ROOT, "converged: Newton step %.3g ≤ tol·max(1,‖x‖) = %.3g", verdict.stepNorm(),
                  bound)
              : String.format(Locale.ROOT, "converged: gradient norm %.3g of its start value ≤ %.3g", relativeGradient,
                  gradientTolerance);
          return run.finish(claim, message, verdict);
        }
        direction = verdict.direction();
        stepNorm = LinearAlgebra.norm(direction.step());
        hessianUsed = "exact (certificate: " + verdict.outcome().name().toLowerCase(Locale.ROOT).replace('_', ' ') + ")";
        if (verdict.outcome() == ConvergenceCertificate.Outcome.NEGATIVE_CURVATURE && stepNorm <= tolerance * xScale) {
          Evaluation escaped = escapeSaddle(function, hessians, k, current, direction, xScale);
          if (escaped == null) {
            return run.finish(StopReason.STATIONARY_NOT_MINIMUM, "stationary point where the Hessian is not positive"
                + " definite (a saddle or maximum), and no step along its negative curvature lowers the objective;"
                + " start elsewhere (--x0)", verdict);
          }
          if (k > maxIterations) return run.finish(StopReason.MAX_ITERATIONS, maxIterationsMessage(run.records, function), current);
          double escapeNorm = LinearAlgebra.distance(escaped.point(), x);
          current = hessians.complete(function, escaped, "iteration " + k + ": past the saddle");
          run.add(record(k, current, 1, escapeNorm, direction.damping(), function.passes() - passesAtStart,
              iterationStart, hessianUsed, "negative curvature step"), current);
          previousStepNorm = 0; // a new start: the gradient reference begins again here
          run.logInitialGradient = Math.max(run.logInitialGradient, current.logGradientNorm());
          previous = null;
          continue;
        }
        hessians.useExactHessian(current);
      }
      if (k > maxIterations) return run.finish(StopReason.MAX_ITERATIONS, maxIterationsMessage(run.records, function), current);

      double slope = LinearAlgebra.dot(current.scaledGradient(), direction.step());
      double curvature = direction.curvature();
      TrialOverflows overflows = new TrialOverflows();
      Evaluation accepted = lineSearch(function, hessians, k, current, direction, overflows);
      if (accepted == null) {
        if (stepNorm <= Math.sqrt(tolerance) * xScale) {
          FitResult floor = atFloor(run, "no decrease is measurable", current, k);
          if (floor != null) return floor;
          current = run.pending.evaluation();
          previous = null;
          continue;
        }
        return run.finish(StopReason.LINE_SEARCH_FAILED, String.format(Locale.ROOT, "line search failed: no step"
            + " along the Newton direction (damping %.3g, length %.3g) decreased the objective; the gradient is"
            + " %.3g of its start value", direction.damping(), stepNorm, relativeGradient)
            + overflows.failureClause(), current);
      }

      double t = LinearAlgebra.distance(accepted.point(), x) / Math.max(stepNorm, Double.MIN_NORMAL);
      double decrease = decreaseInScaleOf(current, accepted);
      double roundingError = current.scaledLossRoundingError() + scaledRoundingError(current, accepted);
      double predicted = -(t * slope + 0.5 * t * t * curvature);
      // a model ratio is meaningless once the decrease is at the loss's rounding level
      double ratio = predicted > 100 * roundingError ? decrease / predicted : Double.NaN;
      String note = TrialOverflows.join(hessians.afterStep(new HessianStrategy.StepOutcome(k, t, ratio, t * stepNorm,
          previousStepNorm, decrease / current.scaledLoss())), overflows.note(t));
      run.radius = TRUST_FACTOR * Math.max(1, LinearAlgebra.norm(accepted.point()));
      // "flat" = no measurable decrease and no contraction of the steps either: a linearly
      // converging (sketched) Newton keeps shrinking its steps long after the loss stops moving
      boolean contracting = previousStepNorm > 0 && t * stepNorm < 0.5 * previousStepNorm;
      flatSteps = decrease <= roundingError && !contracting ? flatSteps + 1 : 0;
      previousStepNorm = t * stepNorm;
      // the local phase: a full step the quadratic model predicted well, and short
      run.local = Math.abs(t - 1) < 1e-6 && ratio >= 0.5 && ratio <= 2
          && t * stepNorm <= LOCAL_STEP * Math.max(1, LinearAlgebra.norm(accepted.point()));
      previous = current;
      current = hessians.complete(function, accepted, "iteration " + k + ": accepted point");
      run.add(record(k, current, t, t * stepNorm, direction.damping(), function.passes() - passesAtStart,
          iterationStart, hessianUsed, note), current);
      if (flatSteps >= 3) {
        double scale = Math.max(1, LinearAlgebra.norm(current.point()));
        NewtonDirection next = hessians.direction(function, current, run.radius, false);
        double nextNorm = LinearAlgebra.norm(next.step());
        double gradient = Math.exp(current.logGradientNorm() - run.logInitialGradient);
        if (nextNorm <= Math.sqrt(tolerance) * scale) {
          FitResult floor = atFloor(run, "three steps changed the objective by less than its rounding error", current, k);
          if (floor != null) return floor;
          current = run.pending.evaluation();
          flatSteps = 0;
          previous = null;
          continue;
        }
        // the loss cannot see progress; the exact Newton step may still make it (judged on the gradient)
        ConvergenceCertificate.Verdict verdict = run.certify(current, tolerance * scale,
            "iteration " + k + ": convergence certificate after three flat steps");
        if (verdict.certified()) {
          return run.finish(StopReason.CONVERGED, String.format(Locale.ROOT, "converged: the exact Newton step %.3g"
              + " ≤ tol·max(1,‖x‖) = %.3g after three steps the loss could not resolve", verdict.stepNorm(),
              tolerance * scale), verdict);
        }
        if (run.retryFrom(verdict)) {
          current = verdict.evaluation();
          flatSteps = 0;
          previous = null;
          continue;
        }
        return run.finish(StopReason.NO_PROGRESS, String.format(Locale.ROOT, "no progress: three steps changed the"
            + " objective by less than its rounding error while the gradient is still %.3g of its start value"
            + " and the Newton step %.3g", gradient, nextNorm), verdict);
      }
    }
  }

  /**
   * Backtracking from the full step (halving until the Armijo condition holds within the loss's
   * rounding error), then, after an accepted full step far from the minimizer, the expansion
   * ladder; the accepted point carries what the strategy needs. Null when no trial was accepted.
   * Where the quadratic model expects the full step to be taken without an expansion (a decrease
   * below the expansion threshold), its trial pass collects the Hessian as well: an accepted full
   * step then costs one pass. Every other trial (backtracking, or the full step where L should still
   * fall by a large factor and expansions follow) is a loss-and-gradient pass, and the accepted
   * point gets its Hessian once. A trial where some row overflows is rejected like one whose loss
   * rose, and recorded in {@code overflows}.
   */
  private Evaluation lineSearch(ObjectiveFunction function, HessianStrategy hessians, int k, Evaluation current,
      NewtonDirection direction, TrialOverflows overflows) {
    double[] x = current.point();
    double slope = LinearAlgebra.dot(current.scaledGradient(), direction.step());
    double modelDecrease = -(slope + 0.5 * direction.curvature());
    boolean fusedFirstTrial = modelDecrease < (1 - Math.exp(-EXPANSION_LOG_DECREASE)) * current.scaledLoss();
    Evaluation accepted = null;
    double t = 1;
    for (int trial = 1; trial <= maxLineSearchSteps && slope < 0; trial++, t *= 0.5) {
      double[] candidate = x.clone();
      for (int j = 0; j < candidate.length; j++) candidate[j] += t * direction.step()[j];
      String trialName = String.format(Locale.ROOT, "iteration %d: step %.3g", k, t);
      Evaluation trialEvaluation = trial == 1 && fusedFirstTrial ? hessians.evaluate(function, candidate, trialName)
          : function.evaluate(candidate, false, trialName + " (loss only)");
      if (!trialEvaluation.isFinite()) overflows.add(t, trialEvaluation);
      if (trialEvaluation.isFinite() && sufficientDecrease(current, trialEvaluation, t * slope)) {
        accepted = trialEvaluation;
        break;
      }
    }
    if (accepted != null && t == 1) accepted = expand(function, hessians, k, x, direction.step(), accepted, current);
    if (accepted != null && hessians.needsPass(accepted)) {
      accepted = hessians.evaluate(function, accepted.point(),
          String.format(Locale.ROOT, "iteration %d: Hessian at the accepted point", k));
    }
    return accepted;
  }

  /**
   * No decrease is measurable any more at a Newton step below √tol·max(1, ‖x‖) (no step of the
   * line search lowered L beyond its rounding error, or three steps in a row did not). The
   * certificate decides, with the bound tol^¾·max(1, ‖x‖) on the exact Newton step: where it holds,
   * x is a minimizer to rounding precision ({@link StopReason#GRADIENT_TOLERANCE}); where it fails
   * for the first times ({@value #FLOOR_RETRIES} at most), the fit goes on from its exact step (the
   * loss cannot see the progress, the exact Hessian and gradient can); after that
   * {@link StopReason#ROUNDING_FLOOR} says so without claiming a minimum (the loss is noisier than
   * its rounding bound — passes that disagree, say — or the point is no minimum). Null: go on with
   * {@link NewtonRun#pending}.
   */
  private FitResult atFloor(NewtonRun run, String what, Evaluation current, int k) {
    double scale = Math.max(1, LinearAlgebra.norm(current.point()));
    ConvergenceCertificate.Verdict verdict = run.certify(current, floorBound() * scale,
        "iteration " + k + ": convergence certificate at the rounding floor");
    // the floor is rounding only if two passes at the same point agree (data that change between passes,
    // read from a moving source, make a noise floor that no certificate of one pass can see)
    Evaluation again = verdict.evaluation() != current ? verdict.evaluation() // the certificate's own pass
        : run.function.evaluate(current.point(), false, "iteration " + k + ": the loss again (rounding floor)");
    double disagreement = Math.abs(decreaseInScaleOf(current, again));
    double allowed = current.scaledLossRoundingError() + scaledRoundingError(current, again);
    if (!(disagreement <= allowed)) {
      return run.finish(StopReason.ROUNDING_FLOOR, String.format(Locale.ROOT, "not converged: %s, and two passes at"
          + " the same point disagree by %.3g where rounding allows %.3g: do the data change between passes?", what,
          disagreement * Math.exp(current.logScale()), allowed * Math.exp(current.logScale())), verdict);
    }
    if (verdict.certified()) {
      return run.finish(StopReason.GRADIENT_TOLERANCE, String.format(Locale.ROOT, "converged to rounding precision: %s,"
          + " and the exact Newton step is %.3g ≤ tol^¾·max(1,‖x‖) = %.3g", what, verdict.stepNorm(),
          floorBound() * scale), verdict);
    }
    if (run.retryFrom(verdict)) return null;
    return run.finish(StopReason.ROUNDING_FLOOR, String.format(Locale.ROOT, "not converged: %s, and the certificate"
        + " fails: %s", what, verdict.what()), verdict);
  }

  /** How often a fit at the rounding floor goes on from a failed certificate's exact step. */
  static final int FLOOR_RETRIES = 3;

  /**
   * The exact Newton step a fit at the rounding floor may still have and be called converged:
   * tol^¾ (10⁻⁷·⁵ for the default 10⁻¹⁰), between the asked tolerance and √tol, so that a claim
   * "converged to rounding precision" still means x to better than 10⁻⁶.
   */
  private double floorBound() { return Math.pow(tolerance, 0.75); }

  /**
   * At a stationary point with λ_min(H) &lt; 0: steps t·v along the unit eigenvector v of λ_min (the
   * sign with gᵀv ≤ 0), t = max(1, ‖x‖) halved up to 30 times, the first that lowers L (beyond its
   * rounding error) accepted with the strategy's Hessian. Null when none does.
   */
  private Evaluation escapeSaddle(ObjectiveFunction function, HessianStrategy hessians, int k, Evaluation current,
      NewtonDirection direction, double xScale) {
    double[] x = current.point();
    double[] v = direction.negativeCurvature();
    if (v == null) return null;
    double t = xScale;
    for (int trial = 0; trial < 30; trial++, t *= 0.5) {
      double[] candidate = x.clone();
      for (int j = 0; j < candidate.length; j++) candidate[j] += t * v[j];
      Evaluation e = function.evaluate(candidate, false,
          String.format(Locale.ROOT, "iteration %d: negative curvature step %.3g", k, t));
      if (e.isFinite() && decreaseInScaleOf(current, e) > current.scaledLossRoundingError()
          + scaledRoundingError(current, e)) {
        return hessians.evaluate(function, candidate,
            String.format(Locale.ROOT, "iteration %d: negative curvature step %.3g", k, t));
      }
    }
    return null;
  }

  /**
   * Far from the minimizer an exp-type loss behaves like e^{2z}, for which the Newton step only
   * moves z by ½ and L falls by a constant factor per iteration: thousands of iterations from a
   * start with a·x in the hundreds. When the full step cut L by more than a factor e^0.9, the
   * losses at 2, 4, …, 1024 times the step come from one ladder pass (each row's a·x and a·p once),
   * and the step grows while L keeps falling; the best, when it is not the full step, is then
   * evaluated once more with the strategy's Hessian. Two passes however far the step grows.
   */
  private Evaluation expand(ObjectiveFunction function, HessianStrategy hessians, int k, double[] x,
      double[] step, Evaluation accepted, Evaluation current) {
    if (!(current.logLoss() - accepted.logLoss() > EXPANSION_LOG_DECREASE)) return accepted;
    double[] ts = java.util.stream.DoubleStream.iterate(2, t -> t <= MAX_EXPANSION, t -> 2 * t).toArray();
    double[] logLosses = function.logLossesAlong(x, step, ts,
        String.format(Locale.ROOT, "iteration %d: steps 2…%.0f (loss only)", k, MAX_EXPANSION));
    double bestLog = accepted.logLoss();
    double bestT = 1;
    for (int r = 0; r < ts.length && logLosses[r] < bestLog; r++) {
      bestLog = logLosses[r];
      bestT = ts[r];
    }
    if (bestT == 1) return accepted;
    double[] best = x.clone();
    for (int j = 0; j < best.length; j++) best[j] += bestT * step[j];
    return hessians.evaluate(function, best, String.format(Locale.ROOT, "iteration %d: step %.3g", k, bestT));
  }

  /** Armijo: L_new ≤ L_old + c·t·gᵀp, in the old point's scale, allowing both losses' rounding error. */
  static boolean sufficientDecrease(Evaluation old, Evaluation candidate, double scaledTimesSlope) {
    double candidateLoss = candidate.scaledLoss() * Math.exp(candidate.logScale() - old.logScale());
    if (!Double.isFinite(candidateLoss)) return false; // astronomically larger (its slack would be ∞ too)
    double slack = old.scaledLossRoundingError() + scaledRoundingError(old, candidate);
    return candidateLoss <= old.scaledLoss() + ARMIJO * scaledTimesSlope + slack;
  }

  /** L_old − L_new, in the old point's scale. */
  static double decreaseInScaleOf(Evaluation old, Evaluation candidate) {
    return old.scaledLoss() - candidate.scaledLoss() * Math.exp(candidate.logScale() - old.logScale());
  }

  static double scaledRoundingError(Evaluation old, Evaluation candidate) {
    return candidate.scaledLossRoundingError() * Math.exp(candidate.logScale() - old.logScale());
  }

  private static IterationRecord record(int k, Evaluation e, double t, double stepNorm, double damping,
      long passes, long startNanos, String hessian, String note) {
    return new IterationRecord(k, e.loss(), e.logLoss(), e.gradientNorm(), t, stepNorm, damping, passes,
        (System.nanoTime() - startNanos) / 1e9, hessian, note);
  }

  /** When the cap is hit, say whether the iterate looks like it is running away (no minimizer). */
  private static String maxIterationsMessage(List<IterationRecord> records, ObjectiveFunction function) {
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
          + (function.objective().interceptColumn() >= 0 ? " (--reg-weight; --ridge never applies to the intercept)"
              : " (--reg-weight or --ridge)"), n - half, records.get(half - 1).logObjectiveValue(),
          records.get(n - 1).logObjectiveValue());
    }
    return base + "; raise --max-iter or check the problem's conditioning";
  }
}
