package dev.hyperreg.spark.io;

import dev.hyperreg.spark.InputFormatException;
import dev.hyperreg.spark.StorageFailure;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;
import org.apache.hadoop.io.LongWritable;
import org.apache.hadoop.io.Text;
import org.apache.hadoop.io.compress.CompressionCodec;
import org.apache.hadoop.io.compress.CompressionCodecFactory;
import org.apache.hadoop.mapreduce.Job;
import org.apache.hadoop.mapreduce.lib.input.FileInputFormat;
import org.apache.hadoop.mapreduce.lib.input.FileSplit;
import org.apache.hadoop.mapreduce.lib.input.TextInputFormat;
import org.apache.spark.api.java.JavaNewHadoopRDD;
import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.api.java.function.Function;

/**
 * Text files (LIBSVM, CSV) read once, all files in one Hadoop input: each task gets a split (a
 * file and a byte range), reads its lines with their byte offsets, and the row id of a line is its
 * file's index and its offset ({@link InputFiles}) — no job numbers the lines first.
 */
final class TextInput {
  private TextInput() {}

  /**
   * The files' rows, partition by partition, as {@code consume} makes them from each split's
   * {@link RowCursor}.
   *
   * @param minPartitions at least this many splits (0: Hadoop's, one per file system block)
   */
  static <T> JavaRDD<T> read(JavaSparkContext jsc, InputFiles files, int minPartitions, TextLines.LineFormat format,
      Function<RowCursor, Iterator<T>> consume) {
    Job job;
    try {
      job = Job.getInstance(new Configuration(jsc.hadoopConfiguration()));
      Path[] paths = files.paths().stream().map(Path::new).toArray(Path[]::new);
      FileInputFormat.setInputPaths(job, paths);
      if (minPartitions > 0) {
        long total = 0;
        for (Path p : paths) total += p.getFileSystem(job.getConfiguration()).getFileStatus(p).getLen();
        FileInputFormat.setMaxInputSplitSize(job, Math.max(1, (total + minPartitions - 1) / minPartitions));
      }
    } catch (IOException e) {
      throw StorageFailure.of("cannot list the input files", e);
    }
    @SuppressWarnings("unchecked")
    JavaNewHadoopRDD<LongWritable, Text> lines = (JavaNewHadoopRDD<LongWritable, Text>) jsc.newAPIHadoopRDD(
        job.getConfiguration(), TextInputFormat.class, LongWritable.class, Text.class);
    Map<String, Integer> fileIndex = files.indexByPath();
    return lines.mapPartitionsWithInputSplit((split, it) -> {
      FileSplit fileSplit = (FileSplit) split;
      Integer file = fileIndex.get(InputFiles.key(fileSplit.getPath().toString()));
      if (file == null) throw new IllegalStateException("a split of an unlisted file: " + fileSplit.getPath());
      return consume.call(TextLines.ofSplit(it, files, file, fileSplit.getStart(), format));
    }, false);
  }

  /** The first line of a file (decompressed), or null for an empty file. */
  static String firstLine(String file, Configuration conf) {
    Path path = new Path(file);
    try {
      FileSystem fs = path.getFileSystem(conf);
      CompressionCodec codec = new CompressionCodecFactory(conf).getCodec(path);
      InputStream raw = fs.open(path);
      try (BufferedReader reader = new BufferedReader(new InputStreamReader(
          codec == null ? raw : codec.createInputStream(raw), StandardCharsets.UTF_8))) {
        return reader.readLine();
      }
    } catch (IOException e) {
      throw StorageFailure.of("cannot read " + file, e);
    }
  }

  /** A CSV header and the first file that has it (files before it are empty). */
  record CsvHeader(String file, List<String> names) {}

  /**
   * The CSV header every file shares; files differing from the first are refused naming both.
   * Empty files (no header, no rows) are allowed: Spark writes them for empty partitions.
   */
  static CsvHeader csvHeader(List<String> files, Configuration conf, String path) {
    CsvHeader header = null;
    for (String file : files) {
      String line = firstLine(file, conf);
      if (line == null) continue;
      List<String> names = CsvParser.header(line);
      if (header == null) {
        header = new CsvHeader(file, names);
      } else if (!header.names().equals(names)) {
        throw new InputFormatException(file + ":1: its header differs from " + header.file() + "'s: "
            + String.join(",", names) + " where " + header.file() + " has " + String.join(",", header.names()));
      }
    }
    if (header == null) throw new InputFormatException("no CSV header in " + path + ": every file is empty");
    return header;
  }
}
