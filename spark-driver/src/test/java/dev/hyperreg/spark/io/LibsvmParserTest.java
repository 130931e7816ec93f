package dev.hyperreg.spark.io;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

/** The one-pass LIBSVM line parser against its careful token-by-token path, on lines good and bad. */
class LibsvmParserTest {
  private static String outcome(LibsvmParser parser, String line, boolean careful) {
    return LineOutcome.of(line, careful ? parser::carefully : (bytes, length, row) -> parser.parse(bytes, length, false, row));
  }

  @Test
  void theFastPathAgreesWithTheCarefulOneOnRandomLines() {
    LibsvmParser parser = new LibsvmParser(40);
    Random random = new Random(11);
    String[] spaces = {" ", "  ", "\t", " \t "};
    String[] odd = {"1d", "0x1p3", "NaN", "-Infinity", "1e400", "x", "", "1:", ":2", "3#c", "1e", "+.5", "-0", "007"};
    for (int k = 0; k < 50_000; k++) {
      StringBuilder line = new StringBuilder();
      if (random.nextInt(5) == 0) line.append(spaces[random.nextInt(spaces.length)]);
      line.append(random.nextInt(10) == 0 ? odd[random.nextInt(odd.length)] : Double.toString(random.nextGaussian()));
      int index = 0;
      int entries = random.nextInt(8);
      for (int e = 0; e < entries; e++) {
        index += random.nextInt(20) == 0 ? 0 : 1 + random.nextInt(8);
        line.append(spaces[random.nextInt(spaces.length)]);
        String value = random.nextInt(12) == 0 ? odd[random.nextInt(odd.length)]
            : random.nextBoolean() ? Double.toString(random.nextGaussian() * Math.pow(10, random.nextInt(9) - 4))
            : Integer.toString(random.nextInt(1000) - 500);
        line.append(random.nextInt(40) == 0 ? "0" + index : Integer.toString(index)).append(':').append(value);
      }
      if (random.nextInt(10) == 0) line.append(random.nextBoolean() ? " # comment 3:4" : "#x");
      if (random.nextInt(10) == 0) line.append('\r');
      String text = line.toString();
      assertEquals(outcome(parser, text, true), outcome(parser, text, false), text);
    }
  }

  @Test
  void blankAndCommentLinesHoldNoRowAndErrorsNameTheProblem() {
    LibsvmParser parser = new LibsvmParser(5);
    for (String line : List.of("", "   ", "# only a comment", " \t# x")) assertEquals("none", outcome(parser, line, false));
    String[][] bad = {
        {"1 3:1 2:1", "error: feature index 2 follows 3: indices must be strictly increasing"},
        {"1 6:1", "error: feature index 6 exceeds --num-features 5"},
        {"1 0:1", "error: feature index 0 in '0:1': LIBSVM indices start at 1"},
        {"1 2:NaN", "error: value of feature 2 is NaN: NaN and infinite values are not allowed"},
        {"abc 1:1", "error: label 'abc' is not a number"},
        {"1 2", "error: malformed feature '2': expected index:value"},
    };
    for (String[] c : bad) assertEquals(c[1], outcome(parser, c[0], false), c[0]);
  }
}
