package dev.hyperreg.spark.io;

import dev.hyperreg.spark.io.TextLines.BadLine;
import java.util.ArrayList;
import java.util.List;

/**
 * One line of a CSV file with a header (the first line of every file), parsed from the line's
 * bytes: fields separated by commas, optionally in double quotes ({@code ""} inside quotes is a
 * quote); a quoted field may not span lines. Every cell read must hold a finite number; an empty
 * cell, NaN, ±Infinity, a line with more or fewer fields than the header or a negative weight is
 * refused naming the column. Zeros are dropped, so a mostly-zero table becomes sparse rows.
 */
final class CsvParser implements TextLines.LineFormat {
  private static final long serialVersionUID = 1L;

  private final int fieldCount;
  private final int labelField;
  private final int weightField;
  private final int[] featureFields;
  private final String[] header;
  /** Field boundaries of the current line: [start, end) of field k at 2k, 2k + 1; one parser per task. */
  private transient int[] bounds;
  /** Scratch for the number parser. */
  private transient int[] end;
  /** Every field's value, for the one-pass reading. */
  private transient double[] fieldValues;

  /**
   * @param header the column names, in file order
   * @param labelField the label's field, or −1 (scoring a table without labels)
   * @param weightField the per-row weight's field, or −1
   * @param featureFields the feature columns' fields, in design order
   */
  CsvParser(List<String> header, int labelField, int weightField, int[] featureFields) {
    this.header = header.toArray(String[]::new);
    this.fieldCount = this.header.length;
    this.labelField = labelField;
    this.weightField = weightField;
    this.featureFields = featureFields;
  }

  @Override
  public boolean parse(byte[] bytes, int length, boolean firstLineOfFile, RowCursor row) {
    if (firstLineOfFile) return false;
    if (length > 0 && bytes[length - 1] == '\r') length--;
    if (inOnePass(bytes, length, row)) return true;
    row.startRow(row.rowId);
    return carefully(bytes, length, row);
  }

  /**
   * The usual line — every field a plain finite decimal, then a comma (the last field: the line's
   * end) — read in one pass; false for anything else, which {@link #carefully} accepts or names.
   */
  private boolean inOnePass(byte[] bytes, int length, RowCursor row) {
    allocateScratch();
    int i = 0;
    for (int k = 0; k < fieldCount; k++) {
      double v = NumberParser.parseToken(bytes, i, length, end);
      int e = end[0];
      if (e < 0 || !Double.isFinite(v)) return false;
      if (k < fieldCount - 1 ? e >= length || bytes[e] != ',' : e != length) return false;
      fieldValues[k] = v;
      i = e + 1;
    }
    if (weightField >= 0 && fieldValues[weightField] < 0) return false;
    if (labelField >= 0) row.label = fieldValues[labelField];
    if (weightField >= 0) row.regWeight = fieldValues[weightField];
    for (int j = 0; j < featureFields.length; j++) {
      double v = fieldValues[featureFields[j]];
      if (v != 0) row.addFeature(j, v);
    }
    return true;
  }

  /** The line split at its commas, then each cell read used trimmed and unquoted, every problem named. */
  boolean carefully(byte[] bytes, int length, RowCursor row) {
    allocateScratch();
    if (isBlank(bytes, length)) return false;
    int fields = split(bytes, length, bounds);
    if (fields != fieldCount) {
      throw new BadLine("the line has " + fields + " field" + (fields == 1 ? "" : "s") + " where the header has "
          + fieldCount);
    }
    if (labelField >= 0) row.label = cell(bytes, labelField);
    if (weightField >= 0) {
      row.regWeight = cell(bytes, weightField);
      if (row.regWeight < 0) {
        throw new BadLine("column '" + header[weightField] + "' is " + row.regWeight + ": regularization weights must be ≥ 0");
      }
    }
    for (int j = 0; j < featureFields.length; j++) {
      double v = cell(bytes, featureFields[j]);
      if (v != 0) row.addFeature(j, v);
    }
    return true;
  }

  /** The scratch arrays, made on first use: the parser arrives in each task by deserialization. */
  private void allocateScratch() {
    if (bounds == null) {
      bounds = new int[2 * fieldCount];
      end = new int[1];
      fieldValues = new double[fieldCount];
    }
  }

  private static boolean isBlank(byte[] bytes, int length) {
    for (int i = 0; i < length; i++) if (bytes[i] != ' ' && bytes[i] != '\t') return false;
    return true;
  }

  /** The number in field k (trimmed, unquoted). */
  private double cell(byte[] bytes, int k) {
    int from = bounds[2 * k];
    int to = bounds[2 * k + 1];
    while (from < to && (bytes[from] == ' ' || bytes[from] == '\t')) from++;
    while (to > from && (bytes[to - 1] == ' ' || bytes[to - 1] == '\t')) to--;
    if (to - from >= 2 && bytes[from] == '"' && bytes[to - 1] == '"') {
      from++;
      to--;
    }
    if (from == to) throw new BadLine("column '" + header[k] + "' is empty");
    double v;
    try {
      v = NumberParser.parseDouble(bytes, from, to, end);
    } catch (NumberFormatException e) {
      throw new BadLine("column '" + header[k] + "': '" + NumberParser.text(bytes, from, to) + "' is not a number");
    }
    if (!Double.isFinite(v)) {
      throw new BadLine("column '" + header[k] + "' is " + NumberParser.text(bytes, from, to)
          + ": NaN and infinite values are not allowed");
    }
    return v;
  }

  /**
   * Splits a line at the commas outside quotes into bounds (as many fields as fit; the count is
   * returned either way).
   */
  static int split(byte[] bytes, int length, int[] bounds) {
    int fields = 0;
    int start = 0;
    boolean quoted = false;
    for (int i = 0; i <= length; i++) {
      if (i < length && bytes[i] == '"') {
        quoted = !quoted; // a doubled quote toggles twice
      } else if (i == length || (bytes[i] == ',' && !quoted)) {
        if (2 * fields + 1 < bounds.length) {
          bounds[2 * fields] = start;
          bounds[2 * fields + 1] = i;
        }
        fields++;
        start = i + 1;
      }
    }
    if (quoted) throw new BadLine("a quoted field is not closed on its line (fields may not span lines)");
    return fields;
  }

  /** A header line's column names (quotes removed, a byte-order mark dropped). */
  static List<String> header(String line) {
    if (line.startsWith("\uFEFF")) line = line.substring(1);
    if (line.endsWith("\r")) line = line.substring(0, line.length() - 1);
    byte[] bytes = line.getBytes(java.nio.charset.StandardCharsets.UTF_8);
    int[] bounds = new int[2 * (bytes.length + 1)];
    int fields = split(bytes, bytes.length, bounds);
    List<String> names = new ArrayList<>();
    for (int k = 0; k < fields; k++) {
      String name = NumberParser.text(bytes, bounds[2 * k], bounds[2 * k + 1]);
      if (name.length() >= 2 && name.startsWith("\"") && name.endsWith("\"")) {
        name = name.substring(1, name.length() - 1).replace("\"\"", "\"");
      }
      names.add(name);
    }
    return names;
  }
}
