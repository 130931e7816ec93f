package dev.hyperreg.spark;

/**
 * The objective cannot be evaluated in doubles (an overflow at the start point, or a prediction
 * beyond the double range): exit status 4 ({@link ExitStatus#NUMERICAL_FAILURE}).
 */
public final class NumericalFailure extends RuntimeException {
  private static final long serialVersionUID = 1L;

  public NumericalFailure(String message) { super(message); }
}
