package dev.hyperreg.spark.io;

import dev.hyperreg.spark.InputFormatException;
import dev.hyperreg.spark.StorageFailure;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.Path;

/**
 * Coefficient vectors as text: one number per line, full precision (they round-trip exactly).
 * This is how a fit writes {@code coefficients.txt} and how {@code --x0} reads a start point.
 */
public final class PointFile {
  private PointFile() {}

  public static String format(double[] x) {
    StringBuilder sb = new StringBuilder();
    for (double v : x) sb.append(Double.toString(v)).append('\n');
    return sb.toString();
  }

  /** Reads numbers separated by white space, commas or newlines; '#' starts a comment. */
  public static double[] read(String path, Configuration conf) {
    Path p = new Path(path);
    List<Double> values = new ArrayList<>();
    try (BufferedReader reader = new BufferedReader(
        new InputStreamReader(p.getFileSystem(conf).open(p), StandardCharsets.UTF_8))) {
      String line;
      long lineNumber = 0;
      while ((line = reader.readLine()) != null) {
        lineNumber++;
        int hash = line.indexOf('#');
        String content = (hash >= 0 ? line.substring(0, hash) : line).trim();
        if (content.isEmpty()) continue;
        for (String token : content.split("[\\s,]+")) {
          double v;
          try {
            v = Double.parseDouble(token);
          } catch (NumberFormatException e) {
            throw new InputFormatException(path, lineNumber, "'" + token + "' is not a number");
          }
          if (!Double.isFinite(v)) throw new InputFormatException(path, lineNumber, "start point entry is " + token);
          values.add(v);
        }
      }
    } catch (IOException e) {
      throw StorageFailure.of("cannot read " + path, e);
    }
    return values.stream().mapToDouble(Double::doubleValue).toArray();
  }

  public static void checkLength(double[] x, int dim, String path, boolean intercept) {
    if (x.length != dim) {
      throw new InputFormatException(String.format(Locale.ROOT,
          "--x0 %s has %d numbers but the design has d = %d columns%s", path, x.length, dim,
          intercept ? " (features plus the intercept, last)" : ""));
    }
  }
}
