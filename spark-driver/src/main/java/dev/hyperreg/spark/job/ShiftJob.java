package dev.hyperreg.spark.job;

import dev.hyperreg.core.OverflowException;
import dev.hyperreg.core.data.PairedPassRunner;
import dev.hyperreg.core.data.RowBlock;
import dev.hyperreg.core.linalg.LinearAlgebra;
import dev.hyperreg.core.objective.Objective;
import dev.hyperreg.core.shift.DataShift;
import dev.hyperreg.core.shift.RandomPerturbation;
import dev.hyperreg.core.shift.ScalableShift;
import dev.hyperreg.core.shift.ShiftAnalysis;
import dev.hyperreg.core.shift.ShiftSensitivity;
import dev.hyperreg.core.solver.FitResult;
import dev.hyperreg.core.solver.StartingPoint;
import dev.hyperreg.spark.ExitStatus;
import dev.hyperreg.spark.exec.SparkPairedRunner;
import dev.hyperreg.spark.exec.SparkPassRunner;
import dev.hyperreg.spark.io.AtomicOutput;
import dev.hyperreg.spark.io.BlockedData;
import dev.hyperreg.spark.io.LibsvmInput;
import dev.hyperreg.spark.io.PointFile;
import java.io.IOException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.function.DoubleFunction;
import org.apache.hadoop.conf.Configuration;
import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.storage.StorageLevel;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import scala.Tuple2;

/**
 * {@code hyperreg shift}: fit x* on (A, b) (or polish a given model), shift the data, and report
 * what {@link ShiftAnalysis} finds for the shift and for a sweep of multiples of it — shift.json,
 * report.txt and sweep.svg, written atomically.
 */
public final class ShiftJob {
  private static final Logger LOG = LoggerFactory.getLogger("dev.hyperreg.shift");
  private static final String JOB_GROUP = "hyperreg-shift";

  private final ShiftOptions options;

  public ShiftJob(ShiftOptions options) { this.options = options; }

  public ExitStatus run(JavaSparkContext jsc) throws IOException {
    FitOptions f = options.fit;
    Configuration conf = jsc.hadoopConfiguration();
    AtomicOutput output = new AtomicOutput(f.output, conf, f.overwrite);
    output.checkWritable();
    String startPath = options.model != null ? options.model + "/coefficients.txt" : f.x0;
    double[] start = startPath == null ? null : PointFile.read(startPath, conf);
    long started = System.nanoTime();

    JavaRDD<Tuple2<RowBlock, RowBlock>> pairs = null;
    BlockedData data;
    if (options.shiftedInput != null) {
      LibsvmInput.Paired paired = LibsvmInput.loadPaired(jsc, f.input, options.shiftedInput, f.numFeatures,
          f.intercept, f.regWeight, f.partitions);
      data = paired.original();
      pairs = paired.pairs();
    } else {
      data = LibsvmInput.unwrapInputErrors(() -> f.load(jsc));
    }
    List<JavaRDD<?>> cached = new ArrayList<>(List.of(data.blocks()));
    if (pairs != null) cached.add(pairs);
    try {
      int dim = data.dim();
      // on top of the fit's matrices: the analysis pass's sums (7 d×d, two while merging), K, N, H,
      // its factor, the Gram and two sandwiches
      DriverLimits.checkDimension(dim, DriverLimits.driverMatrices(f, dim) + 22, Runtime.getRuntime().maxMemory());
      if (start != null) PointFile.checkLength(start, dim, startPath, f.intercept);
      LOG.info("loaded {} rows × {} features from {} file(s)", data.rows(), data.features(), data.files().size());
      Objective objective = new Objective(f.objective, f.link, dim, f.ridge, data.interceptColumn());
      SolverSettings settings = f.solverSettings();

      // x*: the minimizer on (A, b), from the model (polished) or from scratch
      FitJob.Fitted original = fit(jsc, data.blocks(), objective, settings,
          start == null ? null : new StartingPoint(start, startPath));
      FitResult fitted = original.fit();
      double[] x = fitted.coefficients();
      Map<String, Object> report = new LinkedHashMap<>();
      report.put("objective", objective.describe());
      report.put("n", data.rows());
      report.put("d", dim);
      report.put("configuration", options.toMap());
      report.put("originalFit", fitSummary(fitted, original.passes()));
      if (!fitted.converged()) {
        return notConverged(output, report, "the fit of x* on the unshifted data did not converge: "
            + fitted.message());
      }
      ShiftSensitivity sensitivity = ShiftSensitivity.at(objective, x,
          new SparkPassRunner(jsc, data.blocks(), JOB_GROUP, settings.aggregationDepth()));
      report.put("xStar", x);
      report.put("xStarNorm", LinearAlgebra.norm(x));
      report.put("aSpectralNorm", sensitivity.aNorm());
      report.put("bNorm", sensitivity.bNorm());
      report.put("hessianMinEigenvalue", sensitivity.hessianMinEigenvalue());
      if (!sensitivity.isStrictMinimizer()) {
        return notConverged(output, report, String.format(Locale.ROOT, "x* is not a strict minimizer (smallest"
            + " Hessian eigenvalue %.3g): the minimizer does not move Lipschitz-continuously there; add"
            + " regularization (--reg-weight, --ridge)", sensitivity.hessianMinEigenvalue()));
      }
      report.put("firstOrderConstantA", sensitivity.constantA());
      report.put("firstOrderConstantB", sensitivity.constantB());
      ScalableShift shift = null;
      if (options.shiftedInput == null) {
        shift = options.worstDirection ? sensitivity.worstShift(options.perturbA, options.perturbB)
            : RandomPerturbation.relative(new SparkPassRunner(jsc, data.blocks(), JOB_GROUP), options.perturbA,
                options.perturbB, f.seed, data.interceptColumn());
        pairs = shiftedPairs(data.blocks(), shift);
        cached.add(pairs);
      }

      DoubleFunction<ShiftAnalysis.ShiftedProblem> problemAt = scaledProblems(jsc, pairs, shift, data,
          objective, settings, cached);
      LOG.info("analyzing the shift");
      ShiftAnalysis.Result result = ShiftAnalysis.analyze(sensitivity, problemAt.apply(1), true, true);
      report.putAll(ShiftReport.describe(result, sensitivity, data.rows()));
      List<Map<String, Object>> sweep = new ArrayList<>();
      for (double k : options.sweepFactors()) {
        LOG.info("sweep: the shift × {}", ShiftOptions.describe(k));
        int cachedBefore = cached.size();
        ShiftAnalysis.Result r = k == 1 ? result : ShiftAnalysis.analyze(sensitivity, problemAt.apply(k), false, false);
        while (cached.size() > cachedBefore) cached.remove(cached.size() - 1).unpersist(false);   // one copy at a time
        if (!r.warm().fit().converged()) {
          LOG.warn("sweep: the refit at {} × the shift did not converge ({}); its row says so (warmConverged)",
              ShiftOptions.describe(k), r.warm().fit().stopReason());
        }
        Map<String, Object> point = new LinkedHashMap<>();
        point.put("factor", k);
        point.putAll(ShiftReport.sweepPoint(r));
        sweep.add(point);
      }
      report.put("sweep", sweep);
      double seconds = (System.nanoTime() - started) / 1e9;
      report.put("totalSeconds", seconds);
      String table = ShiftReport.table(report, sweep);
      output.add("shift.json", Json.write(report));
      output.add("report.txt", table);
      if (!sweep.isEmpty()) output.add("sweep.svg", ShiftReport.svg(sweep, result.radiusFactor() * result.dataShiftNorm()));
      boolean converged = result.warm().fit().converged() && (result.cold() == null || result.cold().fit().converged());
      output.commit(converged);
      for (String line : table.split("\n")) LOG.info(line);
      if (!converged) {
        LOG.warn("NOT CONVERGED: a refit on the shifted data did not converge; report written to {} without {}",
            f.output, AtomicOutput.SUCCESS_MARKER);
        return ExitStatus.NOT_CONVERGED;
      }
      LOG.info("shift analysis done in {} s; report in {}", String.format(Locale.ROOT, "%.2f", seconds), f.output);
      return ExitStatus.SUCCESS;
    } catch (OverflowException e) {
      throw data.numericalFailure(e);
    } finally {
      for (JavaRDD<?> rdd : cached) rdd.unpersist(false);
    }
  }

  private ExitStatus notConverged(AtomicOutput output, Map<String, Object> report, String why) throws IOException {
    LOG.warn("NOT CONVERGED: {}", why);
    report.put("message", why);
    output.add("shift.json", Json.write(report));
    output.commit(false);
    return ExitStatus.NOT_CONVERGED;
  }

  private static FitJob.Fitted fit(JavaSparkContext jsc, JavaRDD<RowBlock> blocks, Objective objective,
      SolverSettings settings, StartingPoint start) {
    return FitJob.fitBlocks(jsc, blocks, objective, settings, start, JOB_GROUP, FitJob::logIteration);
  }

  /** The pairs (block, its shift by the perturbation), cached. */
  private static JavaRDD<Tuple2<RowBlock, RowBlock>> shiftedPairs(JavaRDD<RowBlock> blocks, DataShift shift) {
    return blocks.map(b -> new Tuple2<>(b, shift.apply(b))).persist(StorageLevel.MEMORY_AND_DISK());
  }

  /**
   * The shifted problem for a multiple k of the shift: the generated shift k times as large, or the
   * point (A + kΔA, b + kΔb) of the path to a second dataset. The pairs of each k are cached and
   * added to {@code cached}, for the caller to release once that k is analyzed.
   */
  private static DoubleFunction<ShiftAnalysis.ShiftedProblem> scaledProblems(JavaSparkContext jsc,
      JavaRDD<Tuple2<RowBlock, RowBlock>> pairs, ScalableShift perturbation, BlockedData data,
      Objective objective, SolverSettings settings, List<JavaRDD<?>> cached) {
    return k -> {
      JavaRDD<Tuple2<RowBlock, RowBlock>> scaled = pairs;
      if (k != 1) {
        scaled = perturbation != null ? shiftedPairs(data.blocks(), perturbation.times(k))
            : pairs.map(p -> new Tuple2<>(p._1(), DataShift.between(p._1(), p._2(), k, false)))
                .persist(StorageLevel.MEMORY_AND_DISK());
        cached.add(scaled);
      }
      SparkPairedRunner runner = new SparkPairedRunner(jsc, scaled, JOB_GROUP, settings.aggregationDepth());
      return new ShiftAnalysis.ShiftedProblem() {
        @Override public PairedPassRunner passes() { return runner; }

        @Override public ShiftAnalysis.Refit fit(boolean shifted, double[] start) {
          FitJob.Fitted fitted = ShiftJob.fit(jsc, shifted ? runner.shiftedBlocks() : runner.originalBlocks(),
              objective, settings, start == null ? null : new StartingPoint(start, "x* of the unshifted data"));
          return new ShiftAnalysis.Refit(fitted.fit(), fitted.passes());
        }
      };
    };
  }

  static Map<String, Object> fitSummary(FitResult fit, long passes) {
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("converged", fit.converged());
    m.put("stopReason", fit.stopReason().name());
    m.put("iterations", fit.iterationCount());
    m.put("dataPasses", passes);
    m.put("logObjectiveValue", Json.finiteOrNull(fit.finalEvaluation().logLoss()));
    return m;
  }
}
