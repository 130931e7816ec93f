package dev.hyperreg.spark;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Random;

/** Random designs written as LIBSVM text, with the same rows kept in memory. */
public final class TestFiles {
  private TestFiles() {}

  /** Rows with entries N(0, 1/d), zero with probability 1 − density; labels from the given targets. */
  public static double[][] randomDesign(long seed, int n, int d, double density) {
    Random rnd = new Random(seed);
    double[][] a = new double[n][d];
    for (int i = 0; i < n; i++) {
      for (int j = 0; j < d; j++) if (rnd.nextDouble() < density) a[i][j] = rnd.nextGaussian() / Math.sqrt(d * density);
    }
    return a;
  }

  public static void writeLibsvm(Path file, double[][] a, double[] b) throws IOException {
    StringBuilder sb = new StringBuilder();
    for (int i = 0; i < a.length; i++) {
      sb.append(b[i]);
      for (int j = 0; j < a[i].length; j++) if (a[i][j] != 0) sb.append(' ').append(j + 1).append(':').append(a[i][j]);
      sb.append('\n');
    }
    Files.writeString(file, sb.toString());
  }
}
