package dev.hyperreg.spark.cli;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.hyperreg.core.linalg.LinearAlgebra;
import dev.hyperreg.spark.CliRun;
import dev.hyperreg.spark.SparkTestSession;
import dev.hyperreg.spark.io.PointFile;
import dev.hyperreg.spark.job.FitOptions;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import org.apache.hadoop.conf.Configuration;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Job properties files (--conf-file) and checkpoints (--checkpoint, --resume) through the command line. */
class JobConfigurationTest {
  private static final String INPUT = Path.of("..", "test-data", "rescaled-exp.libsvm").toString();
  @TempDir Path dir;

  @BeforeAll
  static void startSpark() { SparkTestSession.get(); }

  private static double[] coefficients(Path fit) {
    return PointFile.read(fit.resolve("coefficients.txt").toString(), new Configuration());
  }

  private Path properties(String... lines) throws Exception {
    Path file = dir.resolve("job-" + lines.length + "-" + Math.abs(String.join("", lines).hashCode()) + ".properties");
    Files.write(file, List.of(lines));
    return file;
  }

  @Test
  void confFileEqualsFlagsAndFlagsOverrideIt() throws Exception {
    Path file = properties("# a scheduled job", "input = " + INPUT, "objective = rescaled", "link = exp",
        "reg-weight = 0.01", "solver = exact", "overwrite = true", "output = " + dir.resolve("from-file"));
    CliRun fromFile = CliRun.run("fit", "--conf-file", file.toString());
    assertEquals(0, fromFile.status(), fromFile.err());
    CliRun fromFlags = CliRun.run("fit", "--input", INPUT, "--reg-weight", "0.01", "--solver", "exact",
        "--output", dir.resolve("from-flags").toString());
    assertEquals(0, fromFlags.status(), fromFlags.err());
    assertArrayEquals(coefficients(dir.resolve("from-flags")), coefficients(dir.resolve("from-file")), 0.0);
    JsonNode summary = new ObjectMapper().readTree(dir.resolve("from-file").resolve("summary.json").toFile());
    assertEquals(file.toString(), summary.get("configuration").get("confFile").asText());

    // a flag beats the file: a different regularization gives a different, flag-equal answer
    CliRun overridden = CliRun.run("fit", "--conf-file", file.toString(), "--reg-weight", "0.05", "--output",
        dir.resolve("overridden").toString());
    CliRun flags005 = CliRun.run("fit", "--input", INPUT, "--reg-weight", "0.05", "--solver", "exact",
        "--output", dir.resolve("flags-005").toString());
    assertEquals(0, overridden.status(), overridden.err());
    assertEquals(0, flags005.status(), flags005.err());
    assertArrayEquals(coefficients(dir.resolve("flags-005")), coefficients(dir.resolve("overridden")), 0.0);
    assertTrue(LinearAlgebra.distance(coefficients(dir.resolve("overridden")), coefficients(dir.resolve("from-file"))) > 1e-3);

    // the file says overwrite = true; --no-overwrite takes it back: the existing output is refused
    CliRun notOverwritten = CliRun.run("fit", "--conf-file", file.toString(), "--no-overwrite");
    assertEquals(2, notOverwritten.status(), notOverwritten.err());
    assertTrue(notOverwritten.err().contains("already exists"), notOverwritten.err());
    // a relative path without a scheme is a local file, whatever the default file system
    FitOptions relative = HyperregCli.parseFit(new String[] {"--conf-file",
        Path.of("").toAbsolutePath().relativize(file.toAbsolutePath()).toString()});
    assertEquals("exact", relative.solver);
  }

  /** The template's keys, the commented ones included, are all keys `fit` accepts with valid values. */
  @Test
  void theTemplateDocumentsValidKeys() throws Exception {
    Path template = Path.of("..", "conf", "hyperreg-job.properties.template");
    FitOptions asShipped = HyperregCli.parseFit(new String[] {"--conf-file", template.toString()});
    assertEquals("rescaled", asShipped.objective.label());
    List<String> everyKey = new java.util.ArrayList<>();
    int keys = 0;
    for (String line : Files.readAllLines(template)) {
      java.util.regex.Matcher m = java.util.regex.Pattern.compile("^#?([a-z][a-z0-9-]*) = (.*)$").matcher(line);
      if (m.matches()) {
        keys++;
        everyKey.add(m.group(1) + " = " + (m.group(1).equals("format") ? "csv" : m.group(2)));
      }
    }
    Path uncommented = dir.resolve("every-key.properties");
    Files.write(uncommented, everyKey);
    FitOptions all = HyperregCli.parseFit(new String[] {"--conf-file", uncommented.toString()});
    assertEquals("w", all.weightCol);
    assertTrue(all.checkpoint.startsWith("hdfs://"), all.checkpoint);
    assertTrue(keys >= 25, "keys found: " + keys);
  }

  /**
   * The gradient test of a resumed fit stays relative to the original start's gradient: an L-BFGS fit
   * stopped after 5 iterations and resumed stops once ‖∇L‖ ≤ 1e-8·‖∇L(original start)‖, not 1e-8 of
   * the (much smaller) gradient where it resumed.
   */
  @Test
  void aResumedFitKeepsItsGradientTest() throws Exception {
    Path checkpoint = dir.resolve("lbfgs-checkpoint");
    CliRun stopped = CliRun.run("fit", "--input", INPUT, "--reg-weight", "0.01", "--solver", "lbfgs",
        "--max-iter", "5", "--checkpoint", checkpoint.toString(), "--output", dir.resolve("stopped").toString());
    assertEquals(3, stopped.status(), stopped.err());
    JsonNode first = new ObjectMapper().readTree(dir.resolve("stopped").resolve("summary.json").toFile());
    double original = first.get("iterations").get(0).get("gradientNorm").asDouble();
    CliRun resumed = CliRun.run("fit", "--input", INPUT, "--reg-weight", "0.01", "--solver", "lbfgs",
        "--checkpoint", checkpoint.toString(), "--resume", "--output", dir.resolve("resumed").toString());
    assertEquals(0, resumed.status(), resumed.err());
    JsonNode s = new ObjectMapper().readTree(dir.resolve("resumed").resolve("summary.json").toFile());
    double atResume = s.get("iterations").get(0).get("gradientNorm").asDouble();
    double end = s.get("gradientNorm").asDouble();
    assertTrue(end <= 1e-8 * original * (1 + 1e-12), end + " vs " + original);
    assertTrue(end > 1e-8 * atResume, "stopped by the original start's test: " + end + " > 1e-8 × " + atResume);
  }

  @Test
  void badConfFilesNameTheFileAndKey() throws Exception {
    String[][] cases = {
        {"input = " + INPUT, "output = " + dir.resolve("x"), "reg-wieght = 0.01"},
        {"input = " + INPUT, "output = " + dir.resolve("x"), "reg-weight = lots"},
        {"input = " + INPUT, "output = " + dir.resolve("x"), "intercept = maybe"},
    };
    String[] keys = {"reg-wieght", "reg-weight", "intercept"};
    for (int k = 0; k < cases.length; k++) {
      Path file = properties(cases[k]);
      CliRun r = CliRun.run("fit", "--conf-file", file.toString());
      assertEquals(2, r.status(), r.err());
      assertTrue(r.err().contains(file.toString()) && r.err().contains(keys[k]), r.err());
      assertFalse(Files.exists(dir.resolve("x")));
    }
    CliRun missing = CliRun.run("fit", "--conf-file", dir.resolve("absent.properties").toString());
    assertEquals(2, missing.status());
    assertTrue(missing.err().contains("absent.properties"), missing.err());
  }

  /**
   * A fit stopped after three iterations and rerun with --resume continues from iteration 3 and ends
   * where an uninterrupted fit ends; the checkpoint holds one iterate; another job's checkpoint is refused.
   */
  /**
   * A damaged iterate is bad input, not a storage error to retry, and never a reason to start
   * over: --resume exits 2 naming the file and writes nothing — for a file cut short, one whose
   * iteration disagrees with its name, and one with a non-finite coefficient.
   */
  @Test
  void aCorruptCheckpointIsRefusedNamingTheFile() throws Exception {
    Path checkpoint = dir.resolve("checkpoint");
    CliRun stopped = CliRun.run("fit", "--input", INPUT, "--reg-weight", "0.01", "--max-iter", "2",
        "--checkpoint", checkpoint.toString(), "--output", dir.resolve("stopped").toString());
    assertEquals(3, stopped.status(), stopped.err());
    Path saved = checkpoint.resolve("iterate-000002.json");
    String whole = Files.readString(saved);
    String[] damaged = {
        whole.substring(0, whole.length() / 2),
        whole.replace("\"iteration\":2", "\"iteration\":7"),
        whole.replaceFirst("\"coefficients\":\\[[^,\\]]+", "\"coefficients\":[\"NaN\""),
    };
    for (String content : damaged) {
      assertTrue(!content.equals(whole), "the damage took: " + content);
      Files.writeString(saved, content);
      Path out = dir.resolve("resumed");
      CliRun resumed = CliRun.run("fit", "--input", INPUT, "--reg-weight", "0.01", "--checkpoint",
          checkpoint.toString(), "--resume", "--output", out.toString());
      assertEquals(2, resumed.status(), content + "\n" + resumed.err());
      assertTrue(resumed.err().contains(saved.getFileName().toString()) && resumed.err().contains("corrupt"),
          resumed.err());
      assertFalse(Files.exists(out), "no output");
    }
  }

  @Test
  void resumeContinuesFromTheLastSavedIteration() throws Exception {
    Path checkpoint = dir.resolve("checkpoint");
    CliRun stopped = CliRun.run("fit", "--input", INPUT, "--reg-weight", "0.01", "--max-iter", "2",
        "--checkpoint", checkpoint.toString(), "--output", dir.resolve("stopped").toString());
    assertEquals(3, stopped.status(), "not converged after 2 iterations: " + stopped.err());
    try (Stream<Path> files = Files.list(checkpoint)) {
      assertEquals(List.of("iterate-000002.json"), files.map(p -> p.getFileName().toString()).toList());
    }
    CliRun resumed = CliRun.run("fit", "--input", INPUT, "--reg-weight", "0.01", "--checkpoint",
        checkpoint.toString(), "--resume", "--output", dir.resolve("resumed").toString());
    assertEquals(0, resumed.status(), resumed.err());
    JsonNode summary = new ObjectMapper().readTree(dir.resolve("resumed").resolve("summary.json").toFile());
    assertEquals(2, summary.get("resumedFromIteration").asInt());
    CliRun whole = CliRun.run("fit", "--input", INPUT, "--reg-weight", "0.01", "--output",
        dir.resolve("whole").toString());
    assertEquals(0, whole.status(), whole.err());
    double[] expected = coefficients(dir.resolve("whole"));
    assertTrue(LinearAlgebra.relativeDistance(coefficients(dir.resolve("resumed")), expected) < 1e-9);

    CliRun other = CliRun.run("fit", "--input", INPUT, "--reg-weight", "0.02", "--checkpoint",
        checkpoint.toString(), "--resume", "--output", dir.resolve("other").toString());
    assertEquals(2, other.status());
    assertTrue(other.err().contains("regWeight was 0.01"), other.err());
    CliRun noCheckpoint = CliRun.run("fit", "--input", INPUT, "--resume", "--output", dir.resolve("y").toString());
    assertEquals(2, noCheckpoint.status());
  }
}
