package dev.hyperreg.spark.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.hyperreg.ml.HyperbolicRegressionModel;
import dev.hyperreg.spark.CliRun;
import dev.hyperreg.spark.SparkTestSession;
import dev.hyperreg.spark.io.AtomicOutput;
import dev.hyperreg.spark.io.PointFile;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.apache.hadoop.conf.Configuration;
import org.apache.spark.ml.linalg.Vector;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code hyperreg predict} checked against f(a·x) computed here from the rows and the coefficients. */
class PredictTest {
  private static final Path DATA = Path.of("..", "test-data");
  @TempDir Path dir;

  @BeforeAll
  static void startSpark() { SparkTestSession.get(); }

  /** The rows of a LIBSVM file as dense arrays, with their labels (index 0). */
  private static List<double[]> rows(Path file, int d) throws Exception {
    List<double[]> rows = new ArrayList<>();
    for (String line : Files.readAllLines(file)) {
      String[] tokens = line.trim().split("\\s+");
      double[] row = new double[d + 1];
      row[0] = Double.parseDouble(tokens[0]);
      for (int t = 1; t < tokens.length; t++) {
        String[] kv = tokens[t].split(":");
        row[Integer.parseInt(kv[0])] = Double.parseDouble(kv[1]);
      }
      rows.add(row);
    }
    return rows;
  }

  private static double dot(double[] row, double[] x) {
    double z = 0;
    for (int j = 0; j < x.length; j++) z += row[j + 1] * x[j];
    return z;
  }

  /** The byte offset at which each line of a file starts: a text row's id within its file (the first file's: index 0). */
  private static List<Long> lineStarts(Path file) throws Exception {
    byte[] bytes = Files.readAllBytes(file);
    List<Long> starts = new ArrayList<>(List.of(0L));
    for (int i = 0; i < bytes.length - 1; i++) if (bytes[i] == '\n') starts.add(i + 1L);
    return starts;
  }

  private static Map<Long, Row> byRowId(Dataset<Row> frame) {
    Map<Long, Row> out = new HashMap<>();
    for (Row r : frame.collectAsList()) out.put(r.getLong(r.fieldIndex("rowId")), r);
    return out;
  }

  @Test
  void predictionsAndSharesOfAFitModel() throws Exception {
    Path model = dir.resolve("model");
    CliRun fit = CliRun.run("fit", "--input", DATA.resolve("rescaled-exp.libsvm").toString(), "--reg-weight",
        "0.01", "--output", model.toString());
    assertEquals(0, fit.status(), fit.err());
    double[] x = PointFile.read(model.resolve("coefficients.txt").toString(), new Configuration());
    Path out = dir.resolve("scores");
    CliRun r = CliRun.run("predict", "--model", model.toString(), "--input",
        DATA.resolve("rescaled-exp.libsvm").toString(), "--output", out.toString());
    assertEquals(0, r.status(), r.err());
    assertTrue(Files.exists(out.resolve(AtomicOutput.SUCCESS_MARKER)));
    SparkSession spark = SparkTestSession.get();
    Dataset<Row> scores = spark.read().parquet(out.toString());
    assertEquals(List.of("rowId", "label", "prediction", "shareOfScoredRows"), Arrays.asList(scores.columns()));
    List<double[]> rows = rows(DATA.resolve("rescaled-exp.libsvm"), x.length);
    Map<Long, Row> byId = byRowId(scores);
    assertEquals(rows.size(), byId.size());
    double total = 0;
    for (double[] row : rows) total += Math.exp(dot(row, x));
    List<Long> starts = lineStarts(DATA.resolve("rescaled-exp.libsvm"));
    for (int i = 0; i < rows.size(); i++) {
      Row s = byId.get(starts.get(i));   // row id = the line's byte offset in the single input file
      double expected = Math.exp(dot(rows.get(i), x));
      assertEquals(rows.get(i)[0], s.getDouble(1), 0.0);
      assertEquals(expected, s.getDouble(2), 1e-12 * expected);
      assertEquals(expected / total, s.getDouble(3), 1e-12 * expected / total);
    }

    // existing output: refused, then replaced with --overwrite, here as CSV
    CliRun again = CliRun.run("predict", "--model", model.toString(), "--input",
        DATA.resolve("rescaled-exp.libsvm").toString(), "--output", out.toString(), "--output-format", "csv");
    assertEquals(2, again.status());
    CliRun csv = CliRun.run("predict", "--model", model.toString(), "--input",
        DATA.resolve("rescaled-exp.libsvm").toString(), "--output", out.toString(), "--output-format", "csv",
        "--overwrite");
    assertEquals(0, csv.status(), csv.err());
    Dataset<Row> fromCsv = spark.read().option("header", "true").option("inferSchema", "true").csv(out.toString());
    assertEquals(rows.size(), fromCsv.count());
    assertTrue(Arrays.asList(fromCsv.columns()).contains("shareOfScoredRows"));

    // CSV input without a label column: the same predictions, no label in the output
    List<String> csvLines = new ArrayList<>(List.of("a,b,c,d,e,f"));
    for (double[] row : rows) {
      StringBuilder line = new StringBuilder();
      for (int j = 1; j <= x.length; j++) line.append(j == 1 ? "" : ",").append(row[j]);
      csvLines.add(line.toString());
    }
    Path csvInput = dir.resolve("unlabelled.csv");
    Files.write(csvInput, csvLines);
    Path fromCsvInput = dir.resolve("csv-scores");
    CliRun csvScored = CliRun.run("predict", "--model", model.toString(), "--input", csvInput.toString(),
        "--format", "csv", "--output", fromCsvInput.toString());
    assertEquals(0, csvScored.status(), csvScored.err());
    Dataset<Row> csvScores = spark.read().parquet(fromCsvInput.toString());
    assertEquals(List.of("rowId", "prediction", "shareOfScoredRows"), Arrays.asList(csvScores.columns()));
    Map<Long, Row> csvById = byRowId(csvScores);
    List<Long> csvStarts = lineStarts(csvInput);
    for (int i = 0; i < rows.size(); i++) {
      double expected = Math.exp(dot(rows.get(i), x));
      assertEquals(expected, csvById.get(csvStarts.get(i + 1)).getDouble(1), 1e-12 * expected);
    }
  }

  /** A Spark ML model saved by 0.1.0 scores a label-less Parquet table: f(a·x) of its coefficients, to rounding. */
  @Test
  void aSavedSparkMlModelScoresLikeItsTransform() throws Exception {
    String modelPath = Path.of("src", "test", "resources", "models", "hyperbolic-regression-model-0.1.0").toString();
    HyperbolicRegressionModel model = HyperbolicRegressionModel.load(modelPath);
    SparkSession spark = SparkTestSession.get();
    Dataset<Row> data = spark.read().format("libsvm").load(DATA.resolve("softmax.libsvm").toString());
    Path input = dir.resolve("features.parquet");
    data.select("features").coalesce(1).write().parquet(input.toString());
    Path out = dir.resolve("scores");
    CliRun r = CliRun.run("predict", "--model", modelPath, "--input", input.toString(), "--format", "parquet",
        "--output", out.toString());
    assertEquals(0, r.status(), r.err());
    Dataset<Row> scores = spark.read().parquet(out.toString());
    assertEquals(List.of("rowId", "prediction", "shareOfScoredRows"), Arrays.asList(scores.columns()));
    // f(a·x) = exp(a·x) of softmax's link, computed here (the model, saved by 0.1.0 without its training
    // sums, may no longer transform onto the labels' scale; batch scoring never needed them)
    List<Row> features = spark.read().parquet(input.toString()).collectAsList();
    Map<Long, Row> byId = byRowId(scores);
    for (int i = 0; i < features.size(); i++) {
      double e = Math.exp(((org.apache.spark.ml.linalg.Vector) features.get(i).get(0)).dot(model.coefficients()));
      assertEquals(e, byId.get((long) i).getDouble(1), 1e-12 * e);
    }
    double shares = 0;
    for (Row s : byId.values()) shares += s.getDouble(2);
    assertEquals(1.0, shares, 1e-12);
  }

  @Test
  void plainModelsHaveNoSharesAndBadInputIsRefused() throws Exception {
    Path model = dir.resolve("plain");
    assertEquals(0, CliRun.run("fit", "--input", DATA.resolve("plain-exp.libsvm").toString(), "--objective", "plain",
        "--output", model.toString()).status());
    Path out = dir.resolve("scores");
    CliRun r = CliRun.run("predict", "--model", model.toString(), "--input",
        DATA.resolve("plain-exp.libsvm").toString(), "--output", out.toString());
    assertEquals(0, r.status(), r.err());
    assertEquals(List.of("rowId", "label", "prediction"),
        Arrays.asList(SparkTestSession.get().read().parquet(out.toString()).columns()));

    // a model whose a·x overflows exp on the data: numerical failure, exit 4, the row named
    Path huge = dir.resolve("huge");
    Files.createDirectories(huge);
    Files.writeString(huge.resolve("summary.json"), "{\"objective\": \"plain\", \"link\": \"exp\", \"intercept\": false,"
        + " \"coefficients\": [900, 900, 900, 900, 900, 900]}");
    Files.writeString(huge.resolve("coefficients.txt"), "900\n900\n900\n900\n900\n900\n");
    CliRun overflow = CliRun.run("predict", "--model", huge.toString(), "--input",
        DATA.resolve("plain-exp.libsvm").toString(), "--output", dir.resolve("overflow").toString());
    assertEquals(4, overflow.status(), overflow.err());
    assertTrue(overflow.err().contains("plain-exp.libsvm:") && overflow.err().contains("overflows"), overflow.err());
    assertFalse(Files.exists(dir.resolve("overflow")));

    String[][] cases = {
        {"--model", dir.resolve("missing").toString(), "--input", DATA.resolve("plain-exp.libsvm").toString()},
        {"--model", model.toString(), "--input", DATA.resolve("plain-sinh-sparse.libsvm").toString()},  // 60 features
        {"--model", model.toString(), "--input", DATA.resolve("plain-exp.libsvm").toString(), "--output-format", "orc"},
    };
    String[] expected = {"is neither the output of `hyperreg fit`", "plain-sinh-sparse.libsvm:", "--output-format orc"};
    for (int k = 0; k < cases.length; k++) {
      Path refused = dir.resolve("refused");
      List<String> args = new ArrayList<>(List.of("predict", "--output", refused.toString()));
      args.addAll(List.of(cases[k]));
      CliRun bad = CliRun.run(args.toArray(String[]::new));
      assertEquals(2, bad.status(), bad.err());
      assertTrue(bad.err().contains(expected[k]), bad.err());
      assertFalse(Files.exists(refused));
    }
  }
}
