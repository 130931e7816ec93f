package dev.hyperreg.spark.io;

/**
 * Decimal numbers parsed straight from a line's bytes, the hot loop of loading text input. Every
 * result is the correctly rounded double — the one {@link Double#parseDouble} gives:
 * <ol>
 *   <li>digits m (at most 19 significant) and a power of ten q are read;
 *   <li>if m &lt; 2⁵³ and |q| ≤ 22, m and 10^|q| are exact doubles, so one IEEE multiplication or
 *       division rounds m·10^q correctly (Clinger's fast path);
 *   <li>otherwise m·10^q = m·5^q·2^q, and m times a 128-bit truncation of 5^q (normalized) gives the
 *       64 leading bits of the product with an error below one unit of the last; unless those bits
 *       sit next to a rounding boundary, they determine the rounded 53-bit significand (the
 *       Eisel–Lemire algorithm, D. Lemire, "Number parsing at a gigabyte per second", 2021);
 *   <li>anything else — more digits, a boundary case, hexadecimal, "NaN", "Infinity", a type
 *       suffix — goes to {@link Double#parseDouble}, so the accepted syntax is Java's.
 * </ol>
 * Doubles as Java writes them have up to 17 significant digits, so step 3 matters: about half of
 * them do not fit in 53 bits.
 */
final class NumberParser {
  private NumberParser() {}

  private static final double[] POWERS_OF_TEN = new double[23];

  static {
    double p = 1;
    for (int i = 0; i < POWERS_OF_TEN.length; i++, p *= 10) POWERS_OF_TEN[i] = p;
  }

  private static final long EXACT_MANTISSA = 1L << 53;

  /** The powers of five 5^q, q from MIN_POWER to MAX_POWER, as 128-bit truncations with the top bit set. */
  private static final int MIN_POWER = -342;
  private static final int MAX_POWER = 308;
  private static final long[] POWER_HIGH = new long[MAX_POWER - MIN_POWER + 1];
  private static final long[] POWER_LOW = new long[MAX_POWER - MIN_POWER + 1];

  static {
    java.math.BigInteger one = java.math.BigInteger.ONE;
    java.math.BigInteger limit = one.shiftLeft(128);
    for (int q = MIN_POWER; q <= MAX_POWER; q++) {
      java.math.BigInteger c;
      if (q >= 0) {
        c = java.math.BigInteger.valueOf(5).pow(q);
        int shift = 128 - c.bitLength();
        c = shift >= 0 ? c.shiftLeft(shift) : c.shiftRight(-shift);
      } else {
        // 2^b / 5^-q rounded up, then cut to 128 bits: never below the true value's leading bits
        java.math.BigInteger power = java.math.BigInteger.valueOf(5).pow(-q);
        int z = power.subtract(one).bitLength();
        int b = q >= -27 ? z + 127 : 2 * z + 128;
        c = one.shiftLeft(b).divide(power).add(one);
        while (c.compareTo(limit) >= 0) c = c.shiftRight(1);
      }
      POWER_HIGH[q - MIN_POWER] = c.shiftRight(64).longValue();
      POWER_LOW[q - MIN_POWER] = c.longValue();
    }
  }

  /** The double in bytes[from, to); NumberFormatException when it is not a number. */
  static double parseDouble(byte[] bytes, int from, int to) {
    return parseDouble(bytes, from, to, new int[1]);
  }

  /** As {@link #parseDouble(byte[], int, int)}, with the caller's scratch for the end position. */
  static double parseDouble(byte[] bytes, int from, int to, int[] scratch) {
    double v = scan(bytes, from, to, scratch);
    return scratch[0] == to ? v : slow(bytes, from, to);
  }

  /**
   * The number starting at bytes[from] and ending before the first byte (at or before {@code limit})
   * that cannot continue a decimal number: its end in {@code end[0]}, or −1 in end[0] when the
   * decimal grammar was not met there (the caller then takes its careful path, which names the
   * problem or accepts Java's other syntax).
   */
  static double parseToken(byte[] bytes, int from, int limit, int[] end) { return scan(bytes, from, limit, end); }

  /**
   * Reads a decimal number from bytes[from, to) up to the first byte that cannot continue it; its
   * end goes to end[0] (−1 when the bytes there are not a decimal number).
   */
  private static double scan(byte[] bytes, int from, int to, int[] end) {
    end[0] = -1;
    int i = from;
    boolean negative = false;
    if (i < to && (bytes[i] == '-' || bytes[i] == '+')) negative = bytes[i++] == '-';
    long mantissa = 0;
    int digits = 0;
    int exponent = 0;
    boolean any = false;
    for (; i < to && isDigit(bytes[i]); i++) {
      any = true;
      if (digits < 19) {
        mantissa = mantissa * 10 + (bytes[i] - '0');
        if (mantissa != 0) digits++;
      } else {
        return Double.NaN;
      }
    }
    if (i < to && bytes[i] == '.') {
      i++;
      // leading zeros of the fraction ("0.000123") and its first significant digit, one at a time
      for (; mantissa == 0 && i < to && isDigit(bytes[i]); i++) {
        any = true;
        mantissa = bytes[i] - '0';
        if (mantissa != 0) digits++;
        exponent--;
      }
      // once the mantissa has started, eight digits at a time while they stay within 19
      while (mantissa != 0 && digits <= 11 && i + 8 <= to) {
        long eight = (long) LITTLE_ENDIAN_LONGS.get(bytes, i);
        if (!isEightDigits(eight)) break;
        mantissa = mantissa * 100_000_000L + eightDigits(eight);
        digits += 8;
        exponent -= 8;
        any = true;
        i += 8;
      }
      for (; i < to && isDigit(bytes[i]); i++) {
        any = true;
        if (digits < 19) {
          mantissa = mantissa * 10 + (bytes[i] - '0');
          if (mantissa != 0) digits++;
          exponent--;
        } else {
          return Double.NaN;
        }
      }
    }
    if (!any) return Double.NaN;
    if (i < to && (bytes[i] == 'e' || bytes[i] == 'E')) {
      i++;
      boolean negativeExponent = false;
      if (i < to && (bytes[i] == '-' || bytes[i] == '+')) negativeExponent = bytes[i++] == '-';
      if (i == to || !isDigit(bytes[i])) return Double.NaN;
      int e = 0;
      for (; i < to && isDigit(bytes[i]); i++) {
        if (e > 10_000) return Double.NaN;
        e = e * 10 + (bytes[i] - '0');
      }
      exponent += negativeExponent ? -e : e;
    }
    double value;
    if (mantissa == 0) {
      value = 0;
    } else if (Long.compareUnsigned(mantissa, EXACT_MANTISSA) < 0 && exponent >= -22 && exponent <= 22) {
      value = exponent >= 0 ? mantissa * POWERS_OF_TEN[exponent] : mantissa / POWERS_OF_TEN[-exponent];
    } else {
      long bits = eiselLemire(mantissa, exponent);
      if (bits < 0) {
        end[0] = i;
        return slow(bytes, from, i); // signed already
      }
      value = Double.longBitsToDouble(bits);
    }
    end[0] = i;
    return negative ? -value : value;
  }

  /**
   * The bits of the double nearest w·10^q (w ≠ 0, as unsigned), or −1 for a result that is
   * subnormal, infinite or beyond the table (the caller falls back to Double.parseDouble). As in
   * fast_float's compute_float: with 5^q rounded up to 128 bits for q &lt; 0, the 64-bit product's
   * error never changes the rounding, and an exact tie (possible only for −4 ≤ q ≤ 23) rounds to even.
   */
  static long eiselLemire(long w, int q) {
    if (q < MIN_POWER || q > MAX_POWER) return -1;
    int leadingZeros = Long.numberOfLeadingZeros(w);
    w <<= leadingZeros;
    long high = unsignedMultiplyHigh(w, POWER_HIGH[q - MIN_POWER]);
    long low = w * POWER_HIGH[q - MIN_POWER];
    if ((high & 0x1FF) == 0x1FF) {
      // the 9 bits below the 55 kept are all ones: a carry from the next 64 bits of 5^q may reach them
      long secondHigh = unsignedMultiplyHigh(w, POWER_LOW[q - MIN_POWER]);
      low += secondHigh;
      if (Long.compareUnsigned(secondHigh, low) > 0) high++;
    }
    int upperBit = (int) (high >>> 63);
    long significand = high >>> (upperBit + 9);
    long power2 = ((217706L * q) >> 16) + 63 + upperBit - leadingZeros + 1023;
    if (power2 <= 0) return -1;
    if (Long.compareUnsigned(low, 1) <= 0 && q >= -4 && q <= 23 && (significand & 3) == 1
        && (significand << (upperBit + 9)) == high) {
      significand &= ~1L; // exactly halfway: round to even, down
    }
    significand += significand & 1;
    significand >>>= 1;
    if (significand >= (1L << 53)) {
      significand = 1L << 52;
      power2++;
    }
    significand &= ~(1L << 52);
    if (power2 >= 2047) return -1;
    return significand | (power2 << 52);
  }

  /** The high 64 bits of the unsigned 128-bit product (Math.unsignedMultiplyHigh arrived after Java 17). */
  private static long unsignedMultiplyHigh(long a, long b) {
    return Math.multiplyHigh(a, b) + ((a >> 63) & b) + ((b >> 63) & a);
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

  private static final java.lang.invoke.VarHandle LITTLE_ENDIAN_LONGS =
      java.lang.invoke.MethodHandles.byteArrayViewVarHandle(long[].class, java.nio.ByteOrder.LITTLE_ENDIAN);

  /** Whether all eight bytes of v (little-endian) are ASCII digits. */
  static boolean isEightDigits(long v) {
    return ((v & 0xF0F0F0F0F0F0F0F0L) | (((v + 0x0606060606060606L) & 0xF0F0F0F0F0F0F0F0L) >>> 4))
        == 0x3333333333333333L;
  }

  /** The value of eight ASCII digits read little-endian (the first digit in the lowest byte), by three multiplications. */
  static int eightDigits(long v) {
    v -= 0x3030303030303030L;
    v = v * 10 + (v >>> 8); // pairs of digits
    v = ((v & 0x000000FF000000FFL) * 0x000F424000000064L + ((v >>> 16) & 0x000000FF000000FFL) * 0x0000271000000001L) >>> 32;
    return (int) v;
  }

  private static double slow(byte[] bytes, int from, int to) { return Double.parseDouble(text(bytes, from, to)); }

  static String text(byte[] bytes, int from, int to) {
    return new String(bytes, from, to - from, java.nio.charset.StandardCharsets.UTF_8);
  }
}
