package dev.hyperreg.spark.predict;

import dev.hyperreg.spark.UsageException;
import dev.hyperreg.spark.job.FitOptions;
import dev.hyperreg.spark.io.TableInput;
import java.util.List;
import picocli.CommandLine.Option;

/** What {@code hyperreg predict} is asked to do; the command line fills it, {@link #validate} checks it. */
public final class PredictOptions {
  @Option(names = "--model", paramLabel = "DIR", order = 1,
      description = "the output of `hyperreg fit`, or a saved Spark ML HyperbolicRegressionModel")
  public String model;

  @Option(names = "--input", paramLabel = "PATH", order = 2,
      description = "file, directory or glob on any Hadoop file system")
  public String input;

  @Option(names = "--format", paramLabel = "F", order = 3, converter = FitOptions.LowerCase.class,
      description = "libsvm (default), csv (header line) or parquet")
  public String format = "libsvm";

  @Option(names = "--label-col", paramLabel = "NAME", order = 4,
      description = "csv/parquet: copied to the output when present (default label)")
  public String labelCol = "label";

  @Option(names = "--features-cols", paramLabel = "A,B", order = 5, converter = FitOptions.ColumnList.class,
      description = "csv: the feature columns in the model's order (default: all but the label)")
  public List<String> featuresCols = List.of();

  @Option(names = "--features-col", paramLabel = "NAME", order = 6,
      description = "parquet: the vector or array<double> column (default features)")
  public String featuresCol = "features";

  @Option(names = "--output", paramLabel = "PATH", order = 7, description = "where the predictions go (must not exist)")
  public String output;

  @Option(names = "--output-format", paramLabel = "F", order = 8, converter = FitOptions.LowerCase.class,
      description = "parquet (default) or csv (with a header line)")
  public String outputFormat = "parquet";

  @Option(names = "--overwrite", order = 9, description = "replace an existing output once the new one is complete")
  public boolean overwrite = false;

  @Option(names = "--partitions", paramLabel = "N", order = 10, converter = FitOptions.WholeNumber.class,
      description = "minimum number of input partitions")
  public int partitions = 0;

  @Option(names = "--master", paramLabel = "URL", order = 11,
      description = "Spark master when not launched by spark-submit (default local[*])")
  public String master;

  public void validate() {
    if (partitions < 0) throw new UsageException("--partitions must be ≥ 1, got " + partitions);
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
