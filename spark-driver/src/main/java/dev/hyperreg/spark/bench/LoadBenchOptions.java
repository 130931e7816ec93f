package dev.hyperreg.spark.bench;

import dev.hyperreg.spark.job.FitOptions;
import java.util.List;
import picocli.CommandLine.Option;

/** What {@code hyperreg bench-load} is asked to measure ({@link LoadBenchmark}): every option with its default. */
public final class LoadBenchOptions {
  @Option(names = "--data", paramLabel = "DIR", order = 1,
      description = "where the generated inputs are kept (default target/load-data); reused when present")
  public String data = "target/load-data";

  @Option(names = "--gigabytes", paramLabel = "G", order = 2, converter = FitOptions.RealNumber.class,
      description = "size of the LIBSVM directory (default 2)")
  public double gigabytes = 2;

  @Option(names = "--files", paramLabel = "N", order = 3, converter = FitOptions.WholeNumber.class,
      description = "part files per format (default 16)")
  public int files = 16;

  @Option(names = "--features", paramLabel = "D", order = 4, converter = FitOptions.WholeNumber.class,
      description = "features per row, all non-zero (default 64)")
  public int features = 64;

  @Option(names = "--formats", paramLabel = "LIST", order = 5,
      description = "of libsvm, csv, parquet, comma-separated (default all three)")
  public String formats = "libsvm,csv,parquet";

  @Option(names = "--runs", paramLabel = "R", order = 6, converter = FitOptions.WholeNumber.class,
      description = "timed runs of each measurement, median reported (default 3)")
  public int runs = 3;

  @Option(names = "--output", paramLabel = "DIR", order = 7,
      description = "where load.json is written (default target/bench-load)")
  public String output = "target/bench-load";

  /** The formats to measure, in the order given. */
  public List<String> formats() { return List.of(formats.split(",")); }
}
