package dev.hyperreg.spark.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.hyperreg.core.objective.ObjectiveKind;
import dev.hyperreg.spark.InputFormatException;
import dev.hyperreg.spark.UsageException;
import dev.hyperreg.spark.job.FitOptions;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.apache.hadoop.conf.Configuration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/**
 * A {@code --conf-file} read directly into {@code fit}'s command: its values are the defaults, the
 * command line overrides them, and every bad key or value is refused naming the file and the key.
 */
class ConfFileDefaultsTest {
  @TempDir Path dir;

  private Path file(String text) throws IOException {
    Path file = dir.resolve("job.properties");
    Files.writeString(file, text);
    return file;
  }

  /** fit's options after parsing args with the file's defaults. */
  private static FitOptions parse(Path file, Configuration conf, String... args) {
    return parse(file.toString(), conf, args);
  }

  private static FitOptions parse(String path, Configuration conf, String... args) {
    CommandLine fit = new CommandLine(new HyperregCli.FitCommand());
    fit.setDefaultValueProvider(ConfFileDefaults.read(path, fit, conf));
    fit.parseArgs(args);
    return ((HyperregCli.FitCommand) fit.getCommand()).options;
  }

  @Test
  void theFileGivesDefaultsAndTheCommandLineOverridesThem() throws IOException {
    Path file = file("""
        # a comment, then Properties syntax: '=' or ':' and the blanks around them
        input = from-the-file
        reg-weight=0.25
        max-iter : 50
        intercept = TRUE
        objective = Plain
        """);
    FitOptions o = parse(file, new Configuration(), "--input", "from-the-command-line", "--max-iter", "7");
    assertEquals("from-the-command-line", o.input);
    assertEquals(7, o.maxIterations);
    assertEquals(0.25, o.regWeight);
    assertTrue(o.intercept);
    assertEquals(ObjectiveKind.PLAIN, o.objective);
    assertEquals(new FitOptions().ridge, o.ridge, "what neither names keeps its default");
  }

  /** A path without a scheme is a local file even when the default file system is elsewhere (nothing listens there). */
  @Test
  void aPathWithoutASchemeIsReadFromTheLocalDisk() throws IOException {
    Path file = file("reg-weight = 0.5\n");
    Configuration conf = new Configuration();
    conf.set("fs.defaultFS", "hdfs://127.0.0.1:1");
    assertEquals(0.5, parse(file, conf).regWeight);
    assertEquals(0.5, parse(file.toUri().toString(), conf).regWeight, "and with a scheme, from its file system");
  }

  @Test
  void everyBadEntryIsRefusedNamingTheFileAndTheKey() throws IOException {
    String[][] cases = {
        {"regweight = 1", "regweight: unknown key"},
        {"help = true", "help: unknown key"},
        {"conf-file = other.properties", "conf-file: a --conf-file cannot name another"},
        {"intercept = yes", "intercept: expects true or false, got 'yes'"},
        {"reg-weight = heavy", "reg-weight: "},
        {"objective = logistic", "objective: "},
    };
    for (String[] c : cases) {
      Path file = file(c[0] + "\n");
      UsageException e = assertThrows(UsageException.class, () -> parse(file, new Configuration()), c[0]);
      assertTrue(e.getMessage().startsWith("--conf-file " + file + ": " + c[1]), e.getMessage());
    }
  }

  /** Bad input (exit status 2), not a storage failure that a retry might cure. */
  @Test
  void aMissingFileIsBadInputNamingIt() {
    Path missing = dir.resolve("absent.properties");
    InputFormatException e = assertThrows(InputFormatException.class, () -> parse(missing, new Configuration()));
    assertTrue(e.getMessage().contains("cannot read --conf-file " + missing), e.getMessage());
  }
}
