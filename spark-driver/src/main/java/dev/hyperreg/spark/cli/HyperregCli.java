package dev.hyperreg.spark.cli;

import dev.hyperreg.core.InvalidProblemException;
import dev.hyperreg.spark.ExitStatus;
import dev.hyperreg.spark.InputFormatException;
import dev.hyperreg.spark.NumericalFailure;
import dev.hyperreg.spark.StorageFailure;
import dev.hyperreg.spark.UsageException;
import dev.hyperreg.ml.EstimatorExample;
import dev.hyperreg.spark.bench.BenchOptions;
import dev.hyperreg.spark.bench.Benchmark;
import dev.hyperreg.spark.bench.LoadBenchOptions;
import dev.hyperreg.spark.bench.LoadBenchmark;
import dev.hyperreg.spark.exec.SparkSessions;
import dev.hyperreg.spark.job.DataGenerator;
import dev.hyperreg.spark.job.FitJob;
import dev.hyperreg.spark.job.FitOptions;
import dev.hyperreg.spark.job.GenerateOptions;
import dev.hyperreg.spark.predict.PredictJob;
import dev.hyperreg.spark.predict.PredictOptions;
import dev.hyperreg.spark.job.ShiftJob;
import dev.hyperreg.spark.job.ShiftOptions;
import java.io.IOException;
import java.io.PrintStream;
import java.io.PrintWriter;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import org.apache.spark.SparkConf;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.sql.SparkSession;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/**
 * The command-line entry point: {@code hyperreg fit …}, {@code predict …}, {@code shift …},
 * {@code generate …}, {@code bench …}, {@code bench-load …} and {@code example …}, parsed by picocli into
 * the jobs' option holders ({@link FitOptions}, {@link PredictOptions}, {@link ShiftOptions},
 * {@link GenerateOptions}, {@link BenchOptions}, {@link LoadBenchOptions}). A
 * {@code --conf-file} supplies defaults that flags override ({@link ConfFileDefaults}).
 *
 * <p>Exit statuses ({@link ExitStatus}): 0 success, 1 internal or storage error, 2 bad input or
 * command line, 3 not converged, 4 numerical failure. Launched by spark-submit in cluster mode, the
 * driver must not call System.exit: it returns normally on success and throws on failure, so that
 * YARN or Kubernetes record the true status. Elsewhere a non-zero status is the process's exit code.
 */
public final class HyperregCli {
  private HyperregCli() {}

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
    CommandLine commandLine = commandLine(out, err);
    try {
      ConfFileDefaults.install(commandLine, args);
    } catch (RuntimeException e) {
      return statusOf(e, err);
    }
    if (args.length == 0) {
      commandLine.usage(out);
      return ExitStatus.BAD_INPUT.code();
    }
    return commandLine.execute(args);
  }

  /** The options of a {@code hyperreg fit} command line (conf file included), validated. */
  static FitOptions parseFit(String... args) {
    CommandLine commandLine = commandLine(System.out, System.err);
    ConfFileDefaults.install(commandLine, prepend("fit", args));
    CommandLine fit = commandLine.getSubcommands().get("fit");
    try {
      commandLine.parseArgs(prepend("fit", args));
    } catch (CommandLine.ParameterException e) {
      throw new UsageException(ParameterErrors.message(e));
    }
    FitOptions options = ((FitCommand) fit.getCommand()).options;
    options.validate();
    return options;
  }

  private static String[] prepend(String first, String[] rest) {
    List<String> all = new ArrayList<>(List.of(first));
    all.addAll(List.of(rest));
    return all.toArray(String[]::new);
  }

  private static CommandLine commandLine(PrintStream out, PrintStream err) {
    CommandLine commandLine = new CommandLine(new Hyperreg(out))
        .addSubcommand(new FitCommand())
        .addSubcommand(new PredictCommand())
        .addSubcommand(new ShiftCommand())
        .addSubcommand(new GenerateCommand(out))
        .addSubcommand(new BenchCommand(out))
        .addSubcommand(new BenchLoadCommand(out))
        .addSubcommand(new ExampleCommand(out));
    // as before picocli: a repeated option takes its last value (--perturb collects each one)
    commandLine.setOverwrittenOptionsAllowed(true);
    commandLine.setOut(new PrintWriter(out, true));
    commandLine.setErr(new PrintWriter(err, true));
    commandLine.setParameterExceptionHandler((e, args) -> {
      err.println("hyperreg: error: " + ParameterErrors.message(e));
      return ExitStatus.BAD_INPUT.code();
    });
    commandLine.setExecutionExceptionHandler((e, cl, parsed) -> statusOf(e, err));
    return commandLine;
  }

  /** The exit status of a command that failed with e, after saying why on err. */
  private static int statusOf(Exception e, PrintStream err) {
    if (e instanceof UsageException || e instanceof InputFormatException || e instanceof InvalidProblemException) {
      err.println("hyperreg: error: " + e.getMessage());
      return ExitStatus.BAD_INPUT.code();
    }
    if (e instanceof StorageFailure) {
      err.println("hyperreg: storage error (a retry may succeed): " + e.getMessage());
      return ExitStatus.INTERNAL_ERROR.code();
    }
    if (e instanceof NumericalFailure) {
      err.println("hyperreg: numerical failure: " + e.getMessage());
      return ExitStatus.NUMERICAL_FAILURE.code();
    }
    err.println("hyperreg: internal error: " + e);
    e.printStackTrace(err);
    return ExitStatus.INTERNAL_ERROR.code();
  }

  @Command(name = "hyperreg", synopsisHeading = "usage: ", customSynopsis = "hyperreg COMMAND [options]%n",
      description = "Fits exp/cosh/sinh regression (rescaled, plain or softmax) by Newton's method on Spark.",
      commandListHeading = "%ncommands (hyperreg COMMAND --help for each):%n")
  static final class Hyperreg implements Callable<Integer> {
    @Mixin HelpOption help;

    private final PrintStream out;

    Hyperreg(PrintStream out) { this.out = out; }

    /** No command given (only options, all of them help): the usage, as a mistake. */
    @Override public Integer call() {
      new CommandLine(this).usage(out);
      return ExitStatus.BAD_INPUT.code();
    }
  }

  @Command(name = "fit", sortOptions = false, header = "fit a model", synopsisHeading = "usage: ",
      customSynopsis = "hyperreg fit --input PATH --output DIR [options]%n",
      description = "Fits exp/cosh/sinh regression (rescaled, plain or softmax) by Newton's method on Spark.",
      footer = {"", "Exit status: 0 converged, 2 bad input, 3 not converged (output written without _SUCCESS), 4 the"
          + " objective overflows at the start point, 1 internal error."})
  static final class FitCommand implements Callable<Integer> {
    @Mixin FitOptions options = new FitOptions();
    @Mixin HelpOption help;

    @Override public Integer call() throws IOException {
      options.validate();
      return inSession("hyperreg fit", options.master, jsc -> new FitJob(options).run(jsc).code());
    }
  }

  @Command(name = "predict", sortOptions = false, header = "score rows with a saved model",
      synopsisHeading = "usage: ", customSynopsis = "hyperreg predict --model DIR --input PATH --output PATH [options]%n",
      description = {"Scores rows with a saved model: row id, label (when the input has one), the prediction f(a·x)"
          + " and, for the rescaled and softmax objectives, shareOfScoredRows = f(a·x) / Σ f(a·x) over the rows"
          + " scored."},
      footer = {"", "Exit status: 0 done, 2 bad input, 4 a prediction overflows a double, 1 internal error."})
  static final class PredictCommand implements Callable<Integer> {
    @Mixin PredictOptions options = new PredictOptions();
    @Mixin HelpOption help;

    @Override public Integer call() throws IOException {
      options.validate();
      return inSession("hyperreg predict", options.master, jsc -> new PredictJob(options).run(jsc).code());
    }
  }

  @Command(name = "shift", sortOptions = false, header = "how the minimizer moves when the data move; refit cost",
      synopsisHeading = "usage: ", customSynopsis = {
          "hyperreg shift --input PATH (--perturb A:REL [--perturb b:REL] | --shifted-input PATH) --output DIR",
          "                      [--model DIR] [--sweep K1,K2,… | --no-sweep] [fit options]%n"},
      description = {"How far the minimizer x* of the rescaled objective moves when the data (A, b) move, against the"
          + " first-order prediction from the exact Hessian at x* and a bound computed from the data; how many"
          + " passes a refit from x* needs against a fit from scratch; a weight step written as a data shift.",
          "The options of `hyperreg fit` say how x* and every refit are fitted, except --checkpoint and --resume;"
              + " --objective must be rescaled (the analysis is derived for it; the default). --output receives"
              + " shift.json, report.txt and sweep.svg."},
      footer = {"", "Exit status: 0 done, 2 bad input (a shift of size 0 included), 3 the fit of x* or a refit of the"
          + " given shift did not converge, or x* is not a strict minimizer (report written without _SUCCESS; a sweep"
          + " point whose refit did not converge is marked warmConverged=false and logged, not an error), 4 numerical"
          + " failure, 1 internal error."})
  static final class ShiftCommand implements Callable<Integer> {
    @Mixin ShiftOptions options = new ShiftOptions();
    @Mixin HelpOption help;

    @Override public Integer call() throws IOException {
      options.validate();
      return inSession("hyperreg shift", options.fit.master, jsc -> new ShiftJob(options).run(jsc).code());
    }
  }

  /** -h, --help: every command's usage text, last in its option list. */
  static final class HelpOption {
    @Option(names = {"-h", "--help"}, usageHelp = true, order = 1000, description = "this text")
    boolean help;
  }

  @Command(name = "generate", sortOptions = false, header = "write a LIBSVM dataset with a planted solution",
      synopsisHeading = "usage: ", customSynopsis = "hyperreg generate --output FILE [options]%n",
      description = {"A LIBSVM dataset drawn from the model with a planted coefficient vector x*, deterministic for"
          + " a seed; x* is written next to it (FILE.truth), one number per line."},
      footer = {"", "Exit status: 0 written, 2 bad command line or FILE exists, 1 internal error."})
  static final class GenerateCommand implements Callable<Integer> {
    @Mixin GenerateOptions options = new GenerateOptions();
    @Mixin HelpOption help;
    private final PrintStream out;

    GenerateCommand(PrintStream out) { this.out = out; }

    @Override public Integer call() throws IOException { return DataGenerator.run(options, out); }
  }

  @Command(name = "bench", sortOptions = false, header = "the solvers side by side on generated problems",
      synopsisHeading = "usage: ", customSynopsis = {
          "hyperreg bench [--quick] [--output DIR] [--only NAME[,NAME…]] [--methods M[,M…]]",
          "               [--partitions P[,P…]] [--trace] [--master URL]%n"},
      description = {"The solvers side by side in one process on the same cached, generated problems with a planted"
          + " solution; results go to bench.json and bench.md in --output."})
  static final class BenchCommand implements Callable<Integer> {
    @Mixin BenchOptions options = new BenchOptions();
    @Mixin HelpOption help;
    private final PrintStream out;

    BenchCommand(PrintStream out) { this.out = out; }

    @Override public Integer call() throws IOException { return Benchmark.run(options, out); }
  }

  @Command(name = "bench-load", sortOptions = false, header = "loading time and peak storage against reading the lines",
      synopsisHeading = "usage: ", customSynopsis = {
          "hyperreg bench-load [--data DIR] [--gigabytes G] [--files N] [--features D] [--formats LIST]",
          "                    [--runs R] [--output DIR]%n"},
      description = {"How long loading LIBSVM, CSV and Parquet files of the same rows takes and how much storage it"
          + " holds at its peak, against reading their lines with Spark; writes load.json to --output."})
  static final class BenchLoadCommand implements Callable<Integer> {
    @Mixin LoadBenchOptions options = new LoadBenchOptions();
    @Mixin HelpOption help;
    private final PrintStream out;

    BenchLoadCommand(PrintStream out) { this.out = out; }

    @Override public Integer call() throws IOException { return LoadBenchmark.run(options, out); }
  }

  @Command(name = "example", sortOptions = false, header = "the Spark ML estimator walkthrough on bundled data",
      synopsisHeading = "usage: ", customSynopsis = "hyperreg example [--data FILE] [--output DIR]%n",
      description = {"The notebook walkthrough of the README as a program: fit the estimator on a DataFrame, read"
          + " the summary, save, load, transform."},
      footer = {"", "Exit status: 0 converged, 3 not converged, 2 bad command line, 1 internal error."})
  static final class ExampleCommand implements Callable<Integer> {
    @Option(names = "--data", paramLabel = "FILE", order = 1,
        description = "a LIBSVM file (default " + EstimatorExample.DEFAULT_DATA + ")")
    String data = EstimatorExample.DEFAULT_DATA;

    @Option(names = "--output", paramLabel = "DIR", order = 2,
        description = "where the model is saved, replacing what is there (default " + EstimatorExample.DEFAULT_OUTPUT
            + ")")
    String output = EstimatorExample.DEFAULT_OUTPUT;

    @Mixin HelpOption help;
    private final PrintStream out;

    ExampleCommand(PrintStream out) { this.out = out; }

    @Override public Integer call() throws IOException {
      return inSession("hyperreg example", null, jsc -> EstimatorExample.run(SparkSession.active(), data, output, out));
    }
  }

  /** A command that runs on a Spark context. */
  @FunctionalInterface
  private interface SparkCommand {
    int run(JavaSparkContext jsc) throws IOException;
  }

  /** Runs a command in the running session, or in a new one that is stopped afterwards. */
  private static int inSession(String appName, String master, SparkCommand command) throws IOException {
    boolean existing = SparkSession.getDefaultSession().isDefined();
    SparkSession spark = SparkSessions.builder(appName, master, existing).getOrCreate();
    try {
      return command.run(JavaSparkContext.fromSparkContext(spark.sparkContext()));
    } finally {
      if (!existing) spark.stop();
    }
  }
}
