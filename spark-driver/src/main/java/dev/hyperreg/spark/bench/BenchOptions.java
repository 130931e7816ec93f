package dev.hyperreg.spark.bench;

import dev.hyperreg.spark.UsageException;
import java.util.ArrayList;
import java.util.List;
import picocli.CommandLine.Option;

/**
 * What {@code hyperreg bench} is asked to run ({@link Benchmark}): every option with its default.
 * The lists are kept as given (a repeated option takes its last value) and split when read.
 */
public final class BenchOptions {
  @Option(names = "--quick", order = 1, description = "small sizes, a minute or two (what CI runs)")
  public boolean quick = false;

  @Option(names = "--output", paramLabel = "DIR", order = 2,
      description = "where bench.json and bench.md go (default target/bench)")
  public String output = "target/bench";

  @Option(names = "--only", paramLabel = "NAME[,NAME…]", order = 3, description = "run only the named problems")
  public String only;

  @Option(names = "--methods", paramLabel = "M[,M…]", order = 4,
      description = "run only the named methods (exact,sketch,sample,newton-cg,lbfgs)")
  public String methods;

  @Option(names = "--partitions", paramLabel = "P[,P…]", order = 5,
      description = "the data in P partitions, each problem once per P (default: 2 per core, at least 4);"
          + " bytes moved per pass are reported for every method")
  public String partitions;

  @Option(names = "--trace", order = 6,
      description = "print every iteration (log L, gradient, step, passes, Hessian used)")
  public boolean trace = false;

  @Option(names = "--master", paramLabel = "URL", order = 7,
      description = "the Spark master (default local[*]); spark://127.0.0.1:7077 runs the passes on the loopback"
          + " cluster of deploy/local-cluster.sh, executors in their own JVMs")
  public String master;

  /** The problems to run, or null for all. */
  public List<String> only() { return only == null ? null : List.of(only.split(",")); }

  /** The methods to run, or null for all. */
  public List<String> methods() { return methods == null ? null : List.of(methods.split(",")); }

  /** The partition counts, each ≥ 1, or null for the default. */
  public List<Integer> partitionCounts() {
    if (partitions == null) return null;
    List<Integer> counts = new ArrayList<>();
    for (String part : partitions.split(",")) {
      try {
        counts.add(Integer.parseInt(part.trim()));
      } catch (NumberFormatException e) {
        throw new UsageException("--partitions: '" + part + "' is not a whole number");
      }
      if (counts.get(counts.size() - 1) < 1) throw new UsageException("--partitions: counts must be ≥ 1, got " + part);
    }
    return counts;
  }
}
