package dev.hyperreg.core.objective;

import java.io.Serializable;

/**
 * Scoring rows with fitted coefficients x — the one computation behind {@code hyperreg predict} and
 * the Spark ML model's {@code transform}: the margin z = a·x (plus the intercept), the prediction
 * f(z), and the share f(z)/Σ f(z) over the rows scored together.
 *
 * <p>The share is computed scaled: with m the largest {@link Link#exponentBound} over the rows, the
 * sum Σ f(z)·e^{−m} is gathered in one pass whose partial sums are merged like a log-sum-exp
 * ({@link #addToSum}, {@link #mergeSums}), so no f(z) is formed unscaled and the shares stay finite
 * where f(z) itself overflows a double.
 */
public final class Scoring implements Serializable {
  private static final long serialVersionUID = 1L;

  private final Link link;
  private final double[] coefficients;
  private final boolean intercept;

  /** @param intercept whether the last coefficient is an intercept (no feature column of its own) */
  public Scoring(Link link, double[] coefficients, boolean intercept) {
    this.link = link;
    this.coefficients = coefficients.clone();
    this.intercept = intercept;
  }

  /** Feature columns the coefficients cover (the intercept excluded). */
  public int features() { return coefficients.length - (intercept ? 1 : 0); }

  /**
   * z = a·x of a row given by its non-zeros (indices null: {@code values} is the dense row). The
   * caller has checked that the row fits {@link #features}: it knows how to name a row that does not.
   */
  public double margin(int[] indices, double[] values) {
    double z = intercept ? coefficients[coefficients.length - 1] : 0;
    if (indices == null) {
      for (int j = 0; j < values.length; j++) z += values[j] * coefficients[j];
    } else {
      for (int k = 0; k < indices.length; k++) z += values[k] * coefficients[indices[k]];
    }
    return z;
  }

  /** The prediction f(z): +∞ where it exceeds the double range. */
  public double prediction(double z) { return link.value(z); }

  /** The sum of no rows: {m, Σ f(z)·e^{−m}, rows} = {−∞, 0, 0}. */
  public static double[] emptySum() { return new double[] {Double.NEGATIVE_INFINITY, 0, 0}; }

  /** Adds one row's f(z)·e^{−m} to {m, Σ f(z)·e^{−m}, rows}, raising m (and rescaling the sum) as needed. */
  public double[] addToSum(double[] sum, double z) {
    double exponent = link.exponentBound(z);
    if (exponent > sum[0]) {
      sum[1] = sum[1] * Math.exp(sum[0] - exponent);
      sum[0] = exponent;
    }
    sum[1] += link.value(z, sum[0]);
    sum[2]++;
    return sum;
  }

  /** Two partial sums as one, at the larger of their exponents. */
  public static double[] mergeSums(double[] a, double[] b) {
    double m = Math.max(a[0], b[0]);
    double sum = (a[1] == 0 ? 0 : a[1] * Math.exp(a[0] - m)) + (b[1] == 0 ? 0 : b[1] * Math.exp(b[0] - m));
    return new double[] {m, sum, a[2] + b[2]};
  }

  /** The row's share f(z)/Σ f(z) of the rows whose {@code sum} this is. */
  public double share(double z, double[] sum) { return link.value(z, sum[0]) / sum[1]; }
}
