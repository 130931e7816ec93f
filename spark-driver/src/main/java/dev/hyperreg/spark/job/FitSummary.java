package dev.hyperreg.spark.job;

import dev.hyperreg.core.linalg.LinearAlgebra;
import dev.hyperreg.core.solver.FitResult;
import dev.hyperreg.core.solver.IterationRecord;
import dev.hyperreg.spark.io.BlockedData;
import java.io.IOException;
import java.io.InputStream;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;

/**
 * summary.json of {@code hyperreg fit}: what was fitted, the answer, how the fit went and what it
 * ran on. Its fields are the README's list (section "Output"); {@code hyperreg predict} reads
 * {@code objective}, {@code link}, {@code intercept} and {@code coefficients} back. Rows that the
 * message and notes mention are named by file and line.
 */
public final class FitSummary {
  private FitSummary() {}

  /**
   * The summary as an ordered map, ready for {@link Json#write}.
   *
   * @param seconds the job's wall time, loading included
   * @param resumedFromIteration the checkpoint iteration the fit resumed from, negative for none
   */
  static Map<String, Object> of(FitOptions o, BlockedData data, FitJob.Fitted fitted, double seconds,
      String sparkVersion, int resumedFromIteration) {
    FitResult fit = fitted.fit();
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
    m.put("objectiveValue", Json.finiteOrNull(fit.finalEvaluation().loss()));
    m.put("logObjectiveValue", Json.finiteOrNull(fit.finalEvaluation().logLoss()));
    m.put("gradientNorm", Json.finiteOrNull(fit.finalEvaluation().gradientNorm()));
    m.put("logGradientNorm", Json.finiteOrNull(fit.finalEvaluation().logGradientNorm()));
    m.put("hessianMinEigenvalue", Json.finiteOrNull(fit.hessianMinEigenvalue()));
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
    m.put("start", fitted.start().description());
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
    for (IterationRecord r : fit.iterations()) iterations.add(iteration(r, data));
    m.put("iterations", iterations);
    m.put("resumedFromIteration", resumedFromIteration >= 0 ? resumedFromIteration : null);
    return m;
  }

  private static Map<String, Object> iteration(IterationRecord r, BlockedData data) {
    Map<String, Object> it = new LinkedHashMap<>();
    it.put("iteration", r.iteration());
    it.put("objectiveValue", Json.finiteOrNull(r.objectiveValue()));
    it.put("logObjectiveValue", Json.finiteOrNull(r.logObjectiveValue()));
    it.put("gradientNorm", Json.finiteOrNull(r.gradientNorm()));
    it.put("stepSize", r.stepSize());
    it.put("stepNorm", r.stepNorm());
    it.put("damping", r.damping());
    it.put("seconds", r.seconds());
    it.put("dataPasses", r.dataPasses());
    it.put("hessian", r.hessian());
    if (r.note() != null) it.put("note", data.nameRows(r.note()));
    return it;
  }

  /** The coefficients, which a converged or stopped fit always has finite (a model with NaN is a bug). */
  private static double[] finite(double[] x) {
    for (double v : x) {
      if (!Double.isFinite(v)) throw new IllegalStateException("non-finite coefficient " + v);
    }
    return x;
  }

  /** The version the build wrote into the jar; "unknown" when run from classes without it. */
  static String hyperregVersion() {
    try (InputStream in = FitSummary.class.getResourceAsStream("/dev/hyperreg/version.properties")) {
      if (in == null) return "unknown";
      Properties p = new Properties();
      p.load(in);
      return p.getProperty("version", "unknown");
    } catch (IOException e) {
      return "unknown";
    }
  }
}
