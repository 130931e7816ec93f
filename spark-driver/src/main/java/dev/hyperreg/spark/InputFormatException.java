package dev.hyperreg.spark;

/**
 * Input that cannot be used, with the place it was found: a file and line where there is one.
 * Thrown inside Spark tasks too, so it must survive serialization with its message intact.
 */
public class InputFormatException extends RuntimeException {
  private static final long serialVersionUID = 1L;

  public InputFormatException(String message) { super(message); }

  public InputFormatException(String file, long line, String problem) {
    super(file + ":" + line + ": " + problem);
  }
}
