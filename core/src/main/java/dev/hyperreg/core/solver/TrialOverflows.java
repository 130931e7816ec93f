package dev.hyperreg.core.solver;

import dev.hyperreg.core.objective.Evaluation;
import java.util.Locale;

/**
 * The line-search trials of one iteration where some row overflowed a double ({@link Evaluation#isFinite()}
 * false): rejected like trials whose loss rose, and said in the iteration's note or in the
 * failure's message, naming the row as an {@link dev.hyperreg.core.OverflowException} does ("at row N").
 */
final class TrialOverflows {
  private int count;
  private double firstT, lastT;
  private Evaluation first, last;

  void add(double t, Evaluation e) {
    if (count++ == 0) {
      firstT = t;
      first = e;
    }
    lastT = t;
    last = e;
  }

  /** The note of an accepted step t, or null when no trial overflowed. */
  String note(double t) {
    if (count == 0) return null;
    String which = count == 1 ? String.format(Locale.ROOT, "step %.3g", firstT)
        : String.format(Locale.ROOT, "steps %.3g to %.3g", firstT, lastT);
    return String.format(Locale.ROOT, "%s overflowed a double at row %d (a·x = %.6g), taken %.3g", which,
        first.badRowId(), first.badRowValue(), t);
  }

  /** What a failed line search's message adds: that its trials overflowed, and where the last did. */
  String failureClause() {
    if (count == 0) return "";
    return String.format(Locale.ROOT, "; %d of its trials (steps %.3g to %.3g) overflowed a double, the last at"
        + " row %d (a·x = %.6g)", count, firstT, lastT, last.badRowId(), last.badRowValue());
  }

  static String join(String a, String b) { return a == null ? b : b == null ? a : a + "; " + b; }
}
