package dev.hyperreg.spark;

/**
 * Exit statuses of the job, for schedulers: only 0 means a converged fit whose output is complete
 * (with _SUCCESS).
 */
public enum ExitStatus {
  /** The fit converged; output and _SUCCESS are written. */
  SUCCESS(0),
  /** An unexpected error (a bug) or a storage failure a retry may cure; nothing is written. */
  INTERNAL_ERROR(1),
  /** Bad input or command line (message names the file, line or option); nothing is written. */
  BAD_INPUT(2),
  /** The fit ran but did not converge; output is written with converged=false and no _SUCCESS. */
  NOT_CONVERGED(3),
  /** The objective cannot be evaluated in doubles (overflow at the start point); nothing is written. */
  NUMERICAL_FAILURE(4);

  private final int code;

  ExitStatus(int code) { this.code = code; }

  public int code() { return code; }
}
