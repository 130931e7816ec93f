package dev.hyperreg.spark.bench;

import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.hyperreg.spark.UsageException;
import java.io.OutputStream;
import java.io.PrintStream;
import org.junit.jupiter.api.Test;

/** What bench says about options before it starts Spark. */
class BenchmarkOptionsTest {

  /** A full-size problem's name with --quick (or a typo) is refused by name, not run as "nothing". */
  @Test
  void unknownProblemNamesAreRefusedByName() {
    PrintStream quiet = new PrintStream(OutputStream.nullOutputStream());
    BenchOptions options = new BenchOptions();
    options.quick = true;
    options.only = "dense-d50,dense-n1e6-d400";
    UsageException e = assertThrows(UsageException.class, () -> Benchmark.run(options, quiet));
    assertTrue(e.getMessage().contains("[dense-n1e6-d400]"), e.getMessage());
    assertTrue(e.getMessage().contains("expected among"), e.getMessage());
  }
}
