package dev.hyperreg.spark.io;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

/** The byte-level number parser against {@link Double#parseDouble}: the same double, bit for bit. */
class NumberParserTest {
  private static double parse(String text) {
    byte[] padded = ("  " + text + "#").getBytes(StandardCharsets.UTF_8);
    return NumberParser.parseDouble(padded, 2, padded.length - 1);
  }

  private static void assertSame(String text) {
    assertEquals(Double.doubleToRawLongBits(Double.parseDouble(text)), Double.doubleToRawLongBits(parse(text)), text);
  }

  @Test
  void givesJavasDoubleForRandomDecimals() {
    Random random = new Random(42);
    for (int k = 0; k < 200_000; k++) {
      StringBuilder s = new StringBuilder();
      if (random.nextBoolean()) s.append(random.nextBoolean() ? '-' : '+');
      int intDigits = random.nextInt(12);
      for (int i = 0; i < intDigits; i++) s.append((char) ('0' + random.nextInt(10)));
      if (intDigits == 0 || random.nextBoolean()) {
        s.append('.');
        int fracDigits = random.nextInt(intDigits == 0 ? 20 : 12) + (intDigits == 0 ? 1 : 0);
        for (int i = 0; i < fracDigits; i++) s.append((char) ('0' + random.nextInt(10)));
      }
      if (random.nextInt(3) == 0) s.append(random.nextBoolean() ? 'e' : 'E').append(random.nextInt(61) - 30);
      assertSame(s.toString());
    }
    // what Double.toString writes, the usual content of a generated file
    for (int k = 0; k < 100_000; k++) assertSame(Double.toString(random.nextGaussian() * Math.pow(10, random.nextInt(40) - 20)));
  }

  /** Long mantissas over the whole exponent range: the 128-bit product path, halfway cases included. */
  @Test
  void givesJavasDoubleForLongMantissasAtEveryScale() {
    Random random = new Random(7);
    for (int k = 0; k < 300_000; k++) {
      int digits = 15 + random.nextInt(5);
      StringBuilder s = new StringBuilder();
      s.append((char) ('1' + random.nextInt(9)));
      for (int i = 1; i < digits; i++) s.append((char) ('0' + random.nextInt(10)));
      s.append('e').append(random.nextInt(640) - 330);
      assertSame(s.toString());
    }
    // the 128-bit path itself decides (no fallback) for the numbers Java writes
    assertEquals(Double.doubleToRawLongBits(0.9471324568148045), NumberParser.eiselLemire(9471324568148045L, -16));
    assertEquals(Double.doubleToRawLongBits(1.2345678901234567e-200),
        NumberParser.eiselLemire(12345678901234567L, -216));
    // doubles and the midpoints between neighbours, written with 17 to 19 digits
    for (int k = 0; k < 100_000; k++) {
      double x = Double.longBitsToDouble(random.nextLong() & 0x7FEFFFFFFFFFFFFFL);
      if (x < Double.MIN_NORMAL) continue;
      java.math.BigDecimal mid = new java.math.BigDecimal(x).add(new java.math.BigDecimal(Math.nextUp(x)))
          .divide(java.math.BigDecimal.valueOf(2));
      assertSame(mid.round(new java.math.MathContext(19)).toString());
      assertSame(new java.math.BigDecimal(x).round(new java.math.MathContext(17)).toString());
    }
  }

  @Test
  void eightDigitsAtATimeMatchTheirValue() {
    Random random = new Random(3);
    for (int k = 0; k < 100_000; k++) {
      String digits = String.format("%08d", random.nextInt(100_000_000));
      long v = 0;
      for (int b = 7; b >= 0; b--) v = (v << 8) | digits.charAt(b);
      assertTrue(NumberParser.isEightDigits(v), digits);
      assertEquals(Integer.parseInt(digits), NumberParser.eightDigits(v), digits);
    }
    for (String notDigits : List.of("1234567a", "/2345678", ":2345678", "1234 678", "12345.78")) {
      long v = 0;
      for (int b = 7; b >= 0; b--) v = (v << 8) | notDigits.charAt(b);
      assertFalse(NumberParser.isEightDigits(v), notDigits);
    }
  }

  @Test
  void edgeCasesFollowJavasSyntax() {
    for (String s : List.of("0", "-0", "-0.0", ".5", "5.", "1e22", "1e23", "1e-22", "1e-23", "9007199254740993",
        "123456789012345678", "1234567890123456789", "0.000000000000000000000000001", "1e400", "-1e400", "4.9e-324",
        "2.2250738585072014E-308", "1.7976931348623157e308", "1.7976931348623159e308", "9223372036854775807",
        "18446744073709551615", "4.4501477170144023e-308", "2.4703282292062327e-324", "0.1", "0.3", "NaN", "Infinity", "-Infinity", "1d", "1f", "0x1p3", "00012.5000")) {
      assertSame(s);
    }
    for (String s : List.of("", "-", "+", ".", "e5", "1e", "1e+", "abc", "1.2.3", "1,5", "inf")) {
      assertThrows(NumberFormatException.class, () -> parse(s), s);
      assertThrows(NumberFormatException.class, () -> Double.parseDouble(s), s);
    }
  }

  @Test
  void parsesIndicesLikeIntegerParseInt() {
    for (String s : List.of("1", "42", "2147483647", "0007", "-3", "+5")) {
      byte[] b = s.getBytes(StandardCharsets.UTF_8);
      assertEquals(Integer.parseInt(s), NumberParser.parseInt(b, 0, b.length), s);
    }
    for (String s : List.of("", "2147483648", "99999999999", "1.5", "x")) {
      byte[] b = s.getBytes(StandardCharsets.UTF_8);
      assertThrows(NumberFormatException.class, () -> NumberParser.parseInt(b, 0, b.length), s);
    }
  }
}
