package dev.hyperreg.core;

import java.util.Locale;

/**
 * The objective cannot be represented in doubles at the given point: for the plain objective, f(z),
 * f(z)² or f'(z)² of some row overflows (z ≳ 355 for exp). The rescaled and softmax objectives are
 * evaluated in scale-free forms and do not raise this.
 */
public class OverflowException extends ArithmeticException {
  private static final long serialVersionUID = 1L;
  private final long rowId;
  private final double value;

  public OverflowException(long rowId, double value, String context) {
    super(String.format(Locale.ROOT,
        "%s: the objective overflows a double at row %d, where a·x = %.6g (f(a·x) squared exceeds"
            + " 1.8e308); this objective has no scaled form — start closer to the data (--x0), rescale"
            + " the features, or use the rescaled objective", context, rowId, value));
    this.rowId = rowId;
    this.value = value;
  }

  /** Global row id (0-based) of the first row that overflowed. */
  public long rowId() { return rowId; }

  /** a·x at that row. */
  public double value() { return value; }
}
