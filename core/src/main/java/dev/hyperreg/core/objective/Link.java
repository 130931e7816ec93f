package dev.hyperreg.core.objective;

/**
 * The entrywise link f applied to z = Ax, with its first and second derivatives.
 *
 * <table>
 *   <caption>Links and derivatives</caption>
 *   <tr><th>f</th><th>f'</th><th>f''</th></tr>
 *   <tr><td>exp</td><td>exp</td><td>exp</td></tr>
 *   <tr><td>cosh</td><td>sinh</td><td>cosh</td></tr>
 *   <tr><td>sinh</td><td>cosh</td><td>sinh</td></tr>
 * </table>
 *
 * <p>Every function is offered in a <em>scaled</em> form f(z)·e^{-m}. With m at least the largest
 * exponent in play (max z for exp, max |z| for cosh and sinh) the scaled values are at most 1, so
 * they never overflow however large z is; the rescaled objective relies on this (see
 * {@link ObjectiveKind#RESCALED}). With m = 0 the scaled form is the plain function.
 */
public enum Link {
  EXP {
    @Override public double value(double z, double m) { return Math.exp(z - m); }
    @Override public double first(double z, double m) { return Math.exp(z - m); }
    @Override public double second(double z, double m) { return Math.exp(z - m); }
    @Override public double exponentBound(double z) { return z; }
    @Override public double inverse(double y) { return y > 0 ? Math.log(y) : Double.NaN; }
  },
  COSH {
    @Override public double value(double z, double m) { return scaledCosh(z, m); }
    @Override public double first(double z, double m) { return scaledSinh(z, m); }
    @Override public double second(double z, double m) { return scaledCosh(z, m); }
    @Override public double exponentBound(double z) { return Math.abs(z); }
    /** acosh(y) for y ≥ 1: the non-negative branch; the fit may still end at the mirror image. */
    @Override public double inverse(double y) {
      return y >= 1 ? Math.log(y + Math.sqrt((y - 1) * (y + 1))) : Double.NaN;
    }
  },
  SINH {
    @Override public double value(double z, double m) { return scaledSinh(z, m); }
    @Override public double first(double z, double m) { return scaledCosh(z, m); }
    @Override public double second(double z, double m) { return scaledSinh(z, m); }
    @Override public double exponentBound(double z) { return Math.abs(z); }
    /** asinh(y), defined for every y; written to stay accurate for large |y|. */
    @Override public double inverse(double y) {
      double a = Math.abs(y);
      double r = a > 1e8 ? Math.log(2 * a) : Math.log(a + Math.sqrt(a * a + 1));
      return Math.copySign(r, y);
    }
  };


  /**
   * Lowest scaling exponent m of the rescaled objective where a regularizer is present: keeps
   * e^{-2m}, the factor of the scaled regularizer, below e^{600} when every z is very negative.
   * Without a regularizer m
   * follows max z all the way down, so that the fit term never underflows.
   */
  public static final double REGULARIZED_EXPONENT_FLOOR = -300;

  /** Below this |z| the library cosh/sinh are used (accurate near 0); above it the two exponentials. */
  private static final double SMALL_ARGUMENT = 20;

  /** f(z)·e^{-m}. */
  public abstract double value(double z, double m);

  /** f'(z)·e^{-m}. */
  public abstract double first(double z, double m);

  /** f''(z)·e^{-m}. */
  public abstract double second(double z, double m);

  /** The exponent that bounds |f(z)|, |f'(z)|, |f''(z)| by e^{bound}: z for exp, |z| otherwise. */
  public abstract double exponentBound(double z);

  /** f^{-1}(y), or NaN where it is not defined (exp: y ≤ 0; cosh: y &lt; 1). Used for starting points. */
  public abstract double inverse(double y);

  /** f(z) unscaled. */
  public double value(double z) { return value(z, 0); }

  /** The link named on a command line or in a param ("exp", "cosh", "sinh"; case-insensitive). */
  public static Link parse(String name) {
    for (Link link : values()) {
      if (link.name().equalsIgnoreCase(name.trim())) return link;
    }
    throw new IllegalArgumentException("unknown link '" + name + "': expected exp, cosh or sinh");
  }

  public String label() { return name().toLowerCase(java.util.Locale.ROOT); }

  /** Every link's {@link #label()}, in declaration order: the names users may give. */
  public static java.util.List<String> labels() { return java.util.Arrays.stream(values()).map(Link::label).toList(); }

  /**
   * cosh(z)·e^{-m}. For small |z| the library cosh is exact and e^{-m} cannot lose the result;
   * for large |z| (e^{|z|-m} + e^{-|z|-m})/2 never forms e^{|z|}, so it cannot overflow.
   */
  static double scaledCosh(double z, double m) {
    double a = Math.abs(z);
    if (a < SMALL_ARGUMENT) return Math.cosh(z) * Math.exp(-m);
    return 0.5 * (Math.exp(a - m) + Math.exp(-a - m));
  }

  /** sinh(z)·e^{-m}, by the same split as {@link #scaledCosh}; the library sinh avoids cancellation near 0. */
  static double scaledSinh(double z, double m) {
    double a = Math.abs(z);
    if (a < SMALL_ARGUMENT) return Math.sinh(z) * Math.exp(-m);
    return Math.copySign(0.5 * (Math.exp(a - m) - Math.exp(-a - m)), z);
  }
}
