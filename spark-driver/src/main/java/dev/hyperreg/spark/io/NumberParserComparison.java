package dev.hyperreg.spark.io;

import ch.randelshofer.fastdoubleparser.JavaDoubleParser;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * {@code bench-load}'s side-by-side of the loaders' number parser ({@link NumberParser}, hand-written
 * Eisel–Lemire) and FastDoubleParser's {@code JavaDoubleParser} on the numbers of one LIBSVM or CSV
 * file held in memory, one thread: every value (and label) of every line, each parser reading them
 * as a loader would — NumberParser finds a number's end as it parses it, JavaDoubleParser takes a
 * token whose end has been found first. Both must give the same doubles; it says which is faster
 * and by how much, so that the choice can be measured again when either changes.
 */
public final class NumberParserComparison {
  private NumberParserComparison() {}

  /** Nanoseconds per number for each parser (median of {@code runs}), their ratio and the count. */
  public static Map<String, Object> measure(Path file, boolean csvHeader, int runs) throws IOException {
    byte[] bytes = Files.readAllBytes(file);
    int start = 0;
    if (csvHeader) while (start < bytes.length && bytes[start++] != '\n') { }
    long[] count = new long[1];
    double[] hand = new double[runs], library = new double[runs];
    double handSum = 0, librarySum = 0;
    for (int k = -1; k < runs; k++) { // k = −1: a warm-up of each
      long t0 = System.nanoTime();
      handSum = handWritten(bytes, start, count);
      long t1 = System.nanoTime();
      librarySum = fastDoubleParser(bytes, start);
      long t2 = System.nanoTime();
      if (k >= 0) {
        hand[k] = (t1 - t0) / (double) count[0];
        library[k] = (t2 - t1) / (double) count[0];
      }
    }
    if (Double.doubleToLongBits(handSum) != Double.doubleToLongBits(librarySum)) {
      throw new IllegalStateException("the two parsers read " + file + " differently: " + handSum + " against " + librarySum);
    }
    Arrays.sort(hand);
    Arrays.sort(library);
    Map<String, Object> r = new LinkedHashMap<>();
    r.put("file", file.getFileName().toString());
    r.put("numbers", count[0]);
    r.put("handWrittenNanosPerNumber", hand[runs / 2]);
    r.put("fastDoubleParserNanosPerNumber", library[runs / 2]);
    r.put("fastDoubleParserOverHandWritten", library[runs / 2] / hand[runs / 2]);
    return r;
  }

  /** The sum of the numbers, read by NumberParser; count[0] says how many. */
  private static double handWritten(byte[] bytes, int start, long[] count) {
    int[] end = new int[1];
    double sum = 0;
    long n = 0;
    for (int i = start; i < bytes.length; i = nextNumber(bytes, i)) {
      sum += NumberParser.parseToken(bytes, i, bytes.length, end);
      if (end[0] < 0) throw new IllegalStateException("not a decimal number at byte " + i);
      i = end[0];
      n++;
    }
    count[0] = n;
    return sum;
  }

  private static double fastDoubleParser(byte[] bytes, int start) {
    double sum = 0;
    for (int i = start; i < bytes.length; ) {
      int end = i;
      while (end < bytes.length && bytes[end] != ' ' && bytes[end] != ',' && bytes[end] != '\n') end++;
      sum += JavaDoubleParser.parseDouble(bytes, i, end - i);
      i = nextNumber(bytes, end);
    }
    return sum;
  }

  /** Where the next number starts: after the next ':' (a LIBSVM value), ',' (a CSV cell) or line end. */
  private static int nextNumber(byte[] bytes, int i) {
    while (i < bytes.length && bytes[i] != ':' && bytes[i] != ',' && bytes[i] != '\n') i++;
    return i + 1;
  }
}
