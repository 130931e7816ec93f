package dev.hyperreg.spark.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.hyperreg.spark.CliRun;
import dev.hyperreg.spark.ExitStatus;
import dev.hyperreg.spark.SparkTestSession;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Fits where a·x leaves the range of e^z as a user runs them (issue 15): softmax with every a·x in
 * the thousands, and plain exp fits whose iterates or line-search trials overflow in the middle
 * of the fit. Each either converges to the answer known by construction or stops with its
 * documented status, naming the row by file and line.
 */
class LargeArgumentsCliTest {
  @TempDir Path dir;

  @BeforeAll
  static void startSpark() { SparkTestSession.get(); }

  private static String[] fit(Path input, Path output, String... extra) {
    List<String> args = new ArrayList<>(List.of("fit", "--input", input.toString(), "--output", output.toString(),
        "--partitions", "2"));
    args.addAll(Arrays.asList(extra));
    return args.toArray(String[]::new);
  }

  private static Path write(Path file, double[][] a, double[] b) throws Exception {
    dev.hyperreg.spark.TestFiles.writeLibsvm(file, a, b);
    return file;
  }

  private static Path point(Path file, double... x) throws Exception {
    StringBuilder sb = new StringBuilder();
    for (double v : x) sb.append(v).append('\n');
    Files.writeString(file, sb.toString());
    return file;
  }

  private static double[] z(double[][] a, double[] x) {
    double[] z = new double[a.length];
    for (int i = 0; i < a.length; i++) for (int j = 0; j < x.length; j++) z[i] += a[i][j] * x[j];
    return z;
  }

  private static double[] coefficients(JsonNode summary) {
    double[] x = new double[summary.get("coefficients").size()];
    for (int j = 0; j < x.length; j++) x[j] = summary.get("coefficients").get(j).asDouble();
    return x;
  }

  private static double maxAbsDifference(double[] x, double[] y) {
    double m = 0;
    for (int j = 0; j < x.length; j++) m = Math.max(m, Math.abs(x[j] - y[j]));
    return m;
  }

  /**
   * Softmax on rows (1000 + 0.3ε, g₁, g₂, g₃) with b = softmax(Ax*), x₀* = 3: a·x ≈ 3000 at the
   * minimizer, where e^{a·x} is far past the double range. From --x0 at a·x ≈ 4000 and from the
   * default start, the default solver must converge to x* (L(x*) = 0), with a finite objective in
   * summary.json.
   */
  @Test
  void softmaxWithArgumentsInTheThousandsConverges() throws Exception {
    int n = 300, d = 4;
    Random rnd = new Random(61);
    double[][] a = new double[n][d];
    for (int i = 0; i < n; i++) {
      a[i][0] = 1000 + 0.3 * rnd.nextGaussian();
      for (int j = 1; j < d; j++) a[i][j] = rnd.nextGaussian() / 2;
    }
    double[] xStar = {3, 0.4, -0.3, 0.2};
    double[] zStar = z(a, xStar);
    double max = Arrays.stream(zStar).max().orElseThrow();
    assertTrue(Arrays.stream(zStar).min().orElseThrow() > 2900, "every a·x* in the thousands");
    double[] b = new double[n];
    double total = 0;
    for (int i = 0; i < n; i++) total += b[i] = Math.exp(zStar[i] - max);
    for (int i = 0; i < n; i++) b[i] /= total;
    Path input = write(dir.resolve("softmax-large.libsvm"), a, b);

    Path far = point(dir.resolve("x0.txt"), 4, 0, 0, 0);
    for (String[] start : new String[][] {{"--x0", far.toString()}, {}}) {
      Path out = dir.resolve("softmax-" + start.length);
      List<String> extra = new ArrayList<>(List.of("--objective", "softmax", "--link", "exp"));
      extra.addAll(List.of(start));
      CliRun r = CliRun.run(fit(input, out, extra.toArray(String[]::new)));
      String what = start.length == 0 ? "default start" : "--x0 at a·x ≈ 4000";
      assertEquals(ExitStatus.SUCCESS.code(), r.status(), what + ": " + r.err());
      JsonNode s = new ObjectMapper().readTree(out.resolve("summary.json").toFile());
      assertTrue(s.get("converged").asBoolean(), what + ": " + s.get("message"));
      assertTrue(maxAbsDifference(coefficients(s), xStar) < 1e-6, what + ": " + s.get("coefficients"));
      assertTrue(s.get("objectiveValue").isNumber() && s.get("objectiveValue").asDouble() < 1e-15,
          what + ": objective " + s.get("objectiveValue"));
      if (start.length > 0) {
        assertTrue(Double.isFinite(s.get("iterations").get(0).get("objectiveValue").asDouble()),
            "the loss at a·x ≈ 4000 is a number: " + s.get("iterations").get(0));
      }
    }
  }

  /** 200 rows (1, u) with b = e^{a·x*}, x* = (0.5, 0.3), and a last row (0, 100) with its own b. */
  private static double[][] outlierDesign() {
    Random rnd = new Random(3);
    double[][] a = new double[201][2];
    for (int i = 0; i < 200; i++) {
      a[i][0] = 1;
      a[i][1] = 2 * rnd.nextDouble() - 1;
    }
    a[200][1] = 100;
    return a;
  }

  private static final double[] X_STAR = {0.5, 0.3};

  private static final Pattern NOTE_Z = Pattern.compile("a·x = ([-0-9.e+]+)");

  /**
   * Plain exp with the exact solver from x = (−8, 0), where the last row's a·x is 0 and the objective a plain number:
   * climbing out of the concave region below the data, the Newton steps of iterations 1 to 3 carry
   * that row past a·x = 355, where ½(e^{a·x} − b)² overflows. The line search must reject those
   * trials and halve, say so in the iteration's note naming the file and line (201), and the fit
   * must still converge to x* (b = e^{Ax*} exactly). Fails if overflowing trials are not
   * rejected (the fit would stop), or not detected (the row would silently drop out of the sums).
   */
  @Test
  void plainExpOverflowInTheMiddleOfTheFitIsBacktrackedAndNamed() throws Exception {
    double[][] a = outlierDesign();
    double[] b = Arrays.stream(z(a, X_STAR)).map(Math::exp).toArray();
    Path input = write(dir.resolve("outlier.libsvm"), a, b);
    Path x0 = point(dir.resolve("x0.txt"), -8, 0);
    Path out = dir.resolve("fit");
    CliRun r = CliRun.run(fit(input, out, "--objective", "plain", "--link", "exp", "--solver", "exact",
        "--x0", x0.toString()));
    assertEquals(ExitStatus.SUCCESS.code(), r.status(), r.err());
    JsonNode s = new ObjectMapper().readTree(out.resolve("summary.json").toFile());
    assertTrue(maxAbsDifference(coefficients(s), X_STAR) < 1e-8, s.get("coefficients").toString());
    // the last row's id: its line's byte offset (the file's index 0 in the high bits)
    byte[] bytes = Files.readAllBytes(input);
    long lastLine = bytes.length - 1;
    while (bytes[(int) lastLine - 1] != '\n') lastLine--;
    List<JsonNode> overflowed = new ArrayList<>();
    for (JsonNode it : s.get("iterations")) {
      // the row by its id and by file and line, as an overflow at the start point is named
      if (it.has("note") && it.get("note").asText().contains("overflowed a double at row " + lastLine + " (")
          && it.get("note").asText().contains("outlier.libsvm:201)")) {
        overflowed.add(it);
      }
    }
    assertTrue(overflowed.stream().anyMatch(it -> it.get("iteration").asInt() >= 2),
        "an overflow named after the first iteration: " + s.get("iterations"));
    for (JsonNode it : overflowed) {
      assertTrue(it.get("stepSize").asDouble() < 1, "backtracked: " + it);
      Matcher m = NOTE_Z.matcher(it.get("note").asText());
      assertTrue(m.find() && Double.parseDouble(m.group(1)) > 354.9, "a trial past the overflow: " + it);
    }
  }
}
