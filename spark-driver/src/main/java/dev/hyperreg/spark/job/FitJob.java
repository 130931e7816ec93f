package dev.hyperreg.spark.job;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.hyperreg.core.OverflowException;
import dev.hyperreg.core.data.RowBlock;
import dev.hyperreg.core.linalg.LinearAlgebra;
import dev.hyperreg.core.objective.Link;
import dev.hyperreg.core.objective.Objective;
import dev.hyperreg.core.objective.ObjectiveFunction;
import dev.hyperreg.core.objective.ObjectiveKind;
import dev.hyperreg.core.sketch.SketchSpec;
import dev.hyperreg.core.solver.ConvergenceCertificate;
import dev.hyperreg.core.solver.FitResult;
import dev.hyperreg.core.solver.HessianStrategy;
import dev.hyperreg.core.solver.IterationListener;
import dev.hyperreg.core.solver.IterationRecord;
import dev.hyperreg.core.solver.NewtonCg;
import dev.hyperreg.core.solver.NewtonSolver;
import dev.hyperreg.core.solver.SketchedHessian;
import dev.hyperreg.core.solver.StartingPoint;
import dev.hyperreg.spark.ExitStatus;
import dev.hyperreg.spark.InputFormatException;
import dev.hyperreg.spark.UsageException;
import dev.hyperreg.spark.exec.SparkPassCost;
import dev.hyperreg.spark.exec.SparkPassRunner;
import dev.hyperreg.spark.io.AtomicOutput;
import dev.hyperreg.spark.io.BlockedData;
import dev.hyperreg.spark.io.Checkpoint;
import dev.hyperreg.spark.io.LibsvmInput;
import dev.hyperreg.spark.io.PointFile;
import dev.hyperreg.spark.lbfgs.LbfgsSolver;
import java.io.IOException;
import java.io.InputStream;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Properties;
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
  /** The largest design width the exact solver accepts (a d × d matrix of doubles is then 800 MB). */
  public static final int MAX_DIM = 10_000;
  /** CG steps (passes) the matrix-free least-squares start may take. */
  static final int MATRIX_FREE_START_STEPS = 30;
  /** d × d matrices the driver holds at once in the exact solver (pass sums, Hessian, factor, merges). */
  static final int DRIVER_MATRICES = 10;

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
      FitJob.SolverSettings settings = o.solverSettings();
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
      Map<String, Object> summary = summary(o, data, fitted, seconds, jsc.version());
      summary.put("resumedFromIteration", resumedFrom >= 0 ? resumedFrom : null);
      output.add("summary.json", toJson(summary));
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
   * How to solve: the solver's name ({@link FitOptions#SOLVERS}) and its settings.
   *
   * @param sketchSize sketch rows (or rows to sample), null for the default 20·d
   * @param aggregationDepth treeAggregate depth of every pass, 0 to choose it from the partitions
   * @param logGradientReference log ‖∇L‖ that --gradient-tol (and L-BFGS) measure against: NaN for the
   *     start point's; a resumed fit passes its original start's
   */
  public record SolverSettings(String solver, Integer sketchSize, long seed, int maxIterations, double tolerance,
      double gradientTolerance, int aggregationDepth, double logGradientReference) implements java.io.Serializable {
    /** Settings whose gradient test is relative to the start point's gradient. */
    public SolverSettings(String solver, Integer sketchSize, long seed, int maxIterations, double tolerance,
        double gradientTolerance, int aggregationDepth) {
      this(solver, sketchSize, seed, maxIterations, tolerance, gradientTolerance, aggregationDepth, Double.NaN);
    }

    /** The same settings with the gradient test relative to ‖∇L‖ = e^{logNorm} (a resumed fit). */
    SolverSettings withGradientReference(double logNorm) {
      return new SolverSettings(solver, sketchSize, seed, maxIterations, tolerance, gradientTolerance,
          aggregationDepth, logNorm);
    }
  }

  /**
   * A fit with the start it came from, the data passes it made (start included), and whether it
   * ran matrix-free (no d × d matrix on the driver: {@link #matrixFree}).
   */
  public record Fitted(FitResult fit, StartingPoint start, long passes, boolean matrixFree, String certificate) {}

  /**
   * Whether a fit runs with no d × d matrix on the driver: newton-cg (diagonal preconditioner,
   * LOBPCG check) and L-BFGS (LOBPCG check) when the d × d matrices they would hold (the
   * preconditioner, the final exact check) do not fit the driver's heap or d exceeds
   * {@link #MAX_DIM}. The other solvers need their d × d matrices ({@link #checkDimension}).
   */
  static boolean matrixFree(String solver, int dim, Integer sketchSize, long maxHeapBytes) {
    boolean canBe = solver.equals("lbfgs") || solver.equals("newton-cg");
    return canBe && !fits(dim, driverMatrices(solver, sketchSize, dim), maxHeapBytes);
  }

  /**
   * The one fitting path of the command line and the Spark ML estimator: the start (the given one,
   * or the least-squares fit of f⁻¹(b), sketched unless the solver is exact), then the solver, every
   * pass a Spark job over the cached blocks.
   *
   * @param start null for the default start
   * @param jobGroup the Spark job group the passes run under
   */
  public static Fitted fitBlocks(JavaSparkContext jsc, JavaRDD<RowBlock> blocks, Objective objective,
      SolverSettings s, StartingPoint start, String jobGroup, IterationListener listener) {
    int dim = objective.dim();
    long heap = Runtime.getRuntime().maxMemory();
    boolean matrixFree = matrixFree(s.solver(), dim, s.sketchSize(), heap);
    if (!matrixFree) checkDimension(dim, driverMatrices(s.solver(), s.sketchSize(), dim), heap);
    int partitions = blocks.getNumPartitions();
    int depth = s.aggregationDepth() > 0 ? s.aggregationDepth() : SparkPassRunner.aggregationDepth(partitions);
    long maxResultSize = jsc.getConf().getSizeAsBytes("spark.driver.maxResultSize", "1g");
    checkResultSize(maxResultSize, s.solver(), matrixFree, dim,
        s.sketchSize(), start == null, partitions, depth);
    ObjectiveFunction function = new ObjectiveFunction(objective,
        new SparkPassRunner(jsc, blocks, jobGroup, s.aggregationDepth()));
    if (matrixFree) {
      LOG.info("d = {}: the d×d matrices would not fit the driver's {} GiB heap, so the {} solver runs matrix-free"
          + " (Hessian-vector and diagonal passes; the convergence certificate from an accurate CG step and block"
          + " LOBPCG)", dim,
          String.format(Locale.ROOT, "%.1f", heap / (double) (1L << 30)), s.solver());
      if (start == null) start = StartingPoint.matrixFree(function, MATRIX_FREE_START_STEPS);
    }
    if (start == null && s.solver().equals("newton-cg")) {
      // its passes return little, and so do the start's: a row sample, not a sketch per task
      start = StartingPoint.sampled(function, SketchedHessian.rowsFor(dim, s.sketchSize()), s.seed());
    } else if (start == null) {
      SketchSpec startSketch = s.solver().equals("exact") ? null : StartingPoint.startSketch(dim, s.seed());
      start = StartingPoint.defaultFor(function, startSketch);
    }
    LOG.info("fitting {} with the {} solver from {}", objective.describe(), s.solver(), start.description());
    FitResult fit;
    // how convergence is certified: one exact pass, none beyond the last (exact: its passes carry the
    // exact Hessian), or matrix-free (accurate CG step, LOBPCG on the scaled Hessian)
    boolean dense = !matrixFree && denseCertificate(dim, finalAggregationTasks(partitions, depth), maxResultSize);
    String certificate = s.solver().equals("exact") ? "none"
        : matrixFree || (s.solver().equals("newton-cg") && !dense) ? "lobpcg" : "exact pass";
    if (s.solver().equals("lbfgs")) {
      double g = s.gradientTolerance() > 0 ? s.gradientTolerance() : 1e-8;
      LbfgsSolver lbfgs = new LbfgsSolver(s.maxIterations(), g, 10, s.logGradientReference());
      fit = (matrixFree ? lbfgs.matrixFree() : lbfgs).minimize(function, start.x(), listener);
    } else {
      boolean grows = s.solver().equals("sketch") || s.solver().equals("sample"); // newton-cg's sample does not
      long maxRows = grows ? largestSketchRows(s.solver(), dim, s.sketchSize(), heap) : 0;
      long initialRows = SketchedHessian.rowsFor(dim, s.sketchSize());
      if (maxRows > 0 && maxRows < SketchedHessian.MAX_GROWTH * initialRows) {
        LOG.info("the {} may grow from {} to {} rows only (what the driver's heap holds beside the d×d matrices),"
            + " not {}; past that the solver falls back to the exact Hessian", s.solver(), initialRows, maxRows,
            SketchedHessian.MAX_GROWTH * initialRows);
      }
      HessianStrategy hessians = switch (s.solver()) {
        case "exact" -> HessianStrategy.EXACT;
        case "sample" -> SketchedHessian.sampling(dim, s.sketchSize(), s.seed(), maxRows);
        case "newton-cg" -> matrixFree ? NewtonCg.matrixFree()
            : dense ? NewtonCg.forDimension(dim, s.sketchSize(), s.seed()).withPassCost(SparkPassCost.of(jsc, partitions))
                : NewtonCg.forDimension(dim, s.sketchSize(), s.seed()).withMatrixFreeCertificate();
        default -> SketchedHessian.forDimension(dim, s.sketchSize(), s.seed(), maxRows);
      };
      NewtonSolver solver = new NewtonSolver().withMaxIterations(s.maxIterations()).withTolerance(s.tolerance())
          .withGradientTolerance(s.gradientTolerance()).withGradientReference(s.logGradientReference());
      fit = solver.minimize(function, start.x(), hessians, listener);
    }
    return new Fitted(fit, start, function.passes(), matrixFree, certificate);
  }

  /**
   * d × d matrices' worth of doubles the driver holds at once: about ten for the exact Hessian (pass
   * sums, Hessian, factor, merges); for a sketch, its (m + m/8) × d sums (twice, while merging, and
   * the factor) on top; for a sample, its m kept rows of d values (twice while merging, and the
   * plain and weighted copies its Gram is formed from).
   */
  static double driverMatrices(FitOptions o, int dim) { return driverMatrices(o.solver, o.sketchSize, dim); }

  static double driverMatrices(String solver, Integer sketchSize, int dim) {
    return DRIVER_MATRICES + copiesPerRow(solver) * SketchedHessian.rowsFor(dim, sketchSize) / dim;
  }

  /** d-vectors the driver holds per sketch (or sample) row: see {@link #driverMatrices}. */
  private static double copiesPerRow(String solver) {
    return switch (solver) {
      case "sketch" -> 3 * 1.125;
      case "sample", "newton-cg" -> 4; // newton-cg: its preconditioner is a row sample
      default -> 0;
    };
  }

  /**
   * The most rows the sketch (or sample) may grow to: as many as the driver's heap holds beside
   * its d × d matrices (the share {@link #checkDimension} allows), at most {@link
   * SketchedHessian#MAX_GROWTH} times the initial m and never fewer than m (which the check before
   * the fit guarantees room for). Past it the solver falls back to the exact Hessian instead of
   * running the driver out of memory.
   */
  static long largestSketchRows(String solver, int dim, Integer sketchSize, long maxHeapBytes) {
    long m = SketchedHessian.rowsFor(dim, sketchSize);
    double room = 0.8 * maxHeapBytes - DRIVER_MATRICES * 8.0 * dim * dim;
    long fits = (long) Math.max(0, room / (8.0 * dim * copiesPerRow(solver)));
    return Math.max(m, Math.min(SketchedHessian.MAX_GROWTH * m, fits));
  }

  /**
   * Newton–CG's cost model for its convergence certificate: one exact pass, whose {@code results}
   * last-level tasks return up to four d × d pieces each (results·32·d² bytes), when that is at
   * most {@value #DENSE_CERTIFICATE_BYTES} bytes and half of spark.driver.maxResultSize; otherwise
   * the matrix-free certificate, whose passes (a diagonal, an accurate CG solve, ≤ 20 LOBPCG
   * passes) return d-vectors. One pass against several: the exact pass wins wherever its bytes
   * move in less time than a few pass latencies (≈ 0.5 s each on a cluster).
   */
  static boolean denseCertificate(int dim, int results, long maxResultSize) {
    double bytes = results * 4.0 * 8.0 * dim * (double) dim;
    return bytes <= DENSE_CERTIFICATE_BYTES && (maxResultSize <= 0 || bytes <= maxResultSize / 2.0);
  }

  static final long DENSE_CERTIFICATE_BYTES = 256L << 20;

  /**
   * Refuses a fit whose largest pass would return more than {@code spark.driver.maxResultSize}
   * (0: no limit) to the driver, which Spark would abort in the middle of the fit: what the
   * tasks of treeAggregate's last level return ({@link #largestPassResultBytes}).
   */
  static void checkResultSize(long maxResultSize, String solver, boolean matrixFree, int dim, Integer sketchSize,
      boolean defaultStart, int partitions, int depth) {
    if (maxResultSize <= 0 || matrixFree) return; // matrix-free passes return d-vectors
    int results = finalAggregationTasks(partitions, depth);
    double total = largestPassResultBytes(solver, dim, sketchSize, defaultStart, results);
    if (total <= maxResultSize) return;
    long needed = (long) Math.ceil(1.25 * total / (1 << 20));
    throw new UsageException(String.format(Locale.ROOT, "the %s solver's largest pass returns about %.0f MB to the"
        + " driver (from %d results of treeAggregate's last level, d = %d), more than spark.driver.maxResultSize"
        + " = %.0f MB, and Spark would abort the fit: set spark.driver.maxResultSize to at least %dm (--conf"
        + " spark.driver.maxResultSize=%dm), or raise the aggregation depth, or use --solver newton-cg, whose passes"
        + " return d-vectors (and about 20·d rows at a preconditioner)", solver, total / (1 << 20), results, dim,
        maxResultSize / (double) (1 << 20), needed, needed));
  }

  /**
   * Bytes the fit's largest pass returns to the driver from {@code results} tasks: each returns the
   * exact Hessian's pieces (up to four d × d matrices), the sketch's (m + m/8) × d or the sample's
   * (m + 1) × d at their largest, the default start's two sketches (two Grams for exact), or the
   * final exact check's pieces (lbfgs); newton-cg's largest is its normalized sample, about m rows
   * in all (1.5·m allowed): its other passes return d-vectors, and its certificate's exact pass is
   * taken only where it fits ({@link #denseCertificate}).
   */
  static double largestPassResultBytes(String solver, int dim, Integer sketchSize, boolean defaultStart, int results) {
    double gram = 8.0 * dim * dim;
    double row = 8.0 * dim;
    long m = SketchedHessian.rowsFor(dim, sketchSize);
    if (solver.equals("newton-cg")) return Math.max(1.5 * m * row, results * 4.0 * ConvergenceCertificate.CHECK_BLOCK * row);
    double start = !defaultStart ? 0
        : solver.equals("exact") ? 2 * gram : 2 * row * StartingPoint.startSketch(dim, 0).rows();
    double perTask = switch (solver) {
      case "exact" -> 4 * gram;
      case "sketch" -> row * 1.125 * SketchedHessian.MAX_GROWTH * m + gram;
      case "sample" -> row * (SketchedHessian.MAX_GROWTH * m + 1);
      default -> 4 * gram; // lbfgs: the final exact check
    };
    return results * Math.max(start, perTask);
  }

  /**
   * How many results reach the driver from a treeAggregate of P partitions at the given depth:
   * Spark's own rule (scale = max(⌈P^(1/depth)⌉, 2); merge by scale while P &gt; scale + ⌈P/scale⌉).
   */
  static int finalAggregationTasks(int partitions, int depth) {
    int scale = Math.max((int) Math.ceil(Math.pow(partitions, 1.0 / depth)), 2);
    int n = partitions;
    while (n > scale + (int) Math.ceil((double) n / scale)) n /= scale;
    return n;
  }

  /** Whether d × d matrices of that count fit the driver (within {@link #MAX_DIM} and 80% of the heap). */
  static boolean fits(int dim, double matrices, long maxHeapBytes) {
    return dim <= MAX_DIM && matrices * 8.0 * dim * dim <= 0.8 * maxHeapBytes;
  }

  /** Refuses a d the driver cannot hold, saying how much memory it would need and what runs without. */
  public static void checkDimension(int dim, double matrices, long maxHeapBytes) {
    double needed = matrices * 8.0 * dim * dim;
    String instead = " (--solver newton-cg or lbfgs fit any d: they run matrix-free when d × d matrices do not fit)";
    if (dim > MAX_DIM) {
      throw new InputFormatException(String.format(Locale.ROOT,
          "the design has d = %d columns; solvers with d × d matrices support at most d = %d", dim, MAX_DIM) + instead);
    }
    if (needed > 0.8 * maxHeapBytes) {
      throw new InputFormatException(String.format(Locale.ROOT,
          "d = %d needs about %.2f GiB of driver memory (%.0f d×d matrices of 8·d² bytes) but the driver has"
              + " %.2f GiB: raise spark.driver.memory (or -Xmx for local runs)",
          dim, needed / (1L << 30), matrices, maxHeapBytes / (double) (1L << 30)) + instead);
    }
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

  static Map<String, Object> summary(FitOptions o, BlockedData data, Fitted fitted, double seconds,
      String sparkVersion) {
    FitResult fit = fitted.fit();
    StartingPoint start = fitted.start();
    long passes = fitted.passes();
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("objective", o.objective.label());
    m.put("link", o.link.label());
    m.put("solver", o.solver);
    m.put("n", data.rows());
    m.put("d", data.dim());
    m.put("features", data.features());
    m.put("intercept", o.intercept);
    m.put("coefficients", finite(fit.coefficients()));
    m.put("objectiveValue", finiteOrNull(fit.finalEvaluation().loss()));
    m.put("logObjectiveValue", finiteOrNull(fit.finalEvaluation().logLoss()));
    m.put("gradientNorm", finiteOrNull(fit.finalEvaluation().gradientNorm()));
    m.put("logGradientNorm", finiteOrNull(fit.finalEvaluation().logGradientNorm()));
    m.put("hessianMinEigenvalue", finiteOrNull(fit.hessianMinEigenvalue()));
    m.put("converged", fit.converged());
    m.put("stopReason", fit.stopReason().name());
    m.put("message", data.nameRows(fit.message()));
    m.put("iterationCount", fit.iterationCount());
    m.put("dataPasses", passes);
    long recorded = 0;
    for (IterationRecord r : fit.iterations()) recorded += r.dataPasses();
    // the default start's pass, plus what follows the last recorded step: the final exact check of
    // an approximate Hessian, the trials of a line search that found no decrease
    m.put("passesOutsideIterations", passes - recorded);
    m.put("totalSeconds", seconds);
    m.put("solveSeconds", fit.seconds());
    m.put("start", start.description());
    m.put("matrixFree", fitted.matrixFree());
    // how the convergence certificate saw the Hessian: "none" beyond the fit's own passes (exact),
    // one exact pass, or block LOBPCG on Hessian-times-block passes (matrix-free) — all in dataPasses
    m.put("finalHessianCheck", fitted.certificate());
    m.put("configuration", o.toMap());
    Map<String, Object> versions = new LinkedHashMap<>();
    versions.put("hyperreg", hyperregVersion());
    versions.put("spark", sparkVersion);
    versions.put("java", System.getProperty("java.version"));
    versions.put("blas", LinearAlgebra.implementationNames());
    m.put("versions", versions);
    Map<String, Object> input = new LinkedHashMap<>();
    input.put("files", data.files());
    input.put("nonZeros", data.nonZeros());
    input.put("blocks", data.totalBlocks());
    input.put("denseBlocks", data.denseBlocks());
    input.put("widenedBlocks", data.widenedBlocks());
    input.put("partitions", data.blocks().getNumPartitions());
    m.put("input", input);
    List<Map<String, Object>> iterations = new ArrayList<>();
    for (IterationRecord r : fit.iterations()) {
      Map<String, Object> it = new LinkedHashMap<>();
      it.put("iteration", r.iteration());
      it.put("objectiveValue", finiteOrNull(r.objectiveValue()));
      it.put("logObjectiveValue", finiteOrNull(r.logObjectiveValue()));
      it.put("gradientNorm", finiteOrNull(r.gradientNorm()));
      it.put("stepSize", r.stepSize());
      it.put("stepNorm", r.stepNorm());
      it.put("damping", r.damping());
      it.put("seconds", r.seconds());
      it.put("dataPasses", r.dataPasses());
      it.put("hessian", r.hessian());
      if (r.note() != null) it.put("note", data.nameRows(r.note()));
      iterations.add(it);
    }
    m.put("iterations", iterations);
    return m;
  }

  /** JSON has no NaN or infinity: such values are written as null (the log form says the rest). */
  static Double finiteOrNull(double v) { return Double.isFinite(v) ? v : null; }

  private static Object finiteOrNull(Object value) {
    if (value instanceof Double d) return finiteOrNull(d.doubleValue());
    if (value instanceof double[] a) {
      List<Double> list = new ArrayList<>(a.length);
      for (double v : a) list.add(finiteOrNull(v));
      return list;
    }
    if (value instanceof Map<?, ?> map) {
      Map<Object, Object> out = new LinkedHashMap<>();
      map.forEach((k, v) -> out.put(k, finiteOrNull(v)));
      return out;
    }
    if (value instanceof List<?> list) return list.stream().map(FitJob::finiteOrNull).toList();
    return value;
  }

  private static double[] finite(double[] x) {
    for (double v : x) {
      if (!Double.isFinite(v)) throw new IllegalStateException("non-finite coefficient " + v);
    }
    return x;
  }

  /** JSON of maps, lists, arrays and scalars; NaN and infinities (which JSON has not) become null. */
  public static String toJson(Object value) {
    try {
      return new ObjectMapper().writerWithDefaultPrettyPrinter().writeValueAsString(finiteOrNull(value)) + "\n";
    } catch (JsonProcessingException e) {
      throw new IllegalStateException(e);
    }
  }

  static String hyperregVersion() {
    try (InputStream in = FitJob.class.getResourceAsStream("/dev/hyperreg/version.properties")) {
      if (in == null) return "unknown";
      Properties p = new Properties();
      p.load(in);
      return p.getProperty("version", "unknown");
    } catch (IOException e) {
      return "unknown";
    }
  }
}
