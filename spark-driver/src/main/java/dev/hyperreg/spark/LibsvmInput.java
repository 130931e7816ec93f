package dev.hyperreg.spark;

import dev.hyperreg.core.RowBlock;
import dev.hyperreg.core.RowBlockBuilder;
import java.io.IOException;
import java.io.Serializable;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileStatus;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;
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
    parsed = parsed.persist(StorageLevel.MEMORY_AND_DISK());
    try {
      JavaRDD<ParsedRow> validated = parsed;
      Stats stats = unwrapInputErrors(() -> validated.aggregate(new Stats(), Stats::add, Stats::merge));
      if (stats.rows == 0) throw new InputFormatException("no data rows in " + path);
      int features = numFeatures > 0 ? numFeatures : stats.width;
      if (stats.width > features) {
        throw new InputFormatException(BlockedData.describeRow(files, stats.widestRow)
            + ": feature index " + stats.width + " exceeds --num-features " + numFeatures);
      }
      int cols = features + (intercept ? 1 : 0);
      int interceptColumn = intercept ? features : -1;
      int rowsPerBlock = RowBlockBuilder.rowsPerBlock(cols);
      JavaRDD<RowBlock> blocks = parsed.mapPartitions(it -> toBlocks(it, cols, interceptColumn, regWeight, rowsPerBlock))
          .persist(StorageLevel.MEMORY_AND_DISK());
      long[] counts = blocks.map(b -> new long[] {1, b instanceof dev.hyperreg.core.DenseRowBlock ? 1 : 0})
          .reduce((a, b) -> new long[] {a[0] + b[0], a[1] + b[1]});
      return new BlockedData(blocks, stats.rows, features, intercept, stats.nonZeros, files, counts[1], counts[0]);
    } finally {
      parsed.unpersist(false);
    }
  }

  private static Iterator<RowBlock> toBlocks(Iterator<ParsedRow> rows, int cols, int interceptColumn,
      double regWeight, int rowsPerBlock) {
    List<RowBlock> blocks = new ArrayList<>();
    RowBlockBuilder builder = new RowBlockBuilder(cols, interceptColumn, regWeight);
    while (rows.hasNext()) {
      ParsedRow row = rows.next();
      builder.add(row.rowId(), row.label(), row.indices(), row.values());
      if (builder.rows() == rowsPerBlock) blocks.add(builder.build());
    }
    if (builder.rows() > 0) blocks.add(builder.build());
    return blocks.iterator();
  }

  /** The files a path names: the file itself, a directory's visible files, or a glob's matches. */
  static List<String> listFiles(String path, Configuration conf) {
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
      throw new InputFormatException("cannot read input " + path + ": " + e.getMessage());
    }
  }

  /**
   * Runs a Spark action and rethrows an {@link InputFormatException} raised in a task as itself
   * (Spark wraps it in a SparkException whose message holds the task's stack trace).
   */
  static <T> T unwrapInputErrors(java.util.function.Supplier<T> action) {
    try {
      return action.get();
    } catch (Exception e) { // Spark throws its checked SparkException from Scala code
      for (Throwable t = e; t != null; t = t.getCause()) {
        if (t instanceof InputFormatException ife) throw new InputFormatException(ife.getMessage());
      }
      // A task's exception may arrive only as the text of a SparkException (cluster mode).
      String marker = InputFormatException.class.getName() + ": ";
      String text = String.valueOf(e.getMessage());
      int at = text.indexOf(marker);
      if (at >= 0) {
        String message = text.substring(at + marker.length());
        int end = message.indexOf('\n');
        throw new InputFormatException(end >= 0 ? message.substring(0, end) : message);
      }
      if (e instanceof RuntimeException re) throw re;
      throw new IllegalStateException(e);
    }
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
