package dev.hyperreg.spark.job;

import dev.hyperreg.core.objective.ObjectiveKind;
import dev.hyperreg.spark.UsageException;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/**
 * What {@code hyperreg shift} is asked to do: its own options (the shift, the model, the sweep) and
 * every option of {@code fit}, which say how x* and the refits are fitted. The command line fills
 * it; {@link #validate} checks it.
 */
public final class ShiftOptions {
  /** Multiples of the shift the default sweep visits: 4⁻⁴ … 4. */
  public static final double[] DEFAULT_SWEEP = {1.0 / 256, 1.0 / 64, 1.0 / 16, 1.0 / 4, 1, 4};
  /** For a second dataset the sweep walks the straight path from (A, b) to (A', b'). */
  static final double[] DEFAULT_PATH_SWEEP = {1.0 / 256, 1.0 / 64, 1.0 / 16, 1.0 / 4, 1};

  @Option(names = "--perturb", paramLabel = "A:REL|b:REL", order = 101,
      description = "a random shift of A with ‖ΔA‖_F = REL·‖A‖_F (stored entries only, never the intercept);"
          + " --perturb b:REL likewise for b in the 2-norm; give one or both")
  private void perturb(String value) { set("--perturb", value); }

  @Option(names = "--direction", paramLabel = "D", order = 102,
      description = "random (default): Gaussian entries; worst: the directions that move x* most to first order"
          + " (Δb attains C_b; ΔA is rank one, rows become dense)")
  private void direction(String value) { set("--direction", value); }

  @Option(names = "--shifted-input", paramLabel = "PATH", order = 103,
      description = "instead of --perturb: the shifted data (A', b'), same files and lines as --input")
  String shiftedInput;

  @Option(names = "--model", paramLabel = "DIR", order = 104,
      description = "the output of `hyperreg fit` on --input (its coefficients.txt): the fit is then polished from"
          + " there rather than started afresh")
  String model;

  @Option(names = "--sweep", paramLabel = "K1,K2,…", order = 105,
      description = "also analyze the shift scaled by each K (default 1/256,1/64,1/16,1/4,1,4; with"
          + " --shifted-input the path (A + K·ΔA, b + K·Δb), K ≤ 1 by default)")
  private void sweep(String value) { set("--sweep", value); }

  @Option(names = "--no-sweep", order = 106, description = "analyze the given shift only")
  boolean noSweep = false;

  double perturbA = 0;
  double perturbB = 0;
  double[] sweep;
  boolean worstDirection = false;

  /** How x* and every refit are fitted: the options of {@code hyperreg fit}. */
  @Mixin public FitOptions fit = new FitOptions();

  private void set(String name, String value) {
    switch (name) {
      case "--model" -> model = value;
      case "--shifted-input" -> shiftedInput = value;
      case "--direction" -> worstDirection = switch (value) {
        case "random" -> false;
        case "worst" -> true;
        default -> throw new UsageException("--direction expects random or worst, got '" + value + "'");
      };
      case "--perturb" -> {
        int colon = value.indexOf(':');
        if (colon < 0) throw new UsageException("--perturb expects A:REL or b:REL, got '" + value + "'");
        String what = value.substring(0, colon);
        double rel = relativeSize(value.substring(colon + 1), value);
        switch (what) {
          case "A" -> perturbA = rel;
          case "b" -> perturbB = rel;
          default -> throw new UsageException("--perturb " + value + ": expected A:REL or b:REL (A the design, b the"
              + " targets), got '" + what + "'");
        }
      }
      case "--sweep" -> sweep = Arrays.stream(value.split(",")).mapToDouble(k -> {
        double v = relativeSize(k.trim(), value);
        if (v == 0) throw new UsageException("--sweep " + value + ": every multiple must be > 0");
        return v;
      }).sorted().toArray();
      default -> throw new IllegalStateException(name);
    }
  }

  private static double relativeSize(String text, String whole) {
    double v;
    try {
      v = Double.parseDouble(text);
    } catch (NumberFormatException e) {
      throw new UsageException("'" + whole + "': '" + text + "' is not a number");
    }
    if (!(v >= 0) || Double.isInfinite(v)) throw new UsageException("'" + whole + "': sizes must be finite and ≥ 0");
    return v;
  }

  public void validate() {
    fit.validate();
    if (fit.objective != ObjectiveKind.RESCALED) {
      throw new UsageException("--objective " + fit.objective.label() + ": the shift analysis is derived for the"
          + " rescaled objective only");
    }
    boolean perturbed = perturbA > 0 || perturbB > 0;
    if (perturbed == (shiftedInput != null)) {
      throw new UsageException(perturbed ? "give either --perturb or --shifted-input, not both"
          : "say how the data move: --perturb A:REL and/or --perturb b:REL (REL > 0), or --shifted-input PATH");
    }
    if (shiftedInput != null && !fit.format.equals("libsvm")) {
      throw new UsageException("--shifted-input reads LIBSVM only (rows are matched by file and line)");
    }
    if (worstDirection && shiftedInput != null) throw new UsageException("--direction applies to --perturb only");
    if (noSweep && sweep != null) throw new UsageException("--sweep and --no-sweep contradict each other");
    if (fit.x0 != null && model != null) throw new UsageException("--x0 and --model both give a start: choose one");
    if (fit.checkpoint != null || fit.resume) {
      throw new UsageException("--checkpoint and --resume apply to `hyperreg fit`, not to the shift analysis");
    }
  }

  /** The multiples of the shift to sweep (empty with --no-sweep). */
  double[] sweepFactors() {
    if (noSweep) return new double[0];
    if (sweep != null) return sweep;
    return shiftedInput != null ? DEFAULT_PATH_SWEEP : DEFAULT_SWEEP;
  }

  public Map<String, Object> toMap() {
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("model", model);
    m.put("shiftedInput", shiftedInput);
    m.put("perturbA", shiftedInput == null ? perturbA : null);
    m.put("perturbB", shiftedInput == null ? perturbB : null);
    m.put("direction", shiftedInput == null ? (worstDirection ? "worst" : "random") : null);
    m.put("sweep", sweepFactors());
    m.put("fit", fit.toMap());
    return m;
  }

  static String describe(double k) { return String.format(Locale.ROOT, "%.4g", k); }
}
