package dev.hyperreg.spark.io;

import java.io.IOException;
import java.io.InputStream;
import java.io.Serializable;
import java.net.URI;
import java.net.URISyntaxException;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.Path;
import org.apache.hadoop.io.compress.CompressionCodecFactory;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.broadcast.Broadcast;

/**
 * The files of an input, in row-id order, and what a row id says about where its row came from.
 *
 * <p>A row id is fileIndex·2⁴⁰ + position, where the position depends only on the file, never on
 * how Spark split or partitioned it — so the sketches and samples hashed from row ids, and with
 * them the fits, are the same for any {@code --partitions} and any cluster:
 * <ul>
 *   <li>a text file (LIBSVM, CSV): the byte offset at which the row's line starts — known to the
 *       reader of any split without counting the lines before it, so a directory is read once;
 *   <li>a compressed text file (read whole by one task): the index of the line;
 *   <li>a table (Parquet, a DataFrame): the index of the row in its file.
 * </ul>
 * A message about a row names it as "file:line"; for a byte offset the line is found by reading the
 * file up to it, which only happens when something has gone wrong.
 */
public final class InputFiles implements Serializable {
  private static final long serialVersionUID = 1L;
  static final int FILE_SHIFT = 40;
  private static final long POSITION_MASK = (1L << FILE_SHIFT) - 1;

  private enum Position { BYTE_OFFSET, LINE_INDEX, ROW_INDEX }

  private final List<String> paths;
  private final Position[] positions;
  /** For text files: the configuration to reread a file with. */
  private final Broadcast<HadoopConf> conf;

  private InputFiles(List<String> paths, Position[] positions, Broadcast<HadoopConf> conf) {
    this.paths = List.copyOf(paths);
    this.positions = positions;
    this.conf = conf;
  }

  /** Text files: byte offsets, or line indices for compressed files. */
  public static InputFiles text(JavaSparkContext jsc, List<String> paths) {
    Configuration configuration = jsc.hadoopConfiguration();
    CompressionCodecFactory codecs = new CompressionCodecFactory(configuration);
    Position[] positions = new Position[paths.size()];
    for (int f = 0; f < positions.length; f++) {
      positions[f] = codecs.getCodec(new Path(paths.get(f))) != null ? Position.LINE_INDEX : Position.BYTE_OFFSET;
    }
    return new InputFiles(paths, positions, jsc.broadcast(new HadoopConf(configuration)));
  }

  /**
   * Text files numbered by line index whatever their compression: for inputs whose rows are matched
   * across two datasets by line (a shift analysis' original and shifted data), where byte offsets
   * would differ with the numbers' lengths.
   */
  public static InputFiles lineNumbered(List<String> paths) {
    Position[] positions = new Position[paths.size()];
    java.util.Arrays.fill(positions, Position.LINE_INDEX);
    return new InputFiles(paths, positions, null);
  }

  /** Tables (Parquet files, a DataFrame): row indices. */
  public static InputFiles table(List<String> paths) {
    Position[] positions = new Position[paths.size()];
    java.util.Arrays.fill(positions, Position.ROW_INDEX);
    return new InputFiles(paths, positions, null);
  }

  public static long rowId(int fileIndex, long position) {
    if (position < 0 || position > POSITION_MASK) {
      throw new IllegalArgumentException("position " + position + " beyond 2^" + FILE_SHIFT + " in file " + fileIndex);
    }
    return ((long) fileIndex << FILE_SHIFT) | position;
  }

  public List<String> paths() { return paths; }

  public int size() { return paths.size(); }

  boolean compressed(int file) { return positions[file] == Position.LINE_INDEX; }

  /** The index of a file as the readers name it (a qualified path, possibly URI-encoded). */
  Map<String, Integer> indexByPath() {
    Map<String, Integer> index = new HashMap<>();
    for (int f = 0; f < paths.size(); f++) index.put(key(paths.get(f)), f);
    return index;
  }

  /** The comparable part of a path: its URI path, decoded. */
  static String key(String path) {
    try {
      return new URI(path).getPath();
    } catch (URISyntaxException e) {
      return new Path(path).toUri().getPath();
    }
  }

  /** "file:line" (text) or "file data row N" (tables) for a row id. */
  public String describe(long rowId) {
    int file = (int) (rowId >>> FILE_SHIFT);
    long position = rowId & POSITION_MASK;
    if (file >= paths.size()) return "row " + rowId;
    String path = paths.get(file);
    return switch (positions[file]) {
      case ROW_INDEX -> path + " data row " + (position + 1);
      case LINE_INDEX -> path + ":" + (position + 1);
      case BYTE_OFFSET -> {
        long line = lineAt(path, position);
        yield line > 0 ? path + ":" + line : path + " at byte " + position;
      }
    };
  }

  /** 1 + the number of line ends before the byte offset, or −1 when the file cannot be reread. */
  private long lineAt(String path, long offset) {
    Path p = new Path(path);
    try (InputStream in = p.getFileSystem(conf.value().get()).open(p)) {
      byte[] buffer = new byte[1 << 16];
      long line = 1;
      long read = 0;
      while (read < offset) {
        int n = in.read(buffer, 0, (int) Math.min(buffer.length, offset - read));
        if (n < 0) break;
        for (int i = 0; i < n; i++) if (buffer[i] == '\n') line++;
        read += n;
      }
      return line;
    } catch (IOException e) {
      return -1;
    }
  }
}
