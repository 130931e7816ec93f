package dev.hyperreg.spark.job;

import dev.hyperreg.core.objective.Link;
import dev.hyperreg.core.objective.ObjectiveKind;
import java.io.Serializable;
import java.util.random.RandomGenerator;

/**
 * Data drawn from the model around a planted coefficient vector x*: the one generator behind
 * {@code hyperreg generate} ({@link DataGenerator}, a LIBSVM file) and {@code hyperreg bench} (rows
 * made inside the Spark tasks).
 *
 * <ul>
 *   <li>x*_j ~ N(0, scale²);</li>
 *   <li>rows a_i: each entry non-zero with probability {@code density}, N(0, 1/(d·density)) times its
 *       column's scale (1 unless {@link #illConditioned}), so that a_i·x* has about the spread of a
 *       coordinate of x*;</li>
 *   <li>targets from z = Ax* by {@link #sampleTargets} (the whole sample at once: normalized shares)
 *       or {@link #rowTarget} (one row at a time, as a task can make them).</li>
 * </ul>
 *
 * <p>The randomness is the caller's: {@code generate} draws everything from one {@link java.util.Random}
 * of its seed (fully specified, so the bundled test data are reproducible byte for byte), the bench
 * each row from a generator seeded by its row id (so that any task makes any row, and the data never
 * pass through the driver). Both draw a row the same way ({@link #drawRow}).
 */
public final class PlantedData implements Serializable {
  private static final long serialVersionUID = 1L;
  /** Below this density a row's non-zeros are found by jumping between them (the very wide problems). */
  static final double JUMP_DENSITY = 1e-3;

  private final int features;
  private final double density;
  private final double scale;
  private final double[] xStar;
  private final double[] columnScale;

  private PlantedData(int features, double density, double scale, double[] xStar, double[] columnScale) {
    this.features = features;
    this.density = density;
    this.scale = scale;
    this.xStar = xStar;
    this.columnScale = columnScale;
  }

  /** x* drawn from rnd (d Gaussians, first of all draws), every column of unit scale. */
  public static PlantedData draw(RandomGenerator rnd, int features, double density, double scale) {
    double[] xStar = new double[features];
    for (int j = 0; j < features; j++) xStar[j] = scale * rnd.nextGaussian();
    double[] columnScale = new double[features];
    java.util.Arrays.fill(columnScale, 1);
    return new PlantedData(features, density, scale, xStar, columnScale);
  }

  /**
   * The same x* direction with A = G·Σ^{1/2}: Σ diagonal with eigenvalues from 1 to 10⁻³ (condition
   * number 10³), and x* rescaled so that Ax* keeps the spread {@code scale}.
   */
  public PlantedData illConditioned() {
    int d = features;
    double[] columns = new double[d];
    for (int j = 0; j < d; j++) columns[j] = Math.pow(1e-3, 0.5 * j / Math.max(1, d - 1));
    double spread = 0;
    for (int j = 0; j < d; j++) spread += Math.pow(xStar[j] * columns[j], 2) / d;
    double[] x = xStar.clone();
    for (int j = 0; j < d; j++) x[j] *= scale / Math.sqrt(spread);
    return new PlantedData(d, density, scale, x, columns);
  }

  public int features() { return features; }

  /** x*, the coefficients the rows were drawn around. */
  public double[] xStar() { return xStar.clone(); }

  /**
   * Draws one row's non-zeros into idx and val (each of length d) and returns their count: per
   * column a uniform draw decides whether the entry is non-zero and a Gaussian gives it; below
   * {@link #JUMP_DENSITY} geometric gaps jump from non-zero to non-zero instead (the same Bernoulli
   * pattern in distribution, without a draw per column).
   */
  public int drawRow(RandomGenerator rnd, int[] idx, double[] val) {
    double entryScale = 1 / Math.sqrt(features * density);
    int k = 0;
    if (density < JUMP_DENSITY) {
      double logMiss = Math.log1p(-density);
      for (long j = (long) Math.floor(Math.log(1 - rnd.nextDouble()) / logMiss); j < features;
          j += 1 + (long) Math.floor(Math.log(1 - rnd.nextDouble()) / logMiss)) {
        idx[k] = (int) j;
        val[k] = entryScale * columnScale[(int) j] * rnd.nextGaussian();
        k++;
      }
    } else {
      for (int j = 0; j < features; j++) {
        if (rnd.nextDouble() < density) {
          idx[k] = j;
          val[k] = entryScale * columnScale[j] * rnd.nextGaussian();
          k++;
        }
      }
    }
    return k;
  }

  /** z = a·x* of a row {@link #drawRow} made, summed in column order. */
  public double margin(int[] idx, double[] val, int count) {
    double z = 0;
    for (int k = 0; k < count; k++) z += val[k] * xStar[idx[k]];
    return z;
  }

  /**
   * A row's target made from that row alone, with 5%-style multiplicative noise ξ ~ N(0, 1): plain
   * b = f(z)(1 + noise·ξ); rescaled b = f(z)(1 + noise·ξ)/n, the share's scale without the sum over
   * all rows a task cannot see. Softmax, whose targets are shares of the whole sample, has none.
   */
  public static double rowTarget(ObjectiveKind objective, Link link, double z, double noise, RandomGenerator rnd,
      long rows) {
    double u = link.value(z) * (1 + noise * rnd.nextGaussian());
    return switch (objective) {
      case PLAIN -> u;
      case RESCALED -> u / rows;
      case SOFTMAX -> throw new IllegalArgumentException("softmax targets are shares of the whole sample:"
          + " use sampleTargets");
    };
  }

  /**
   * Every row's target from all of z, with ξ_i ~ N(0, 1) drawn in row order: plain
   * b_i = f(z_i) + noise·ξ_i·rms(f(z)); rescaled b_i = (u_i + noise·ξ_i·rms(u))/Σu; softmax
   * b_i ∝ s_i·e^{noise·ξ_i}, normalized to sum 1.
   */
  public static double[] sampleTargets(ObjectiveKind objective, Link link, double[] z, double noise,
      RandomGenerator rnd) {
    int n = z.length;
    double[] b = new double[n];
    double[] u = new double[n];
    double sum = 0, sumSquares = 0, max = Double.NEGATIVE_INFINITY;
    for (int i = 0; i < n; i++) {
      u[i] = link.value(z[i]);
      sum += u[i];
      sumSquares += u[i] * u[i];
      max = Math.max(max, z[i]);
    }
    double rms = Math.sqrt(sumSquares / n);
    switch (objective) {
      case PLAIN -> {
        for (int i = 0; i < n; i++) b[i] = u[i] + noise * rnd.nextGaussian() * rms;
      }
      case RESCALED -> {
        for (int i = 0; i < n; i++) b[i] = (u[i] + noise * rnd.nextGaussian() * rms) / sum;
      }
      case SOFTMAX -> {
        double total = 0;
        for (int i = 0; i < n; i++) {
          b[i] = Math.exp(z[i] - max + noise * rnd.nextGaussian());
          total += b[i];
        }
        for (int i = 0; i < n; i++) b[i] /= total;
      }
    }
    return b;
  }
}
