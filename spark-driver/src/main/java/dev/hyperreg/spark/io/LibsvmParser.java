package dev.hyperreg.spark.io;

import dev.hyperreg.spark.io.TextLines.BadLine;

/**
 * One line of the LIBSVM format: {@code label index:value index:value …}, indices 1-based and
 * strictly increasing. Anything after '#' is a comment; blank lines are skipped. Parsed from the
 * line's bytes (no String per line or token), with Java's number syntax.
 *
 * @param numFeatures the design's feature count, or 0 when it is learned from the data: a larger
 *     index is refused on the line that holds it
 */
final class LibsvmParser implements TextLines.LineFormat {
  private static final long serialVersionUID = 1L;
  private final int numFeatures;
  /** Where the last number ended; one parser per task. */
  private transient int[] end;

  LibsvmParser(int numFeatures) { this.numFeatures = numFeatures; }

  /**
   * One pass over the line for the usual case — "label index:value …" in decimal, separated by
   * blanks; anything else (a comment inside a token, Java's other number syntax, every error)
   * starts over on the careful path, which accepts or names the problem exactly.
   */
  @Override
  public boolean parse(byte[] bytes, int length, boolean firstLineOfFile, RowCursor row) {
    if (end == null) end = new int[1];
    int i = skipSpace(bytes, 0, length);
    if (i == length || bytes[i] == '#') return false;
    double label = NumberParser.parseToken(bytes, i, length, end);
    i = end[0];
    if (i < 0 || !Double.isFinite(label) || !(i == length || isSpace(bytes[i]))) return carefully(bytes, length, row);
    row.label = label;
    int previous = 0;
    while (true) {
      i = skipSpace(bytes, i, length);
      if (i == length || bytes[i] == '#') return true;
      int index = 0;
      int start = i;
      while (i < length && i - start < 9 && bytes[i] >= '0' && bytes[i] <= '9') index = index * 10 + (bytes[i++] - '0');
      if (i == start || i == length || bytes[i] != ':' || index <= previous || index < 0
          || (numFeatures > 0 && index > numFeatures)) {
        return carefully(bytes, length, row);
      }
      double value = NumberParser.parseToken(bytes, i + 1, length, end);
      i = end[0];
      if (i < 0 || !Double.isFinite(value) || !(i == length || isSpace(bytes[i]))) return carefully(bytes, length, row);
      row.addFeature(index - 1, value);
      previous = index;
    }
  }

  /** The line parsed token by token, every problem named: the reference the fast path must agree with. */
  boolean carefully(byte[] bytes, int length, RowCursor row) {
    row.startRow(row.rowId);
    int end = length;
    for (int i = 0; i < length; i++) {
      if (bytes[i] == '#') {
        end = i;
        break;
      }
    }
    int i = skipSpace(bytes, 0, end);
    if (i == end) return false;
    int tokenEnd = tokenEnd(bytes, i, end);
    row.label = number(bytes, i, tokenEnd, "label");
    int previous = 0;
    for (i = skipSpace(bytes, tokenEnd, end); i < end; i = skipSpace(bytes, tokenEnd, end)) {
      tokenEnd = tokenEnd(bytes, i, end);
      int colon = -1;
      for (int k = i; k < tokenEnd; k++) {
        if (bytes[k] == ':') {
          colon = k;
          break;
        }
      }
      if (colon <= i || colon == tokenEnd - 1) {
        throw new BadLine("malformed feature '" + NumberParser.text(bytes, i, tokenEnd) + "': expected index:value");
      }
      int index;
      try {
        index = NumberParser.parseInt(bytes, i, colon);
      } catch (NumberFormatException e) {
        throw new BadLine("feature index '" + NumberParser.text(bytes, i, colon) + "' is not an integer");
      }
      if (index < 1) {
        throw new BadLine("feature index " + index + " in '" + NumberParser.text(bytes, i, tokenEnd)
            + "': LIBSVM indices start at 1");
      }
      if (index <= previous) {
        throw new BadLine("feature index " + index + " follows " + previous + ": indices must be strictly increasing");
      }
      if (numFeatures > 0 && index > numFeatures) {
        throw new BadLine("feature index " + index + " exceeds --num-features " + numFeatures);
      }
      previous = index;
      row.addFeature(index - 1, number(bytes, colon + 1, tokenEnd, "value of feature " + index));
    }
    return true;
  }

  private static boolean isSpace(byte b) { return b == ' ' || b == '\t' || b == '\r' || b == '\f' || b == 0x0B; }

  private static int skipSpace(byte[] bytes, int i, int end) {
    while (i < end && isSpace(bytes[i])) i++;
    return i;
  }

  private static int tokenEnd(byte[] bytes, int i, int end) {
    while (i < end && !isSpace(bytes[i])) i++;
    return i;
  }

  private static double number(byte[] bytes, int from, int to, String what) {
    double v;
    try {
      v = NumberParser.parseDouble(bytes, from, to);
    } catch (NumberFormatException e) {
      throw new BadLine(what + " '" + NumberParser.text(bytes, from, to) + "' is not a number");
    }
    if (!Double.isFinite(v)) {
      throw new BadLine(what + " is " + NumberParser.text(bytes, from, to) + ": NaN and infinite values are not allowed");
    }
    return v;
  }
}
