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
 * <p>The files are read once: one Spark job parses every line (errors name the file and line),
 * builds each partition's blocks of about 8 MiB as it goes, caches them, and counts rows, columns and
 * non-zeros from the cached blocks. Nothing but the blocks is ever cached.
 */
public final class LibsvmInput {
  private LibsvmInput() {}

  /**
   * @param numFeatures the number of features, or 0 to take the largest index in the data
   * @param minPartitions lower bound on the number of partitions (0: one per file system block)
   */
  public static BlockedData load(JavaSparkContext jsc, String path, int numFeatures, boolean intercept,
      double regWeight, int minPartitions) {
    InputFiles input = InputFiles.text(jsc, listFiles(path, jsc.hadoopConfiguration()));
    JavaRDD<RowBlock> built = TextInput.read(jsc, input, minPartitions, new LibsvmParser(numFeatures),
        rows -> rows.blocks(numFeatures, intercept, regWeight).iterator());
    return cache(built, path, input, numFeatures, intercept);
  }

  /**
   * Caches freshly built blocks and counts them in one job — the job that reads the input, so
   * every input error surfaces here — then, if the width was learned ({@code features} 0) and some
   * partitions' blocks are narrower than the widest row, serves those widened on every pass rather
   * than caching a second, wider copy. The step every input format ends with.
   *
   * @param features the design's feature count, or 0 to take the widest block's
   */
  static BlockedData cache(JavaRDD<RowBlock> built, String path, InputFiles input, int features, boolean intercept) {
    JavaRDD<RowBlock> cached = built.persist(StorageLevel.MEMORY_AND_DISK());
    try {
      int interceptColumns = intercept ? 1 : 0;
      BlockStats stats = unwrapInputErrors(() -> cached.aggregate(new BlockStats(),
          (s, b) -> s.add(b, interceptColumns), BlockStats::merge));
      if (stats.rows == 0) throw new InputFormatException("no data rows in " + path);
      int width = features > 0 ? features : stats.maxCols - interceptColumns;
      int dim = width + interceptColumns;
      long narrow = stats.blocks - stats.blocksAtMaxCols;
      JavaRDD<RowBlock> blocks = narrow == 0 && stats.maxCols == dim ? cached
          : cached.map(b -> b.cols() == dim ? b : b.widened(dim, intercept));
      return new BlockedData(blocks, cached, stats.rows, width, intercept, stats.nonZeros, input, stats.denseBlocks,
          stats.blocks, narrow);
    } catch (RuntimeException e) {
      cached.unpersist(false);
      throw e;
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
    InputFiles files = InputFiles.lineNumbered(listFiles(path, jsc.hadoopConfiguration()));
    InputFiles shiftedFiles = InputFiles.lineNumbered(listFiles(shiftedPath, jsc.hadoopConfiguration()));
    if (files.size() != shiftedFiles.size()) {
      throw new InputFormatException(shiftedPath + " has " + shiftedFiles.size() + " file(s) but " + path + " has "
          + files.size() + ": the shifted data must have the same files and rows");
    }
    JavaRDD<ParsedRow> parsed = parseByLine(jsc, files, numFeatures, minPartitions)
        .persist(StorageLevel.MEMORY_AND_DISK());
    JavaRDD<ParsedRow> shifted = parseByLine(jsc, shiftedFiles, numFeatures, minPartitions)
        .persist(StorageLevel.MEMORY_AND_DISK());
    try {
      Stats stats = validate(parsed, path);
      Stats shiftedStats = validate(shifted, shiftedPath);
      int features = numFeatures > 0 ? numFeatures : Math.max(stats.width, shiftedStats.width);
      int cols = features + (intercept ? 1 : 0);
      int interceptColumn = intercept ? features : -1;
      JavaPairRDD<Long, scala.Tuple2<org.apache.spark.api.java.Optional<ParsedRow>,
          org.apache.spark.api.java.Optional<ParsedRow>>> joined = parsed.keyBy(ParsedRow::rowId)
          .fullOuterJoin(shifted.keyBy(ParsedRow::rowId));
      List<Long> unmatched = joined.filter(t -> !t._2()._1().isPresent() || !t._2()._2().isPresent()).keys()
          .takeOrdered(1);
      if (!unmatched.isEmpty()) {
        long id = unmatched.get(0);
        boolean inOriginal = joined.lookup(id).get(0)._1().isPresent();
        throw new InputFormatException(String.format("the shifted data do not have the same rows: %s has no"
            + " counterpart in %s", (inOriginal ? files : shiftedFiles).describe(id),
            inOriginal ? shiftedPath : path));
      }
      JavaRDD<scala.Tuple2<RowBlock, RowBlock>> pairs = joined.values()
          .mapPartitions(it -> toBlockPairs(it, cols, interceptColumn, regWeight))
          .persist(StorageLevel.MEMORY_AND_DISK());
      JavaRDD<RowBlock> blocks = pairs.map(scala.Tuple2::_1);
      int interceptColumns = intercept ? 1 : 0;
      BlockStats counts = blocks.aggregate(new BlockStats(), (c, b) -> c.add(b, interceptColumns), BlockStats::merge);
      BlockedData data = new BlockedData(blocks, blocks, stats.rows, features, intercept, stats.nonZeros, files,
          counts.denseBlocks, counts.blocks, 0);
      return new Paired(data, pairs);
    } finally {
      parsed.unpersist(false);
      shifted.unpersist(false);
    }
  }

  /** A dataset and the pairs (original block, shifted block) of {@link #loadPaired}. */
  public record Paired(BlockedData original, JavaRDD<scala.Tuple2<RowBlock, RowBlock>> pairs) {}

  /** The parsed rows of the files (validated as they are read), for scoring and shift pairs. */
  public static JavaRDD<ParsedRow> parse(JavaSparkContext jsc, InputFiles files, int numFeatures, int minPartitions) {
    return TextInput.read(jsc, files, minPartitions, new LibsvmParser(numFeatures), RowCursor::parsedRows);
  }

  /**
   * The parsed rows of line-numbered files ({@link InputFiles#lineNumbered}): each file is read on its
   * own and its lines numbered by a counting job first — twice the reading of {@link #parse}, for
   * the shift analysis, whose two datasets pair rows by line.
   */
  private static JavaRDD<ParsedRow> parseByLine(JavaSparkContext jsc, InputFiles files, int numFeatures,
      int minPartitions) {
    LibsvmParser format = new LibsvmParser(numFeatures);
    JavaRDD<ParsedRow> parsed = null;
    for (int f = 0; f < files.size(); f++) {
      int file = f;
      String path = files.paths().get(f);
      JavaRDD<String> lines = minPartitions > 0 ? jsc.textFile(path, minPartitions) : jsc.textFile(path);
      JavaRDD<ParsedRow> rows = lines.zipWithIndex().mapPartitions(it -> new TextLines(
          new NumberedLines(it), files, file, false, format).parsedRows());
      parsed = parsed == null ? rows : parsed.union(rows);
    }
    return parsed;
  }

  /** Lines numbered by zipWithIndex as a text input's (key, line) pairs, the key being the line index. */
  private record NumberedLines(Iterator<scala.Tuple2<String, Long>> lines)
      implements Iterator<scala.Tuple2<org.apache.hadoop.io.LongWritable, org.apache.hadoop.io.Text>> {
    @Override public boolean hasNext() { return lines.hasNext(); }

    @Override public scala.Tuple2<org.apache.hadoop.io.LongWritable, org.apache.hadoop.io.Text> next() {
      scala.Tuple2<String, Long> line = lines.next();
      return new scala.Tuple2<>(new org.apache.hadoop.io.LongWritable(line._2()), new org.apache.hadoop.io.Text(line._1()));
    }
  }

  /** Parses every line (errors name file and line) and counts rows, width and non-zeros. */
  private static Stats validate(JavaRDD<ParsedRow> parsed, String path) {
    Stats stats = unwrapInputErrors(() -> parsed.aggregate(new Stats(), Stats::add, Stats::merge));
    if (stats.rows == 0) throw new InputFormatException("no data rows in " + path);
    return stats;
  }

  private static Iterator<scala.Tuple2<RowBlock, RowBlock>> toBlockPairs(
      Iterator<scala.Tuple2<org.apache.spark.api.java.Optional<ParsedRow>, org.apache.spark.api.java.Optional<ParsedRow>>> rows,
      int cols, int interceptColumn, double regWeight) {
    List<scala.Tuple2<RowBlock, RowBlock>> blocks = new ArrayList<>();
    RowBlockBuilder original = new RowBlockBuilder(cols, interceptColumn, regWeight);
    RowBlockBuilder shifted = new RowBlockBuilder(cols, interceptColumn, regWeight);
    while (rows.hasNext()) {
      var pair = rows.next();
      ParsedRow a = pair._1().get();
      ParsedRow b = pair._2().get();
      original.add(a.rowId(), a.label(), a.indices(), a.values());
      shifted.add(b.rowId(), b.label(), b.indices(), b.values());
      if (original.full() || shifted.full()) blocks.add(new scala.Tuple2<>(original.build(), shifted.build()));
    }
    if (original.rows() > 0) blocks.add(new scala.Tuple2<>(original.build(), shifted.build()));
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

  /** Row count, width and non-zeros, folded over the parsed rows. */
  static final class Stats implements Serializable {
    private static final long serialVersionUID = 1L;
    long rows;
    long nonZeros;
    int width;

    Stats add(ParsedRow row) {
      rows++;
      nonZeros += row.nnz();
      width = Math.max(width, row.width());
      return this;
    }

    Stats merge(Stats other) {
      rows += other.rows;
      nonZeros += other.nonZeros;
      width = Math.max(width, other.width);
      return this;
    }
  }

  /** Rows, non-zeros and blocks (dense ones, the widest ones) folded over freshly built blocks. */
  static final class BlockStats implements Serializable {
    private static final long serialVersionUID = 1L;
    long rows;
    long nonZeros;
    long blocks;
    long denseBlocks;
    int maxCols;
    long blocksAtMaxCols;

    BlockStats add(RowBlock block, int interceptColumns) {
      rows += block.rows();
      nonZeros += block.countNonZeros() - (long) interceptColumns * block.rows();
      blocks++;
      if (block instanceof dev.hyperreg.core.data.DenseRowBlock) denseBlocks++;
      if (block.cols() > maxCols) {
        maxCols = block.cols();
        blocksAtMaxCols = 0;
      }
      if (block.cols() == maxCols) blocksAtMaxCols++;
      return this;
    }

    BlockStats merge(BlockStats other) {
      rows += other.rows;
      nonZeros += other.nonZeros;
      blocks += other.blocks;
      denseBlocks += other.denseBlocks;
      if (other.maxCols > maxCols) {
        maxCols = other.maxCols;
        blocksAtMaxCols = other.blocksAtMaxCols;
      } else if (other.maxCols == maxCols) {
        blocksAtMaxCols += other.blocksAtMaxCols;
      }
      return this;
    }
  }
}
