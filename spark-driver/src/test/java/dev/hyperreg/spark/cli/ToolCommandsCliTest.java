package dev.hyperreg.spark.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.hyperreg.spark.CliRun;
import dev.hyperreg.spark.ExitStatus;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * generate, bench, bench-load and example on the command line: a bad command line exits 2 naming the
 * option before any work (no Spark session is needed for these), help exits 0, and generate writes.
 */
class ToolCommandsCliTest {
  @TempDir Path dir;

  private static void assertUsageError(CliRun r, String expected) {
    assertEquals(ExitStatus.BAD_INPUT.code(), r.status(), r.err());
    assertTrue(r.err().contains(expected), () -> "expected '" + expected + "' in: " + r.err());
  }

  /** The last option without its value: exit 2 naming it (was an index out of bounds, exit 1). */
  @ParameterizedTest
  @CsvSource({"generate, --output", "generate, --rows", "bench, --output", "bench, --partitions",
      "bench-load, --gigabytes", "bench-load, --output", "example, --data", "example, --output"})
  void aTrailingOptionWithoutItsValueExitsTwo(String command, String option) {
    assertUsageError(CliRun.run(command, option), option + " needs a value");
  }

  @ParameterizedTest
  @ValueSource(strings = {"generate", "bench", "bench-load", "example"})
  void anUnknownOptionExitsTwoNamingIt(String command) {
    assertUsageError(CliRun.run(command, "--colour", "blue"),
        "unknown option --colour (see hyperreg " + command + " --help)");
  }

  @ParameterizedTest
  @CsvSource({"generate, --objective", "bench, --methods", "bench-load, --features", "example, --output"})
  void helpListsTheOptionsAndExitsZero(String command, String option) {
    CliRun help = CliRun.run(command, "--help");
    assertEquals(0, help.status(), help.err());
    assertTrue(help.out().contains(option), help.out());
  }

  @Test
  void badValuesAreRefusedByName() {
    assertUsageError(CliRun.run("generate", "--output", dir.resolve("x").toString(), "--rows", "many"),
        "--rows expects a whole number, got 'many'");
    assertUsageError(CliRun.run("generate", "--output", dir.resolve("x").toString(), "--link", "tanh"), "--link");
    assertUsageError(CliRun.run("generate", "--output", dir.resolve("x").toString(), "--objective", "softmax",
        "--link", "cosh"), "softmax takes --link exp only");
    assertUsageError(CliRun.run("generate", "--rows", "10"), "--output is required");
    assertUsageError(CliRun.run("bench-load", "--runs", "3x"), "--runs expects a whole number, got '3x'");
    assertUsageError(CliRun.run("bench", "--quick", "--partitions", "4,0"), "--partitions: counts must be ≥ 1, got 0");
    assertUsageError(CliRun.run("bench", "--output", "--quick"), "--output needs a value");
    assertFalse(Files.exists(dir.resolve("x")));
  }

  @Test
  void generateWritesTheRowsAndThePlantedSolution() throws Exception {
    Path file = dir.resolve("small.libsvm");
    CliRun r = CliRun.run("generate", "--objective", "plain", "--link", "cosh", "--rows", "50", "--features", "3",
        "--seed", "12345678901", "--output", file.toString());
    assertEquals(0, r.status(), r.err());
    assertTrue(r.out().contains("wrote 50 rows × 3 features"), r.out());
    List<String> rows = Files.readAllLines(file);
    assertEquals(50, rows.size());
    assertEquals(3, Files.readAllLines(dir.resolve("small.libsvm.truth")).size());

    // the same seed gives the same file; an existing output is refused and kept
    Path again = dir.resolve("again.libsvm");
    assertEquals(0, CliRun.run("generate", "--objective", "plain", "--link", "cosh", "--rows", "50", "--features", "3",
        "--seed", "12345678901", "--output", again.toString()).status());
    assertEquals(rows, Files.readAllLines(again));
    assertUsageError(CliRun.run("generate", "--output", file.toString()), "already exists");
    assertEquals(rows, Files.readAllLines(file));
  }
}
