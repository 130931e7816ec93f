package dev.hyperreg.spark.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.hyperreg.core.linalg.LinearAlgebra;
import dev.hyperreg.spark.CliRun;
import dev.hyperreg.spark.SparkTestSession;
import dev.hyperreg.spark.io.AtomicOutput;
import dev.hyperreg.spark.io.PointFile;
import dev.hyperreg.spark.job.ShiftOptions;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import org.apache.hadoop.conf.Configuration;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code hyperreg shift} as a user runs it, checked against independent fits of the shifted data. */
class ShiftCliTest {
  private static final Path DATA = Path.of("..", "test-data", "rescaled-exp.libsvm");
  @TempDir Path dir;

  @BeforeAll
  static void startSpark() { SparkTestSession.get(); }

  private static String[] args(String command, Path output, String... extra) {
    List<String> args = new ArrayList<>(List.of(command, "--input", DATA.toString(), "--output", output.toString(),
        "--reg-weight", "0.01", "--solver", "exact", "--tol", "1e-12"));
    args.addAll(Arrays.asList(extra));
    return args.toArray(String[]::new);
  }

  /** The bundled data with every target and feature moved by a small deterministic amount, written here. */
  private Path shiftedCopy(double size, int dropLines) throws Exception {
    List<String> lines = Files.readAllLines(DATA);
    List<String> out = new ArrayList<>();
    for (int i = 0; i < lines.size() - dropLines; i++) {
      String[] tokens = lines.get(i).trim().split("\\s+");
      StringBuilder sb = new StringBuilder();
      sb.append(Double.parseDouble(tokens[0]) * (1 + size * Math.sin(i)));
      for (int t = 1; t < tokens.length; t++) {
        String[] kv = tokens[t].split(":");
        double v = Double.parseDouble(kv[1]) * (1 + size * Math.cos(3.0 * i + t));
        sb.append(' ').append(kv[0]).append(':').append(String.format(Locale.ROOT, "%.17g", v));
      }
      out.add(sb.toString());
    }
    Path file = dir.resolve("shifted-" + size + "-" + dropLines + ".libsvm");
    Files.write(file, out);
    return file;
  }

  private static double[] coefficients(Path fitOutput) {
    return PointFile.read(fitOutput.resolve("coefficients.txt").toString(), new Configuration());
  }

  @Test
  void solutionShiftOfASecondDatasetEqualsTwoIndependentFits() throws Exception {
    Path shifted = shiftedCopy(1e-3, 0);
    Path out = dir.resolve("shift");
    CliRun r = CliRun.run(args("shift", out, "--shifted-input", shifted.toString(), "--no-sweep"));
    assertEquals(0, r.status(), r.err());
    assertTrue(Files.exists(out.resolve(AtomicOutput.SUCCESS_MARKER)));
    assertFalse(Files.exists(out.resolve("sweep.svg")), "no sweep asked for");
    JsonNode s = new ObjectMapper().readTree(out.resolve("shift.json").toFile());

    CliRun before = CliRun.run(args("fit", dir.resolve("before")));
    List<String> afterArgs = new ArrayList<>(Arrays.asList(args("fit", dir.resolve("after"))));
    afterArgs.set(2, shifted.toString());
    CliRun after = CliRun.run(afterArgs.toArray(String[]::new));
    assertEquals(0, before.status(), before.err());
    assertEquals(0, after.status(), after.err());
    double[] x = coefficients(dir.resolve("before"));
    double[] moved = coefficients(dir.resolve("after"));
    double[] expected = new double[x.length];
    for (int j = 0; j < x.length; j++) expected[j] = moved[j] - x[j];
    double[] reported = new ObjectMapper().convertValue(s.get("solutionShift"), double[].class);
    assertTrue(LinearAlgebra.distance(reported, expected) < 1e-8 * LinearAlgebra.norm(expected),
        () -> "solution shift " + Arrays.toString(reported) + " vs " + Arrays.toString(expected));
    assertEquals(LinearAlgebra.norm(expected), s.get("solutionShiftNorm").asDouble(), 1e-8 * LinearAlgebra.norm(expected));

    // the first-order prediction is close (the shift is 0.1%), and a warm refit is cheaper than a cold one
    assertTrue(s.get("predictedShiftRelativeError").asDouble() < 0.05, s.toPrettyString());
    assertTrue(s.get("warmPasses").asLong() < s.get("coldPasses").asLong());
    assertTrue(s.get("warmColdDistance").asDouble() < 1e-8);
    JsonNode equivalence = s.get("weightShiftAsDataShift");
    assertTrue(equivalence.get("defined").asBoolean());
    assertTrue(equivalence.get("maxRelativeOutputDiscrepancy").asDouble() < 1e-14);
    assertTrue(equivalence.get("equivalentDataShiftNorm").asDouble() <= equivalence.get("equivalentDataShiftBound").asDouble());
  }

  @Test
  void perturbationReportsTheIssueFieldsAndASweep() throws Exception {
    Path out = dir.resolve("shift");
    CliRun r = CliRun.run(args("shift", out, "--perturb", "A:1e-4", "--perturb", "b:1e-4", "--seed", "3"));
    assertEquals(0, r.status(), r.err());
    JsonNode s = new ObjectMapper().readTree(out.resolve("shift.json").toFile());
    for (String field : List.of("dataShiftNorm", "solutionShiftNorm", "lipschitzRatio", "lipschitzBound",
        "predictedShiftError", "warmIterations", "coldIterations", "boundRadius", "outputShift",
        "weightShiftAsDataShift", "firstOrderConstantA", "firstOrderConstantB")) {
      assertTrue(s.has(field) && !s.get(field).isNull(), "shift.json has " + field);
    }
    assertEquals(1e-4, s.get("dataShift").get("bRelative").asDouble(), 1e-12);
    assertTrue(s.get("lipschitzRatio").asDouble() <= s.get("lipschitzBound").asDouble());
    JsonNode sweep = s.get("sweep");
    assertEquals(ShiftOptions.DEFAULT_SWEEP.length, sweep.size());
    int bounded = 0;
    for (int k = 0; k < sweep.size(); k++) {
      JsonNode p = sweep.get(k);
      if (!p.get("solutionShiftBound").isNull()) {
        bounded++;
        assertTrue(p.get("solutionShiftNorm").asDouble() <= p.get("solutionShiftBound").asDouble());
      }
      if (k > 0) {   // each point is 4× the last: the first-order error grows 16× (second order)
        double growth = p.get("predictedShiftError").asDouble() / sweep.get(k - 1).get("predictedShiftError").asDouble();
        assertTrue(growth > 10 && growth < 22, "error growth " + growth + " at sweep point " + k);
      }
    }
    assertTrue(bounded >= 2, "the smallest shifts lie within the radius");
    javax.xml.parsers.DocumentBuilderFactory.newInstance().newDocumentBuilder().parse(out.resolve("sweep.svg").toFile());
    assertTrue(Files.readString(out.resolve("report.txt")).contains("lipschitzBound"));
  }

  @Test
  void aSavedModelIsPolishedNotRefitted() throws Exception {
    assertEquals(0, CliRun.run(args("fit", dir.resolve("model"))).status());
    Path out = dir.resolve("shift");
    CliRun r = CliRun.run(args("shift", out, "--model", dir.resolve("model").toString(), "--perturb", "b:1e-4",
        "--no-sweep"));
    assertEquals(0, r.status(), r.err());
    JsonNode s = new ObjectMapper().readTree(out.resolve("shift.json").toFile());
    assertTrue(s.get("originalFit").get("iterations").asInt() <= 1, s.get("originalFit").toString());
  }

  @Test
  void badShiftInputIsRefusedWithoutOutput() throws Exception {
    Path shorter = shiftedCopy(1e-3, 5);
    String[][] cases = {
        {"--no-sweep"},
        {"--perturb", "C:0.1"},
        {"--perturb", "A:-1"},
        {"--perturb", "A:0.1", "--shifted-input", DATA.toString()},
        {"--perturb", "A:0.1", "--objective", "plain"},
        {"--perturb", "A:0.1", "--direction", "sideways"},
        {"--perturb", "A:0.1", "--model", dir.resolve("no-such-model").toString()},
        {"--shifted-input", shorter.toString()},
        {"--shifted-input", DATA.toString()},                         // the same data: no shift
        {"--perturb", "A:0.1", "--checkpoint", dir.resolve("c").toString()},
    };
    for (String[] extra : cases) {
      Path out = dir.resolve("refused");
      CliRun r = CliRun.run(args("shift", out, extra));
      assertEquals(2, r.status(), Arrays.toString(extra) + ": " + r.err());
      assertTrue(r.err().startsWith("hyperreg: error: "), r.err());
      assertFalse(Files.exists(out), "no output for " + Arrays.toString(extra));
    }
    CliRun missingRows = CliRun.run(args("shift", dir.resolve("refused"), "--shifted-input", shorter.toString()));
    assertTrue(missingRows.err().contains("rescaled-exp.libsvm:996"), missingRows.err());
  }
}
