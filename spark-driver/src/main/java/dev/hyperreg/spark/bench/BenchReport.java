package dev.hyperreg.spark.bench;

import dev.hyperreg.core.solver.SketchedHessian;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Locale;

/** bench.md from the results {@link Benchmark} gathers, and the scaling series' fit in bench.json. */
final class BenchReport {
  private BenchReport() {}

  /** Least squares of sketch seconds per iteration = a + b·nnz over the scaling series, with R². */
  @SuppressWarnings("unchecked")
  static Map<String, Object> scalingFit(List<Map<String, Object>> results) {
    List<double[]> points = new ArrayList<>();
    for (Map<String, Object> r : results) {
      if (!((String) r.get("name")).startsWith("scaling-")) continue;
      Map<String, Map<String, Object>> methods = (Map<String, Map<String, Object>>) r.get("methods");
      if (!methods.containsKey("sketch")) continue;
      points.add(new double[] {((Number) r.get("storedEntries")).doubleValue(),
          ((Number) methods.get("sketch").get("secondsPerIteration")).doubleValue()});
    }
    Map<String, Object> fit = new LinkedHashMap<>();
    if (points.size() < 3) return fit;
    double mx = 0, my = 0;
    for (double[] q : points) {
      mx += q[0] / points.size();
      my += q[1] / points.size();
    }
    double sxy = 0, sxx = 0, syy = 0;
    for (double[] q : points) {
      sxy += (q[0] - mx) * (q[1] - my);
      sxx += (q[0] - mx) * (q[0] - mx);
      syy += (q[1] - my) * (q[1] - my);
    }
    double b = sxy / sxx;
    fit.put("secondsPerIterationIntercept", my - b * mx);
    fit.put("secondsPerNonZero", b);
    fit.put("rSquared", sxy * sxy / (sxx * syy));
    fit.put("points", points.size());
    return fit;
  }

  @SuppressWarnings("unchecked")
  private static String orDash(Object value) { return value == null ? "—" : value.toString(); }

  static String markdown(Map<String, Object> header, List<Map<String, Object>> results, Map<String, Object> scaling) {
    StringBuilder sb = new StringBuilder();
    sb.append("Machine: ").append(header.get("cores")).append(" cores, heap ")
        .append(String.format(Locale.ROOT, "%.1f", (Double) header.get("maxHeapGiB"))).append(" GiB, BLAS ")
        .append(header.get("blas")).append(", Spark ").append(header.get("spark")).append(", Java ")
        .append(header.get("java")).append("\n\n");
    sb.append("| problem | n | d | nnz | P | bare pass s | method | iters to 1e-6 | passes to 1e-6 | s to 1e-6 | iters"
        + " | passes | passes by kind | MB/pass | s/iter | s/iter ÷ bare | s to ‖∇L‖ 1e-8 | rel. err vs exact | stop |\n");
    sb.append("|---|---|---|---|---|---|---|---|---|---|---|---|---|---|---|---|---|---|---|\n");
    for (Map<String, Object> r : results) {
      double bare = (Double) r.get("barePassSeconds");
      Map<String, Map<String, Object>> methods = (Map<String, Map<String, Object>>) r.get("methods");
      for (Map.Entry<String, Map<String, Object>> e : methods.entrySet()) {
        Map<String, Object> m = e.getValue();
        double spi = (Double) m.get("secondsPerIteration");
        sb.append(String.format(Locale.ROOT, "| %s | %d | %d | %d | %d | %.3f | %s | %s | %s | %s | %d | %d | %s | %.2f | %.3f | %.1f | %s | %s | %s |%n",
            r.get("name"), r.get("n"), r.get("d"), r.get("storedEntries"), r.get("partitions"), bare, e.getKey(),
            orDash(m.get("iterationsTo1e-6")), orDash(m.get("passesTo1e-6")),
            m.get("secondsTo1e-6") == null ? "—" : String.format(Locale.ROOT, "%.2f", (Double) m.get("secondsTo1e-6")),
            m.get("iterations"), m.get("dataPasses"), m.get("passesByKind"), (Double) m.get("bytesPerPass") / 1e6, spi, spi / bare,
            m.get("secondsTo1e-8") == null ? "—" : String.format(Locale.ROOT, "%.2f", (Double) m.get("secondsTo1e-8")),
            m.get("relativeErrorVsExact") == null ? "—" : String.format(Locale.ROOT, "%.1e", (Double) m.get("relativeErrorVsExact")),
            m.get("stopReason")));
      }
      if (r.containsKey("sparkGlr")) {
        Map<String, Object> g = (Map<String, Object>) r.get("sparkGlr");
        sb.append(String.format(Locale.ROOT, "| %s | | | | | | Spark GLR | | | | %s | | | | %.3f | %.1f | %.2f (total) | %.1e | |%n",
            r.get("name"), g.get("iterations"), (Double) g.get("secondsPerIteration"),
            (Double) g.get("secondsPerIteration") / bare, (Double) g.get("seconds"), (Double) g.get("relativeErrorVsExact")));
      }
    }
    sb.append("\nExact Hessian pass throughput (Gram flops over its time beyond a bare pass):\n\n");
    for (Map<String, Object> r : results) {
      sb.append(String.format(Locale.ROOT, "- %s: %.1f GFLOP/s (one exact pass %.2f s); cached fraction %.2f%n",
          r.get("name"), (Double) r.get("exactGramGflops"), (Double) r.get("exactHessianPassSeconds"),
          (Double) r.get("cachedFraction")));
    }
    sb.append("\nOne pass at the start point, seconds (median of three):\n\n");
    sb.append("| problem | bare | loss + gradient | + sketch 20d, s = 4 | + sketch 20d, s = 2"
        + " | + sketch 4d, s = " + SketchedHessian.DEFAULT_NONZEROS + " | + exact Hessian |\n");
    sb.append("|---|---|---|---|---|---|---|\n");
    for (Map<String, Object> r : results) {
      sb.append(String.format(Locale.ROOT, "| %s | %.3f | %.3f | %.3f | %.3f | %.3f | %.3f |%n", r.get("name"),
          (Double) r.get("barePassSeconds"), (Double) r.get("lossGradientPassSeconds"),
          (Double) r.get("sketch20dS4PassSeconds"), (Double) r.get("sketch20dS2PassSeconds"),
          (Double) r.get("sketch4dS" + SketchedHessian.DEFAULT_NONZEROS + "PassSeconds"),
          (Double) r.get("exactHessianPassSeconds")));
    }
    for (Map<String, Object> r : results) {
      if (!r.containsKey("sparkGlr")) continue;
      Map<String, Object> g = (Map<String, Object>) r.get("sparkGlr");
      sb.append(String.format(Locale.ROOT, "%nSpark GLR on %s, one pass over the cached frame: %.3f s with the NaN/Inf"
          + " check of every feature vector that each of its IRLS passes makes, %.3f s without it, %.3f s for a"
          + " bare count.%n", r.get("name"), (Double) g.get("validatedPassSeconds"),
          (Double) g.get("unvalidatedPassSeconds"), (Double) g.get("cachedFrameCountSeconds")));
    }
    if (!scaling.isEmpty()) {
      sb.append(String.format(Locale.ROOT, "%nScaling series (sketch): seconds/iteration = %.3g + %.3g·nnz, R² = %.4f%n",
          (Double) scaling.get("secondsPerIterationIntercept"), (Double) scaling.get("secondsPerNonZero"),
          (Double) scaling.get("rSquared")));
    }
    return sb.toString();
  }
}
