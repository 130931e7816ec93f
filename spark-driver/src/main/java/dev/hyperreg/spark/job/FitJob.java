package dev.hyperreg.spark.job;

import dev.hyperreg.core.OverflowException;
import dev.hyperreg.core.data.RowBlock;
import dev.hyperreg.core.objective.Link;
import dev.hyperreg.core.objective.Objective;
import dev.hyperreg.core.objective.ObjectiveFunction;
import dev.hyperreg.core.objective.PassKind;
import dev.hyperreg.core.objective.ObjectiveKind;
import dev.hyperreg.core.solver.FitResult;
import dev.hyperreg.core.solver.IterationListener;
import dev.hyperreg.core.solver.IterationRecord;
import dev.hyperreg.core.solver.SketchedHessian;
import dev.hyperreg.core.solver.StartingPoint;
import dev.hyperreg.spark.ExitStatus;
import dev.hyperreg.spark.exec.SparkPassCost;
import dev.hyperreg.spark.exec.SparkPassRunner;
import dev.hyperreg.spark.io.AtomicOutput;
import dev.hyperreg.spark.io.BlockedData;
import dev.hyperreg.spark.io.Checkpoint;
import dev.hyperreg.spark.io.LibsvmInput;
import dev.hyperreg.spark.io.PointFile;
import java.io.IOException;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import org.apache.hadoop.conf.Configuration;
import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.api.java.JavaSparkContext;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@code hyperreg fit}: load the data, fit by Newton's method, write summary.json and
 * coefficients.txt atomically. Progress is logged per iteration under "dev.hyperreg".
 */
public final class FitJob {
  private static final Logger LOG = LoggerFactory.getLogger("dev.hyperreg.fit");
  /** CG steps (passes) the matrix-free least-squares start may take. */
  public static final int MATRIX_FREE_START_STEPS = 30;

  private final FitOptions options;

  public FitJob(FitOptions options) { this.options = options; }

  /** Runs the fit on the given context; returns the exit status. Errors of the input are thrown. */
  public ExitStatus run(JavaSparkContext jsc) throws IOException {
    FitOptions o = options;
    Configuration conf = jsc.hadoopConfiguration();
    AtomicOutput output = new AtomicOutput(o.output, conf, o.overwrite);
    output.checkWritable();
    double[] x0 = o.x0 == null ? null : PointFile.read(o.x0, conf);
    long started = System.nanoTime();

    BlockedData data = LibsvmInput.unwrapInputErrors(() -> o.load(jsc));
    try {
      int dim = data.dim();
      if (x0 != null) PointFile.checkLength(x0, dim, o.x0, o.intercept);
      LOG.info("loaded {} rows × {} features ({} non-zeros) from {} file(s) into {} blocks ({} dense), {} partitions",
          data.rows(), data.features(), data.nonZeros(), data.files().size(), data.totalBlocks(), data.denseBlocks(),
          data.blocks().getNumPartitions());
      if (data.widenedBlocks() > 0) {
        LOG.warn("{} of {} blocks were built narrower than the {} features the input turned out to have and are"
            + " widened on every pass; give --num-features {} to build them at full width", data.widenedBlocks(),
            data.totalBlocks(), data.features(), data.features());
      }
      Objective objective = new Objective(o.objective, o.link, dim, o.ridge, data.interceptColumn());
      warnAboutTraps(o);
      LOG.info("regularization: w = {} on every row, ridge λ = {}", o.regWeight, o.ridge);
      StartingPoint start = x0 == null ? null : new StartingPoint(x0, "--x0 " + o.x0);
      Checkpoint checkpoint = o.checkpoint == null ? null : new Checkpoint(o.checkpoint, conf, fingerprint(o, data));
      int resumedFrom = -1;
      SolverSettings settings = o.solverSettings();
      if (checkpoint != null && !o.resume) checkpoint.clear();   // older iterates must not outlive this fit
      if (o.resume) {
        Checkpoint.Saved saved = checkpoint.latest();
        if (saved == null) {
          LOG.info("--resume: no iterate in {} yet, starting afresh", o.checkpoint);
        } else {
          PointFile.checkLength(saved.coefficients(), dim, o.checkpoint, o.intercept);
          resumedFrom = saved.iteration();
          start = new StartingPoint(saved.coefficients(), "checkpoint " + o.checkpoint + " (iteration " + resumedFrom + ")");
          LOG.info("resuming from iteration {} of the checkpoint in {}", resumedFrom, o.checkpoint);
          // the gradient test (--gradient-tol, L-BFGS) stays relative to the original start's gradient
          settings = settings.withGradientReference(saved.logGradientReference());
        }
      }
      IterationListener listener = namingRows(checkpointing(checkpoint, Math.max(0, resumedFrom),
          settings.logGradientReference()), data);
      Fitted fitted;
      try {
        fitted = fitBlocks(jsc, data.blocks(), objective, settings, start, "hyperreg-fit", listener);
      } catch (OverflowException e) {
        throw data.numericalFailure(e);
      }
      FitResult fit = fitted.fit();
      double seconds = (System.nanoTime() - started) / 1e9;
      output.add("summary.json", Json.write(FitSummary.of(o, data, fitted, seconds, jsc.version(), resumedFrom)));
      output.add("coefficients.txt", PointFile.format(fit.coefficients()));
      output.commit(fit.converged());
      if (fit.converged()) {
        LOG.info("{} after {} iterations, {} data passes, {} s; output in {}", fit.message(), fit.iterationCount(),
            fitted.passes(), String.format(Locale.ROOT, "%.2f", seconds), o.output);
        return ExitStatus.SUCCESS;
      }
      LOG.warn("NOT CONVERGED ({}): {}. Output written to {} without {}", fit.stopReason(),
          data.nameRows(fit.message()), o.output, AtomicOutput.SUCCESS_MARKER);
      return ExitStatus.NOT_CONVERGED;
    } finally {
      data.release();
    }
  }

  /**
   * A fit with the start it came from, the data passes it made (start included), whether it ran
   * matrix-free (no d × d matrix on the driver: {@link DriverLimits#matrixFree}) and how its answer
   * was certified ({@link Solver#certificate}), and its passes by what their tasks returned.
   */
  public record Fitted(FitResult fit, StartingPoint start, long passes, boolean matrixFree, String certificate,
      Map<PassKind, Long> passesByKind) {}

  /**
   * The one fitting path of the command line, the Spark ML estimator, {@code shift} and
   * {@code bench}: the driver's limits checked ({@link DriverLimits}), the start (the given one, or
   * the solver's default), then the solver, every pass a Spark job over the cached blocks.
   *
   * @param start null for the default start
   * @param jobGroup the Spark job group the passes run under
   */
  public static Fitted fitBlocks(JavaSparkContext jsc, JavaRDD<RowBlock> blocks, Objective objective,
      SolverSettings s, StartingPoint start, String jobGroup, IterationListener listener) {
    Solver solver = s.solver();
    int dim = objective.dim();
    long heap = Runtime.getRuntime().maxMemory();
    boolean matrixFree = DriverLimits.matrixFree(solver, dim, s.sketchSize(), heap);
    if (!matrixFree) DriverLimits.checkDimension(dim, DriverLimits.driverMatrices(solver, s.sketchSize(), dim), heap);
    int partitions = blocks.getNumPartitions();
    int depth = s.aggregationDepth() > 0 ? s.aggregationDepth() : SparkPassRunner.aggregationDepth(partitions);
    long maxResultSize = jsc.getConf().getSizeAsBytes("spark.driver.maxResultSize", "1g");
    DriverLimits.checkResultSize(maxResultSize, solver, matrixFree, dim, s.sketchSize(), start == null, partitions,
        depth);
    ObjectiveFunction function = new ObjectiveFunction(objective,
        new SparkPassRunner(jsc, blocks, jobGroup, s.aggregationDepth()));
    if (matrixFree) {
      LOG.info("d = {}: the d×d matrices would not fit the driver's {} GiB heap, so the {} solver runs matrix-free"
          + " (Hessian-vector and diagonal passes; the convergence certificate from an accurate CG step and block"
          + " LOBPCG)", dim,
          String.format(Locale.ROOT, "%.1f", heap / (double) (1L << 30)), solver.label());
      if (start == null) start = StartingPoint.matrixFree(function, MATRIX_FREE_START_STEPS);
    }
    if (start == null) start = solver.defaultStart(function, dim, s);
    LOG.info("fitting {} with the {} solver from {}", objective.describe(), solver.label(), start.description());
    boolean dense = !matrixFree
        && DriverLimits.denseCertificate(dim, DriverLimits.finalAggregationTasks(partitions, depth), maxResultSize);
    long maxRows = solver.growsItsSketch() ? DriverLimits.largestSketchRows(solver, dim, s.sketchSize(), heap) : 0;
    long initialRows = SketchedHessian.rowsFor(dim, s.sketchSize());
    if (maxRows > 0 && maxRows < SketchedHessian.MAX_GROWTH * initialRows) {
      LOG.info("the {} may grow from {} to {} rows only (what the driver's heap holds beside the d×d matrices),"
          + " not {}; past that the solver falls back to the exact Hessian", solver.label(), initialRows, maxRows,
          SketchedHessian.MAX_GROWTH * initialRows);
    }
    Solver.Plan plan = new Solver.Plan(matrixFree, dense, maxRows, SparkPassCost.of(jsc, partitions));
    FitResult fit = solver.minimize(function, start.x(), s, plan, listener);
    return new Fitted(fit, start, function.passes(), matrixFree, solver.certificate(plan), function.passesByKind());
  }

  /** Rescaled exp with an intercept and no row weight never gets here: {@link FitOptions#validate} refuses it. */
  private static void warnAboutTraps(FitOptions o) {
    if (o.objective == ObjectiveKind.RESCALED && o.link == Link.SINH) {
      LOG.info("note: rescaled sinh has L(0) = 0, so x = 0 is always a global minimizer");
    }
  }

  static void logIteration(IterationRecord r) { LOG.info(describe(r)); }

  /**
   * The progress log, plus a checkpoint save of every iterate (iterations counted from
   * {@code offset}, the iteration a resumed fit started from) with log ‖∇L‖ of the job's original
   * start: {@code logGradientReference} when resuming, else the first iteration's.
   */
  static IterationListener checkpointing(Checkpoint checkpoint, int offset, double logGradientReference) {
    if (checkpoint == null) return FitJob::logIteration;
    double[] reference = {logGradientReference};
    return new IterationListener() {
      @Override public void onIteration(IterationRecord r) { logIteration(r); }

      @Override public void onIterate(IterationRecord r, double[] point) {
        if (r.iteration() == 0 && Double.isNaN(reference[0])) reference[0] = Math.log(r.gradientNorm());
        // saved before the progress line, so that a logged iteration is always a resumable one
        if (r.iteration() > 0 || offset == 0) {
          try {
            checkpoint.save(offset + r.iteration(), point, reference[0]);
          } catch (RuntimeException e) {
            LOG.warn("could not save iteration {} to the checkpoint (the fit goes on; a resume would start"
                + " from an earlier iterate): {}", offset + r.iteration(), e.getMessage());
          }
        }
        logIteration(r);
      }
    };
  }

  /** The listener, told every iteration with the rows its note mentions named ({@link BlockedData#nameRows}). */
  static IterationListener namingRows(IterationListener listener, BlockedData data) {
    return new IterationListener() {
      @Override public void onIteration(IterationRecord r) { listener.onIteration(named(r)); }

      @Override public void onIterate(IterationRecord r, double[] point) { listener.onIterate(named(r), point); }

      private IterationRecord named(IterationRecord r) {
        if (r.note() == null || !r.note().contains("at row ")) return r;
        return new IterationRecord(r.iteration(), r.objectiveValue(), r.logObjectiveValue(), r.gradientNorm(),
            r.stepSize(), r.stepNorm(), r.damping(), r.dataPasses(), r.seconds(), r.hessian(),
            data.nameRows(r.note()));
      }
    };
  }

  /** What a checkpoint must have been written by: the same input, problem and solver. */
  static Map<String, Object> fingerprint(FitOptions o, BlockedData data) {
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("input", o.input);
    m.put("rows", data.rows());
    m.put("d", data.dim());
    m.put("nonZeros", data.nonZeros());
    m.put("objective", o.objective.label());
    m.put("link", o.link.label());
    m.put("regWeight", o.regWeight);
    m.put("ridge", o.ridge);
    m.put("intercept", o.intercept);
    m.put("solver", o.solver);
    return m;
  }

  /** One iteration as a progress line (the command line's and the estimator's). */
  public static String describe(IterationRecord r) {
    return String.format(Locale.ROOT,
        "iteration %3d: objective %-12.6g (log %.8g)  |grad| %-10.3e step %-8.3g damping %-8.2g passes %d  %.2f s  %s%s",
        r.iteration(), r.objectiveValue(), r.logObjectiveValue(), r.gradientNorm(), r.stepSize(), r.damping(),
        r.dataPasses(), r.seconds(), r.hessian(), r.note() == null ? "" : "; " + r.note());
  }
}
