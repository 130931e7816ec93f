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

  /** Runs a fit that must be refused: exit 2, a message holding every one of {@code expected}, no output. */
  private void assertRefused(List<String> input, String... expected) {
    Path out = dir.resolve("refused");
    List<String> args = new ArrayList<>(List.of("fit", "--output", out.toString()));
    args.addAll(input);
    CliRun r = CliRun.run(args.toArray(String[]::new));
    assertEquals(2, r.status(), input + ": " + r.err());
    for (String e : expected) assertTrue(r.err().contains(e), "expected '" + e + "' in: " + r.err());
    assertFalse(Files.exists(out), "no output for " + input);
  }

  /** A directory of CSV files with the given contents (name → lines). */
  private Path csvDirectory(String name, String... files) throws Exception {
    Path d = dir.resolve(name);
    Files.createDirectories(d);
    for (int f = 0; f < files.length; f++) Files.writeString(d.resolve("part-" + f + ".csv"), files[f]);
    return d;
  }

  @Test
  void badCsvFilesAreNamedWithTheirLineAndColumn() throws Exception {
    String good = "label,f1,f2\n1.5,0.25,2\n0.5,1,0\n";
    for (String[] c : new String[][] {{"NaN", "is NaN"}, {"Infinity", "is Infinity"}, {"-Infinity", "is -Infinity"},
        {"", "is empty"}, {"  ", "is empty"}}) {
      Path d = csvDirectory("bad-" + Math.abs(c[0].hashCode()) + c[0].length(), good, good + "2,1," + c[0] + "\n");
      assertRefused(List.of("--input", d.toString(), "--format", "csv"), "part-1.csv:4: column 'f2' " + c[1]);
    }
    // a header and nothing else
    Path headerOnly = csvDirectory("header-only", "label,f1,f2\n");
    assertRefused(List.of("--input", headerOnly.toString(), "--format", "csv"), "no data rows in " + headerOnly);
    // an empty directory, and one holding only an empty file
    Path empty = dir.resolve("empty");
    Files.createDirectories(empty);
    assertRefused(List.of("--input", empty.toString(), "--format", "csv"), "no input files in " + empty);
    Path emptyFile = csvDirectory("empty-file", "");
    assertRefused(List.of("--input", emptyFile.toString(), "--format", "csv"), "no CSV header in " + emptyFile);
    // files whose headers differ: named, with both headers
    Path differ = csvDirectory("differ", good, "label,f2,f1\n1,2,3\n");
    assertRefused(List.of("--input", differ.toString(), "--format", "csv"),
        "part-1.csv:1: its header differs from", "part-0.csv's: label,f2,f1 where");
    // a quoted field left open
    Path open = csvDirectory("open-quote", good + "\"1,2,3\n");
    assertRefused(List.of("--input", open.toString(), "--format", "csv"), "part-0.csv:4: a quoted field is not closed");
    // a header naming a column twice, named in the file it is in (the first file is empty)
    Path twice = csvDirectory("twice", "", "label,f1,f1\n1,2,3\n");
    assertRefused(List.of("--input", twice.toString(), "--format", "csv"), "part-1.csv:1: column 'f1' appears twice");
  }

  @Test
  void badParquetFilesAreNamedWithTheirRowAndColumn() throws Exception {
    SparkSession spark = SparkTestSession.get();
    StructType arrays = new StructType().add("label", DataTypes.DoubleType)
        .add("x", DataTypes.createArrayType(DataTypes.DoubleType, true));
    StructType vectors = new StructType().add("label", DataTypes.DoubleType).add("features", new VectorUDT(), true);
    // a row whose array is one entry short, a row with a null entry, a null vector
    List<Row> shortRow = new ArrayList<>();
    List<Row> nullEntry = new ArrayList<>();
    List<Row> nullVector = new ArrayList<>();
    for (int i = 0; i < 10; i++) {
      shortRow.add(RowFactory.create(1.0, i == 6 ? new Double[] {1.0, 2.0} : new Double[] {1.0, 2.0, 3.0}));
      nullEntry.add(RowFactory.create(1.0, i == 3 ? new Double[] {1.0, null, 3.0} : new Double[] {1.0, 2.0, 3.0}));
      nullVector.add(RowFactory.create(1.0, i == 8 ? null : Vectors.dense(1, 2, 3)));
    }
    Path width = single(spark.createDataFrame(shortRow, arrays), "short");
    assertRefused(List.of("--input", width.toString(), "--format", "parquet", "--features-col", "x"),
        "data row 7: column 'x' has 2 entries where the first row read has 3");
    Path entry = single(spark.createDataFrame(nullEntry, arrays), "null-entry");
    assertRefused(List.of("--input", entry.toString(), "--format", "parquet", "--features-col", "x"),
        "data row 4: column 'x' has an empty entry 1");
    Path vector = single(spark.createDataFrame(nullVector, vectors), "null-vector");
    assertRefused(List.of("--input", vector.toString(), "--format", "parquet"), "data row 9: column 'features' is empty");

    // part files whose schemas differ: the label an integer in the second
    Path differ = dir.resolve("differ.parquet");
    Files.createDirectories(differ);
    Path first = single(spark.createDataFrame(List.of(RowFactory.create(1.0, Vectors.dense(1, 2))), vectors), "a");
    StructType intLabel = new StructType().add("label", DataTypes.IntegerType).add("features", new VectorUDT());
    Path second = single(spark.createDataFrame(List.of(RowFactory.create(1, Vectors.dense(1, 2))), intLabel), "b");
    Files.copy(partFile(first), differ.resolve("part-0.parquet"));
    Files.copy(partFile(second), differ.resolve("part-1.parquet"));
    assertRefused(List.of("--input", differ.toString(), "--format", "parquet"),
        "part-1.parquet: column 'label' is", "where", "part-0.parquet has");

    // a truncated part file
    Path truncated = dir.resolve("truncated.parquet");
    Files.createDirectories(truncated);
    Files.copy(partFile(first), truncated.resolve("part-0.parquet"));
    byte[] whole = Files.readAllBytes(partFile(first));
    Files.write(truncated.resolve("part-1.parquet"), java.util.Arrays.copyOf(whole, whole.length / 2));
    assertRefused(List.of("--input", truncated.toString(), "--format", "parquet"),
        "part-1.parquet: not a readable Parquet file");
  }

  /** A DataFrame written as a directory holding one part file. */
  private Path single(Dataset<Row> frame, String name) {
    Path path = dir.resolve(name + ".parquet");
    frame.coalesce(1).write().parquet(path.toString());
    return path;
  }

  private static Path partFile(Path directory) throws Exception {
    try (var files = Files.list(directory)) {
      return files.filter(p -> p.getFileName().toString().endsWith(".parquet")).findFirst().orElseThrow();
    }
  }
}
