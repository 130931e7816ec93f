package dev.hyperreg.spark.job;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.hyperreg.core.objective.Link;
import dev.hyperreg.core.objective.ObjectiveKind;
import dev.hyperreg.spark.UsageException;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * What {@code hyperreg generate} writes, read back here with a parser of our own: without noise the
 * targets are the planted model's own values at x* — f(a·x*) (plain), f(a·x*)/Σf (rescaled),
 * softmax(Ax*) — so x* fits exactly; the design has the density and the entry scale asked for.
 */
class DataGeneratorTest {
  @TempDir Path dir;

  /** The rows of a LIBSVM file: {label, a_1 … a_d}. */
  private static double[][] read(Path file, int d) throws IOException {
    List<String> lines = Files.readAllLines(file);
    double[][] rows = new double[lines.size()][d + 1];
    for (int i = 0; i < rows.length; i++) {
      String[] tokens = lines.get(i).trim().split(" ");
      rows[i][0] = Double.parseDouble(tokens[0]);
      for (int t = 1; t < tokens.length; t++) {
        String[] pair = tokens[t].split(":");
        rows[i][Integer.parseInt(pair[0])] = Double.parseDouble(pair[1]);
      }
    }
    return rows;
  }

  private static double[] truth(Path file) throws IOException {
    return Files.readAllLines(Path.of(file + ".truth")).stream().filter(s -> !s.isBlank())
        .mapToDouble(Double::parseDouble).toArray();
  }

  private static double[] z(double[][] rows, double[] x) {
    double[] z = new double[rows.length];
    for (int i = 0; i < rows.length; i++) for (int j = 0; j < x.length; j++) z[i] += rows[i][j + 1] * x[j];
    return z;
  }

  @Test
  void withoutNoiseTheTargetsAreThePlantedModelsValues() throws IOException {
    int n = 300, d = 6;
    for (ObjectiveKind kind : ObjectiveKind.values()) {
      for (Link link : Link.values()) {
        if (!kind.takes(link)) continue;
        Path file = dir.resolve(kind.label() + "-" + link.label() + ".libsvm");
        DataGenerator.write(file, kind, link, n, d, 0.7, 0.5, 0, 11);
        double[][] rows = read(file, d);
        double[] x = truth(file);
        assertEquals(n, rows.length);
        assertEquals(d, x.length);
        double[] z = z(rows, x);
        double[] f = new double[n];
        double sum = 0, expSum = 0, max = Double.NEGATIVE_INFINITY;
        for (int i = 0; i < n; i++) {
          f[i] = link == Link.EXP ? Math.exp(z[i]) : link == Link.COSH ? Math.cosh(z[i]) : Math.sinh(z[i]);
          sum += f[i];
          max = Math.max(max, z[i]);
        }
        for (int i = 0; i < n; i++) expSum += Math.exp(z[i] - max);
        for (int i = 0; i < n; i++) {
          double expected = switch (kind) {
            case PLAIN -> f[i];
            case RESCALED -> f[i] / sum;
            case SOFTMAX -> Math.exp(z[i] - max) / expSum;
          };
          assertEquals(expected, rows[i][0], 1e-12 * Math.abs(expected) + 1e-15, kind + " " + link + " row " + i);
        }
      }
    }
  }

  @Test
  void theDesignHasTheDensityAndScaleAskedFor() throws IOException {
    int n = 4000, d = 10;
    double density = 0.3;
    Path file = dir.resolve("sparse.libsvm");
    DataGenerator.write(file, ObjectiveKind.PLAIN, Link.EXP, n, d, density, 1, 0.1, 5);
    double[][] rows = read(file, d);
    long stored = 0;
    double squares = 0;
    for (double[] row : rows) {
      for (int j = 1; j <= d; j++) {
        if (row[j] != 0) stored++;
        squares += row[j] * row[j];
      }
    }
    // each entry is stored with probability 0.3: the count is Binomial(n·d, 0.3), sd ≈ 29
    assertEquals(density * n * d, stored, 5 * Math.sqrt(n * d * density * (1 - density)));
    // entries of variance 1/(d·density), so a row's a·x has the spread of x: E Σ_j a_ij² = 1 per row
    assertEquals(1.0, squares / n, 0.05);
  }

  @Test
  void anExistingOutputIsRefused() throws IOException {
    Path file = dir.resolve("taken.libsvm");
    Files.writeString(file, "1 1:1\n");
    GenerateOptions options = new GenerateOptions();
    options.output = file.toString();
    PrintStream out = new PrintStream(new ByteArrayOutputStream());
    UsageException e = assertThrows(UsageException.class, () -> DataGenerator.run(options, out));
    assertTrue(e.getMessage().contains("already exists"), e.getMessage());
    assertEquals("1 1:1\n", Files.readString(file));
  }
}
