package dev.hyperreg.spark.job;

import dev.hyperreg.core.linalg.LinearAlgebra;
import dev.hyperreg.core.shift.ShiftAnalysis;
import dev.hyperreg.core.shift.ShiftSensitivity;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/** The report of {@code hyperreg shift}: JSON fields, a text table and an SVG plot of the sweep. */
final class ShiftReport {
  private ShiftReport() {}

  /** The fields of shift.json for the analyzed shift. */
  static Map<String, Object> describe(ShiftAnalysis.Result r, ShiftSensitivity s, long rows) {
    Map<String, Object> m = new LinkedHashMap<>();
    ShiftSensitivity.FirstOrder f = r.firstOrder();
    double shiftNorm = r.dataShiftNorm();
    double solution = r.solutionShiftNorm();
    m.put("dataShiftNorm", shiftNorm);
    Map<String, Object> data = new LinkedHashMap<>();
    data.put("aFrobenius", f.aFrobenius());
    data.put("aSpectral", f.aSpectral());
    data.put("aSpectralRelative", f.aSpectral() / s.aNorm());
    data.put("b", f.bNorm());
    data.put("bRelative", f.bNorm() / s.bNorm());
    m.put("dataShift", data);
    m.put("solutionShiftNorm", solution);
    m.put("solutionShift", r.solutionShift());
    m.put("lipschitzRatio", solution / shiftNorm);
    // per part only when only that part moved: with both, the split of ‖Δx*‖ between them is unknown
    m.put("lipschitzRatioA", f.aSpectral() > 0 && f.bNorm() == 0 ? solution / f.aSpectral() : null);
    m.put("lipschitzRatioB", f.bNorm() > 0 && f.aSpectral() == 0 ? solution / f.bNorm() : null);
    ShiftSensitivity.Bound bound = r.bound();
    m.put("lipschitzBound", bound.valid() ? r.lipschitzBound() : null);
    m.put("lipschitzBoundA", bound.valid() ? bound.lipschitzA() : null);
    m.put("lipschitzBoundB", bound.valid() ? bound.lipschitzB() : null);
    m.put("solutionShiftBound", bound.valid() ? bound.solutionShift() : null);
    m.put("boundOverObserved", bound.valid() && solution > 0 ? bound.solutionShift() / solution : null);
    m.put("withinBoundRadius", bound.valid());
    m.put("boundRadius", r.radiusFactor() * shiftNorm);
    m.put("boundRadiusFactor", r.radiusFactor());
    m.put("predictedShift", f.predictedShift());
    m.put("predictedShiftError", Json.finiteOrNull(r.predictedShiftError()));
    m.put("predictedShiftRelativeError", solution > 0 ? Json.finiteOrNull(r.predictedShiftError() / solution) : null);
    Map<String, Object> output = new LinkedHashMap<>();
    output.put("relative", r.outputShiftRelative());
    output.put("relativePerUnitShift", r.outputShiftRelative() / shiftNorm);
    output.put("relativeBound", bound.valid() ? bound.outputShiftRelative() : null);
    m.put("outputShift", output);
    m.put("warmIterations", r.warm().fit().iterationCount());
    m.put("warmPasses", r.warm().passes());
    if (r.cold() != null) {
      m.put("coldIterations", r.cold().fit().iterationCount());
      m.put("coldPasses", r.cold().passes());
      m.put("warmColdDistance", LinearAlgebra.distance(r.warm().fit().coefficients(), r.cold().fit().coefficients()));
    }
    m.put("warmStopReason", r.warm().fit().stopReason().name());
    Map<String, Object> equivalence = new LinkedHashMap<>();
    ShiftSensitivity.Equivalence e = r.equivalence();
    if (r.newtonStep() == null) {
      equivalence.put("defined", false);
      equivalence.put("reason", "the exact Hessian on the shifted data is not positive definite at x*");
    } else if (!e.defined()) {
      equivalence.put("defined", false);
      equivalence.put("reason", "x* = 0 to the fit's precision (as for rescaled sinh): a weight step from x = 0"
          + " changes Ax from 0, which no ΔA·0 can; ΔA = (AΔx)xᵀ/‖x‖² needs x ≠ 0");
      equivalence.put("newtonStepNorm", e.stepNorm());
    } else {
      equivalence.put("defined", true);
      equivalence.put("newtonStepNorm", e.stepNorm());
      equivalence.put("equivalentDataShiftNorm", e.dataShiftFrobenius());
      equivalence.put("equivalentDataShiftBound", e.dataShiftBound());
      equivalence.put("maxRelativeOutputDiscrepancy", e.maxOutputDiscrepancy());
    }
    m.put("weightShiftAsDataShift", equivalence);
    return m;
  }

  /** One row of the sweep. */
  static Map<String, Object> sweepPoint(ShiftAnalysis.Result r) {
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("dataShiftNorm", r.dataShiftNorm());
    m.put("solutionShiftNorm", r.solutionShiftNorm());
    double[] predicted = r.firstOrder().predictedShift();
    m.put("predictedShiftNorm", predicted == null ? null : LinearAlgebra.norm(predicted));
    m.put("predictedShiftError", Json.finiteOrNull(r.predictedShiftError()));
    m.put("solutionShiftBound", r.bound().valid() ? r.bound().solutionShift() : null);
    m.put("lipschitzRatio", r.lipschitzRatio());
    m.put("outputShiftRelative", r.outputShiftRelative());
    m.put("warmIterations", r.warm().fit().iterationCount());
    m.put("warmPasses", r.warm().passes());
    m.put("warmConverged", r.warm().fit().converged());
    return m;
  }

  /** report.txt: the headline numbers, then the sweep as a table. */
  static String table(Map<String, Object> report, List<Map<String, Object>> sweep) {
    StringBuilder sb = new StringBuilder();
    sb.append("shift analysis of ").append(report.get("objective")).append(", n = ").append(report.get("n")).append('\n');
    for (String key : new String[] {"dataShiftNorm", "solutionShiftNorm", "lipschitzRatio", "lipschitzBound",
        "boundOverObserved", "boundRadius", "predictedShiftError", "predictedShiftRelativeError", "firstOrderConstantA",
        "firstOrderConstantB", "hessianMinEigenvalue", "warmIterations", "warmPasses", "coldIterations",
        "coldPasses"}) {
      sb.append(String.format(Locale.ROOT, "  %-28s %s%n", key, format(report.get(key))));
    }
    if (!sweep.isEmpty()) {
      sb.append(String.format(Locale.ROOT, "%n  %-9s %-11s %-11s %-11s %-11s %-11s %-6s%n", "factor", "|Δdata|",
          "|Δx*|", "|Δx pred|", "pred error", "bound", "passes"));
      for (Map<String, Object> p : sweep) {
        sb.append(String.format(Locale.ROOT, "  %-9s %-11s %-11s %-11s %-11s %-11s %-6s%n", format(p.get("factor")),
            format(p.get("dataShiftNorm")), format(p.get("solutionShiftNorm")), format(p.get("predictedShiftNorm")),
            format(p.get("predictedShiftError")), p.get("solutionShiftBound") == null ? "(outside)"
                : format(p.get("solutionShiftBound")), format(p.get("warmPasses"))));
      }
    }
    return sb.toString();
  }

  private static String format(Object v) {
    if (v == null) return "-";
    if (v instanceof Double d) return String.format(Locale.ROOT, "%.4g", d);
    return v.toString();
  }

  /**
   * A log–log plot of the sweep: the solution shift ‖Δx*‖, the first-order prediction, its error
   * (slope 2 where the response is linear) and the bound where it holds, against ‖ΔA‖₂ + ‖Δb‖, with
   * the bound's radius (in the same units) as a vertical line.
   */
  static String svg(List<Map<String, Object>> sweep, double radius) {
    String[] keys = {"solutionShiftNorm", "predictedShiftNorm", "predictedShiftError", "solutionShiftBound"};
    String[] labels = {"observed ‖Δx*‖ (refit)", "first-order prediction", "prediction error", "bound (within radius)"};
    String[] styles = {"stroke:#1f77b4;stroke-width:2", "stroke:#2ca02c;stroke-width:2;stroke-dasharray:6,4",
        "stroke:#7f7f7f;stroke-width:1.5", "stroke:#d62728;stroke-width:2;stroke-dasharray:2,3"};
    double minX = Double.MAX_VALUE, maxX = 0, minY = Double.MAX_VALUE, maxY = 0;
    for (Map<String, Object> p : sweep) {
      double x = (Double) p.get("dataShiftNorm");
      if (!(x > 0 && Double.isFinite(x))) continue;   // a log axis has no place for 0
      minX = Math.min(minX, x);
      maxX = Math.max(maxX, x);
      for (String key : keys) {
        Object v = p.get(key);
        if (v instanceof Double y && y > 0 && Double.isFinite(y)) {
          minY = Math.min(minY, y);
          maxY = Math.max(maxY, y);
        }
      }
    }
    if (maxX == 0 || maxY == 0) return "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"640\" height=\"40\"><text x=\"10\""
        + " y=\"25\">nothing to plot: no shift or no solution shift above 0</text></svg>\n";
    double lx0 = Math.floor(Math.log10(minX)), lx1 = Math.ceil(Math.log10(maxX));
    double ly0 = Math.floor(Math.log10(minY)), ly1 = Math.ceil(Math.log10(maxY));
    if (lx1 <= lx0) lx1 = lx0 + 1;
    if (ly1 <= ly0) ly1 = ly0 + 1;
    int width = 640, height = 440, left = 70, right = 20, top = 20, bottom = 50;
    double plotW = width - left - right, plotH = height - top - bottom;
    final double fx0 = lx0, fx1 = lx1, fy0 = ly0, fy1 = ly1;
    java.util.function.DoubleUnaryOperator px = v -> left + plotW * (Math.log10(v) - fx0) / (fx1 - fx0);
    java.util.function.DoubleUnaryOperator py = v -> top + plotH * (1 - (Math.log10(v) - fy0) / (fy1 - fy0));
    StringBuilder sb = new StringBuilder();
    sb.append(String.format(Locale.ROOT, "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"%d\" height=\"%d\""
        + " font-family=\"sans-serif\" font-size=\"12\">%n<rect width=\"100%%\" height=\"100%%\" fill=\"white\"/>%n",
        width, height));
    for (double e = lx0; e <= lx1; e++) {
      double x = px.applyAsDouble(Math.pow(10, e));
      sb.append(String.format(Locale.ROOT, "<line x1=\"%.1f\" y1=\"%d\" x2=\"%.1f\" y2=\"%.1f\" stroke=\"#ddd\"/>"
          + "<text x=\"%.1f\" y=\"%.1f\" text-anchor=\"middle\">1e%d</text>%n", x, top, x, top + plotH, x,
          top + plotH + 16, (int) e));
    }
    for (double e = ly0; e <= ly1; e++) {
      double y = py.applyAsDouble(Math.pow(10, e));
      sb.append(String.format(Locale.ROOT, "<line x1=\"%d\" y1=\"%.1f\" x2=\"%.1f\" y2=\"%.1f\" stroke=\"#ddd\"/>"
          + "<text x=\"%d\" y=\"%.1f\" text-anchor=\"end\">1e%d</text>%n", left, y, left + plotW, y, left - 6, y + 4,
          (int) e));
    }
    sb.append(String.format(Locale.ROOT, "<text x=\"%.1f\" y=\"%d\" text-anchor=\"middle\">data shift ‖ΔA‖₂ + ‖Δb‖"
        + "</text>%n", left + plotW / 2, height - 12));
    sb.append(String.format(Locale.ROOT, "<text x=\"16\" y=\"%.1f\" text-anchor=\"middle\" transform=\"rotate(-90 16"
        + " %.1f)\">solution shift</text>%n", top + plotH / 2, top + plotH / 2));
    for (int k = 0; k < keys.length; k++) {
      List<String> points = new ArrayList<>();
      for (Map<String, Object> p : sweep) {
        Object v = p.get(keys[k]);
        if (v instanceof Double y && y > 0 && Double.isFinite(y) && (Double) p.get("dataShiftNorm") > 0) {
          points.add(String.format(Locale.ROOT, "%.1f,%.1f", px.applyAsDouble((Double) p.get("dataShiftNorm")),
              py.applyAsDouble(y)));
        }
      }
      if (!points.isEmpty()) {
        sb.append(String.format(Locale.ROOT, "<polyline fill=\"none\" style=\"%s\" points=\"%s\"/>%n", styles[k],
            String.join(" ", points)));
      }
      if (k == 0) {   // the measured points themselves
        for (String point : points) {
          String[] xy = point.split(",");
          sb.append(String.format(Locale.ROOT, "<circle cx=\"%s\" cy=\"%s\" r=\"3.5\" fill=\"#1f77b4\"/>%n", xy[0],
              xy[1]));
        }
      }
      double ly = top + 16 + 18 * k;
      sb.append(String.format(Locale.ROOT, "<line x1=\"%d\" y1=\"%.1f\" x2=\"%d\" y2=\"%.1f\" style=\"%s\"/>"
          + "<text x=\"%d\" y=\"%.1f\">%s</text>%n", left + 12, ly, left + 42, ly, styles[k], left + 48, ly + 4,
          labels[k]));
    }
    if (radius > 0 && Math.log10(radius) >= lx0 && Math.log10(radius) <= lx1) {
      double x = px.applyAsDouble(radius);
      sb.append(String.format(Locale.ROOT, "<line x1=\"%.1f\" y1=\"%d\" x2=\"%.1f\" y2=\"%.1f\" stroke=\"#d62728\""
          + " stroke-dasharray=\"1,4\"/><text x=\"%.1f\" y=\"%.1f\" fill=\"#d62728\" text-anchor=\"end\">bound"
          + " radius</text>%n", x, top, x, top + plotH, x - 4, top + plotH - 8));
    }
    sb.append("</svg>\n");
    return sb.toString();
  }
}
