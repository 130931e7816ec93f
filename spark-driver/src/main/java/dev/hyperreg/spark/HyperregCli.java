package dev.hyperreg.spark;

import dev.hyperreg.core.InvalidProblemException;
import java.io.PrintStream;
import org.apache.spark.SparkConf;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.sql.SparkSession;

/**
 * The command-line entry point: {@code hyperreg fit …}, {@code shift …}, {@code generate …}, {@code bench …}
 * and {@code example …}.
 *
 * <p>Launched by spark-submit in cluster mode, the driver must not call System.exit: it returns
 * normally on success and throws on failure, so that YARN or Kubernetes record the true status.
 * Elsewhere a non-zero status is the process's exit code.
 */
public final class HyperregCli {
  private HyperregCli() {}

  public static final String USAGE = String.join("\n",
      "usage: hyperreg COMMAND [options]",
      "",
      "commands:",
      "  fit        fit a model (hyperreg fit --help)",
      "  predict    score rows with a saved model (hyperreg predict --help)",
      "  shift      how the minimizer moves when the data move; refit cost (hyperreg shift --help)",
      "  generate   write a LIBSVM dataset with a planted solution (hyperreg generate --help)",
      "  bench      the solvers side by side on generated problems (hyperreg bench --help)",
      "  example    the Spark ML estimator walkthrough on bundled data (hyperreg example --help)");

  public static void main(String[] args) {
    boolean clusterMode = "cluster".equals(new SparkConf().get("spark.submit.deployMode", "client"));
    int status = run(args, System.out, System.err);
    if (status != 0) {
      if (clusterMode) throw new IllegalStateException("hyperreg failed with exit status " + status);
      System.exit(status);
    }
  }

  /** Runs one command and returns its exit status; reuses a running Spark session if there is one. */
  public static int run(String[] args, PrintStream out, PrintStream err) {
    if (args.length == 0 || args[0].equals("--help") || args[0].equals("-h")) {
      out.println(USAGE);
      return args.length == 0 ? ExitStatus.BAD_INPUT.code() : 0;
    }
    String command = args[0];
    String[] rest = java.util.Arrays.copyOfRange(args, 1, args.length);
    try {
      switch (command) {
        case "fit" -> {
          FitOptions options = FitOptions.parse(rest);
          if (options.help) {
            out.println(FitOptions.USAGE);
            return 0;
          }
          return inSession("hyperreg fit", options.master, jsc -> new FitJob(options).run(jsc).code());
        }
        case "predict" -> {
          PredictOptions options = PredictOptions.parse(rest);
          if (options.help) {
            out.println(PredictOptions.USAGE);
            return 0;
          }
          return inSession("hyperreg predict", options.master, jsc -> new PredictJob(options).run(jsc).code());
        }
        case "shift" -> {
          ShiftOptions options = ShiftOptions.parse(rest);
          if (options.help()) {
            out.println(ShiftOptions.USAGE);
            return 0;
          }
          return inSession("hyperreg shift", options.fit.master, jsc -> new ShiftJob(options).run(jsc).code());
        }
        case "generate" -> {
          return DataGenerator.run(rest, out);
        }
        case "bench" -> {
          return Benchmark.run(rest, out);
        }
        case "example" -> {
          return inSession("hyperreg example", null,
              jsc -> dev.hyperreg.ml.EstimatorExample.run(SparkSession.active(), rest, out));
        }
        default -> throw new UsageException("unknown command '" + command + "'\n" + USAGE);
      }
    } catch (UsageException | InputFormatException | InvalidProblemException e) {
      err.println("hyperreg: error: " + e.getMessage());
      return ExitStatus.BAD_INPUT.code();
    } catch (StorageFailure e) {
      err.println("hyperreg: storage error (a retry may succeed): " + e.getMessage());
      return ExitStatus.INTERNAL_ERROR.code();
    } catch (FitJob.NumericalFailure e) {
      err.println("hyperreg: numerical failure: " + e.getMessage());
      return ExitStatus.NUMERICAL_FAILURE.code();
    } catch (Exception e) {
      err.println("hyperreg: internal error: " + e);
      e.printStackTrace(err);
      return ExitStatus.INTERNAL_ERROR.code();
    }
  }

  /**
   * A session for a command: the master from spark-submit, else --master, else local[*]. Each pass
   * returns one set of sums per task — up to an m × d sketch (20d² doubles: 160 MB at d = 1000) —
   * so unless the user set it, spark.driver.maxResultSize is raised from 1g to 8g.
   */
  static SparkSession.Builder sessionBuilder(String appName, String master, boolean existing) {
    SparkSession.Builder builder = SparkSession.builder().appName(appName);
    SparkConf conf = new SparkConf();
    if (!existing && !conf.contains("spark.master")) builder.master(master != null ? master : "local[*]");
    if (!existing && !conf.contains("spark.driver.maxResultSize")) builder.config("spark.driver.maxResultSize", "8g");
    return builder;
  }

  /** A command that runs on a Spark context. */
  @FunctionalInterface
  private interface SparkCommand {
    int run(JavaSparkContext jsc) throws java.io.IOException;
  }

  /** Runs a command in the running session, or in a new one that is stopped afterwards. */
  private static int inSession(String appName, String master, SparkCommand command) throws java.io.IOException {
    boolean existing = SparkSession.getDefaultSession().isDefined();
    SparkSession spark = sessionBuilder(appName, master, existing).getOrCreate();
    try {
      return command.run(JavaSparkContext.fromSparkContext(spark.sparkContext()));
    } finally {
      if (!existing) spark.stop();
    }
  }
}
