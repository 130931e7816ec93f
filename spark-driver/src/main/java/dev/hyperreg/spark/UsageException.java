package dev.hyperreg.spark;

/** A command line that cannot be run: unknown option, missing or invalid value. */
public class UsageException extends RuntimeException {
  private static final long serialVersionUID = 1L;

  public UsageException(String message) { super(message); }
}
