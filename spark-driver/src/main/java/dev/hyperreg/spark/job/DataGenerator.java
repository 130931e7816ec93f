package dev.hyperreg.spark.job;

import dev.hyperreg.core.objective.Link;
import dev.hyperreg.core.objective.ObjectiveKind;
import dev.hyperreg.spark.UsageException;
import dev.hyperreg.spark.io.PointFile;
import java.io.BufferedWriter;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Random;

/**
 * {@code hyperreg generate}: a LIBSVM dataset drawn from the model with a planted coefficient
 * vector x*, deterministic for a seed (java.util.Random's generator is fixed by its specification).
 *
 * <ul>
 *   <li>rows a_i: each entry non-zero with probability {@code density}, N(0, 1/(d·density)), so
 *       that a_i·x* has about the spread of a coordinate of x*;</li>
 *   <li>x*_j ~ N(0, scale²);</li>
 *   <li>targets, with ξ_i ~ N(0, 1): plain b_i = f(z_i) + noise·ξ_i·rms(f(z)); rescaled
 *       b_i = (u_i + noise·ξ_i·rms(u))/Σu; softmax b_i ∝ s_i·e^{noise·ξ_i}, normalized to sum 1.</li>
 * </ul>
 * x* is written next to the data (FILE.truth), one number per line. With noise &gt; 0 x* is close
 * to, not equal to, the minimizer.
 */
public final class DataGenerator {
  private DataGenerator() {}

  /** Writes the dataset the options describe (checked first) and says where on out. */
  public static int run(GenerateOptions options, PrintStream out) throws IOException {
    options.validate();
    String output = options.output;
    Path file = Path.of(output);
    if (Files.exists(file)) throw new UsageException("output " + output + " already exists");
    write(file, options.objective, options.link, options.rows, options.features, options.density, options.scale,
        options.noise, options.seed);
    out.println("wrote " + options.rows + " rows × " + options.features + " features to " + output + " (x* in "
        + output + ".truth)");
    return 0;
  }

  static void write(Path file, ObjectiveKind objective, Link link, int rows, int features, double density,
      double scale, double noise, long seed) throws IOException {
    Random rnd = new Random(seed);
    double[] xStar = new double[features];
    for (int j = 0; j < features; j++) xStar[j] = scale * rnd.nextGaussian();
    double[][] values = new double[rows][features];
    double[] z = new double[rows];
    double entryScale = 1 / Math.sqrt(features * density);
    for (int i = 0; i < rows; i++) {
      for (int j = 0; j < features; j++) {
        if (rnd.nextDouble() < density) {
          values[i][j] = entryScale * rnd.nextGaussian();
          z[i] += values[i][j] * xStar[j];
        }
      }
    }
    double[] b = targets(objective, link, z, noise, rnd);
    Path tmp = file.resolveSibling("." + file.getFileName() + ".tmp");
    try (BufferedWriter w = Files.newBufferedWriter(tmp, StandardCharsets.UTF_8)) {
      for (int i = 0; i < rows; i++) {
        StringBuilder line = new StringBuilder(Double.toString(b[i]));
        for (int j = 0; j < features; j++) {
          if (values[i][j] != 0) line.append(' ').append(j + 1).append(':').append(values[i][j]);
        }
        w.write(line.append('\n').toString());
      }
    }
    Files.writeString(file.resolveSibling(file.getFileName() + ".truth"), PointFile.format(xStar));
    Files.move(tmp, file);
  }

  private static double[] targets(ObjectiveKind objective, Link link, double[] z, double noise, Random rnd) {
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
