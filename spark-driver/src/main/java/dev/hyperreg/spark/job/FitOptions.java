package dev.hyperreg.spark.job;

import dev.hyperreg.core.objective.Link;
import dev.hyperreg.core.objective.ObjectiveKind;
import dev.hyperreg.spark.UsageException;
import dev.hyperreg.spark.io.BlockedData;
import dev.hyperreg.spark.io.LibsvmInput;
import dev.hyperreg.spark.io.TableInput;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import picocli.CommandLine.ITypeConverter;
import picocli.CommandLine.Option;
import picocli.CommandLine.TypeConversionException;

/**
 * What {@code hyperreg fit} is asked to do: every option of the command line (and of a
 * {@code --conf-file}, whose keys are the option names without their dashes), with its default.
 * The command line ({@code dev.hyperreg.spark.cli}) fills it; {@link #validate} then checks the
 * combination before anything runs. Every error names the option and the value that was wrong.
 */
public final class FitOptions {
  /** Every solver's name, as the CLI and the estimator take it ({@link Solver}). */
  public static final List<String> SOLVERS = Solver.labels();

  @Option(names = "--input", paramLabel = "PATH", order = 1,
      description = "file, directory or glob on any Hadoop file system (required)")
  public String input;

  @Option(names = "--format", paramLabel = "F", order = 2, converter = LowerCase.class,
      description = "libsvm (default), csv (with a header line) or parquet")
  public String format = "libsvm";

  @Option(names = "--label-col", paramLabel = "NAME", order = 3,
      description = "csv/parquet: the target column (default label)")
  public String labelCol = "label";

  @Option(names = "--weight-col", paramLabel = "NAME", order = 4,
      description = "csv/parquet: a column of per-row regularization weights w_i (default: none; every row gets"
          + " --reg-weight)")
  public String weightCol;

  @Option(names = "--features-cols", paramLabel = "A,B", order = 5, converter = ColumnList.class,
      description = "csv: the feature columns, in order (default: every column but label and weight)")
  public List<String> featuresCols = List.of();

  @Option(names = "--features-col", paramLabel = "NAME", order = 6,
      description = "parquet: the Spark ML vector or array<double> column (default features)")
  public String featuresCol = "features";

  @Option(names = "--objective", paramLabel = "NAME", order = 7, converter = ObjectiveName.class,
      completionCandidates = ObjectiveName.class, description = "${COMPLETION-CANDIDATES} (default rescaled)")
  public ObjectiveKind objective = ObjectiveKind.RESCALED;

  @Option(names = "--link", paramLabel = "NAME", order = 8, converter = LinkName.class,
      description = "exp | cosh | sinh (default exp; softmax takes exp only)")
  public Link link = Link.EXP;

  @Option(names = "--reg-weight", paramLabel = "W", order = 9, converter = RealNumber.class,
      description = "w_i = W for every row in ½Σw_i²(a_i·x)² (default 0)")
  public double regWeight = 0;

  @Option(names = "--ridge", paramLabel = "L", order = 10, converter = RealNumber.class,
      description = "λ in ½λ‖x‖², never applied to the intercept (default 0)")
  public double ridge = 0;

  @Option(names = "--intercept", order = 11,
      description = "append a column of ones (not allowed for softmax; rescaled exp needs --reg-weight W > 0 with it)")
  public boolean intercept = false;

  @Option(names = "--solver", paramLabel = "NAME", order = 12, converter = LowerCase.class,
      description = "newton-cg | sketch | sample | exact | lbfgs (default newton-cg)")
  public String solver = "newton-cg";

  @Option(names = "--sketch-size", paramLabel = "M", order = 13, converter = WholeNumber.class,
      description = "rows of the sketch, or rows to sample for 'sample' and for newton-cg's preconditioner"
          + " (default 20·d; sketch and sample grow it when steps make too little progress)")
  public Integer sketchSize;

  @Option(names = "--max-iter", paramLabel = "N", order = 14, converter = WholeNumber.class,
      description = "Newton iteration cap (default 100)")
  public int maxIterations = 100;

  @Option(names = "--tol", paramLabel = "T", order = 15, converter = RealNumber.class,
      description = "stop when the Newton step is below T·max(1,‖x‖) (default 1e-10)")
  public double tolerance = 1e-10;

  @Option(names = "--gradient-tol", paramLabel = "G", order = 16, converter = RealNumber.class,
      description = "also stop when ‖∇L‖ ≤ G·‖∇L(x0)‖ (default 0: off; lbfgs: 1e-8)")
  public double gradientTolerance = 0;

  @Option(names = "--x0", paramLabel = "FILE", order = 17,
      description = "start point: d numbers, one per line (coefficients.txt of a fit)")
  public String x0;

  @Option(names = "--num-features", paramLabel = "N", order = 18, converter = WholeNumber.class,
      description = "number of features (default: the largest index in the data)")
  public int numFeatures = 0;

  @Option(names = "--partitions", paramLabel = "N", order = 19, converter = WholeNumber.class,
      description = "minimum number of input partitions (default: Spark's)")
  public int partitions = 0;

  @Option(names = "--seed", paramLabel = "S", order = 20, converter = WholeNumber.class,
      description = "seed of the sketches and samples: the same seed gives the same fit (default 0)")
  public long seed = 0;

  @Option(names = "--output", paramLabel = "DIR", order = 21, description = "output directory, must not exist (required)")
  public String output;

  @Option(names = "--overwrite", order = 22,
      description = "replace an existing output directory once the new one is complete")
  public boolean overwrite = false;

  @Option(names = "--checkpoint", paramLabel = "DIR", order = 23,
      description = "save the iterate after every iteration under DIR (any Hadoop file system)")
  public String checkpoint;

  @Option(names = "--resume", order = 24,
      description = "continue from the newest iterate in --checkpoint DIR, if there is one (the same command can"
          + " then start and restart a scheduled run)")
  public boolean resume = false;

  @Option(names = "--conf-file", paramLabel = "FILE", order = 25,
      description = "job properties: one 'option = value' per line, the option named without its dashes (input,"
          + " output, reg-weight, …; flags take true or false); options on the command line override the file"
          + " (conf/hyperreg-job.properties.template); a path without a scheme is a local file; --no-overwrite,"
          + " --no-resume and --no-intercept switch off what the file switched on")
  public String confFile;

  @Option(names = "--master", paramLabel = "URL", order = 26,
      description = "Spark master when not launched by spark-submit (default local[*])")
  public String master;

  // The --no-… switches take back what a --conf-file switched on. picocli applies the file's values
  // after the command line's, so they are resolved in validate().
  @Option(names = "--no-intercept", order = 27, description = "no intercept, whatever a --conf-file says")
  boolean noIntercept;

  @Option(names = "--no-overwrite", order = 28, description = "never overwrite, whatever a --conf-file says")
  boolean noOverwrite;

  @Option(names = "--no-resume", order = 29, description = "start afresh, whatever a --conf-file says")
  boolean noResume;

  /** The columns a CSV or Parquet input is read from. */
  TableInput.Columns columns() { return new TableInput.Columns(labelCol, weightCol, featuresCols, featuresCol); }

  /** The input as cached blocks, in its format. */
  BlockedData load(org.apache.spark.api.java.JavaSparkContext jsc) {
    return format.equals("libsvm") ? LibsvmInput.load(jsc, input, numFeatures, intercept, regWeight, partitions)
        : TableInput.load(jsc, format, input, columns(), intercept, regWeight, partitions);
  }

  SolverSettings solverSettings() {
    return new SolverSettings(Solver.named(solver), sketchSize, seed, maxIterations, tolerance, gradientTolerance, 0);
  }

  public void validate() {
    if (noIntercept) intercept = false;
    if (noOverwrite) overwrite = false;
    if (noResume) resume = false;
    if (input == null) throw new UsageException("--input is required");
    if (output == null) throw new UsageException("--output is required");
    if (!List.of("libsvm", "csv", "parquet").contains(format)) {
      throw new UsageException("--format " + format + " is not supported: expected libsvm, csv or parquet");
    }
    if (format.equals("libsvm") && weightCol != null) {
      throw new UsageException("--weight-col needs --format csv or parquet (LIBSVM has no columns)");
    }
    if (!SOLVERS.contains(solver)) {
      throw new UsageException("unknown solver '" + solver + "': expected one of " + String.join(", ", SOLVERS));
    }
    if (!(regWeight >= 0) || Double.isInfinite(regWeight)) {
      throw new UsageException("--reg-weight must be a finite number ≥ 0, got " + regWeight);
    }
    if (!(ridge >= 0) || Double.isInfinite(ridge)) throw new UsageException("--ridge must be a finite number ≥ 0, got " + ridge);
    requireLink(objective, link);
    if (intercept && objective.interceptRefusal() != null) {
      throw new UsageException("--intercept is not allowed with " + objective.label() + ": " + objective.interceptRefusal());
    }
    String unbounded = objective.interceptWithoutRowWeightsRefusal(link);
    if (unbounded != null && intercept && regWeight == 0 && weightCol == null) {
      // SPEC §3: only the row term ½Σw_i²z_i² grows along the intercept column (λ skips the intercept)
      throw new UsageException("--objective " + objective.label() + " --link " + link.label() + " --intercept has no"
          + " minimizer without row regularization: " + unbounded + ". Give --reg-weight W"
          + " with W > 0 (or, for csv/parquet, a --weight-col of positive weights), or drop --intercept; --ridge"
          + " does not help, it never applies to the intercept");
    }
    if (sketchSize != null && sketchSize < 1) throw new UsageException("--sketch-size must be ≥ 1, got " + sketchSize);
    if (maxIterations < 1) throw new UsageException("--max-iter must be ≥ 1, got " + maxIterations);
    if (!(tolerance > 0 && tolerance < 1)) throw new UsageException("--tol must lie in (0, 1), got " + tolerance);
    if (!(gradientTolerance >= 0 && gradientTolerance < 1)) {
      throw new UsageException("--gradient-tol must lie in [0, 1), got " + gradientTolerance);
    }
    if (numFeatures < 0) throw new UsageException("--num-features must be ≥ 1, got " + numFeatures);
    if (partitions < 0) throw new UsageException("--partitions must be ≥ 1, got " + partitions);
    if (resume && checkpoint == null) throw new UsageException("--resume needs --checkpoint DIR (where to resume from)");
  }

  /** The configuration as recorded in summary.json. */
  public Map<String, Object> toMap() {
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("input", input);
    m.put("format", format);
    if (!format.equals("libsvm")) {
      m.put("labelCol", labelCol);
      m.put("weightCol", weightCol);
      m.put(format.equals("csv") ? "featuresCols" : "featuresCol", format.equals("csv") ? featuresCols : featuresCol);
    }
    m.put("objective", objective.label());
    m.put("link", link.label());
    m.put("regWeight", regWeight);
    m.put("ridge", ridge);
    m.put("intercept", intercept);
    m.put("solver", solver);
    m.put("sketchSize", sketchSize);
    m.put("maxIterations", maxIterations);
    m.put("tolerance", tolerance);
    m.put("gradientTolerance", gradientTolerance);
    m.put("x0", x0);
    m.put("numFeatures", numFeatures == 0 ? null : numFeatures);
    m.put("partitions", partitions == 0 ? null : partitions);
    m.put("seed", seed);
    m.put("output", output);
    m.put("overwrite", overwrite);
    m.put("checkpoint", checkpoint);
    m.put("resume", resume);
    m.put("confFile", confFile);
    return m;
  }

  /*
   * Converters for typed options. Their messages follow the option's name ("--max-iter expects a
   * whole number, got 'many'"); the command line puts the name in front.
   */

  /** A double. */
  public static final class RealNumber implements ITypeConverter<Double> {
    @Override public Double convert(String value) {
      try {
        return Double.parseDouble(value);
      } catch (NumberFormatException e) {
        throw new TypeConversionException("expects a number, got '" + value + "'");
      }
    }
  }

  /** An int. */
  public static final class WholeNumber implements ITypeConverter<Integer> {
    @Override public Integer convert(String value) {
      try {
        return Integer.parseInt(value);
      } catch (NumberFormatException e) {
        throw new TypeConversionException("expects a whole number, got '" + value + "'");
      }
    }
  }

  /** A name compared without regard to case. */
  public static final class LowerCase implements ITypeConverter<String> {
    @Override public String convert(String value) { return value.toLowerCase(Locale.ROOT); }
  }

  /** A comma-separated list of column names. */
  public static final class ColumnList implements ITypeConverter<List<String>> {
    @Override public List<String> convert(String value) {
      return java.util.Arrays.stream(value.split(",")).map(String::trim).filter(c -> !c.isEmpty()).toList();
    }
  }

  /** Refuses, with the command line's words, a link the objective is not defined for ({@code generate} too). */
  static void requireLink(ObjectiveKind objective, Link link) {
    if (!objective.takes(link)) {
      throw new UsageException("--objective " + objective.label() + " takes --link "
          + String.join(" or ", objective.linkLabels()) + " only, got " + link.label());
    }
  }

  /** An objective's label ({@link ObjectiveKind#labels()}, which the help text lists too). */
  static final class ObjectiveName implements ITypeConverter<ObjectiveKind>, Iterable<String> {
    @Override public ObjectiveKind convert(String value) { return named(() -> ObjectiveKind.parse(value)); }

    @Override public java.util.Iterator<String> iterator() { return ObjectiveKind.labels().iterator(); }
  }

  /** exp, cosh or sinh. */
  static final class LinkName implements ITypeConverter<Link> {
    @Override public Link convert(String value) { return named(() -> Link.parse(value)); }
  }

  private static <T> T named(java.util.function.Supplier<T> parse) {
    try {
      return parse.get();
    } catch (IllegalArgumentException e) {
      throw new TypeConversionException(": " + e.getMessage());
    }
  }
}
