package dev.hyperreg.spark;

import java.io.FileNotFoundException;
import java.io.IOException;
import org.apache.hadoop.fs.UnsupportedFileSystemException;
import org.apache.hadoop.security.AccessControlException;

/**
 * A file system that failed rather than refused: a NameNode failover, a timeout, an expired token.
 * Exit status 1, which tells a scheduler that a retry may succeed — unlike bad input (2), which
 * would fail the same way again.
 */
public final class StorageFailure extends RuntimeException {
  private static final long serialVersionUID = 1L;

  private StorageFailure(String message, IOException cause) { super(message, cause); }

  /**
   * The right exception for an I/O error: bad input (exit 2) when the path does not exist, names an
   * unknown file system or is not accessible to this user (Hadoop's AccessControlException, or the
   * local disk's "Permission denied"), also when that is the cause of e; a storage failure (exit 1)
   * otherwise.
   */
  public static RuntimeException of(String what, IOException e) {
    String message = what + ": " + e.getMessage();
    for (Throwable t = e; t != null; t = t.getCause()) {
      if (t instanceof FileNotFoundException || t instanceof UnsupportedFileSystemException
          || t instanceof AccessControlException || t instanceof java.nio.file.AccessDeniedException) {
        return new InputFormatException(message);
      }
    }
    return new StorageFailure(message, e);
  }
}
