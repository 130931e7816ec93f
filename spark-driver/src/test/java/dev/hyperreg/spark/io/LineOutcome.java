package dev.hyperreg.spark.io;

import java.nio.charset.StandardCharsets;

/** What a line parser makes of one line, as text to compare two parsers by: the row bit for bit, "none" or the error. */
final class LineOutcome {
  private LineOutcome() {}

  /** One way of parsing a line into a row: a format's one-pass path or its careful one. */
  @FunctionalInterface
  interface Parse {
    boolean parse(byte[] bytes, int length, RowCursor row);
  }

  /** "row: label|weight|i:v,…" (raw bits), "none" for a line without a row, or "error: message". */
  static String of(String line, Parse parse) {
    byte[] bytes = line.getBytes(StandardCharsets.UTF_8);
    RowCursor row = new RowCursor() {
      @Override boolean next() { return false; }
    };
    row.startRow(0);
    try {
      if (!parse.parse(bytes, bytes.length, row)) return "none";
      StringBuilder s = new StringBuilder("row: ").append(Double.doubleToRawLongBits(row.label)).append('|')
          .append(Double.doubleToRawLongBits(row.regWeight)).append('|');
      for (int k = 0; k < row.nnz; k++) {
        s.append(row.indices[k]).append(':').append(Double.doubleToRawLongBits(row.values[k])).append(',');
      }
      return s.toString();
    } catch (TextLines.BadLine e) {
      return "error: " + e.getMessage();
    }
  }
}
