package dev.hyperreg.spark.io;

import dev.hyperreg.spark.InputFormatException;

/**
 * Parses one line of the LIBSVM format: {@code label index:value index:value …}, indices 1-based
 * and strictly increasing. Anything after '#' is a comment; blank lines are skipped. Every problem
 * is reported with the file and 1-based line number.
 */
public final class LibsvmParser {
  private LibsvmParser() {}

  /** The row, or null for a blank or comment-only line. */
  public static ParsedRow parse(String line, String file, long lineNumber, long rowId) {
    int hash = line.indexOf('#');
    String content = (hash >= 0 ? line.substring(0, hash) : line).trim();
    if (content.isEmpty()) return null;
    String[] tokens = content.split("\\s+");
    double label = number(tokens[0], file, lineNumber, "label");
    int[] indices = new int[tokens.length - 1];
    double[] values = new double[tokens.length - 1];
    int previous = 0;
    for (int t = 1; t < tokens.length; t++) {
      String token = tokens[t];
      int colon = token.indexOf(':');
      if (colon <= 0 || colon == token.length() - 1) {
        throw new InputFormatException(file, lineNumber,
            "malformed feature '" + token + "': expected index:value");
      }
      int index;
      try {
        index = Integer.parseInt(token.substring(0, colon));
      } catch (NumberFormatException e) {
        throw new InputFormatException(file, lineNumber,
            "feature index '" + token.substring(0, colon) + "' is not an integer");
      }
      if (index < 1) {
        throw new InputFormatException(file, lineNumber,
            "feature index " + index + " in '" + token + "': LIBSVM indices start at 1");
      }
      if (index <= previous) {
        throw new InputFormatException(file, lineNumber, "feature index " + index
            + " follows " + previous + ": indices must be strictly increasing");
      }
      previous = index;
      indices[t - 1] = index - 1;
      values[t - 1] = number(token.substring(colon + 1), file, lineNumber, "value of feature " + index);
    }
    return new ParsedRow(rowId, label, indices, values);
  }

  private static double number(String text, String file, long line, String what) {
    double v;
    try {
      v = Double.parseDouble(text);
    } catch (NumberFormatException e) {
      throw new InputFormatException(file, line, what + " '" + text + "' is not a number");
    }
    if (!Double.isFinite(v)) {
      throw new InputFormatException(file, line, what + " is " + text + ": NaN and infinite values are not allowed");
    }
    return v;
  }
}
