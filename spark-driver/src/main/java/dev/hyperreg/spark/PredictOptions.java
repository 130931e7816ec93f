package dev.hyperreg.spark;

import java.util.List;
import java.util.Locale;

/** The options of {@code hyperreg predict}. */
public final class PredictOptions {
  String model;
  String input;
  String format = "libsvm";
  String labelCol = "label";
  List<String> featuresCols = List.of();
  String featuresCol = "features";
  String output;
  String outputFormat = "parquet";
  boolean overwrite = false;
  String master;
  int partitions = 0;
  boolean help = false;

  public static final String USAGE = String.join("\n",
      "usage: hyperreg predict --model DIR --input PATH --output PATH [options]",
      "",
      "Scores rows with a saved model: row id, label (when the input has one), the prediction f(a·x) and,",
      "for the rescaled and softmax objectives, shareOfScoredRows = f(a·x) / Σ f(a·x) over the rows scored.",
      "",
      "  --model DIR          the output of `hyperreg fit`, or a saved Spark ML HyperbolicRegressionModel",
      "  --input PATH         file, directory or glob on any Hadoop file system",
      "  --format F           libsvm (default), csv (header line) or parquet",
      "  --label-col NAME     csv/parquet: copied to the output when present (default label)",
      "  --features-cols A,B  csv: the feature columns in the model's order (default: all but the label)",
      "  --features-col NAME  parquet: the vector or array<double> column (default features)",
      "  --output PATH        where the predictions go (must not exist)",
      "  --output-format F    parquet (default) or csv (with a header line)",
      "  --overwrite          replace an existing output once the new one is complete",
      "  --partitions N       minimum number of input partitions",
      "  --master URL         Spark master when not launched by spark-submit (default local[*])",
      "",
      "Exit status: 0 done, 2 bad input, 4 a prediction overflows a double, 1 internal error.");

  public static PredictOptions parse(String[] args) {
    PredictOptions o = new PredictOptions();
    for (int i = 0; i < args.length; i++) {
      String name = args[i];
      switch (name) {
        case "--help", "-h" -> o.help = true;
        case "--overwrite" -> o.overwrite = true;
        default -> {
          if (!name.startsWith("--")) throw new UsageException("unexpected argument '" + name + "'");
          if (i + 1 >= args.length) throw new UsageException(name + " needs a value");
          String value = args[++i];
          switch (name) {
            case "--model" -> o.model = value;
            case "--input" -> o.input = value;
            case "--format" -> o.format = value.toLowerCase(Locale.ROOT);
            case "--label-col" -> o.labelCol = value;
            case "--features-cols" -> o.featuresCols = FitOptions.columnList(value);
            case "--features-col" -> o.featuresCol = value;
            case "--output" -> o.output = value;
            case "--output-format" -> o.outputFormat = value.toLowerCase(Locale.ROOT);
            case "--master" -> o.master = value;
            case "--partitions" -> {
              o.partitions = FitOptions.integer(name, value);
              if (o.partitions < 1) throw new UsageException("--partitions must be ≥ 1, got " + o.partitions);
            }
            default -> throw new UsageException("unknown option " + name + " (see hyperreg predict --help)");
          }
        }
      }
    }
    if (!o.help) o.validate();
    return o;
  }

  private void validate() {
    if (model == null) throw new UsageException("--model is required");
    if (input == null) throw new UsageException("--input is required");
    if (output == null) throw new UsageException("--output is required");
    if (!List.of("libsvm", "csv", "parquet").contains(format)) {
      throw new UsageException("--format " + format + " is not supported: expected libsvm, csv or parquet");
    }
    if (!List.of("parquet", "csv").contains(outputFormat)) {
      throw new UsageException("--output-format " + outputFormat + " is not supported: expected parquet or csv");
    }
  }

  TableInput.Columns columns() { return new TableInput.Columns(labelCol, null, featuresCols, featuresCol); }
}
