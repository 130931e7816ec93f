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
 *
 * <p><b>Predictions on the label's scale</b> ({@link #labelPrediction}). The plain objective fits f(z)
 * to b itself, so its prediction is f(z). The rescaled and softmax objectives fit a <em>share</em>:
 * at their answer f(a_i·x) is proportional to b_i over the training rows T, with the factor
 * Σ_T f(a·x)/Σ_T b (rescaled: u ≈ αb̃ with α = Σ_T u and b̃ = b/Σ_T b; softmax: exp(z_i)/Σ_T exp(z) ≈
 * b̃_i). A new row's label on the training labels' scale is therefore
 * b̂ = Σ_T b · f(z)/Σ_T f(a·x) — the row's share of the training rows' Σ f, times the training labels'
 * sum. A fit keeps those two numbers as a {@link LabelScale}; the share is computed scaled as above, so
 * b̂ stays finite where f(z) overflows.
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

  /** The coefficients x (a copy; the intercept last when there is one). */
  public double[] coefficients() { return coefficients.clone(); }

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

  /**
   * What a fit of the rescaled or softmax objective keeps to put predictions on its labels' scale:
   * Σ_T b over the training rows and the scaled sum {m, Σ_T f(a·x)·e^{−m}, rows} of {@link #addToSum}
   * at the fitted x.
   */
  public record LabelScale(double labelSum, double[] trainingSum) implements Serializable {
    public LabelScale {
      trainingSum = trainingSum.clone();
      if (trainingSum.length != 3 || !(trainingSum[1] != 0 && Double.isFinite(trainingSum[1]))
          || !Double.isFinite(trainingSum[0])) {
        throw new IllegalArgumentException("Σ f(a·x) over the training rows is " + (trainingSum.length == 3
            ? trainingSum[1] + "·e^" + trainingSum[0] : "not a scaled sum")
            + ": the shares f(a·x)/Σ f(a·x) are undefined");
      }
      if (!Double.isFinite(labelSum)) throw new IllegalArgumentException("Σ b = " + labelSum + " is not finite");
    }

    @Override public double[] trainingSum() { return trainingSum.clone(); }
  }

  /**
   * The prediction on the labels' scale: f(z) when {@code scale} is null (the plain objective), else
   * Σ_T b · f(z)/Σ_T f(a·x) (rescaled and softmax; see the class comment).
   */
  public double labelPrediction(double z, LabelScale scale) {
    if (scale == null) return prediction(z);
    return scale.labelSum() * share(z, scale.trainingSum);
  }
}
