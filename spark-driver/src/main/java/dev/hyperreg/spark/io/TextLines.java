package dev.hyperreg.spark.io;

import dev.hyperreg.spark.InputFormatException;
import java.io.Serializable;
import java.util.Iterator;
import org.apache.hadoop.io.LongWritable;
import org.apache.hadoop.io.Text;
import scala.Tuple2;

/**
 * The rows of one split of a text file: each line is handed to a {@link LineFormat} with the row
 * id of its place (the line's byte offset, or its index in a compressed file), and every problem
 * becomes an InputFormatException naming the file and line.
 */
final class TextLines extends RowCursor {
  /** How one line of a text format becomes a row. */
  interface LineFormat extends Serializable {
    /**
     * Parses bytes[0, length) into the cursor (after {@link RowCursor#startRow}); false for a line
     * that holds no row (blank, a comment, a header). A bad line throws {@link BadLine}.
     *
     * @param firstLineOfFile whether this is the file's first line (a CSV header)
     */
    boolean parse(byte[] bytes, int length, boolean firstLineOfFile, RowCursor row);
  }

  /** What is wrong with a line, without its place: {@link TextLines} adds file and line. */
  static final class BadLine extends RuntimeException {
    private static final long serialVersionUID = 1L;

    BadLine(String problem) { super(problem, null, false, false); }
  }

  private final Iterator<Tuple2<LongWritable, Text>> lines;
  private final InputFiles files;
  private final int file;
  private final boolean lineIndexed;
  private final LineFormat format;
  private long lineIndex;

  /**
   * The lines of one split of a Hadoop text input, keyed by byte offset.
   *
   * @param splitStart the split's first byte: a compressed file is never split, so its lines are
   *     counted from 0 instead of taken by offset
   */
  static TextLines ofSplit(Iterator<Tuple2<LongWritable, Text>> lines, InputFiles files, int file, long splitStart,
      LineFormat format) {
    boolean compressed = files.compressed(file);
    if (compressed && splitStart != 0) throw new IllegalStateException("a compressed file was split at " + splitStart);
    return new TextLines(lines, files, file, compressed, format);
  }

  /**
   * @param countLines whether a line's position is its index counted here from 0, rather than its key
   *     (a byte offset, or a line index numbered beforehand)
   */
  TextLines(Iterator<Tuple2<LongWritable, Text>> lines, InputFiles files, int file, boolean countLines,
      LineFormat format) {
    this.lines = lines;
    this.files = files;
    this.file = file;
    this.lineIndexed = countLines;
    this.format = format;
  }

  @Override boolean next() {
    while (lines.hasNext()) {
      Tuple2<LongWritable, Text> line = lines.next();
      long position = lineIndexed ? lineIndex++ : line._1().get();
      startRow(InputFiles.rowId(file, position));
      Text text = line._2();
      try {
        if (format.parse(text.getBytes(), text.getLength(), position == 0, this)) return true;
      } catch (BadLine e) {
        throw new InputFormatException(files.describe(rowId) + ": " + e.getMessage());
      }
    }
    return false;
  }
}
