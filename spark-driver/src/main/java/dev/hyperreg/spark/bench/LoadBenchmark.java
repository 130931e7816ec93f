package dev.hyperreg.spark.bench;

import dev.hyperreg.spark.exec.SparkSessions;
import dev.hyperreg.spark.io.BlockedData;
import dev.hyperreg.spark.io.LibsvmInput;
import dev.hyperreg.spark.io.NumberParserComparison;
import dev.hyperreg.spark.io.TableInput;
import dev.hyperreg.spark.job.Json;
import java.io.IOException;
import java.io.OutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.concurrent.atomic.AtomicLong;
import java.util.stream.IntStream;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.ml.linalg.Vectors;
import org.apache.spark.ml.linalg.VectorUDT;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;
import scala.Tuple2;

/**
 * {@code hyperreg bench-load}: how long loading takes and how much storage it holds at its peak,
 * against reading the same files' lines with Spark ({@code spark.read.text(dir).count()}; for Parquet a
 * full scan of the columns loaded into Spark's {@code noop} sink), for a
 * directory of LIBSVM, CSV and Parquet files holding the same rows.
 *
 * <p>The files are generated once (kept in {@code --data}) the way users' files look: 16 part files,
 * numbers as Java writes a double (up to 17 significant digits, as MLlib's saveAsLibSVMFile does).
 * Each measurement runs after one warm-up of the same kind, in one Spark session, median of
 * {@code --runs}. Storage is Spark's own account (memory used for caching and unrolling, polled every
 * 5 ms on the driver's block manager status), so the peak covers blocks being built as well as held.
 * For the text formats it also times the numbers of one file with the loaders' parser and with
 * FastDoubleParser, side by side ({@link NumberParserComparison}).
 */
public final class LoadBenchmark {
  private LoadBenchmark() {}

  /** Generates the inputs the options describe (once) and measures loading them; writes load.json. */
  public static int run(LoadBenchOptions options, PrintStream out) throws IOException {
    String data = options.data;
    String output = options.output;
    double gigabytes = options.gigabytes;
    int files = options.files;
    int features = options.features;
    int runs = options.runs;
    List<String> formats = options.formats();
    boolean existing = SparkSession.getDefaultSession().isDefined();
    SparkSession spark = SparkSessions.builder("hyperreg bench-load", null, existing).getOrCreate();
    try {
      JavaSparkContext jsc = JavaSparkContext.fromSparkContext(spark.sparkContext());
      // a LIBSVM row of D full-precision entries takes about 24·D bytes
      long rows = (long) (gigabytes * 1e9 / (24.0 * features));
      Path dataDir = Path.of(data, String.format(Locale.ROOT, "%dx%d-%d", rows, features, files));
      Map<String, Object> report = new LinkedHashMap<>();
      report.put("rows", rows);
      report.put("features", features);
      report.put("files", files);
      report.put("cores", Runtime.getRuntime().availableProcessors());
      report.put("spark", jsc.version());
      report.put("java", System.getProperty("java.version"));
      report.put("maxHeapGiB", Runtime.getRuntime().maxMemory() / (double) (1L << 30));
      List<Map<String, Object>> results = new ArrayList<>();
      for (String format : formats) {
        Path dir = dataDir.resolve(format);
        if (!Files.exists(dir.resolve("_DONE"))) generate(spark, dir, format, rows, features, files);
        Map<String, Object> r = measure(spark, jsc, dir, format, features, runs);
        results.add(r);
        out.printf(Locale.ROOT, "%-8s %7.2f GB  baseline %6.2f s  load %6.2f s  ratio %.2f  |  peak storage %7.1f MB"
                + "  final cache %7.1f MB  ratio %.2f%n", format, (double) r.get("gigabytes"),
            (double) r.get("textCountSeconds"), (double) r.get("loadSeconds"), (double) r.get("loadOverTextCount"),
            (double) r.get("peakStorageMB"), (double) r.get("finalCacheMB"), (double) r.get("peakOverFinal"));
        if (!format.equals("parquet")) {
          Map<String, Object> numbers = NumberParserComparison.measure(dir.resolve(String.format(Locale.ROOT,
              "part-%05d.%s", 0, format)), format.equals("csv"), runs);
          r.put("numberParsing", numbers);
          out.printf(Locale.ROOT, "%-8s numbers of one file, one thread: NumberParser %.1f ns, FastDoubleParser %.1f ns"
                  + " per number (ratio %.2f)%n", format, (double) numbers.get("handWrittenNanosPerNumber"),
              (double) numbers.get("fastDoubleParserNanosPerNumber"), (double) numbers.get("fastDoubleParserOverHandWritten"));
        }
      }
      report.put("results", results);
      Path outDir = Path.of(output);
      Files.createDirectories(outDir);
      Files.writeString(outDir.resolve("load.json"), Json.write(report));
      out.println("wrote " + outDir.resolve("load.json"));
      return 0;
    } finally {
      if (!existing) spark.stop();
    }
  }

  private static Map<String, Object> measure(SparkSession spark, JavaSparkContext jsc, Path dir, String format,
      int features, int runs) throws IOException {
    String path = dir.toString();
    long bytes;
    try (var stream = Files.list(dir)) {
      bytes = stream.filter(p -> !p.getFileName().toString().startsWith("_") && !p.getFileName().toString().startsWith(".")).mapToLong(p -> p.toFile().length()).sum();
    }
    // the baseline: every line read (text), or every value of the columns loaded decoded (Parquet,
    // whose count() alone reads only the footers)
    Runnable textCount = format.equals("parquet")
        ? () -> spark.read().parquet(path).select("label", "features").write().format("noop").mode("overwrite").save()
        : () -> spark.read().text(path).count();
    TableInput.Columns columns = new TableInput.Columns("label", null, List.of(), "features");
    java.util.function.Supplier<BlockedData> load = () -> format.equals("libsvm")
        ? LibsvmInput.load(jsc, path, 0, true, 0.1, 0)
        : TableInput.load(jsc, format, path, columns, true, 0.1, 0);
    textCount.run(); // warm-up: page cache, JIT
    load.get().release();
    double textSeconds = Benchmark.medianSeconds(runs, textCount);
    double[] loadSeconds = new double[runs];
    long peak = 0;
    long finalCache = 0;
    long partitions = 0;
    for (int k = 0; k < runs; k++) {
      long base = storageUsed(jsc);
      AtomicLong max = new AtomicLong();
      java.util.concurrent.atomic.AtomicBoolean loading = new java.util.concurrent.atomic.AtomicBoolean(true);
      Thread poller = new Thread(() -> {
        while (loading.get()) {
          max.accumulateAndGet(storageUsed(jsc) - base, Math::max);
          try {
            Thread.sleep(5);
          } catch (InterruptedException e) {
            return;
          }
        }
      });
      poller.setDaemon(true);
      poller.start();
      long t0 = System.nanoTime();
      BlockedData loaded = load.get();
      loadSeconds[k] = (System.nanoTime() - t0) / 1e9;
      loading.set(false);
      try {
        poller.join();
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
      long held = storageUsed(jsc) - base;
      peak = Math.max(peak, Math.max(max.get(), held));
      finalCache = held;
      partitions = loaded.cached().getNumPartitions();
      loaded.release();
    }
    java.util.Arrays.sort(loadSeconds);
    Map<String, Object> r = new LinkedHashMap<>();
    r.put("format", format);
    r.put("gigabytes", bytes / 1e9);
    r.put("partitions", partitions);
    r.put("textCountSeconds", textSeconds);
    r.put("loadSeconds", loadSeconds[runs / 2]);
    r.put("loadOverTextCount", loadSeconds[runs / 2] / textSeconds);
    r.put("peakStorageMB", peak / 1e6);
    r.put("finalCacheMB", finalCache / 1e6);
    r.put("peakOverFinal", peak / (double) finalCache);
    return r;
  }

  /** Memory used for caching (and unrolling blocks into the cache) over all block managers. */
  private static long storageUsed(JavaSparkContext jsc) {
    long used = 0;
    scala.collection.Iterator<Tuple2<String, Tuple2<Object, Object>>> it =
        jsc.sc().getExecutorMemoryStatus().iterator();
    while (it.hasNext()) {
      Tuple2<Object, Object> status = it.next()._2();
      used += (Long) status._1() - (Long) status._2();
    }
    return used;
  }

  /** Rows i of file f: label and D features, all from a generator seeded by the row. */
  private static double[] row(long i, int features) {
    // split(): a mixed seed per row (seeds i·γ would give each row its predecessor's values shifted by one)
    SplittableRandom random = new SplittableRandom(i).split();
    double[] row = new double[features + 1];
    for (int j = 0; j <= features; j++) row[j] = random.nextDouble(-1, 1);
    return row;
  }

  private static void generate(SparkSession spark, Path dir, String format, long rows, int features, int files)
      throws IOException {
    Files.createDirectories(dir);
    JavaSparkContext jsc = JavaSparkContext.fromSparkContext(spark.sparkContext());
    String base = dir.toAbsolutePath().toString();
    if (format.equals("parquet")) {
      StructType schema = new StructType().add("label", DataTypes.DoubleType).add("features", new VectorUDT());
      var frameRows = jsc.parallelize(IntStream.range(0, files).boxed().toList(), files).flatMap(f -> {
        List<Row> out = new ArrayList<>();
        for (long i = rows * f / files; i < rows * (f + 1) / files; i++) {
          double[] r = row(i, features);
          out.add(RowFactory.create(r[0], Vectors.dense(java.util.Arrays.copyOfRange(r, 1, r.length))));
        }
        return out.iterator();
      });
      spark.createDataFrame(frameRows, schema).write().mode("overwrite").parquet(base);
    } else {
      boolean csv = format.equals("csv");
      jsc.parallelize(IntStream.range(0, files).boxed().toList(), files).foreach(f -> {
        Path file = Path.of(base, String.format("part-%05d.%s", f, format));
        try (OutputStream os = new java.io.BufferedOutputStream(Files.newOutputStream(file), 1 << 20)) {
          if (csv) {
            StringBuilder header = new StringBuilder("label");
            for (int j = 1; j <= features; j++) header.append(",f").append(j);
            os.write((header + "\n").getBytes(StandardCharsets.UTF_8));
          }
          StringBuilder line = new StringBuilder();
          for (long i = rows * f / files; i < rows * (f + 1) / files; i++) {
            double[] r = row(i, features);
            line.setLength(0);
            line.append(r[0]);
            for (int j = 1; j <= features; j++) {
              if (csv) line.append(',').append(r[j]);
              else line.append(' ').append(j).append(':').append(r[j]);
            }
            line.append('\n');
            os.write(line.toString().getBytes(StandardCharsets.UTF_8));
          }
        }
      });
    }
    Files.writeString(dir.resolve("_DONE"), "");
  }
}
