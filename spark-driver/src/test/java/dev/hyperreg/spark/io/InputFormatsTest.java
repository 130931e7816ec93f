package dev.hyperreg.spark.io;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.hyperreg.spark.SparkTestSession;
import dev.hyperreg.spark.CliRun;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.apache.hadoop.conf.Configuration;
import org.apache.spark.ml.linalg.VectorUDT;
import org.apache.spark.ml.linalg.Vectors;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * CSV and Parquet input against the LIBSVM input of the same rows: the same coefficients (row ids
 * agree, so even the sketches do), per-row weight columns, column selection, and errors that name
 * the column, file and row.
 */
class InputFormatsTest {
  private static final Path LIBSVM = Path.of("..", "test-data", "rescaled-exp.libsvm");
  private static double[][] a;
  private static double[] b;
  private static double[] reference;
  @TempDir static Path shared;
  @TempDir Path dir;

  @BeforeAll
  static void readBundledData() throws Exception {
    SparkTestSession.get();
    List<String> lines = Files.readAllLines(LIBSVM);
    a = new double[lines.size()][6];
    b = new double[lines.size()];
    for (int i = 0; i < lines.size(); i++) {
      String[] tokens = lines.get(i).trim().split("\\s+");
      b[i] = Double.parseDouble(tokens[0]);
      for (int t = 1; t < tokens.length; t++) {
        String[] kv = tokens[t].split(":");
        a[i][Integer.parseInt(kv[0]) - 1] = Double.parseDouble(kv[1]);
      }
    }
    Path out = shared.resolve("libsvm-fit");
    CliRun r = CliRun.run("fit", "--input", LIBSVM.toString(), "--reg-weight", "0.01", "--output", out.toString());
    assertEquals(0, r.status(), r.err());
    reference = coefficients(out);
  }

  private static double[] coefficients(Path fit) {
    return PointFile.read(fit.resolve("coefficients.txt").toString(), new Configuration());
  }

  private Path csv(String header, java.util.function.IntFunction<String> row) throws Exception {
    List<String> lines = new ArrayList<>(List.of(header));
    for (int i = 0; i < b.length; i++) lines.add(row.apply(i));
    Path file = dir.resolve("data-" + Math.abs(header.hashCode()) + ".csv");
    Files.write(file, lines);
    return file;
  }

  private static String features(int i) {
    StringBuilder sb = new StringBuilder();
    for (int j = 0; j < 6; j++) sb.append(j == 0 ? "" : ",").append(a[i][j]);
    return sb.toString();
  }

  private double[] fit(String... args) {
    Path out = dir.resolve("fit-" + System.nanoTime());
    List<String> all = new ArrayList<>(List.of("fit", "--output", out.toString(), "--reg-weight", "0.01"));
    all.addAll(List.of(args));
    CliRun r = CliRun.run(all.toArray(String[]::new));
    assertEquals(0, r.status(), r.err());
    return coefficients(out);
  }

  @Test
  void csvGivesTheLibsvmFit() throws Exception {
    Path file = csv("b,f1,f2,f3,f4,f5,f6", i -> b[i] + "," + features(i));
    // a CSV row's id is its line's byte offset, a LIBSVM row's too, but the lines differ: other
    // sketches, the same optimum
    double[] fromCsv = fit("--input", file.toString(), "--format", "csv", "--label-col", "b");
    assertArrayEquals(reference, fromCsv, 1e-9);
    // five splits of the file: byte offsets do not depend on where a split starts, so nothing changes
    assertArrayEquals(fromCsv, fit("--input", file.toString(), "--format", "csv", "--label-col", "b",
        "--partitions", "5"), 1e-12);

    // a weight column equal to --reg-weight everywhere, in the middle of the table
    Path weighted = csv("f1,f2,f3,w,f4,f5,f6,label", i -> features(i).replaceFirst("^(([^,]*,){2}[^,]*),", "$1,0.01,")
        + "," + b[i]);
    double[] withWeights = fit("--input", weighted.toString(), "--format", "csv", "--weight-col", "w", "--reg-weight", "0");
    assertArrayEquals(reference, withWeights, 1e-9);

    // the feature columns named in another order: the coefficients follow
    double[] permuted = fit("--input", file.toString(), "--format", "csv", "--label-col", "b", "--features-cols",
        "f6,f5,f4,f3,f2,f1");
    for (int j = 0; j < 6; j++) assertEquals(reference[j], permuted[5 - j], 1e-9 * (1 + Math.abs(reference[j])));
  }

  @Test
  void parquetVectorAndArrayColumnsGiveTheLibsvmFit() throws Exception {
    SparkSession spark = SparkTestSession.get();
    List<Row> dense = new ArrayList<>();
    List<Row> sparse = new ArrayList<>();
    List<Row> arrays = new ArrayList<>();
    for (int i = 0; i < b.length; i++) {
      dense.add(RowFactory.create(b[i], Vectors.dense(a[i])));
      sparse.add(RowFactory.create(b[i], Vectors.dense(a[i]).toSparse()));
      arrays.add(RowFactory.create(b[i], a[i]));
    }
    StructType vectorSchema = new StructType().add("label", DataTypes.DoubleType).add("features", new VectorUDT());
    StructType arraySchema = new StructType().add("label", DataTypes.DoubleType)
        .add("x", DataTypes.createArrayType(DataTypes.DoubleType));
    Path densePath = dir.resolve("dense.parquet");
    Path sparsePath = dir.resolve("sparse.parquet");
    Path arrayPath = dir.resolve("array.parquet");
    spark.createDataFrame(dense, vectorSchema).coalesce(1).write().parquet(densePath.toString());
    spark.createDataFrame(sparse, vectorSchema).coalesce(1).write().parquet(sparsePath.toString());
    spark.createDataFrame(arrays, arraySchema).coalesce(1).write().parquet(arrayPath.toString());
    // Parquet row ids are row indices where LIBSVM's are byte offsets: other sketches, the same optimum
    double[] fromParquet = fit("--input", densePath.toString(), "--format", "parquet");
    assertArrayEquals(reference, fromParquet, 1e-9);
    // the three layouts of the same rows, with the same ids, give the same fit to the last digits
    assertArrayEquals(fromParquet, fit("--input", sparsePath.toString(), "--format", "parquet"), 1e-12);
    assertArrayEquals(fromParquet, fit("--input", arrayPath.toString(), "--format", "parquet", "--features-col", "x"),
        1e-12);
  }

  @Test
  void badColumnsAndValuesAreNamed() throws Exception {
    Path file = csv("b,f1,f2,f3,f4,f5,f6", i -> i == 41 ? b[i] + ",1,2,x3,4,5,6" : b[i] + "," + features(i));
    SparkSession spark = SparkTestSession.get();
    Path strings = dir.resolve("strings.parquet");
    Dataset<Row> text = spark.createDataFrame(List.of(RowFactory.create(1.0, "a")),
        new StructType().add("label", DataTypes.DoubleType).add("features", DataTypes.StringType));
    text.write().parquet(strings.toString());
    Path negative = csv("label,w,f1", i -> b[i] + "," + (i == 7 ? "-1" : "0.1") + "," + a[i][0]);
    Path ragged = csv("label,f1,f2", i -> b[i] + "," + a[i][0] + (i == 12 ? "" : "," + a[i][1]));
    String[][] cases = {
        {"--input", file.toString(), "--format", "csv"},                                   // no 'label' column
        {"--input", file.toString(), "--format", "csv", "--label-col", "b", "--features-cols", "f1,f9"},
        {"--input", file.toString(), "--format", "csv", "--label-col", "b"},              // 'x3' in data row 42
        {"--input", strings.toString(), "--format", "parquet"},                             // features is a string
        {"--input", negative.toString(), "--format", "csv", "--weight-col", "w"},           // w = −1
        {"--input", LIBSVM.toString(), "--weight-col", "w"},                                 // LIBSVM has no columns
        {"--input", file.toString(), "--format", "json"},
        {"--input", ragged.toString(), "--format", "csv"},                                 // a short line
    };
    String[] expected = {"column 'label' (--label-col) not found; the columns are b, f1", "column 'f9'",
        ":43: column 'f3': 'x3' is not a number", "column 'features' (--features-col) must be",
        ":9: column 'w' is -1.0", "--weight-col needs --format csv or parquet", "--format json",
        ":14: the line has 2 fields where the header has 3"};
    for (int k = 0; k < cases.length; k++) {
      Path out = dir.resolve("refused");
      List<String> args = new ArrayList<>(List.of("fit", "--output", out.toString()));
      args.addAll(List.of(cases[k]));
      CliRun r = CliRun.run(args.toArray(String[]::new));
      assertEquals(2, r.status(), String.join(" ", cases[k]) + ": " + r.err());
      assertTrue(r.err().contains(expected[k]), "expected '" + expected[k] + "' in: " + r.err());
      assertFalse(Files.exists(out));
    }
  }
}
