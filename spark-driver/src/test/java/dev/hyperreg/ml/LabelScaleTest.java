package dev.hyperreg.ml;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.hyperreg.core.linalg.LinearAlgebra;
import dev.hyperreg.spark.SparkTestSession;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.apache.spark.ml.linalg.Vector;
import org.apache.spark.ml.linalg.VectorUDT;
import org.apache.spark.ml.linalg.Vectors;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The model's predictions on the labels' scale, the estimator's normalisation of Σb for rescaled and
 * softmax, and {@link HyperbolicRegressionEvaluator}, each against numbers computed here by hand.
 */
class LabelScaleTest {
  @TempDir Path dir;

  @BeforeAll
  static void startSpark() { SparkTestSession.get(); }

  /** Six rows of two features; labels scaled by {@code factor}. */
  private static final double[][] A = {{1, 0.2}, {0.5, -1}, {-0.3, 0.4}, {0.8, 0.8}, {-1, -0.5}, {0.1, 1.2}};
  private static final double[] B = {0.25, 0.1, 0.12, 0.3, 0.05, 0.18};

  private static Dataset<Row> tiny(double factor) {
    List<Row> rows = new ArrayList<>();
    for (int i = 0; i < A.length; i++) rows.add(RowFactory.create(factor * B[i], Vectors.dense(A[i])));
    StructType schema = new StructType().add("label", DataTypes.DoubleType).add("features", new VectorUDT());
    return SparkTestSession.get().createDataFrame(rows, schema);
  }

  private static double[] column(Dataset<Row> frame, String name) {
    return frame.select(name).collectAsList().stream().mapToDouble(r -> r.getDouble(0)).toArray();
  }

  private static double dot(double[] a, double[] x) { return a[0] * x[0] + a[1] * x[1]; }

  /**
   * Rescaled and softmax: the prediction is Σb · e^{a·x}/Σ_j e^{a_j·x} over the training rows, by
   * hand from the fitted x; it sums to Σb over the training rows. Plain: e^{a·x}.
   */
  @Test
  void predictionsAreOnTheLabelsScale() {
    for (String objective : List.of("rescaled", "softmax", "plain")) {
      double factor = 0.6;   // Σb = 0.6 over the training rows
      HyperbolicRegressionModel model = new HyperbolicRegression().setObjective(objective).setRegWeight(0.1)
          .setSolver("exact").fit(tiny(factor));
      assertTrue(model.summary().converged(), model.summary().message());
      double[] x = model.coefficients().toArray();
      double total = 0;
      for (double[] a : A) total += Math.exp(dot(a, x));
      double[] predicted = column(model.transform(tiny(factor)), "prediction");
      for (int i = 0; i < A.length; i++) {
        double byHand = objective.equals("plain") ? Math.exp(dot(A[i], x)) : factor * Math.exp(dot(A[i], x)) / total;
        assertEquals(byHand, predicted[i], 1e-14 * byHand, objective + " row " + i);
      }
      if (!objective.equals("plain")) {
        assertEquals(factor, java.util.Arrays.stream(predicted).sum(), 1e-14, objective);
        assertEquals(factor, model.trainingLabelSum(), 1e-15);
      }
    }
  }

  /**
   * Rescaled and softmax fit b/Σb: labels scaled by 0.3 or by 5 give the coefficients of labels that
   * sum to 1, and predictions scaled alike; plain does not normalise (its fit moves with the scale).
   */
  @Test
  void trainingLabelsAreNormalisedForSharesObjectives() {
    double unit = 1 / java.util.Arrays.stream(B).sum();
    for (String objective : List.of("rescaled", "softmax")) {
      HyperbolicRegression e = new HyperbolicRegression().setObjective(objective).setRegWeight(0.1).setSolver("exact");
      HyperbolicRegressionModel one = e.fit(tiny(unit));
      for (double factor : new double[] {0.3, 5}) {
        HyperbolicRegressionModel scaled = e.fit(tiny(factor));
        assertEquals(0, LinearAlgebra.relativeDistance(scaled.coefficients().toArray(), one.coefficients().toArray()),
            1e-9, objective + " × " + factor);
        double[] p1 = column(one.transform(tiny(1)), "prediction");
        double[] ps = column(scaled.transform(tiny(1)), "prediction");
        for (int i = 0; i < p1.length; i++) assertEquals(factor / unit * p1[i], ps[i], 1e-8 * ps[i]);
      }
    }
    HyperbolicRegression plain = new HyperbolicRegression().setObjective("plain").setRegWeight(0.1).setSolver("exact");
    assertTrue(LinearAlgebra.relativeDistance(plain.fit(tiny(5)).coefficients().toArray(),
        plain.fit(tiny(unit)).coefficients().toArray()) > 0.1);
  }

  /**
   * normalizeLabels = false fits b as given (a different answer when Σb ≠ 1) and predicts the model of
   * b that objective fits, f(a·x)/Σ_T f(a·x), by hand.
   */
  @Test
  void withoutNormalisationTheLabelsAreFittedAsGiven() {
    HyperbolicRegression e = new HyperbolicRegression().setRegWeight(0.1).setSolver("exact");
    HyperbolicRegressionModel normalised = e.fit(tiny(0.6));
    HyperbolicRegressionModel asGiven = e.copy(org.apache.spark.ml.param.ParamMap.empty()).setNormalizeLabels(false)
        .fit(tiny(0.6));
    assertTrue(LinearAlgebra.relativeDistance(asGiven.coefficients().toArray(), normalised.coefficients().toArray())
        > 1e-3);
    double[] x = asGiven.coefficients().toArray();
    double total = 0;
    for (double[] a : A) total += Math.exp(dot(a, x));
    double[] predicted = column(asGiven.transform(tiny(1)), "prediction");
    for (int i = 0; i < A.length; i++) {
      assertEquals(Math.exp(dot(A[i], x)) / total, predicted[i], 1e-14);
    }
  }

  @Test
  void labelsThatSumToZeroAreRefusedNamingTheParam() {
    List<Row> rows = List.of(RowFactory.create(1.0, Vectors.dense(1, 0)), RowFactory.create(-1.0, Vectors.dense(0, 1)));
    Dataset<Row> zero = SparkTestSession.get().createDataFrame(rows,
        new StructType().add("y", DataTypes.DoubleType).add("features", new VectorUDT()));
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
        () -> new HyperbolicRegression().setLabelCol("y").setRegWeight(0.1).fit(zero));
    assertTrue(e.getMessage().contains("labelCol 'y'") && e.getMessage().contains("sum to 0"), e.getMessage());
  }

  /** The label scale survives save and load; a model of 0.1.0 has none and says so on transform. */
  @Test
  void theLabelScaleIsSavedAndOldModelsRefuseToGuessIt() throws Exception {
    HyperbolicRegressionModel model = new HyperbolicRegression().setRegWeight(0.1).fit(tiny(0.6));
    model.save(dir.resolve("m").toString());
    HyperbolicRegressionModel loaded = HyperbolicRegressionModel.load(dir.resolve("m").toString());
    double[] before = column(model.transform(tiny(1)), "prediction");
    double[] after = column(loaded.transform(tiny(1)), "prediction");
    for (int i = 0; i < before.length; i++) assertEquals(before[i], after[i], 0);
    HyperbolicRegressionModel old = HyperbolicRegressionModel.load(HyperbolicRegressionTest.OLD_MODEL.toString());
    assertTrue(Double.isNaN(old.trainingLabelSum()));
    IllegalStateException refused = assertThrows(IllegalStateException.class, () -> old.transform(tiny(1)));
    assertTrue(refused.getMessage().contains("refit"), refused.getMessage());
  }

  /** The evaluator's metrics by hand on p = (1, 2, 3), b = (1, 1, 4). */
  @Test
  void evaluatorMetricsByHand() {
    List<Row> rows = List.of(RowFactory.create(1.0, 1.0), RowFactory.create(1.0, 2.0), RowFactory.create(4.0, 3.0));
    Dataset<Row> frame = SparkTestSession.get().createDataFrame(rows,
        new StructType().add("label", DataTypes.DoubleType).add("prediction", DataTypes.DoubleType));
    HyperbolicRegressionEvaluator ev = new HyperbolicRegressionEvaluator();
    assertFalse(ev.isLargerBetter());
    assertEquals(Math.sqrt(2.0 / 3), ev.setMetricName("rmse").evaluate(frame), 1e-15);
    // shares p/6 = (1/6, 1/3, 1/2), b/6 = (1/6, 1/6, 2/3): ½(0 + 1/36 + 1/36)
    assertEquals(1.0 / 36, ev.setMetricName("loss").setObjective("rescaled").evaluate(frame), 1e-15);
    assertEquals(1.0 / 36, ev.setObjective("softmax").evaluate(frame), 1e-15);
    assertEquals(1.0, ev.setObjective("plain").evaluate(frame), 1e-15);   // ½(0 + 1 + 1)
    HyperbolicRegressionSummary s = HyperbolicRegressionEvaluator.summarize(frame, "label", "prediction", "plain");
    assertEquals(3, s.numInstances());
    assertEquals(1 - 2.0 / 6, s.r2(), 1e-15);   // mean b = 2: Σ(b − 2)² = 6
  }

  /**
   * model.evaluate(df) is the evaluator on model.transform(df), and keeps a prediction column the
   * data already has; the evaluator saves and loads.
   */
  @Test
  void modelEvaluateAgreesWithTheEvaluator() throws Exception {
    HyperbolicRegressionModel model = new HyperbolicRegression().setObjective("softmax").setRegWeight(0.1).fit(tiny(1));
    HyperbolicRegressionSummary s = model.evaluate(tiny(0.5).withColumn("prediction", org.apache.spark.sql.functions.lit(7.0)));
    Dataset<Row> scored = model.transform(tiny(0.5));
    HyperbolicRegressionEvaluator ev = new HyperbolicRegressionEvaluator().setObjective("softmax");
    assertEquals(ev.evaluate(scored), s.loss(), 1e-15);
    assertEquals(ev.setMetricName("rmse").evaluate(scored), s.rmse(), 1e-15);
    assertEquals(A.length, s.numInstances());
    ev.save(dir.resolve("ev").toString());
    HyperbolicRegressionEvaluator loaded = HyperbolicRegressionEvaluator.load(dir.resolve("ev").toString());
    assertEquals("rmse", loaded.getMetricName());
    assertEquals("softmax", loaded.getObjective());
  }
}
