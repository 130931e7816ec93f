package dev.hyperreg.core.objective;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.math.BigDecimal;
import java.math.MathContext;
import java.util.Random;
import org.junit.jupiter.api.Test;

/** The scoring both predict and the Spark ML model use: margins, predictions and shares from outside numbers. */
class ScoringTest {

  @Test
  void marginOfSparseAndDenseRowsWithTheIntercept() {
    Scoring s = new Scoring(Link.EXP, new double[] {0.5, -2, 3, 0.25}, true);
    assertEquals(3, s.features());
    // 0.25 + 2·0.5 + 1·3 = 4.25
    assertEquals(4.25, s.margin(new int[] {0, 2}, new double[] {2, 1}), 0);
    assertEquals(4.25 - 2 * 4, s.margin(null, new double[] {2, 4, 1}), 0);
    assertEquals(Math.exp(4.25), s.prediction(4.25), 0);
  }

  /**
   * Shares f(z)/Σ f(z) against BigDecimal sums of e^{z − 750}, with z near 750 where e^z itself
   * overflows; the sum gathered in two parts and merged gives the same shares.
   */
  @Test
  void sharesStayFiniteWhereTheLinkOverflows() {
    Random rnd = new Random(3);
    double[] z = new double[200];
    for (int i = 0; i < z.length; i++) z[i] = 750 + 5 * rnd.nextGaussian();
    Scoring s = new Scoring(Link.EXP, new double[] {1}, false);
    assertEquals(Double.POSITIVE_INFINITY, s.prediction(z[0]));
    double[] whole = Scoring.emptySum();
    double[] left = Scoring.emptySum();
    double[] right = Scoring.emptySum();
    for (int i = 0; i < z.length; i++) {
      s.addToSum(whole, z[i]);
      s.addToSum(i % 3 == 0 ? left : right, z[i]);
    }
    double[] merged = Scoring.mergeSums(left, right);
    assertEquals(z.length, whole[2], 0);
    assertEquals(z.length, merged[2], 0);
    BigDecimal total = BigDecimal.ZERO;
    for (double v : z) total = total.add(new BigDecimal(Math.exp(v - 750)));
    double shareSum = 0;
    for (double v : z) {
      double expected = new BigDecimal(Math.exp(v - 750)).divide(total, MathContext.DECIMAL64).doubleValue();
      assertEquals(expected, s.share(v, whole), 1e-13 * expected);
      assertEquals(expected, s.share(v, merged), 1e-13 * expected);
      shareSum += s.share(v, whole);
    }
    assertEquals(1, shareSum, 1e-12);
  }

  /** cosh is even: the share of −z equals that of z, and the exponent bound is |z|. */
  @Test
  void coshSharesAreEven() {
    Scoring s = new Scoring(Link.COSH, new double[] {1}, false);
    double[] sum = Scoring.emptySum();
    for (double z : new double[] {-800, 800, 1}) s.addToSum(sum, z);
    assertEquals(800, sum[0], 0);
    assertEquals(s.share(800, sum), s.share(-800, sum), 0);
    assertEquals(0.5, s.share(800, sum), 1e-15); // cosh(1)·e^{−800} is below the double range
  }

  /**
   * Label-scale predictions: plain gives f(z); with a {@link Scoring.LabelScale} the prediction is
   * Σb · f(z)/Σ_T f, written out by hand for three training margins; it stays finite past e^709.
   */
  @Test
  void labelPredictionsAreTheTrainingLabelsShare() {
    Scoring s = new Scoring(Link.EXP, new double[] {1}, false);
    double[] train = {0.1, -0.3, 0.7};
    double[] sum = Scoring.emptySum();
    for (double z : train) s.addToSum(sum, z);
    Scoring.LabelScale scale = new Scoring.LabelScale(0.6, sum);
    double byHand = 0.6 * Math.exp(0.25) / (Math.exp(0.1) + Math.exp(-0.3) + Math.exp(0.7));
    assertEquals(byHand, s.labelPrediction(0.25, scale), 1e-15 * byHand);
    assertEquals(Math.exp(0.25), s.labelPrediction(0.25, null), 0);
    double[] far = Scoring.emptySum();
    for (double z : new double[] {800, 801}) s.addToSum(far, z);
    // 2·e^800/(e^800 + e^801) = 2/(1 + e), though e^800 is not a double
    assertEquals(2 / (1 + Math.E), s.labelPrediction(800, new Scoring.LabelScale(2, far)), 1e-15);
    org.junit.jupiter.api.Assertions.assertThrows(IllegalArgumentException.class,
        () -> new Scoring.LabelScale(1, Scoring.emptySum()), "no training rows: no shares");
  }
}
