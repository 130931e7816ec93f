package dev.hyperreg.spark.io;

import dev.hyperreg.core.data.RowBlock;
import dev.hyperreg.core.data.RowBlockBuilder;
import dev.hyperreg.spark.InputFormatException;
import dev.hyperreg.spark.NumericalFailure;
import dev.hyperreg.spark.StorageFailure;
import java.io.IOException;
import java.io.Serializable;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileStatus;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;
import org.apache.spark.api.java.JavaPairRDD;
import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.storage.StorageLevel;

/**
 * Reads LIBSVM files from any Hadoop file system into cached {@link RowBlock}s.
 *
 * <p>One parse pass validates every line (errors name the file and line) and counts rows, columns
 * and non-zeros; a second turns each partition's rows into blocks of
 * {@link RowBlockBuilder#rowsPerBlock} rows, which are cached; the parsed rows are then dropped.
 */
public final class LibsvmInput {
  private LibsvmInput() {}

  /**
   * @param numFeatures the number of features, or 0 to take the largest index in the data
   * @param minPartitions lower bound on the number of partitions (0: Spark's default)
   */
  public static BlockedData load(JavaSparkContext jsc, String path, int numFeatures, boolean intercept,
      double regWeight, int minPartitions) {
    List<String> files = listFiles(path, jsc.hadoopConfiguration());
    return blocked(parse(jsc, files, minPartitions), path, files, true, numFeatures, intercept, regWeight);
  }

  /**
   * Validates parsed rows (every error names its place), then turns each partition's rows into
   * cached blocks of {@link RowBlockBuilder#rowsPerBlock} rows: the step every input format ends with.
   */
  static BlockedData blocked(JavaRDD<ParsedRow> rows, String path, List<String> files, boolean lineNumbered,
      int numFeatures, boolean intercept, double regWeight) {
    JavaRDD<ParsedRow> parsed = rows.persist(StorageLevel.MEMORY_AND_DISK());
    try {
      Stats stats = validate(parsed, path);
      int features = checkedFeatures(stats, numFeatures, files);
      int cols = features + (intercept ? 1 : 0);
      int interceptColumn = intercept ? features : -1;
      int rowsPerBlock = RowBlockBuilder.rowsPerBlock(cols);
      JavaRDD<RowBlock> blocks = parsed.mapPartitions(it -> toBlocks(it, cols, interceptColumn, regWeight, rowsPerBlock))
          .persist(StorageLevel.MEMORY_AND_DISK());
      long[] counts = countBlocks(blocks);
      return new BlockedData(blocks, stats.rows, features, intercept, stats.nonZeros, files, counts[1], counts[0],
          lineNumbered);
    } finally {
      parsed.unpersist(false);
    }
  }

  /**
   * Two datasets with the same rows — the same files and line numbers, so the same row ids — read as
   * pairs of blocks holding each row before and after (the data of {@code hyperreg shift
   * --shifted-input}). A row present in one and not the other is an error naming it.
   *
   * @return the original data (its blocks are the first of each pair) and the pairs
   */
  public static Paired loadPaired(JavaSparkContext jsc, String path, String shiftedPath, int numFeatures,
      boolean intercept, double regWeight, int minPartitions) {
    List<String> files = listFiles(path, jsc.hadoopConfiguration());
    List<String> shiftedFiles = listFiles(shiftedPath, jsc.hadoopConfiguration());
    if (files.size() != shiftedFiles.size()) {
      throw new InputFormatException(shiftedPath + " has " + shiftedFiles.size() + " file(s) but " + path + " has "
          + files.size() + ": the shifted data must have the same files and rows");
    }
    JavaRDD<ParsedRow> parsed = parse(jsc, files, minPartitions).persist(StorageLevel.MEMORY_AND_DISK());
    JavaRDD<ParsedRow> shifted = parse(jsc, shiftedFiles, minPartitions).persist(StorageLevel.MEMORY_AND_DISK());
    try {
      Stats stats = validate(parsed, path);
      Stats shiftedStats = validate(shifted, shiftedPath);
      int features = numFeatures > 0 ? numFeatures : Math.max(stats.width, shiftedStats.width);
      checkedFeatures(stats, features, files);
      checkedFeatures(shiftedStats, features, shiftedFiles);
      JavaPairRDD<Long, scala.Tuple2<org.apache.spark.api.java.Optional<ParsedRow>,
          org.apache.spark.api.java.Optional<ParsedRow>>> joined = parsed.keyBy(ParsedRow::rowId)
          .fullOuterJoin(shifted.keyBy(ParsedRow::rowId));
      List<Long> unmatched = joined.filter(t -> !t._2()._1().isPresent() || !t._2()._2().isPresent()).keys()
          .takeOrdered(1);
      if (!unmatched.isEmpty()) {
        long id = unmatched.get(0);
        boolean inOriginal = joined.lookup(id).get(0)._1().isPresent();
        throw new InputFormatException(String.format("the shifted data do not have the same rows: %s has no"
            + " counterpart in %s", BlockedData.describeRow(inOriginal ? files : shiftedFiles, id),
            inOriginal ? shiftedPath : path));
      }
      int cols = features + (intercept ? 1 : 0);
      int interceptColumn = intercept ? features : -1;
      int rowsPerBlock = RowBlockBuilder.rowsPerBlock(cols);
      JavaRDD<scala.Tuple2<RowBlock, RowBlock>> pairs = joined.values()
          .mapPartitions(it -> toBlockPairs(it, cols, interceptColumn, regWeight, rowsPerBlock))
          .persist(StorageLevel.MEMORY_AND_DISK());
      JavaRDD<RowBlock> blocks = pairs.map(scala.Tuple2::_1);
      long[] counts = countBlocks(blocks);
      BlockedData data = new BlockedData(blocks, stats.rows, features, intercept, stats.nonZeros, files, counts[1],
          counts[0], true);
      return new Paired(data, pairs);
    } finally {
      parsed.unpersist(false);
      shifted.unpersist(false);
    }
  }

  /** {blocks, dense blocks}: the pass that also materializes freshly cached blocks. */
  private static long[] countBlocks(JavaRDD<RowBlock> blocks) {
    return blocks.map(b -> new long[] {1, b instanceof dev.hyperreg.core.data.DenseRowBlock ? 1 : 0})
        .reduce((a, b) -> new long[] {a[0] + b[0], a[1] + b[1]});
  }

  /** A dataset and the pairs (original block, shifted block) of {@link #loadPaired}. */
  public record Paired(BlockedData original, JavaRDD<scala.Tuple2<RowBlock, RowBlock>> pairs) {}

  /** The parsed (not yet validated) rows of the files, for scoring. */
  public static JavaRDD<ParsedRow> parse(JavaSparkContext jsc, List<String> files, int minPartitions) {
    JavaRDD<ParsedRow> parsed = null;
    for (int f = 0; f < files.size(); f++) {
      final int fileIndex = f;
      final String file = files.get(f);
      JavaRDD<String> lines = minPartitions > 0 ? jsc.textFile(file, minPartitions) : jsc.textFile(file);
      JavaRDD<ParsedRow> rows = lines.zipWithIndex()
          .map(t -> LibsvmParser.parse(t._1(), file, t._2() + 1, BlockedData.rowId(fileIndex, t._2())))
          .filter(r -> r != null);
      parsed = parsed == null ? rows : parsed.union(rows);
    }
    return parsed;
  }

  /** Parses every line (errors name file and line) and counts rows, width and non-zeros. */
  private static Stats validate(JavaRDD<ParsedRow> parsed, String path) {
    Stats stats = unwrapInputErrors(() -> parsed.aggregate(new Stats(), Stats::add, Stats::merge));
    if (stats.rows == 0) throw new InputFormatException("no data rows in " + path);
    return stats;
  }

  private static int checkedFeatures(Stats stats, int numFeatures, List<String> files) {
    int features = numFeatures > 0 ? numFeatures : stats.width;
    if (stats.width > features) {
      throw new InputFormatException(BlockedData.describeRow(files, stats.widestRow)
          + ": feature index " + stats.width + " exceeds --num-features " + numFeatures);
    }
    return features;
  }

  private static Iterator<scala.Tuple2<RowBlock, RowBlock>> toBlockPairs(
      Iterator<scala.Tuple2<org.apache.spark.api.java.Optional<ParsedRow>, org.apache.spark.api.java.Optional<ParsedRow>>> rows,
      int cols, int interceptColumn, double regWeight, int rowsPerBlock) {
    List<scala.Tuple2<RowBlock, RowBlock>> blocks = new ArrayList<>();
    RowBlockBuilder original = new RowBlockBuilder(cols, interceptColumn, regWeight);
    RowBlockBuilder shifted = new RowBlockBuilder(cols, interceptColumn, regWeight);
    while (rows.hasNext()) {
      var pair = rows.next();
      ParsedRow a = pair._1().get();
      ParsedRow b = pair._2().get();
      original.add(a.rowId(), a.label(), a.indices(), a.values());
      shifted.add(b.rowId(), b.label(), b.indices(), b.values());
      if (original.rows() == rowsPerBlock) blocks.add(new scala.Tuple2<>(original.build(), shifted.build()));
    }
    if (original.rows() > 0) blocks.add(new scala.Tuple2<>(original.build(), shifted.build()));
    return blocks.iterator();
  }

  private static Iterator<RowBlock> toBlocks(Iterator<ParsedRow> rows, int cols, int interceptColumn,
      double regWeight, int rowsPerBlock) {
    List<RowBlock> blocks = new ArrayList<>();
    RowBlockBuilder builder = new RowBlockBuilder(cols, interceptColumn, regWeight);
    while (rows.hasNext()) {
      ParsedRow row = rows.next();
      builder.add(row.rowId(), row.label(), row.regWeight(), row.indices(), row.values());
      if (builder.rows() == rowsPerBlock) blocks.add(builder.build());
    }
    if (builder.rows() > 0) blocks.add(builder.build());
    return blocks.iterator();
  }

  /** The files a path names: the file itself, a directory's visible files, or a glob's matches. */
  public static List<String> listFiles(String path, Configuration conf) {
    try {
      Path p = new Path(path);
      FileSystem fs = p.getFileSystem(conf);
      FileStatus[] matches = fs.globStatus(p);
      if (matches == null || matches.length == 0) throw new InputFormatException("input not found: " + path);
      List<String> files = new ArrayList<>();
      for (FileStatus match : matches) {
        if (match.isDirectory()) {
          for (FileStatus child : fs.listStatus(match.getPath())) {
            String name = child.getPath().getName();
            if (child.isFile() && !name.startsWith("_") && !name.startsWith(".")) files.add(child.getPath().toString());
          }
        } else {
          files.add(match.getPath().toString());
        }
      }
      files.sort(null);
      if (files.isEmpty()) throw new InputFormatException("no input files in " + path);
      return files;
    } catch (IOException e) {
      throw StorageFailure.of("cannot read input " + path, e);
    }
  }

  /**
   * Runs a Spark action and rethrows an {@link InputFormatException} or a numerical failure raised in
   * a task as itself (Spark wraps it in a SparkException whose message holds the task's stack trace).
   */
  public static <T> T unwrapInputErrors(java.util.function.Supplier<T> action) {
    try {
      return action.get();
    } catch (Exception e) { // Spark throws its checked SparkException from Scala code
      for (Throwable t = e; t != null; t = t.getCause()) {
        if (t instanceof InputFormatException ife) throw new InputFormatException(ife.getMessage());
        if (t instanceof NumericalFailure nf) throw new NumericalFailure(nf.getMessage());
      }
      // A task's exception may arrive only as the text of a SparkException (cluster mode).
      String text = String.valueOf(e.getMessage());
      String input = messageAfter(text, InputFormatException.class.getName() + ": ");
      if (input != null) throw new InputFormatException(input);
      String numerical = messageAfter(text, NumericalFailure.class.getName() + ": ");
      if (numerical != null) throw new NumericalFailure(numerical);
      // Spark's CSV reader in FAILFAST mode: a line with more or fewer fields than the header
      for (Throwable t = e; t != null; t = t.getCause()) {
        String m = String.valueOf(t.getMessage());
        if (m.contains("MALFORMED_RECORD_IN_PARSING") || m.contains("Malformed records are detected")) {
          String file = messageAfter(text, "while reading file ");
          throw new InputFormatException((file != null ? file.split("\\s+")[0].replaceAll("\\.$", "") + ": " : "")
              + "a CSV line does not match its header (" + m.lines().findFirst().orElse("") + ")");
        }
      }
      if (e instanceof RuntimeException re) throw re;
      throw new IllegalStateException(e);
    }
  }

  /** The rest of the line after {@code marker} in {@code text}, or null. */
  private static String messageAfter(String text, String marker) {
    int at = text.indexOf(marker);
    if (at < 0) return null;
    String message = text.substring(at + marker.length());
    int end = message.indexOf('\n');
    return end >= 0 ? message.substring(0, end) : message;
  }

  /** Row count, widest row and non-zeros, folded over the parsed rows. */
  static final class Stats implements Serializable {
    private static final long serialVersionUID = 1L;
    long rows;
    long nonZeros;
    int width;
    long widestRow = -1;

    Stats add(ParsedRow row) {
      rows++;
      nonZeros += row.nnz();
      if (row.width() > width) {
        width = row.width();
        widestRow = row.rowId();
      }
      return this;
    }

    Stats merge(Stats other) {
      rows += other.rows;
      nonZeros += other.nonZeros;
      if (other.width > width) {
        width = other.width;
        widestRow = other.widestRow;
      }
      return this;
    }
  }
}
