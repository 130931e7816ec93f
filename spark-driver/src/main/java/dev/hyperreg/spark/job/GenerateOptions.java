package dev.hyperreg.spark.job;

import dev.hyperreg.core.objective.Link;
import dev.hyperreg.core.objective.ObjectiveKind;
import dev.hyperreg.spark.UsageException;
import picocli.CommandLine.ITypeConverter;
import picocli.CommandLine.Option;
import picocli.CommandLine.TypeConversionException;

/**
 * What {@code hyperreg generate} is asked to write ({@link DataGenerator}): every option with its
 * default; the command line ({@code dev.hyperreg.spark.cli}) fills it, {@link #validate} checks it.
 */
public final class GenerateOptions {
  @Option(names = "--objective", paramLabel = "NAME", order = 1, converter = FitOptions.ObjectiveName.class,
      completionCandidates = FitOptions.ObjectiveName.class, description = "${COMPLETION-CANDIDATES} (default rescaled)")
  public ObjectiveKind objective = ObjectiveKind.RESCALED;

  @Option(names = "--link", paramLabel = "NAME", order = 2, converter = FitOptions.LinkName.class,
      description = "exp | cosh | sinh (default exp)")
  public Link link = Link.EXP;

  @Option(names = "--rows", paramLabel = "N", order = 3, converter = FitOptions.WholeNumber.class,
      description = "number of rows (default 1000)")
  public int rows = 1000;

  @Option(names = "--features", paramLabel = "D", order = 4, converter = FitOptions.WholeNumber.class,
      description = "number of features (default 10)")
  public int features = 10;

  @Option(names = "--density", paramLabel = "P", order = 5, converter = FitOptions.RealNumber.class,
      description = "fraction of non-zero entries (default 1)")
  public double density = 1;

  @Option(names = "--scale", paramLabel = "S", order = 6, converter = FitOptions.RealNumber.class,
      description = "standard deviation of the planted x* (default 0.5)")
  public double scale = 0.5;

  @Option(names = "--noise", paramLabel = "E", order = 7, converter = FitOptions.RealNumber.class,
      description = "relative noise on the targets (default 0.05)")
  public double noise = 0.05;

  @Option(names = "--seed", paramLabel = "S", order = 8, converter = LongNumber.class,
      description = "random seed (default 1)")
  public long seed = 1;

  @Option(names = "--output", paramLabel = "FILE", order = 9,
      description = "LIBSVM file to write; x* goes to FILE.truth (required)")
  public String output;

  /** Checks the combination before anything is written; every error names the option. */
  public void validate() {
    if (output == null) throw new UsageException("--output is required");
    if (rows < 1 || features < 1) throw new UsageException("--rows and --features must be ≥ 1");
    if (!(density > 0 && density <= 1)) throw new UsageException("--density must lie in (0, 1], got " + density);
    FitOptions.requireLink(objective, link);
  }

  /** A long (the seed), as {@link FitOptions.WholeNumber} words its error. */
  static final class LongNumber implements ITypeConverter<Long> {
    @Override public Long convert(String value) {
      try {
        return Long.parseLong(value);
      } catch (NumberFormatException e) {
        throw new TypeConversionException("expects a whole number, got '" + value + "'");
      }
    }
  }
}
