package dev.hyperreg.spark;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Random;

/**
 * A wide sparse LIBSVM file for matrix-free fits: n rows of 8 non-zeros N(0, 1/8) among d columns,
 * b = exp(a·x*)·(1 + 0.01·noise) with x* uniform in [−0.15, 0.15] (plain exp's model).
 */
public final class WideData {
  private WideData() {}

  /** Writes the file; returns its LIBSVM width (the largest column index used). */
  public static int write(Path file, int d, int n, long seed) throws IOException {
    Random random = new Random(seed);
    double[] xStar = random.doubles(d).map(v -> 0.3 * (v - 0.5)).toArray();
    StringBuilder text = new StringBuilder();
    int width = 0;
    for (int i = 0; i < n; i++) {
      int[] cols = random.ints(8, 0, d).distinct().sorted().toArray();
      width = Math.max(width, cols[cols.length - 1] + 1);
      StringBuilder features = new StringBuilder();
      double z = 0;
      for (int c : cols) {
        double a = random.nextGaussian() / Math.sqrt(8);
        z += a * xStar[c];
        features.append(' ').append(c + 1).append(':').append(a);
      }
      text.append(Math.exp(z) * (1 + 0.01 * random.nextGaussian())).append(features).append('\n');
    }
    Files.writeString(file, text);
    return width;
  }
}
