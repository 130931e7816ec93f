package dev.hyperreg.spark.io;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.hyperreg.core.data.RowBlock;
import dev.hyperreg.spark.SparkTestSession;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.ml.linalg.Vectors;
import org.apache.spark.ml.linalg.VectorUDT;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Loading at scale, checked against the files themselves: one Spark job reads a directory, only the
 * blocks are cached, and a row's id is its file's index and its line's byte offset (its row index in
 * a Parquet file) whatever the partitioning — computed here independently from the files' bytes.
 */
class LoadingTest {
  private static final int FEATURES = 9;
  @TempDir Path dir;

  @BeforeAll
  static void startSpark() { SparkTestSession.get(); }

  /** label, then the FEATURES features, of every row by id, as the files hold them. */
  private record Expected(Map<Long, double[]> rows, long nonZeros) {}

  /**
   * Writes files of random sparse rows (LIBSVM, or CSV with a header) and returns what they hold by
   * row id = fileIndex·2⁴⁰ + byte offset of the line. {@code maxColumnInFile} caps the columns a
   * file uses (to make partitions narrower than the whole).
   */
  private static Expected writeText(Path directory, boolean csv, int[] rowsPerFile, int[] maxColumnInFile)
      throws Exception {
    Files.createDirectories(directory);
    Map<Long, double[]> rows = new HashMap<>();
    long nonZeros = 0;
    Random random = new Random(rowsPerFile.length * 31L + (csv ? 1 : 0));
    for (int f = 0; f < rowsPerFile.length; f++) {
      StringBuilder text = new StringBuilder();
      if (csv) {
        text.append("y");
        for (int j = 1; j <= FEATURES; j++) text.append(",f").append(j);
        text.append('\n');
      }
      for (int i = 0; i < rowsPerFile[f]; i++) {
        if (!csv && i % 50 == 7) text.append("# a comment line\n\n");
        long offset = text.toString().getBytes(StandardCharsets.UTF_8).length;
        double[] row = new double[FEATURES + 1];
        row[0] = Math.round(random.nextGaussian() * 1000) / 1000.0;
        text.append(row[0]);
        for (int j = 1; j <= FEATURES; j++) {
          boolean present = j <= maxColumnInFile[f] && (random.nextInt(3) == 0 || (i == 0 && j == maxColumnInFile[f]));
          if (present) {
            row[j] = random.nextInt(2000) / 100.0 - 10;
            if (row[j] != 0) nonZeros++;
          }
          if (csv) text.append(',').append(row[j]);
          else if (present) text.append(' ').append(j).append(':').append(row[j]);
        }
        text.append('\n');
        rows.put(InputFiles.rowId(f, offset), row);
      }
      Files.writeString(directory.resolve(String.format("part-%05d.%s", f, csv ? "csv" : "libsvm")), text.toString());
    }
    return new Expected(rows, nonZeros);
  }

  /** Every row the solvers would see, by id: label, features (then the intercept's 1 when there is one). */
  private static Map<Long, double[]> seen(BlockedData data) {
    int dim = data.dim();
    List<double[]> rows = data.blocks().flatMap(block -> {
      List<double[]> out = new ArrayList<>();
      assertEquals(dim, block.cols());
      for (int i = 0; i < block.rows(); i++) {
        double[] row = new double[dim + 2];
        row[0] = Double.longBitsToDouble(block.rowId(i));
        row[1] = block.label(i);
        for (int j = 0; j < dim; j++) row[j + 2] = block.get(i, j);
        out.add(row);
      }
      return out.iterator();
    }).collect();
    Map<Long, double[]> byId = new HashMap<>();
    for (double[] row : rows) byId.put(Double.doubleToRawLongBits(row[0]), Arrays.copyOfRange(row, 1, row.length));
    return byId;
  }

  private static void assertHolds(Expected expected, BlockedData data, boolean intercept) {
    Map<Long, double[]> seen = seen(data);
    assertEquals(expected.rows().keySet(), seen.keySet());
    for (Map.Entry<Long, double[]> e : expected.rows().entrySet()) {
      double[] want = Arrays.copyOf(e.getValue(), FEATURES + 1 + (intercept ? 1 : 0));
      if (intercept) want[FEATURES + 1] = 1;
      assertArrayEquals(want, seen.get(e.getKey()), data.describeRow(e.getKey()));
    }
    assertEquals(expected.rows().size(), data.rows());
    assertEquals(expected.nonZeros(), data.nonZeros());
  }

  /** The Spark jobs {@code load} runs, and the RDDs cached afterwards beside those cached before. */
  private static int jobsOf(JavaSparkContext jsc, Runnable load) {
    String group = "load-" + System.nanoTime();
    jsc.setJobGroup(group, "a load under test", false);
    try {
      load.run();
    } finally {
      jsc.clearJobGroup();
    }
    return jsc.statusTracker().getJobIdsForGroup(group).length;
  }

  private static long cachedRdds(JavaSparkContext jsc) {
    return Arrays.stream(jsc.sc().getRDDStorageInfo()).filter(info -> info.numCachedPartitions() > 0).count();
  }

  @Test
  void aLibsvmDirectoryIsReadByOneJobWithRowIdsThatDoNotDependOnPartitioning() throws Exception {
    JavaSparkContext jsc = SparkTestSession.context();
    Path input = dir.resolve("libsvm");
    Expected expected = writeText(input, false, new int[] {700, 1, 1300}, new int[] {FEATURES, FEATURES, FEATURES});
    long cachedBefore = cachedRdds(jsc);
    for (int partitions : new int[] {0, 4, 13}) {
      BlockedData[] data = new BlockedData[1];
      int jobs = jobsOf(jsc, () -> data[0] = LibsvmInput.load(jsc, input.toString(), 0, true, 0.1, partitions));
      assertEquals(1, jobs, "jobs to load with --partitions " + partitions);
      assertTrue(data[0].cached().getNumPartitions() >= Math.max(3, partitions));
      assertEquals(cachedBefore + 1, cachedRdds(jsc), "only the blocks are cached");
      assertEquals(FEATURES, data[0].features());
      assertEquals(0, data[0].widenedBlocks());
      assertHolds(expected, data[0], true);
      data[0].release();
    }
  }

  @Test
  void aCsvDirectoryIsReadByOneJobAndItsHeadersAreNotRows() throws Exception {
    JavaSparkContext jsc = SparkTestSession.context();
    Path input = dir.resolve("csv");
    Expected expected = writeText(input, true, new int[] {400, 900}, new int[] {FEATURES, FEATURES});
    for (int partitions : new int[] {0, 7}) {
      BlockedData[] data = new BlockedData[1];
      TableInput.Columns columns = new TableInput.Columns("y", null, List.of(), null);
      int jobs = jobsOf(jsc, () -> data[0] = TableInput.load(jsc, "csv", input.toString(), columns, false, 0.1,
          partitions));
      assertEquals(1, jobs);
      assertHolds(expected, data[0], false);
      data[0].release();
    }
  }

  /**
   * Without --num-features the width is learned while the blocks are built: the partitions of a file
   * that never reaches the last columns build narrower blocks, which are widened — intercept moved
   * last — for the solvers, so they see the same rows as with the width given.
   */
  @Test
  void partitionsNarrowerThanTheInputAreWidenedWithTheInterceptLast() throws Exception {
    JavaSparkContext jsc = SparkTestSession.context();
    Path input = dir.resolve("narrow");
    Expected expected = writeText(input, false, new int[] {300, 300}, new int[] {4, FEATURES});
    BlockedData learned = LibsvmInput.load(jsc, input.toString(), 0, true, 0.1, 0);
    assertTrue(learned.widenedBlocks() > 0);
    assertEquals(FEATURES, learned.features());
    assertHolds(expected, learned, true);
    BlockedData given = LibsvmInput.load(jsc, input.toString(), FEATURES, true, 0.1, 0);
    assertEquals(0, given.widenedBlocks());
    assertHolds(expected, given, true);
    learned.release();
    given.release();
  }

  @Test
  void parquetRowIdsAreRowIndicesWithinEachFile() throws Exception {
    JavaSparkContext jsc = SparkTestSession.context();
    var spark = SparkTestSession.get();
    Path input = dir.resolve("parquet");
    Files.createDirectories(input);
    StructType schema = new StructType().add("label", DataTypes.DoubleType).add("features", new VectorUDT());
    Map<Long, double[]> rows = new HashMap<>();
    long nonZeros = 0;
    Random random = new Random(5);
    for (int f = 0; f < 3; f++) {
      List<Row> fileRows = new ArrayList<>();
      for (int i = 0; i < 500 + 200 * f; i++) {
        double[] row = new double[FEATURES + 1];
        row[0] = random.nextGaussian();
        for (int j = 1; j <= FEATURES; j++) {
          if (random.nextInt(3) == 0) {
            row[j] = random.nextGaussian();
            nonZeros++;
          }
        }
        fileRows.add(RowFactory.create(row[0], Vectors.dense(Arrays.copyOfRange(row, 1, row.length)).compressed()));
        rows.put(InputFiles.rowId(f, i), row);
      }
      Path tmp = dir.resolve("tmp-" + f);
      spark.createDataFrame(fileRows, schema).coalesce(1).write().parquet(tmp.toString());
      try (var parts = Files.list(tmp)) {
        Path part = parts.filter(p -> p.getFileName().toString().endsWith(".parquet")).findFirst().orElseThrow();
        Files.move(part, input.resolve(String.format("part-%05d.parquet", f)));
      }
    }
    TableInput.Columns columns = new TableInput.Columns("label", null, List.of(), "features");
    for (int partitions : new int[] {0, 9}) {
      BlockedData data = TableInput.load(jsc, "parquet", input.toString(), columns, false, 0.1, partitions);
      assertHolds(new Expected(rows, nonZeros), data, false);
      data.release();
    }
  }
}
