package dev.hyperreg.spark.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.hyperreg.core.linalg.LinearAlgebra;
import dev.hyperreg.spark.CliRun;
import dev.hyperreg.spark.ExitStatus;
import dev.hyperreg.spark.InputFormatException;
import dev.hyperreg.spark.SparkTestSession;
import dev.hyperreg.spark.WideData;
import dev.hyperreg.spark.io.AtomicOutput;
import dev.hyperreg.spark.io.PointFile;
import dev.hyperreg.spark.job.DriverLimits;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** The job as a user runs it: exit statuses, output files, and every kind of bad input. */
class CliTest {
  private static final Path DATA = Path.of("..", "test-data");
  @TempDir Path dir;

  @BeforeAll
  static void startSpark() { SparkTestSession.get(); }

  private String[] fit(Path input, Path output, String... extra) {
    List<String> args = new ArrayList<>(List.of("fit", "--input", input.toString(), "--output", output.toString()));
    args.addAll(Arrays.asList(extra));
    return args.toArray(String[]::new);
  }

  @Test
  void convergedFitWritesSummaryCoefficientsAndMarker() throws Exception {
    Path out = dir.resolve("fit");
    CliRun r = CliRun.run(fit(DATA.resolve("rescaled-exp.libsvm"), out, "--objective", "rescaled", "--link", "exp",
        "--reg-weight", "0.01", "--seed", "7"));
    assertEquals(0, r.status(), r.err());
    assertTrue(Files.exists(out.resolve(AtomicOutput.SUCCESS_MARKER)));
    JsonNode s = new ObjectMapper().readTree(out.resolve("summary.json").toFile());
    for (String field : List.of("objective", "link", "solver", "n", "d", "coefficients", "objectiveValue",
        "logObjectiveValue", "gradientNorm", "hessianMinEigenvalue", "converged", "stopReason", "dataPasses",
        "totalSeconds", "configuration", "versions", "iterations")) {
      assertTrue(s.has(field), "summary.json has " + field);
    }
    assertEquals(1000, s.get("n").asLong());
    assertEquals(6, s.get("d").asInt());
    assertTrue(s.get("converged").asBoolean());
    assertEquals(7, s.get("configuration").get("seed").asLong());
    assertTrue(s.get("hessianMinEigenvalue").asDouble() > 0);
    assertEquals(s.get("iterationCount").asInt() + 1, s.get("iterations").size());
    long passes = 0;
    for (JsonNode it : s.get("iterations")) passes += it.get("dataPasses").asLong();
    long finalCheck = s.get("finalHessianCheck").asText().equals("exact pass") ? 1 : 0;
    assertEquals(s.get("dataPasses").asLong(), passes + s.get("passesOutsideIterations").asLong());
    assertTrue(s.get("passesOutsideIterations").asLong() >= 1 + finalCheck, "start-point pass and final check");
    assertEquals("newton-cg", s.get("solver").asText(), "newton-cg is the default solver");
    assertTrue(Math.abs(Math.log(s.get("objectiveValue").asDouble()) - s.get("logObjectiveValue").asDouble()) < 1e-12);

    // coefficients.txt holds exactly the summary's numbers and is accepted back as --x0
    double[] coefficients = PointFile.read(out.resolve("coefficients.txt").toString(), new org.apache.hadoop.conf.Configuration());
    for (int j = 0; j < coefficients.length; j++) assertEquals(s.get("coefficients").get(j).asDouble(), coefficients[j], 0.0);
    Path again = dir.resolve("again");
    CliRun warm = CliRun.run(fit(DATA.resolve("rescaled-exp.libsvm"), again, "--objective", "rescaled", "--reg-weight", "0.01",
        "--x0", out.resolve("coefficients.txt").toString()));
    assertEquals(0, warm.status(), warm.err());
    JsonNode w = new ObjectMapper().readTree(again.resolve("summary.json").toFile());
    assertTrue(w.get("iterationCount").asInt() <= 1, "a fit started at its own answer stops (almost) at once");
    assertTrue(w.get("converged").asBoolean());
  }

  @Test
  void unconvergedFitWritesOutputWithoutMarkerAndExitsThree() throws Exception {
    Path out = dir.resolve("fit");
    CliRun r = CliRun.run(fit(DATA.resolve("plain-cosh.libsvm"), out, "--objective", "plain", "--link", "cosh", "--max-iter", "1"));
    assertEquals(ExitStatus.NOT_CONVERGED.code(), r.status(), r.err());
    assertTrue(Files.exists(out.resolve("summary.json")));
    assertFalse(Files.exists(out.resolve(AtomicOutput.SUCCESS_MARKER)));
    JsonNode s = new ObjectMapper().readTree(out.resolve("summary.json").toFile());
    assertFalse(s.get("converged").asBoolean());
    assertEquals("MAX_ITERATIONS", s.get("stopReason").asText());
  }

  /**
   * A fit that stops for want of progress exits 3 like any unconverged fit: plain exp with b = 0
   * runs off along the column of ones (no minimizer), and a row with no features and b = 10⁸ buries
   * that fall under L's rounding error (the core test StopReasonTest builds the same problem).
   */
  @Test
  void noProgressExitsThree() throws Exception {
    StringBuilder rows = new StringBuilder();
    java.util.Random rnd = new java.util.Random(5);
    for (int i = 0; i < 200; i++) rows.append("0 1:1 2:").append(rnd.nextGaussian()).append(" 3:").append(rnd.nextGaussian()).append('\n');
    rows.append("100000000\n");
    Path input = dir.resolve("runaway.libsvm");
    Files.writeString(input, rows.toString());
    Path out = dir.resolve("fit");
    CliRun r = CliRun.run(fit(input, out, "--objective", "plain", "--link", "exp", "--solver", "exact",
        "--x0", writePoint(dir.resolve("x0.txt"), 1, 1, 1).toString()));
    assertEquals(ExitStatus.NOT_CONVERGED.code(), r.status(), r.err());
    assertFalse(Files.exists(out.resolve(AtomicOutput.SUCCESS_MARKER)));
    JsonNode s = new ObjectMapper().readTree(out.resolve("summary.json").toFile());
    assertFalse(s.get("converged").asBoolean());
    assertEquals("NO_PROGRESS", s.get("stopReason").asText());
  }

  private static Path writePoint(Path file, double... x) throws Exception {
    StringBuilder sb = new StringBuilder();
    for (double v : x) sb.append(v).append('\n');
    Files.writeString(file, sb.toString());
    return file;
  }

  @Test
  void interceptIsTheLastCoefficient() throws Exception {
    Path out = dir.resolve("fit");
    CliRun r = CliRun.run(fit(DATA.resolve("plain-exp.libsvm"), out, "--objective", "plain", "--intercept", "--ridge", "0.1"));
    assertEquals(0, r.status(), r.err());
    JsonNode s = new ObjectMapper().readTree(out.resolve("summary.json").toFile());
    assertEquals(7, s.get("d").asInt());
    assertEquals(6, s.get("features").asInt());
  }

  @Test
  void existingOutputIsRefusedAndKeptUnlessOverwriteIsGiven() throws Exception {
    Path out = Files.createDirectories(dir.resolve("fit"));
    Files.writeString(out.resolve("precious.txt"), "keep me");
    CliRun refused = CliRun.run(fit(DATA.resolve("softmax.libsvm"), out, "--objective", "softmax"));
    assertEquals(2, refused.status());
    assertTrue(refused.err().contains("already exists"), refused.err());
    assertEquals("keep me", Files.readString(out.resolve("precious.txt")));

    CliRun replaced = CliRun.run(fit(DATA.resolve("softmax.libsvm"), out, "--objective", "softmax", "--overwrite"));
    assertEquals(0, replaced.status(), replaced.err());
    assertFalse(Files.exists(out.resolve("precious.txt")));
    assertTrue(Files.exists(out.resolve(AtomicOutput.SUCCESS_MARKER)));
  }

  @Test
  void overflowAtTheStartNamesFileAndLine() throws Exception {
    Path input = dir.resolve("huge.libsvm");
    Files.writeString(input, "1.0 1:0.5\n2.0 1:0.25\n3.0 1:900\n");
    Path x0 = dir.resolve("x0.txt");
    Files.writeString(x0, "1\n");
    Path out = dir.resolve("fit");
    CliRun r = CliRun.run(fit(input, out, "--objective", "plain", "--link", "exp", "--x0", x0.toString()));
    assertEquals(ExitStatus.NUMERICAL_FAILURE.code(), r.status(), r.err());
    assertTrue(r.err().contains("huge.libsvm:3"), r.err());
    assertTrue(r.err().contains("900"), r.err());
    assertFalse(Files.exists(out));
  }

  /** Writes the lines to a file, runs a fit on it and checks exit 2, the message, and no output. */
  private void assertBadInput(String content, String expectedMessage, String... extra) throws Exception {
    Path input = dir.resolve("bad.libsvm");
    Files.writeString(input, content);
    Path out = dir.resolve("never");
    CliRun r = CliRun.run(fit(input, out, extra));
    assertEquals(ExitStatus.BAD_INPUT.code(), r.status(), r.err());
    assertTrue(r.err().contains(expectedMessage), () -> "expected '" + expectedMessage + "' in: " + r.err());
    assertFalse(Files.exists(out), "no output directory after bad input");
  }

  @Test
  void malformedLinesAreReportedWithFileAndLine() throws Exception {
    assertBadInput("1 1:0.5\n2 1:0.5 2:abc\n", "bad.libsvm:2: value of feature 2 'abc' is not a number");
    assertBadInput("1 1:0.5\n2 1:0.5 2\n", "bad.libsvm:2: malformed feature '2'");
    assertBadInput("1 1:0.5\n2 1:1\n3 0:1\n", "bad.libsvm:3: feature index 0");
    assertBadInput("1 2:0.5 1:0.3\n", "bad.libsvm:1: feature index 1 follows 2");
    assertBadInput("1 1:0.5 1:0.3\n", "bad.libsvm:1: feature index 1 follows 1");
    assertBadInput("1 1:NaN\n", "bad.libsvm:1: value of feature 1 is NaN");
    assertBadInput("1 1:0.5\nInfinity 1:2\n", "bad.libsvm:2: label is Infinity");
    assertBadInput("x 1:0.5\n", "bad.libsvm:1: label 'x' is not a number");
  }

  @Test
  void emptyAndMissingInputsAreRefused() throws Exception {
    assertBadInput("# only a comment\n\n", "no data rows");
    Path out = dir.resolve("never");
    CliRun missing = CliRun.run(fit(dir.resolve("does-not-exist.libsvm"), out));
    assertEquals(2, missing.status());
    assertTrue(missing.err().contains("input not found"), missing.err());
    assertFalse(Files.exists(out));
  }

  @Test
  void badOptionsAreRefusedBeforeAnyWork() throws Exception {
    String ok = "1 1:0.5 2:0.1\n2 1:0.25 2:0.3\n3 1:0.1 2:0.2\n";
    assertBadInput(ok, "--reg-weight must be a finite number ≥ 0, got -1.0", "--reg-weight", "-1");
    assertBadInput(ok, "--ridge must be a finite number ≥ 0, got -0.5", "--ridge", "-0.5");
    assertBadInput(ok, "unknown objective 'logistic'", "--objective", "logistic");
    assertBadInput(ok, "unknown link 'tanh'", "--link", "tanh");
    assertBadInput(ok, "unknown solver 'gradient'", "--solver", "gradient");
    assertBadInput(ok, "softmax takes --link exp only, got cosh", "--objective", "softmax", "--link", "cosh");
    assertBadInput(ok, "--intercept is not allowed with softmax", "--objective", "softmax", "--intercept");
    assertBadInput(ok, "--max-iter expects a whole number, got 'many'", "--max-iter", "many");
    assertBadInput(ok, "unknown option --colour", "--colour", "red");
    Path x0 = dir.resolve("x0.txt");
    Files.writeString(x0, "0.1\n0.2\n0.3\n");
    assertBadInput(ok, "--x0 " + x0 + " has 3 numbers but the design has d = 2 columns", "--x0", x0.toString());
  }

  /**
   * Rescaled exp with an intercept and no row weight has no minimizer (SPEC §3: the fit term shrinks by
   * e^(2t) along the intercept, and λ never applies to it): fit and shift refuse it up front, exit 2, no
   * output, naming --reg-weight; a positive --reg-weight, a weight column, another link or objective pass.
   */
  @Test
  void rescaledExpWithAnInterceptNeedsARowWeight() throws Exception {
    String ok = "1 1:0.5 2:0.1\n2 1:0.25 2:0.3\n3 1:0.1 2:0.2\n";
    for (String[] extra : List.of(new String[] {"--intercept"},
        new String[] {"--objective", "rescaled", "--link", "exp", "--intercept", "--reg-weight", "0", "--ridge", "1"})) {
      assertBadInput(ok, "has no minimizer", extra);
      assertBadInput(ok, "e^(2t)", extra);
      assertBadInput(ok, "--reg-weight W with W > 0", extra);
      assertBadInput(ok, "--ridge does not help, it never applies to the intercept", extra);
    }
    Path input = dir.resolve("bad.libsvm");
    Path shiftOut = dir.resolve("shift-never");
    CliRun shift = CliRun.run("shift", "--input", input.toString(), "--perturb", "b:1e-3", "--intercept",
        "--output", shiftOut.toString());
    assertEquals(ExitStatus.BAD_INPUT.code(), shift.status(), shift.err());
    assertTrue(shift.err().contains("--reg-weight W with W > 0"), shift.err());
    assertFalse(Files.exists(shiftOut), "no output directory after bad input");
    // the same through a conf file
    Path conf = dir.resolve("job.properties");
    Files.writeString(conf, "input = " + input + "\noutput = " + dir.resolve("x") + "\nintercept = true\nridge = 0.5\n");
    dev.hyperreg.spark.UsageException e = org.junit.jupiter.api.Assertions.assertThrows(
        dev.hyperreg.spark.UsageException.class, () -> HyperregCli.parseFit("--conf-file", conf.toString()));
    assertTrue(e.getMessage().contains("--reg-weight W with W > 0"), e.getMessage());
    // what makes a minimizer exist, or removes the trap, is accepted
    String in = input.toString();
    String out = dir.resolve("x").toString();
    HyperregCli.parseFit("--input", in, "--output", out, "--intercept", "--reg-weight", "0.01");
    HyperregCli.parseFit("--input", in, "--output", out, "--intercept", "--format", "csv", "--weight-col", "w");
    HyperregCli.parseFit("--input", in, "--output", out, "--intercept", "--link", "sinh");
    HyperregCli.parseFit("--input", in, "--output", out, "--intercept", "--objective", "plain");
    HyperregCli.parseFit("--input", in, "--output", out, "--reg-weight", "0");
  }

  /**
   * d = 12 000 columns (past every d × d solver's limit): newton-cg runs matrix-free and says so in
   * summary.json, and reaches the answer L-BFGS (also matrix-free there) finds; sketch is refused
   * with a message pointing at the solvers that fit.
   */
  @Test
  void wideDesignsFitMatrixFree() throws Exception {
    Path wide = dir.resolve("wide.libsvm");
    int width = WideData.write(wide, 12_000, 2000, 8);
    double[][] answers = new double[2][];
    String[] solvers = {"newton-cg", "lbfgs"};
    for (int k = 0; k < 2; k++) {
      Path out = dir.resolve("wide-" + solvers[k]);
      CliRun r = CliRun.run(fit(wide, out, "--objective", "plain", "--link", "exp", "--ridge", "0.1",
          "--solver", solvers[k], "--max-iter", "2000", "--gradient-tol", k == 0 ? "0" : "1e-7"));
      assertEquals(0, r.status(), solvers[k] + ": " + r.err());
      JsonNode s = new ObjectMapper().readTree(out.resolve("summary.json").toFile());
      assertTrue(s.get("matrixFree").asBoolean(), solvers[k]);
      assertEquals("lobpcg", s.get("finalHessianCheck").asText());
      assertTrue(s.get("hessianMinEigenvalue").asDouble() > 0);
      answers[k] = PointFile.read(out.resolve("coefficients.txt").toString(), new org.apache.hadoop.conf.Configuration());
    }
    assertEquals(width, answers[0].length);
    assertTrue(width > 10_000, "d = " + width);
    // L-BFGS stops at a relative gradient of 1e-7 (its line search gives out near 1e-8 here)
    assertTrue(LinearAlgebra.relativeDistance(answers[0], answers[1]) < 1e-5,
        "newton-cg vs lbfgs: " + LinearAlgebra.relativeDistance(answers[0], answers[1]));
    CliRun refused = CliRun.run(fit(wide, dir.resolve("wide-sketch"), "--objective", "plain", "--ridge", "0.1",
        "--solver", "sketch"));
    assertEquals(ExitStatus.BAD_INPUT.code(), refused.status(), refused.err());
    assertTrue(refused.err().contains("newton-cg or lbfgs fit any d"), refused.err());
    assertFalse(Files.exists(dir.resolve("wide-sketch")));
  }

  @Test
  void dimensionLimitStatesTheMemoryNeeded() {
    InputFormatException e = org.junit.jupiter.api.Assertions.assertThrows(InputFormatException.class,
        () -> DriverLimits.checkDimension(5000, 10, 1L << 30));
    assertTrue(e.getMessage().contains("d = 5000 needs about 1.86 GiB"), e.getMessage());
    DriverLimits.checkDimension(100, 10, 1L << 30);
  }

  @Test
  void everySolverReachesTheSameMinimizer() throws Exception {
    double[] reference = null;
    for (String solver : List.of("exact", "sketch", "sample", "newton-cg", "lbfgs")) {
      Path out = dir.resolve(solver);
      CliRun r = CliRun.run(fit(DATA.resolve("softmax.libsvm"), out, "--objective", "softmax", "--ridge", "1e-4",
          "--solver", solver, "--max-iter", "500"));
      assertEquals(0, r.status(), solver + ": " + r.err());
      JsonNode s = new ObjectMapper().readTree(out.resolve("summary.json").toFile());
      double[] x = new double[s.get("d").asInt()];
      for (int j = 0; j < x.length; j++) x[j] = s.get("coefficients").get(j).asDouble();
      if (reference == null) {
        reference = x;
        continue;
      }
      double difference = LinearAlgebra.relativeDistance(x, reference);
      // L-BFGS stops at a relative gradient of 1e-8: its error is that times the condition number
      double allowed = solver.equals("lbfgs") ? 1e-4 : 1e-6;
      assertTrue(difference < allowed, solver + " differs from exact by " + difference);
    }
  }

  @ParameterizedTest
  @ValueSource(strings = {"sketch", "sample", "newton-cg"})
  void sameSeedSameFitForAnyPartitioning(String solver) throws Exception {
    double[] first = null;
    for (String partitions : List.of("1", "4")) {
      Path out = dir.resolve(solver + "-p" + partitions);
      CliRun r = CliRun.run(fit(DATA.resolve("plain-sinh-sparse.libsvm"), out, "--objective", "plain", "--link", "sinh",
          "--solver", solver, "--seed", "17", "--partitions", partitions, "--max-iter", "6", "--tol", "1e-300"));
      assertEquals(ExitStatus.NOT_CONVERGED.code(), r.status(), r.err()); // six sketched steps, then compare
      JsonNode s = new ObjectMapper().readTree(out.resolve("summary.json").toFile());
      assertEquals(Integer.parseInt(partitions) > 1, s.get("input").get("partitions").asInt() > 1);
      double[] x = new double[s.get("d").asInt()];
      for (int j = 0; j < x.length; j++) x[j] = s.get("coefficients").get(j).asDouble();
      if (first == null) {
        first = x;
      } else {
        // rows are hashed by id, so only rounding differs; a CG solve may then stop a step apart
        double relative = solver.equals("newton-cg") ? 1e-9 : 1e-12;
        for (int j = 0; j < x.length; j++) assertEquals(first[j], x[j], relative * Math.max(1e-3, Math.abs(first[j])));
      }
    }
  }

  @Test
  void helpAndUnknownCommand() {
    CliRun help = CliRun.run("fit", "--help");
    assertEquals(0, help.status());
    assertTrue(help.out().contains("--objective"));
    assertEquals(2, CliRun.run("frobnicate").status());
  }
}
