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
 * vector x* ({@link PlantedData}: rows, then targets from the whole sample), deterministic for a
 * seed (java.util.Random's generator is fixed by its specification). x* is written next to the data
 * (FILE.truth), one number per line. With noise &gt; 0 x* is close to, not equal to, the minimizer.
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

  /** Draws x*, the rows and then the targets from one Random of the seed, in that order. */
  static void write(Path file, ObjectiveKind objective, Link link, int rows, int features, double density,
      double scale, double noise, long seed) throws IOException {
    Random rnd = new Random(seed);
    PlantedData planted = PlantedData.draw(rnd, features, density, scale);
    int[][] indices = new int[rows][];
    double[][] values = new double[rows][];
    double[] z = new double[rows];
    int[] idx = new int[features];
    double[] val = new double[features];
    for (int i = 0; i < rows; i++) {
      int k = planted.drawRow(rnd, idx, val);
      indices[i] = java.util.Arrays.copyOf(idx, k);
      values[i] = java.util.Arrays.copyOf(val, k);
      z[i] = planted.margin(idx, val, k);
    }
    double[] b = PlantedData.sampleTargets(objective, link, z, noise, rnd);
    Path tmp = file.resolveSibling("." + file.getFileName() + ".tmp");
    try (BufferedWriter w = Files.newBufferedWriter(tmp, StandardCharsets.UTF_8)) {
      for (int i = 0; i < rows; i++) {
        StringBuilder line = new StringBuilder(Double.toString(b[i]));
        for (int k = 0; k < indices[i].length; k++) {
          if (values[i][k] != 0) line.append(' ').append(indices[i][k] + 1).append(':').append(values[i][k]);
        }
        w.write(line.append('\n').toString());
      }
    }
    Files.writeString(file.resolveSibling(file.getFileName() + ".truth"), PointFile.format(planted.xStar()));
    Files.move(tmp, file);
  }
}
