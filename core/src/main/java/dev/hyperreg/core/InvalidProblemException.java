package dev.hyperreg.core;

/** A problem or solver setting that cannot be used, with a message naming the setting. */
public class InvalidProblemException extends IllegalArgumentException {
  private static final long serialVersionUID = 1L;

  public InvalidProblemException(String message) { super(message); }
}
