package dev.hyperreg.spark;

import dev.hyperreg.core.Link;
import dev.hyperreg.core.ObjectiveKind;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * The options of {@code hyperreg fit}, parsed and validated before anything runs. Every error names
 * the option and the value that was wrong.
 */
public final class FitOptions {
  /** Solvers this version implements; the option is a name so that more can be added. */
  static final String[] SOLVERS = {"sketch", "sample", "exact", "lbfgs"};

  String input;
  String format = "libsvm";
  ObjectiveKind objective = ObjectiveKind.RESCALED;
  Link link = Link.EXP;
  double regWeight = 0;
  double ridge = 0;
  boolean intercept = false;
  String solver = "sketch";
  Integer sketchSize;
  int maxIterations = 100;
  double tolerance = 1e-10;
  double gradientTolerance = 0;
  String x0;
  String output;
  boolean overwrite = false;
  String master;
  int numFeatures = 0;
  int partitions = 0;
  long seed = 0;
  String labelCol = "label";
  String weightCol;
  List<String> featuresCols = List.of();
  String featuresCol = "features";
  String checkpoint;
  boolean resume = false;
  String confFile;
  boolean help = false;

  /** The columns a CSV or Parquet input is read from. */
  TableInput.Columns columns() { return new TableInput.Columns(labelCol, weightCol, featuresCols, featuresCol); }

  /** The input as cached blocks, in its format. */
  BlockedData load(org.apache.spark.api.java.JavaSparkContext jsc) {
    return format.equals("libsvm") ? LibsvmInput.load(jsc, input, numFeatures, intercept, regWeight, partitions)
        : TableInput.load(jsc, format, input, columns(), intercept, regWeight, partitions);
  }

  FitJob.SolverSettings solverSettings() {
    return new FitJob.SolverSettings(solver, sketchSize, seed, maxIterations, tolerance, gradientTolerance, 0);
  }

  public static final String USAGE = String.join("\n",
      "usage: hyperreg fit --input PATH --output DIR [options]",
      "",
      "Fits exp/cosh/sinh regression (rescaled, plain or softmax) by Newton's method on Spark.",
      "",
      "  --input PATH        file, directory or glob on any Hadoop file system (required)",
      "  --format F          libsvm (default), csv (with a header line) or parquet",
      "  --label-col NAME    csv/parquet: the target column (default label)",
      "  --weight-col NAME   csv/parquet: a column of per-row regularization weights w_i (default: none;",
      "                      every row gets --reg-weight)",
      "  --features-cols A,B csv: the feature columns, in order (default: every column but label and weight)",
      "  --features-col NAME parquet: the Spark ML vector or array<double> column (default features)",
      "  --objective NAME    rescaled | plain | softmax (default rescaled)",
      "  --link NAME         exp | cosh | sinh (default exp; softmax takes exp only)",
      "  --reg-weight W      w_i = W for every row in ½Σw_i²(a_i·x)² (default 0)",
      "  --ridge L           λ in ½λ‖x‖², never applied to the intercept (default 0)",
      "  --intercept         append a column of ones (not allowed for softmax)",
      "  --solver NAME       sketch | sample | exact | lbfgs (default sketch)",
      "  --sketch-size M     rows of the sketch, or rows to sample for 'sample' (default 20·d, grown when",
      "                      steps make too little progress)",
      "  --max-iter N        Newton iteration cap (default 100)",
      "  --tol T             stop when the Newton step is below T·max(1,‖x‖) (default 1e-10)",
      "  --gradient-tol G    also stop when ‖∇L‖ ≤ G·‖∇L(x0)‖ (default 0: off; lbfgs: 1e-8)",
      "  --x0 FILE           start point: d numbers, one per line (coefficients.txt of a fit)",
      "  --num-features N    number of features (default: the largest index in the data)",
      "  --partitions N      minimum number of input partitions (default: Spark's)",
      "  --seed S            seed of the sketches and samples: the same seed gives the same fit (default 0)",
      "  --output DIR        output directory, must not exist (required)",
      "  --overwrite         replace an existing output directory once the new one is complete",
      "  --checkpoint DIR    save the iterate after every iteration under DIR (any Hadoop file system)",
      "  --resume            continue from the newest iterate in --checkpoint DIR, if there is one (the",
      "                      same command can then start and restart a scheduled run)",
      "  --conf-file FILE    job properties: one 'option = value' per line, the option named without its",
      "                      dashes (input, output, reg-weight, …; flags take true or false); options on",
      "                      the command line override the file (conf/hyperreg-job.properties.template);",
      "                      a path without a scheme is a local file; --no-overwrite, --no-resume and",
      "                      --no-intercept switch off what the file switched on",
      "  --master URL        Spark master when not launched by spark-submit (default local[*])",
      "  --help              this text",
      "",
      "Exit status: 0 converged, 2 bad input, 3 not converged (output written without _SUCCESS),",
      "4 the objective overflows at the start point, 1 internal error.");

  /** Flags: options without a value (in a --conf-file: true or false). */
  static final java.util.Set<String> FLAGS = java.util.Set.of("--help", "--intercept", "--overwrite", "--resume",
      "--no-intercept", "--no-overwrite", "--no-resume");

  public static FitOptions parse(String[] args) {
    FitOptions o = new FitOptions();
    String confFile = confFileOf(args);
    if (confFile != null) o.applyConfFile(confFile, new org.apache.hadoop.conf.Configuration());
    for (int i = 0; i < args.length; i++) {
      String name = args[i];
      if (name.equals("-h") || FLAGS.contains(name)) {
        o.setFlag(name);
      } else {
        if (!name.startsWith("--")) throw new UsageException("unexpected argument '" + name + "'");
        if (i + 1 >= args.length) throw new UsageException(name + " needs a value");
        o.set(name, args[++i]);
      }
    }
    if (!o.help) o.validate();
    return o;
  }

  private static String confFileOf(String[] args) {
    String file = null;
    for (int i = 0; i + 1 < args.length; i++) {
      if (args[i].equals("--conf-file")) file = args[i + 1];
    }
    return file;
  }

  /**
   * Applies a job properties file (java.util.Properties syntax) read from any Hadoop file system;
   * every error names the file and the key.
   */
  void applyConfFile(String path, org.apache.hadoop.conf.Configuration conf) {
    java.util.Properties properties = new java.util.Properties();
    org.apache.hadoop.fs.Path p = new org.apache.hadoop.fs.Path(path);
    try {
      // a path without a scheme is a local file (as spark-submit's --files leave it), not one on the
      // cluster's default file system
      org.apache.hadoop.fs.FileSystem fs = p.toUri().getScheme() == null
          ? org.apache.hadoop.fs.FileSystem.getLocal(conf) : p.getFileSystem(conf);
      try (java.io.Reader reader = new java.io.InputStreamReader(fs.open(p), java.nio.charset.StandardCharsets.UTF_8)) {
        properties.load(reader);
      }
    } catch (java.io.IOException e) {
      throw StorageFailure.of("cannot read --conf-file " + path, e);
    } catch (IllegalArgumentException e) {
      throw new UsageException("cannot read --conf-file " + path + ": " + e.getMessage());
    }
    for (String key : new java.util.TreeSet<>(properties.stringPropertyNames())) {
      String name = "--" + key.trim();
      String value = properties.getProperty(key).trim();
      try {
        if (name.equals("--conf-file")) throw new UsageException("a --conf-file cannot name another");
        if (FLAGS.contains(name) && !name.startsWith("--no-")) {
          if (value.equalsIgnoreCase("true")) setFlag(name);
          else if (!value.equalsIgnoreCase("false")) throw new UsageException("expects true or false, got '" + value + "'");
        } else {
          set(name, value);
        }
      } catch (UsageException e) {
        throw new UsageException("--conf-file " + path + ": " + key + ": " + e.getMessage().replace("unknown option "
            + name + " (see --help)", "unknown key (see hyperreg fit --help)"));
      }
    }
    confFile = path;
  }

  private void setFlag(String name) {
    switch (name) {
      case "--help", "-h" -> help = true;
      case "--intercept" -> intercept = true;
      case "--overwrite" -> overwrite = true;
      case "--resume" -> resume = true;
      // switch off what a --conf-file switched on
      case "--no-intercept" -> intercept = false;
      case "--no-overwrite" -> overwrite = false;
      case "--no-resume" -> resume = false;
      default -> throw new IllegalStateException(name);
    }
  }

  private void set(String name, String value) {
    switch (name) {
      case "--input" -> input = value;
      case "--format" -> format = value.toLowerCase(Locale.ROOT);
      case "--label-col" -> labelCol = value;
      case "--weight-col" -> weightCol = value;
      case "--features-cols" -> featuresCols = columnList(value);
      case "--features-col" -> featuresCol = value;
      case "--objective" -> objective = parseWith(name, value, ObjectiveKind::parse);
      case "--link" -> link = parseWith(name, value, Link::parse);
      case "--reg-weight" -> regWeight = number(name, value);
      case "--ridge" -> ridge = number(name, value);
      case "--solver" -> solver = value.toLowerCase(Locale.ROOT);
      case "--sketch-size" -> sketchSize = integer(name, value);
      case "--max-iter" -> maxIterations = integer(name, value);
      case "--tol" -> tolerance = number(name, value);
      case "--gradient-tol" -> gradientTolerance = number(name, value);
      case "--x0" -> x0 = value;
      case "--output" -> output = value;
      case "--master" -> master = value;
      case "--num-features" -> numFeatures = integer(name, value);
      case "--partitions" -> partitions = integer(name, value);
      case "--seed" -> seed = (long) integer(name, value);
      case "--checkpoint" -> checkpoint = value;
      case "--conf-file" -> confFile = value;
      default -> throw new UsageException("unknown option " + name + " (see --help)");
    }
  }

  private void validate() {
    if (input == null) throw new UsageException("--input is required");
    if (output == null) throw new UsageException("--output is required");
    if (!List.of("libsvm", "csv", "parquet").contains(format)) {
      throw new UsageException("--format " + format + " is not supported: expected libsvm, csv or parquet");
    }
    if (format.equals("libsvm") && weightCol != null) {
      throw new UsageException("--weight-col needs --format csv or parquet (LIBSVM has no columns)");
    }
    if (!java.util.Arrays.asList(SOLVERS).contains(solver)) {
      throw new UsageException("unknown solver '" + solver + "': expected one of " + String.join(", ", SOLVERS));
    }
    if (!(regWeight >= 0) || Double.isInfinite(regWeight)) {
      throw new UsageException("--reg-weight must be a finite number ≥ 0, got " + regWeight);
    }
    if (!(ridge >= 0) || Double.isInfinite(ridge)) throw new UsageException("--ridge must be a finite number ≥ 0, got " + ridge);
    if (objective == ObjectiveKind.SOFTMAX && link != Link.EXP) {
      throw new UsageException("--objective softmax takes --link exp only, got " + link.label());
    }
    if (objective == ObjectiveKind.SOFTMAX && intercept) {
      throw new UsageException("--intercept is not allowed with softmax: softmax(Ax + c) = softmax(Ax),"
          + " so an intercept would be undetermined");
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
  Map<String, Object> toMap() {
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

  private static <T> T parseWith(String name, String value, java.util.function.Function<String, T> parser) {
    try {
      return parser.apply(value);
    } catch (IllegalArgumentException e) {
      throw new UsageException(name + ": " + e.getMessage());
    }
  }

  private static double number(String name, String value) {
    try {
      return Double.parseDouble(value);
    } catch (NumberFormatException e) {
      throw new UsageException(name + " expects a number, got '" + value + "'");
    }
  }

  /** A comma-separated list of column names. */
  static List<String> columnList(String value) {
    return java.util.Arrays.stream(value.split(",")).map(String::trim).filter(c -> !c.isEmpty()).toList();
  }

  static int integer(String name, String value) {
    try {
      return Integer.parseInt(value);
    } catch (NumberFormatException e) {
      throw new UsageException(name + " expects a whole number, got '" + value + "'");
    }
  }
}
