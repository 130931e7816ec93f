package dev.hyperreg.spark.io;

import dev.hyperreg.spark.InputFormatException;
import dev.hyperreg.spark.StorageFailure;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.UUID;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;

/**
 * Writes an output directory so that nobody ever sees it half-written: files go to a hidden
 * temporary sibling, which is renamed into place at the end; the {@code _SUCCESS} marker is created
 * last and only for a converged fit. An existing directory is refused, or with overwrite replaced
 * only once the new output is complete, so a failed run never destroys the previous result.
 */
public final class AtomicOutput {
  public static final String SUCCESS_MARKER = "_SUCCESS";

  private final Path target;
  private final FileSystem fs;
  private final boolean overwrite;
  private final Map<String, byte[]> files = new LinkedHashMap<>();

  public AtomicOutput(String target, Configuration conf, boolean overwrite) {
    this.target = new Path(target);
    this.overwrite = overwrite;
    try {
      this.fs = this.target.getFileSystem(conf);
      fs.setWriteChecksum(false); // no .crc side files next to the user's output on local disks
    } catch (IOException e) {
      throw StorageFailure.of("cannot open the file system of --output " + target, e);
    }
  }

  /** Fails early, before any work, when the target exists and overwriting was not asked for. */
  public void checkWritable() {
    try {
      if (!overwrite && fs.exists(target)) {
        throw new InputFormatException("output " + target + " already exists; choose another --output or pass"
            + " --overwrite to replace it");
      }
    } catch (IOException e) {
      throw StorageFailure.of("cannot check --output " + target, e);
    }
  }

  public void add(String name, String content) { files.put(name, content.getBytes(StandardCharsets.UTF_8)); }

  /** Writes all files, moves them into place and, when {@code success}, adds the marker. */
  public void commit(boolean success) {
    publish(temporary -> {
      if (!fs.mkdirs(temporary)) throw new IOException("cannot create " + temporary);
      for (Map.Entry<String, byte[]> file : files.entrySet()) {
        try (OutputStream out = fs.create(new Path(temporary, file.getKey()), false)) {
          out.write(file.getValue());
        }
      }
      // the marker goes in last, before the move: the directory appears complete or not at all
      if (success) fs.create(new Path(temporary, SUCCESS_MARKER), false).close();
    });
  }

  /** Fills a directory that does not exist yet, given its path (a Spark DataFrame write, say). */
  @FunctionalInterface
  public interface DirectoryWriter {
    void write(String directory) throws IOException;
  }

  /**
   * Lets {@code writer} create and fill a temporary directory next to the target — a Spark
   * DataFrame writer, which adds its own _SUCCESS when its job commits — then moves it into place as
   * {@link #commit} does. Nothing appears at the target unless the writer finished.
   */
  public void commitDirectory(DirectoryWriter writer) {
    publish(temporary -> writer.write(temporary.toString()));
  }

  private interface Fill {
    void into(Path temporary) throws IOException;
  }

  /**
   * Fills a hidden temporary sibling and renames it to the target. With overwrite, the old target is
   * first renamed aside and deleted only once the new one is in place (restored if that fails), so
   * some complete output exists at every moment. Hadoop's rename moves a source *into* an existing
   * directory and reports failure by returning false: the target is absent before each rename, and
   * every result is checked.
   */
  private void publish(Fill fill) {
    checkWritable();
    String id = UUID.randomUUID().toString();
    Path temporary = new Path(target.getParent(), "." + target.getName() + ".tmp-" + id);
    Path previous = new Path(target.getParent(), "." + target.getName() + ".old-" + id);
    boolean moved = false;
    boolean setAside = false;
    try {
      fill.into(temporary);
      if (fs.exists(target)) {
        if (!fs.rename(target, previous)) throw new IOException("cannot move the old output " + target + " aside");
        setAside = true;
      }
      if (!fs.rename(temporary, target)) throw new IOException("cannot rename " + temporary + " to " + target);
      moved = true;
      if (setAside && !fs.delete(previous, true)) {
        throw new IOException("the new output is in place but the old one could not be removed from " + previous);
      }
    } catch (IOException e) {
      throw StorageFailure.of("cannot write --output " + target, e);
    } finally {
      try {
        if (!moved) {
          fs.delete(temporary, true);
          if (setAside && !fs.exists(target)) fs.rename(previous, target);   // put the old output back
        }
      } catch (IOException ignored) {
        // the original failure is the one to report
      }
    }
  }
}
