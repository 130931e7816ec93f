package dev.hyperreg.spark.io;

/**
 * Decimal numbers parsed straight from a line's bytes, the hot loop of loading text input.
 *
 * <p>A number of at most 18 significant digits and a power of ten within ±22 whose digits fit in
 * 53 bits is exactly m·10^e or m/10^-e with m and 10^|e| exact doubles, so one IEEE multiplication
 * or division rounds it correctly (Clinger's fast path) — the same double {@link Double#parseDouble}
 * gives. Anything else (longer mantissas, large exponents, hexadecimal, "NaN", "Infinity", a type
 * suffix) goes to {@link Double#parseDouble}, so the accepted syntax is Java's.
 */
final class NumberParser {
  private NumberParser() {}

  private static final double[] POWERS_OF_TEN = new double[23];

  static {
    double p = 1;
    for (int i = 0; i < POWERS_OF_TEN.length; i++, p *= 10) POWERS_OF_TEN[i] = p;
  }

  private static final long EXACT_MANTISSA = 1L << 53;

  /** The double in bytes[from, to); NumberFormatException when it is not a number. */
  static double parseDouble(byte[] bytes, int from, int to) {
    int i = from;
    boolean negative = false;
    if (i < to && (bytes[i] == '-' || bytes[i] == '+')) negative = bytes[i++] == '-';
    long mantissa = 0;
    int digits = 0;
    int exponent = 0;
    boolean any = false;
    for (; i < to && isDigit(bytes[i]); i++) {
      any = true;
      if (digits < 18) {
        mantissa = mantissa * 10 + (bytes[i] - '0');
        if (mantissa != 0) digits++;
      } else {
        return slow(bytes, from, to);
      }
    }
    if (i < to && bytes[i] == '.') {
      for (i++; i < to && isDigit(bytes[i]); i++) {
        any = true;
        if (digits < 18) {
          mantissa = mantissa * 10 + (bytes[i] - '0');
          if (mantissa != 0) digits++;
          exponent--;
        } else {
          return slow(bytes, from, to);
        }
      }
    }
    if (!any) return slow(bytes, from, to);
    if (i < to && (bytes[i] == 'e' || bytes[i] == 'E')) {
      i++;
      boolean negativeExponent = false;
      if (i < to && (bytes[i] == '-' || bytes[i] == '+')) negativeExponent = bytes[i++] == '-';
      if (i == to) return slow(bytes, from, to);
      int e = 0;
      for (; i < to && isDigit(bytes[i]); i++) {
        if (e > 10_000) return slow(bytes, from, to);
        e = e * 10 + (bytes[i] - '0');
      }
      exponent += negativeExponent ? -e : e;
    }
    if (i != to || mantissa >= EXACT_MANTISSA || exponent < -22 || exponent > 22) return slow(bytes, from, to);
    double value = exponent >= 0 ? mantissa * POWERS_OF_TEN[exponent] : mantissa / POWERS_OF_TEN[-exponent];
    return negative ? -value : value;
  }

  /** A non-negative decimal int in bytes[from, to); NumberFormatException otherwise. */
  static int parseInt(byte[] bytes, int from, int to) {
    if (from == to || to - from > 10) return Integer.parseInt(text(bytes, from, to));
    long v = 0;
    for (int i = from; i < to; i++) {
      if (!isDigit(bytes[i])) return Integer.parseInt(text(bytes, from, to));
      v = v * 10 + (bytes[i] - '0');
    }
    if (v > Integer.MAX_VALUE) throw new NumberFormatException("For input string: \"" + text(bytes, from, to) + "\"");
    return (int) v;
  }

  private static boolean isDigit(byte b) { return b >= '0' && b <= '9'; }

  private static double slow(byte[] bytes, int from, int to) { return Double.parseDouble(text(bytes, from, to)); }

  static String text(byte[] bytes, int from, int to) {
    return new String(bytes, from, to - from, java.nio.charset.StandardCharsets.UTF_8);
  }
}
