package dev.hyperreg.spark.io;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

/** The one-pass CSV line reading against the careful split-then-parse path, on lines good and bad. */
class CsvParserTest {
  private static final class Row extends RowCursor {
    @Override boolean next() { return false; }
  }

  private static String outcome(CsvParser parser, String line, boolean careful) {
    byte[] bytes = line.getBytes(StandardCharsets.UTF_8);
    Row row = new Row();
    row.startRow(0);
    try {
      boolean isRow = careful ? parser.carefully(bytes, bytes.length, row) : parser.parse(bytes, bytes.length, false, row);
      if (!isRow) return "none";
      StringBuilder s = new StringBuilder("row: ").append(Double.doubleToRawLongBits(row.label)).append('|')
          .append(Double.doubleToRawLongBits(row.regWeight)).append('|');
      for (int k = 0; k < row.nnz; k++) s.append(row.indices[k]).append(':').append(Double.doubleToRawLongBits(row.values[k])).append(',');
      return s.toString();
    } catch (TextLines.BadLine e) {
      return "error: " + e.getMessage();
    }
  }

  @Test
  void theOnePassReadingAgreesWithTheCarefulOne() {
    // columns: f1, label, id (not read), w, f2, f3 — features read in the order f3, f1, f2
    CsvParser parser = new CsvParser(List.of("f1", "label", "id", "w", "f2", "f3"), 1, 3, new int[] {5, 0, 4});
    Random random = new Random(5);
    String[] odd = {"", " ", "NaN", "-Infinity", "x", "\"2.5\"", " 3 ", "1e400", "0", "-0.0", "1d", "-1"};
    for (int k = 0; k < 50_000; k++) {
      int fields = random.nextInt(20) == 0 ? 5 + 2 * random.nextInt(2) : 6;
      StringBuilder line = new StringBuilder();
      for (int f = 0; f < fields; f++) {
        if (f > 0) line.append(',');
        line.append(random.nextInt(8) == 0 ? odd[random.nextInt(odd.length)]
            : random.nextInt(4) == 0 ? "0" : Double.toString(random.nextGaussian()));
      }
      if (random.nextInt(10) == 0) line.append('\r');
      String text = line.toString();
      assertEquals(outcome(parser, text.replace("\r", ""), true), outcome(parser, text, false), text);
    }
  }
}
