package dev.hyperreg.ml;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.hyperreg.core.linalg.LinearAlgebra;
import dev.hyperreg.spark.SparkTestSession;
import dev.hyperreg.spark.WideData;
import dev.hyperreg.spark.cli.HyperregCli;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.apache.spark.ml.Pipeline;
import org.apache.spark.ml.PipelineModel;
import org.apache.spark.ml.PipelineStage;
import org.apache.spark.ml.linalg.Vector;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.functions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The Spark ML estimator: params, the one solver path, persistence, summary, warm start. */
class HyperbolicRegressionTest {
  private static final Path DATA = Path.of("..", "test-data");
  /** A model saved by version 0.1.0 (fitted on softmax.libsvm with the settings of softmaxEstimator()). */
  static final Path OLD_MODEL = Path.of("src", "test", "resources", "models", "hyperbolic-regression-model-0.1.0");
  @TempDir Path dir;

  @BeforeAll
  static void startSpark() { SparkTestSession.get(); }

  static Dataset<Row> libsvm(String name) {
    return SparkTestSession.get().read().format("libsvm").load(DATA.resolve(name).toString());
  }

  static HyperbolicRegression softmaxEstimator() {
    return new HyperbolicRegression().setObjective("softmax").setRidge(1e-4).setSeed(3);
  }

  /**
   * The estimator runs the CLI's driver checks: at d = 12 000 newton-cg fits matrix-free, and a
   * solver that needs d × d matrices is refused up front by IllegalArgumentException naming d.
   */
  @Test
  void wideFeaturesFitMatrixFreeOrAreRefusedUpFront() throws IOException {
    Path file = dir.resolve("wide.libsvm");
    int width = WideData.write(file, 12_000, 2000, 8);
    Dataset<Row> wide = SparkTestSession.get().read().format("libsvm").option("numFeatures", width)
        .load(file.toString());
    HyperbolicRegression e = new HyperbolicRegression().setObjective("plain").setLink("exp").setRidge(0.1)
        .setSolver("newton-cg");
    HyperbolicRegressionModel model = e.fit(wide);
    assertTrue(model.summary().converged(), model.summary().message());
    assertEquals(width, model.coefficients().size());
    IllegalArgumentException refused = assertThrows(IllegalArgumentException.class,
        () -> e.copy(org.apache.spark.ml.param.ParamMap.empty()).setSolver("exact").fit(wide));
    assertTrue(refused.getMessage().contains("d = " + width), refused.getMessage());
  }

  @Test
  void paramsHaveDefaultsSettersAndSurviveCopyAndSave() throws IOException {
    HyperbolicRegression e = new HyperbolicRegression();
    assertEquals("rescaled", e.getObjective());
    assertEquals("newton-cg", e.getSolver());
    assertEquals(100, e.getMaxIter());
    e.setFeaturesCol("f").setLabelCol("y").setRegWeightCol("w").setPredictionCol("p").setShareCol("s")
        .setObjective("SOFTMAX").setLink("exp").setRegWeight(0.5).setRidge(0.25).setSolver("sample")
        .setSketchSize(400).setMaxIter(7).setTol(1e-6).setSeed(42).setAggregationDepth(3)
        .setInitialModel(new double[] {1, 2});
    assertThrows(IllegalArgumentException.class, () -> e.setSolver("newton"), "validator rejects an unknown solver");
    assertThrows(IllegalArgumentException.class, () -> e.setRegWeight(-1));
    assertThrows(IllegalArgumentException.class, () -> e.setAggregationDepth(1));
    String explained = e.explainParams();
    for (String name : List.of("featuresCol", "labelCol", "regWeightCol", "predictionCol", "shareCol", "objective",
        "link", "regWeight", "ridge", "solver", "sketchSize", "maxIter", "tol", "seed", "aggregationDepth",
        "initialModel")) {
      assertTrue(explained.contains(name + ":"), name + " missing from explainParams:\n" + explained);
    }
    HyperbolicRegression copy = e.copy(new org.apache.spark.ml.param.ParamMap());
    e.save(dir.resolve("estimator").toString());
    HyperbolicRegression loaded = HyperbolicRegression.load(dir.resolve("estimator").toString());
    for (HyperbolicRegression other : List.of(copy, loaded)) {
      assertEquals(e.uid(), other.uid());
      assertEquals("softmax", other.getObjective());
      assertEquals("sample", other.getSolver());
      assertEquals(400, other.getSketchSize());
      assertEquals(7, other.getMaxIter());
      assertEquals(1e-6, other.getTol());
      assertEquals(42, other.getSeed());
      assertEquals(3, other.getAggregationDepth());
      assertEquals("w", other.getRegWeightCol());
      assertEquals(0.5, other.getRegWeight());
      assertArrayEquals(new double[] {1, 2}, other.getInitialModel());
    }
    assertThrows(IOException.class, () -> e.save(dir.resolve("estimator").toString()), "no overwrite without asking");
    e.write().overwrite().save(dir.resolve("estimator").toString());
  }

  @Test
  void fitEqualsTheCommandLineFit() throws Exception {
    Path out = dir.resolve("cli");
    int status = HyperregCli.run(new String[] {"fit", "--input", DATA.resolve("softmax.libsvm").toString(),
        "--output", out.toString(), "--objective", "softmax", "--ridge", "1e-4", "--seed", "3"},
        new PrintStream(new ByteArrayOutputStream()), new PrintStream(new ByteArrayOutputStream()));
    assertEquals(0, status);
    double[] cli = Files.readAllLines(out.resolve("coefficients.txt")).stream().mapToDouble(Double::parseDouble)
        .toArray();
    HyperbolicRegressionModel model = softmaxEstimator().fit(libsvm("softmax.libsvm"));
    assertTrue(model.summary().converged(), model.summary().message());
    assertEquals(0, LinearAlgebra.relativeDistance(model.coefficients().toArray(), cli), 1e-10);
  }

  /**
   * What Spark Connect needs: its ServiceLoader lookup finds the estimator and the model, and a
   * model's toString (the one method a Connect client may call on it) carries its coefficients
   * exactly and its summary.
   */
  @Test
  void sparkConnectFindsTheClassesAndReadsTheModelAsJson() throws Exception {
    List<String> estimators = java.util.ServiceLoader.load(org.apache.spark.ml.Estimator.class).stream()
        .map(p -> p.type().getName()).toList();
    List<String> transformers = java.util.ServiceLoader.load(org.apache.spark.ml.Transformer.class).stream()
        .map(p -> p.type().getName()).toList();
    assertTrue(estimators.contains(HyperbolicRegression.class.getName()), estimators.toString());
    assertTrue(transformers.contains(HyperbolicRegressionModel.class.getName()), transformers.toString());
    HyperbolicRegressionModel model = softmaxEstimator().setSolver("exact").fit(libsvm("softmax.libsvm"));
    com.fasterxml.jackson.databind.JsonNode json = new com.fasterxml.jackson.databind.ObjectMapper()
        .readTree(model.toString());
    double[] x = model.coefficients().toArray();
    assertEquals(x.length, json.get("coefficients").size());
    for (int j = 0; j < x.length; j++) assertEquals(x[j], json.get("coefficients").get(j).asDouble(), 0.0);
    assertEquals("softmax", json.get("objective").asText());
    assertEquals(model.summary().totalIterations(), json.get("summary").get("totalIterations").asInt());
    assertEquals(model.summary().stopReason(), json.get("summary").get("stopReason").asText());
    assertTrue(new com.fasterxml.jackson.databind.ObjectMapper().readTree(new HyperbolicRegressionModel().toString())
        .get("summary").isNull());
  }

  @Test
  void summaryReportsTheFit() {
    long before = FitProgress.latest();
    HyperbolicRegression estimator = softmaxEstimator().setSolver("exact");
    HyperbolicRegressionModel model = estimator.fit(libsvm("softmax.libsvm"));
    HyperbolicRegressionTrainingSummary s = model.summary();
    // the progress lines pollers read: one per iteration (the start's included) and the outcome
    String[] lines = java.util.Arrays.stream(FitProgress.since(before))
        .filter(l -> l.split(" ", 3)[1].equals(estimator.uid())).toArray(String[]::new);
    assertEquals(s.totalIterations() + 2, lines.length, String.join("\n", lines));
    assertTrue(lines[lines.length - 1].contains("converged"), lines[lines.length - 1]);
    assertTrue(model.hasSummary());
    assertTrue(s.converged());
    assertEquals("CONVERGED", s.stopReason());
    assertEquals(s.totalIterations() + 1, s.objectiveHistory().length);
    assertEquals(s.objectiveHistory().length, s.gradientNormHistory().length);
    assertEquals(s.objectiveHistory().length, s.iterationSeconds().length);
    for (int k = 1; k < s.objectiveHistory().length; k++) {
      assertTrue(s.logObjectiveHistory()[k] <= s.logObjectiveHistory()[k - 1] + 1e-12, "objective rose at " + k);
    }
    double[] g = s.gradientNormHistory();
    assertTrue(g[g.length - 1] < 1e-6 * g[0], "gradient fell by " + g[g.length - 1] / g[0]);
    assertTrue(s.dataPasses() > s.totalIterations());
  }

  @Test
  void modelSavesLoadsAndTransformsTheSame() throws IOException {
    HyperbolicRegressionModel model = softmaxEstimator().setShareCol("share").fit(libsvm("softmax.libsvm"));
    String path = dir.resolve("model").toString();
    model.save(path);
    HyperbolicRegressionModel loaded = HyperbolicRegressionModel.load(path);
    assertFalse(loaded.hasSummary());
    assertThrows(IllegalStateException.class, loaded::summary);
    assertEquals(model.uid(), loaded.uid());
    assertEquals("share", loaded.getShareCol());
    assertArrayEquals(model.coefficients().toArray(), loaded.coefficients().toArray(), 0);
    assertEquals(predictions(model.transform(libsvm("softmax.libsvm")), "prediction"),
        predictions(loaded.transform(libsvm("softmax.libsvm")), "prediction"));
    assertThrows(IOException.class, () -> model.save(path));
    model.write().overwrite().save(path);
  }

  @Test
  void transformAddsTheLabelScalePredictionAndTheShareOnRequest() {
    Dataset<Row> data = libsvm("softmax.libsvm");
    HyperbolicRegressionModel model = softmaxEstimator().setShareCol("share").fit(data);
    List<Row> rows = model.transform(data).select("features", "prediction", "share", "label").collectAsList();
    double[] x = model.coefficients().toArray();
    double total = 0;
    double labelSum = 0;
    for (Row r : rows) {
      total += Math.exp(LinearAlgebra.dot(((Vector) r.get(0)).toArray(), x));
      labelSum += r.getDouble(3);
    }
    double shareSum = 0;
    for (Row r : rows) {
      double expected = Math.exp(LinearAlgebra.dot(((Vector) r.get(0)).toArray(), x));
      // scored on the training rows: Σb · e^{a·x}/Σ e^{a·x}
      assertEquals(labelSum * expected / total, r.getDouble(1), 1e-12 * labelSum * expected / total);
      assertEquals(expected / total, r.getDouble(2), 1e-12);
      shareSum += r.getDouble(2);
    }
    assertEquals(1, shareSum, 1e-12);
    // plain predicts f(a·x) itself: a share is refused before any work
    HyperbolicRegression plain = new HyperbolicRegression().setObjective("plain").setShareCol("s");
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
        () -> plain.fit(libsvm("plain-exp.libsvm")));
    assertTrue(e.getMessage().contains("shareCol"), e.getMessage());
  }

  @Test
  void pipelineSavesAndLoads() throws IOException {
    Dataset<Row> data = libsvm("rescaled-exp.libsvm");
    Pipeline pipeline = new Pipeline().setStages(new PipelineStage[] {
        new HyperbolicRegression().setRegWeight(0.01).setSeed(1)});
    PipelineModel fitted = pipeline.fit(data);
    String path = dir.resolve("pipeline").toString();
    fitted.save(path);
    PipelineModel loaded = PipelineModel.load(path);
    assertEquals(predictions(fitted.transform(data), "prediction"), predictions(loaded.transform(data), "prediction"));
    pipeline.save(dir.resolve("pipeline-unfitted").toString());
    Pipeline reloaded = Pipeline.load(dir.resolve("pipeline-unfitted").toString());
    assertEquals(0.01, ((HyperbolicRegression) reloaded.getStages()[0]).getRegWeight());
  }

  @Test
  void modelSavedByVersion010StillLoads() {
    HyperbolicRegressionModel old = HyperbolicRegressionModel.load(OLD_MODEL.toString());
    assertEquals("softmax", old.getObjective());
    // the fixture's coefficients are a converged fit: refitting today must land on them
    HyperbolicRegressionModel now = softmaxEstimator().fit(libsvm("softmax.libsvm"));
    assertEquals(0, LinearAlgebra.relativeDistance(old.coefficients().toArray(), now.coefficients().toArray()), 1e-8);
  }

  @Test
  void warmStartNeedsFewerIterations() {
    Dataset<Row> data = libsvm("rescaled-cosh.libsvm");
    HyperbolicRegression estimator = new HyperbolicRegression().setLink("cosh").setRegWeight(0.01).setSeed(5)
        .setSolver("exact").setInitialModel(truth("rescaled-cosh.libsvm.truth", 0.7));
    HyperbolicRegressionModel cold = estimator.fit(data);
    HyperbolicRegressionModel warm = estimator.copy(new org.apache.spark.ml.param.ParamMap()).setInitialModel(cold)
        .fit(data);
    assertTrue(cold.summary().converged() && warm.summary().converged());
    assertTrue(warm.summary().totalIterations() < cold.summary().totalIterations(),
        warm.summary().totalIterations() + " warm vs " + cold.summary().totalIterations() + " cold iterations");
    assertTrue(warm.summary().dataPasses() < cold.summary().dataPasses());
    assertEquals(0, LinearAlgebra.relativeDistance(warm.coefficients().toArray(), cold.coefficients().toArray()), 1e-9);
  }

  /**
   * Bad DataFrames get an IllegalArgumentException naming the column, not a wrapped task failure:
   * a NaN label, an infinite feature, no rows at all.
   */
  @Test
  void badValuesInTheDataFrameAreRefusedNamingTheColumn() {
    Dataset<Row> data = libsvm("rescaled-exp.libsvm");
    Dataset<Row> nanLabel = data.withColumn("label",
        functions.when(functions.monotonically_increasing_id().equalTo(3), Double.NaN).otherwise(functions.col("label")));
    IllegalArgumentException label = assertThrows(IllegalArgumentException.class,
        () -> new HyperbolicRegression().setRegWeight(0.01).fit(nanLabel));
    assertTrue(label.getMessage().contains("label"), label.getMessage());
    List<Row> rows = new java.util.ArrayList<>();
    for (int i = 0; i < 20; i++) {
      rows.add(org.apache.spark.sql.RowFactory.create(1 + 0.01 * i,
          org.apache.spark.ml.linalg.Vectors.dense(0.1 * i, i == 5 ? Double.POSITIVE_INFINITY : 0.2, 0.3)));
    }
    Dataset<Row> infiniteFeature = SparkTestSession.get().createDataFrame(rows, new org.apache.spark.sql.types.StructType()
        .add("label", org.apache.spark.sql.types.DataTypes.DoubleType)
        .add("features", org.apache.spark.ml.linalg.SQLDataTypes.VectorType()));
    IllegalArgumentException feature = assertThrows(IllegalArgumentException.class,
        () -> new HyperbolicRegression().setRegWeight(0.01).fit(infiniteFeature));
    assertTrue(feature.getMessage().contains("features"), feature.getMessage());
    IllegalArgumentException empty = assertThrows(IllegalArgumentException.class,
        () -> new HyperbolicRegression().setRegWeight(0.01).fit(data.limit(0)));
    assertTrue(empty.getMessage().contains("no data rows"), empty.getMessage());
  }

  @Test
  void perRowWeightsAndBadColumnsAreChecked() {
    Dataset<Row> data = libsvm("rescaled-exp.libsvm");
    HyperbolicRegressionModel uniform = new HyperbolicRegression().setRegWeight(0.3).setSolver("exact").fit(data);
    HyperbolicRegressionModel perRow = new HyperbolicRegression().setRegWeightCol("w").setSolver("exact")
        .fit(data.withColumn("w", functions.lit(0.3)));
    assertEquals(0, LinearAlgebra.relativeDistance(perRow.coefficients().toArray(), uniform.coefficients().toArray()),
        1e-10);
    IllegalArgumentException missing = assertThrows(IllegalArgumentException.class,
        () -> new HyperbolicRegression().setLabelCol("target").fit(data));
    assertTrue(missing.getMessage().contains("'target' not found"), missing.getMessage());
    IllegalArgumentException notVector = assertThrows(IllegalArgumentException.class,
        () -> new HyperbolicRegression().setFeaturesCol("label").fit(data));
    assertTrue(notVector.getMessage().contains("must be a Spark ML Vector"), notVector.getMessage());
  }

  @Test
  void denseAndSparseVectorsGiveTheSameFit() {
    Dataset<Row> sparse = libsvm("plain-sinh-sparse.libsvm");
    org.apache.spark.sql.expressions.UserDefinedFunction toDense = functions.udf(
        (org.apache.spark.sql.api.java.UDF1<Vector, Vector>) Vector::toDense, new org.apache.spark.ml.linalg.VectorUDT());
    Dataset<Row> dense = sparse.withColumn("features", toDense.apply(functions.col("features")));
    HyperbolicRegression e = new HyperbolicRegression().setObjective("plain").setLink("sinh").setSolver("exact");
    HyperbolicRegressionModel a = e.fit(sparse);
    HyperbolicRegressionModel b = e.fit(dense);
    assertTrue(a.summary().converged() && b.summary().converged());
    assertEquals(0, LinearAlgebra.relativeDistance(a.coefficients().toArray(), b.coefficients().toArray()), 1e-10);
  }

  @Test
  void aFitThatStopsEarlySaysSoAndShowsItsPassesInTheSparkUi() throws InterruptedException {
    List<String> groups = new java.util.concurrent.CopyOnWriteArrayList<>();
    List<String> descriptions = new java.util.concurrent.CopyOnWriteArrayList<>();
    org.apache.spark.scheduler.SparkListener listener = new org.apache.spark.scheduler.SparkListener() {
      @Override public void onJobStart(org.apache.spark.scheduler.SparkListenerJobStart job) {
        groups.add(String.valueOf(job.properties().getProperty("spark.jobGroup.id")));
        descriptions.add(String.valueOf(job.properties().getProperty("spark.job.description")));
      }
    };
    SparkTestSession.get().sparkContext().addSparkListener(listener);
    try {
      HyperbolicRegression e = new HyperbolicRegression().setRegWeight(0.01).setMaxIter(1);
      HyperbolicRegressionModel model = e.fit(libsvm("rescaled-exp.libsvm"));
      assertFalse(model.summary().converged());
      assertEquals("MAX_ITERATIONS", model.summary().stopReason());
      assertEquals(1, model.summary().totalIterations());
      for (int wait = 0; wait < 100 && !descriptions.stream().anyMatch(d -> d.startsWith("iteration 1")); wait++) {
        Thread.sleep(50);
      }
      assertTrue(groups.contains("hyperreg-ml " + e.uid()), groups.toString());
      assertTrue(descriptions.stream().anyMatch(d -> d.startsWith("iteration 1")), descriptions.toString());
    } finally {
      SparkTestSession.get().sparkContext().removeSparkListener(listener);
    }
  }

  @Test
  void theExampleCommandRuns() {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    int status = HyperregCli.run(new String[] {"example", "--data", DATA.resolve("softmax.libsvm").toString(),
        "--output", dir.resolve("example").toString()}, new PrintStream(out), new PrintStream(new ByteArrayOutputStream()));
    assertEquals(0, status, out.toString());
    assertTrue(out.toString().contains("CONVERGED"), out.toString());
    assertTrue(Files.isDirectory(dir.resolve("example").resolve("data")));
  }

  /** A start near the planted coefficients of a bundled dataset (cosh is even: it needs the sign). */
  private static double[] truth(String file, double scale) {
    try {
      return Files.readAllLines(DATA.resolve(file)).stream().filter(l -> !l.isBlank() && !l.startsWith("#"))
          .mapToDouble(l -> scale * Double.parseDouble(l.trim())).toArray();
    } catch (IOException e) {
      throw new java.io.UncheckedIOException(e);
    }
  }

  private static List<Double> predictions(Dataset<Row> frame, String col) {
    return frame.select(col).collectAsList().stream().map(r -> r.getDouble(0)).toList();
  }
}
