package dev.hyperreg.spark.io;

import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.hyperreg.spark.InputFormatException;
import dev.hyperreg.spark.StorageFailure;
import java.io.FileNotFoundException;
import java.io.IOException;
import java.net.ConnectException;
import org.apache.hadoop.fs.UnsupportedFileSystemException;
import org.apache.hadoop.security.AccessControlException;
import org.junit.jupiter.api.Test;

/** I/O errors a retry cannot cure are bad input (exit 2); the others are storage failures (exit 1). */
class StorageFailureTest {
  @Test
  void refusalsAreBadInputAndFailuresAreRetryable() {
    for (IOException refused : new IOException[] {new FileNotFoundException("no such file"),
        new UnsupportedFileSystemException("No FileSystem for scheme \"foo\""), new AccessControlException("denied")}) {
      RuntimeException e = StorageFailure.of("cannot read input x", refused);
      assertInstanceOf(InputFormatException.class, e);
      assertTrue(e.getMessage().startsWith("cannot read input x: "), e.getMessage());
    }
    for (IOException failed : new IOException[] {new ConnectException("Connection refused"),
        new IOException("Failed on local exception: java.io.IOException: Connection reset by peer")}) {
      assertInstanceOf(StorageFailure.class, StorageFailure.of("cannot read input x", failed));
    }
  }
}
