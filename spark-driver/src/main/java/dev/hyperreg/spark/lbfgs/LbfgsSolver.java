package dev.hyperreg.spark.lbfgs;

import breeze.linalg.DenseVector;
import breeze.optimize.DiffFunction;
import breeze.optimize.FirstOrderMinimizer;
import breeze.optimize.LBFGS;
import dev.hyperreg.core.OverflowException;
import dev.hyperreg.core.linalg.LinearAlgebra;
import dev.hyperreg.core.objective.Evaluation;
import dev.hyperreg.core.objective.ObjectiveFunction;
import dev.hyperreg.core.solver.ConvergenceCertificate;
import dev.hyperreg.core.solver.FitResult;
import dev.hyperreg.core.solver.IterationListener;
import dev.hyperreg.core.solver.IterationRecord;
import dev.hyperreg.core.solver.NewtonCg;
import dev.hyperreg.core.solver.StopReason;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import scala.Tuple2;

/**
 * Breeze's L-BFGS — the optimizer Spark ML's own regressors use — driven by the same distributed
 * loss/gradient pass as the Newton solvers: the first-order alternative users know, kept for
 * comparison. Each function evaluation is one pass.
 *
 * <p>L-BFGS sees the objective divided by ‖∇L(x₀)‖, which leaves its iterates unchanged: it keeps
 * the rescaled objective's loss (which can exceed the double range) representable, and it turns
 * Breeze's absolute gradient floor of 1e-8 into the relative test used here.
 *
 * <p>Its own test, ‖∇L‖ ≤ gradientTolerance·‖∇L(x₀)‖, only proposes convergence: the answer must
 * then pass the {@link ConvergenceCertificate} with the exact Newton step ≤
 * √gradientTolerance·max(1, ‖x₀‖) — one exact pass, or, where d × d matrices do not fit
 * ({@link #matrixFree}), {@link ConvergenceCertificate#matrixFree}. Where it fails
 * the fit stops {@link StopReason#CERTIFICATE_FAILED}, never as converged. A start where the
 * gradient is exactly zero (cosh at x = 0) gets no L-BFGS iteration at all: the certificate says
 * whether it is a minimum or a saddle.
 */
public final class LbfgsSolver {
  private final int maxIterations;
  private final double gradientTolerance;
  private final int memory;
  /** log ‖∇L‖ of the run's original start (a resumed fit), or NaN for this start's. */
  private final double logGradientReference;
  /** Whether the certificate is matrix-free (d × d matrices do not fit) rather than one exact pass. */
  private final boolean matrixFree;

  public LbfgsSolver(int maxIterations, double gradientTolerance, int memory) {
    this(maxIterations, gradientTolerance, memory, Double.NaN);
  }

  /** @param logGradientReference the scale and the gradient test's reference, NaN for the start point's */
  public LbfgsSolver(int maxIterations, double gradientTolerance, int memory, double logGradientReference) {
    this(maxIterations, gradientTolerance, memory, logGradientReference, false);
  }

  private LbfgsSolver(int maxIterations, double gradientTolerance, int memory, double logGradientReference,
      boolean matrixFree) {
    this.maxIterations = maxIterations;
    this.gradientTolerance = gradientTolerance;
    this.memory = memory;
    this.logGradientReference = logGradientReference;
    this.matrixFree = matrixFree;
  }

  /** The same solver certifying its answer without a d × d matrix ({@link ConvergenceCertificate#matrixFree}). */
  public LbfgsSolver matrixFree() {
    return new LbfgsSolver(maxIterations, gradientTolerance, memory, logGradientReference, true);
  }

  public FitResult minimize(ObjectiveFunction function, double[] x0, IterationListener listener) {
    long start = System.nanoTime();
    long passesBefore = function.passes();
    Evaluation first = function.evaluate(x0, false, "L-BFGS: start point");
    if (!first.isFinite()) {
      throw new OverflowException(first.badRowId(), first.badRowValue(), function.objective().describe() + " at the start point");
    }
    double logInitialGradient = Double.isNaN(logGradientReference) ? first.logGradientNorm() : logGradientReference;
    boolean stationaryStart = !Double.isFinite(first.logGradientNorm());
    // L-BFGS sees L / ‖∇L(x₀)‖; at a stationary start (‖∇L‖ = 0) L / L(x₀), or L itself
    double referenceScale = Double.isFinite(logInitialGradient) ? logInitialGradient
        : Double.isFinite(first.logLoss()) ? first.logLoss() : 0;
    int[] evaluations = {0};
    // the last two finite evaluations: once they settle, each pass accumulates about the last one
    Evaluation[] recent = {first, null};
    java.util.function.Function<DenseVector<Object>, Tuple2<Object, DenseVector<Object>>> calculate = x -> {
      function.accumulateAboutSettled(recent[1], recent[0]);
      Evaluation e = function.evaluate((double[]) x.data(), false, "L-BFGS: evaluation " + ++evaluations[0]);
      if (!e.isFinite()) return new Tuple2<>(Double.POSITIVE_INFINITY, new DenseVector<>(new double[x.length()]));
      recent[1] = recent[0];
      recent[0] = e;
      double factor = Math.exp(e.logScale() - referenceScale);
      double[] g = e.scaledGradient().clone();
      for (int j = 0; j < g.length; j++) g[j] *= factor;
      return new Tuple2<>(e.scaledLoss() * factor, new DenseVector<>(g));
    };
    DiffFunction<DenseVector<Object>> f = new BreezeObjective(calculate);
    // Breeze's own tolerance is on relative function change; ours is the gradient test below.
    LBFGS<DenseVector<Object>> lbfgs = new LBFGS<>(maxIterations, memory, 1e-15, DenseVector.space_Double());
    scala.collection.Iterator<FirstOrderMinimizer.State<DenseVector<Object>, Object, Object>> states =
        stationaryStart ? scala.collection.Iterator.empty() // ∇L(x₀) = 0: nothing for L-BFGS to do
            : lbfgs.iterations(f, new DenseVector<>(x0.clone()));
    List<IterationRecord> records = new ArrayList<>();
    StopReason reason = stationaryStart ? StopReason.GRADIENT_TOLERANCE : StopReason.MAX_ITERATIONS;
    String message = stationaryStart ? "the gradient is zero at the start point"
        : "not converged: reached the iteration cap of " + maxIterations;
    double[] x = x0.clone();
    long passesSeen = function.passes();
    long iterationStart = System.nanoTime();
    while (states.hasNext()) {
      FirstOrderMinimizer.State<DenseVector<Object>, Object, Object> state = states.next();
      x = ((double[]) state.x().data()).clone();
      double value = (Double) state.value();
      double gradientNorm = LinearAlgebra.norm((double[]) state.grad().data());
      double logGradient = Math.log(gradientNorm) + referenceScale;
      records.add(new IterationRecord(state.iter(), value * Math.exp(referenceScale), Math.log(value) + referenceScale,
          gradientNorm * Math.exp(referenceScale), 1, 0, 0, function.passes() - passesSeen,
          (System.nanoTime() - iterationStart) / 1e9, "L-BFGS (m=" + memory + ")", null));
      listener.onIterate(records.get(records.size() - 1), x);
      passesSeen = function.passes();
      iterationStart = System.nanoTime();
      double relative = Math.exp(logGradient - logInitialGradient);
      if (relative <= gradientTolerance) {
        reason = StopReason.GRADIENT_TOLERANCE;
        message = String.format(Locale.ROOT, "converged: gradient norm %.3g of its start value ≤ %.3g", relative,
            gradientTolerance);
        break;
      }
      if (state.searchFailed()) {
        reason = StopReason.LINE_SEARCH_FAILED;
        message = String.format(Locale.ROOT, "L-BFGS line search failed at gradient norm %.3g of its start value",
            relative);
        break;
      }
      if (state.convergenceReason().isDefined() && state.iter() < maxIterations) {
        reason = StopReason.NO_PROGRESS;
        message = "L-BFGS stopped (" + state.convergenceReason().get().reason() + ") at gradient norm "
            + String.format(Locale.ROOT, "%.3g", relative) + " of its start value";
      }
    }
    double seconds = (System.nanoTime() - start) / 1e9;
    // one pass at the answer: with the exact Hessian when the certificate is that pass (it then needs no other)
    Evaluation last = function.evaluate(x, !matrixFree, "L-BFGS: the answer" + (matrixFree ? " (loss and gradient)" : ""));
    ConvergenceCertificate.Bounds bounds = new ConvergenceCertificate.Bounds(
        Math.sqrt(gradientTolerance) * Math.max(1, LinearAlgebra.norm(x0)), logInitialGradient, Double.POSITIVE_INFINITY);
    String what = reason.converged() ? "convergence certificate" : "final check: curvature at the last point";
    ConvergenceCertificate.Verdict verdict = matrixFree
        ? ConvergenceCertificate.matrixFree(function, last, bounds, what, null, NewtonCg.MATRIX_FREE_STEPS)
        : ConvergenceCertificate.exactPass(function, last, bounds, what);
    if (reason.converged() && !verdict.certified()) {
      boolean saddle = verdict.outcome() == ConvergenceCertificate.Outcome.NEGATIVE_CURVATURE;
      reason = saddle ? StopReason.STATIONARY_NOT_MINIMUM : StopReason.CERTIFICATE_FAILED;
      message = "not converged: " + message + ", but the convergence certificate fails: " + verdict.what()
          + (saddle ? "; start elsewhere (--x0) or use --solver newton-cg, which leaves saddles"
              : "; --solver newton-cg goes on from such points");
    } else if (reason.converged()) {
      message += " (certificate: " + verdict.what() + ")";
    }
    return new FitResult(x, reason, message, verdict.evaluation(), verdict.smallestEigenvalue(),
        List.copyOf(records), function.passes() - passesBefore, seconds);
  }
}
