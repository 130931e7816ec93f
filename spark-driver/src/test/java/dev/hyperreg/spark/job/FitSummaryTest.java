package dev.hyperreg.spark.job;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.hyperreg.core.objective.Objective;
import dev.hyperreg.core.solver.IterationListener;
import dev.hyperreg.core.solver.IterationRecord;
import dev.hyperreg.spark.SparkTestSession;
import dev.hyperreg.spark.io.BlockedData;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import org.apache.spark.api.java.JavaSparkContext;
import org.junit.jupiter.api.Test;

/** summary.json: the README's fields in its order, and the fit's numbers read back exactly. */
class FitSummaryTest {

  /** The fields of summary.json as the README's "Output" section lists them (plus matrixFree, resumedFromIteration). */
  private static final List<String> FIELDS = List.of("objective", "link", "solver", "n", "d", "features", "intercept",
      "coefficients", "objectiveValue", "logObjectiveValue", "gradientNorm", "logGradientNorm", "hessianMinEigenvalue",
      "converged", "stopReason", "message", "iterationCount", "dataPasses", "passesOutsideIterations", "totalSeconds",
      "solveSeconds", "start", "matrixFree", "finalHessianCheck", "configuration", "versions", "input", "iterations",
      "resumedFromIteration");
  private static final List<String> ITERATION_FIELDS = List.of("iteration", "objectiveValue", "logObjectiveValue",
      "gradientNorm", "stepSize", "stepNorm", "damping", "seconds", "dataPasses", "hessian");

  @Test
  void roundTripThroughJson() throws Exception {
    JavaSparkContext jsc = SparkTestSession.context();
    FitOptions o = new FitOptions();
    o.input = Path.of("..", "test-data", "rescaled-exp.libsvm").toString();
    o.output = "unused";
    o.regWeight = 0.01;
    o.solver = "exact";
    o.validate();
    BlockedData data = o.load(jsc);
    try {
      Objective objective = new Objective(o.objective, o.link, data.dim(), o.ridge, data.interceptColumn());
      FitJob.Fitted fitted = FitJob.fitBlocks(jsc, data.blocks(), objective, o.solverSettings(), null, "summary-test",
          IterationListener.NONE);
      Map<String, Object> summary = FitSummary.of(o, data, fitted, 1.5, jsc.version(), 4);
      JsonNode s = new ObjectMapper().readTree(Json.write(summary));
      List<String> names = new ArrayList<>();
      s.fieldNames().forEachRemaining(names::add);
      assertEquals(FIELDS, names);
      double[] x = new double[s.get("coefficients").size()];
      for (int j = 0; j < x.length; j++) x[j] = s.get("coefficients").get(j).asDouble();
      assertTrue(Arrays.equals(fitted.fit().coefficients(), x), "coefficients read back exactly");
      assertEquals("exact", s.get("solver").asText());
      assertEquals("none", s.get("finalHessianCheck").asText());
      assertEquals(1000, s.get("n").asLong());
      assertEquals(4, s.get("resumedFromIteration").asInt());
      assertEquals(1.5, s.get("totalSeconds").asDouble());
      List<IterationRecord> records = fitted.fit().iterations();
      assertEquals(records.size(), s.get("iterations").size());
      long recorded = 0;
      for (int k = 0; k < records.size(); k++) {
        JsonNode it = s.get("iterations").get(k);
        List<String> fields = new ArrayList<>();
        it.fieldNames().forEachRemaining(fields::add);
        assertEquals(ITERATION_FIELDS, fields.subList(0, ITERATION_FIELDS.size()));
        assertEquals(records.get(k).gradientNorm(), it.get("gradientNorm").asDouble());
        recorded += it.get("dataPasses").asLong();
      }
      assertEquals(fitted.passes(), s.get("dataPasses").asLong());
      assertEquals(fitted.passes() - recorded, s.get("passesOutsideIterations").asLong());
      assertTrue(FitSummary.of(o, data, fitted, 1.5, jsc.version(), -1).containsKey("resumedFromIteration"));
      assertTrue(s.get("configuration").get("solver").asText().equals("exact"));
    } finally {
      data.release();
    }
  }

  /** JSON has no NaN or infinity: they are written as null, at any depth. */
  @Test
  void nonFiniteNumbersBecomeNull() throws Exception {
    JsonNode s = new ObjectMapper().readTree(Json.write(Map.of("a", Double.NaN, "b", new double[] {1, Double.POSITIVE_INFINITY},
        "c", List.of(Map.of("d", Double.NEGATIVE_INFINITY)))));
    assertTrue(s.get("a").isNull());
    assertEquals(1, s.get("b").get(0).asDouble());
    assertTrue(s.get("b").get(1).isNull());
    assertTrue(s.get("c").get(0).get("d").isNull());
  }
}
