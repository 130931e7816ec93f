package dev.hyperreg.spark.io;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

/** The one-pass CSV line reading against the careful split-then-parse path, on lines good and bad. */
class CsvParserTest {
  private static String outcome(CsvParser parser, String line, boolean careful) {
    return LineOutcome.of(line, careful ? parser::carefully : (bytes, length, row) -> parser.parse(bytes, length, false, row));
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
