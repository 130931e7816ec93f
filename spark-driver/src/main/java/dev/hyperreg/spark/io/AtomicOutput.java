package dev.hyperreg.spark.io;

import dev.hyperreg.spark.InputFormatException;
import dev.hyperreg.spark.StorageFailure;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.AccessDeniedException;
import java.nio.file.DirectoryNotEmptyException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.FileSystemException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.StandardCopyOption;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.UUID;
import java.util.function.Consumer;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileStatus;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.FilterFileSystem;
import org.apache.hadoop.fs.Path;
import org.apache.hadoop.fs.RawLocalFileSystem;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Writes an output directory so that nobody ever sees it half-written: files go to a hidden
 * temporary sibling, which is renamed into place at the end; the {@code _SUCCESS} marker is created
 * last and only for a converged fit. An existing directory is refused, or with overwrite replaced
 * only once the new output is complete, so a failed run never destroys the previous result.
 *
 * <p>Replacing takes three renames and a delete ({@link #publish}): fill {@code .NAME.tmp-ID}, move
 * the old output to {@code .NAME.old-ID}, move the temporary directory to NAME, delete the old one.
 * A driver killed between the two moves leaves no NAME, the old output whole under
 * {@code .NAME.old-ID} and the new one whole under {@code .NAME.tmp-ID}; the next writer of NAME
 * (any job's {@link #checkWritable}) puts the old one back first ({@link #recoverInterruptedCommit}).
 * Renames never copy: Hadoop's local file system falls back to copy-and-delete when a rename fails
 * (a mount point, an immutable or foreign directory), which could leave the old output emptied
 * into the hidden sibling; here a rename that the file system refuses fails the commit instead,
 * with its reason.
 */
public final class AtomicOutput {
  public static final String SUCCESS_MARKER = "_SUCCESS";
  /**
   * The seam through which a test stops a driver in the middle of a commit to kill it there
   * (ClusterTest): the name of a {@code java.util.function.Consumer<String>} on the JVM's class path,
   * told each step as the commit reaches it — {@code filled} (the temporary directory is complete),
   * {@code aside} (the old output has been moved aside, the new one not yet into place),
   * {@code placed} (the new output is in place, the old one not yet deleted). Unset, as in
   * production, no one is told.
   */
  public static final String STEP_OBSERVER_PROPERTY = "hyperreg.test.commitStepObserver";
  private static final Consumer<String> STEP_OBSERVER = stepObserver();
  private static final Logger LOG = LoggerFactory.getLogger("dev.hyperreg.output");
  private static final String TEMPORARY = ".tmp-", PREVIOUS = ".old-";

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

  /**
   * Fails early, before any work, when the target exists and overwriting was not asked for. First
   * completes or undoes a commit an earlier run was killed in ({@link #recoverInterruptedCommit}).
   */
  public void checkWritable() {
    try {
      recoverInterruptedCommit();
      if (!overwrite && fs.exists(target)) {
        throw new InputFormatException("output " + target + " already exists; choose another --output or pass"
            + " --overwrite to replace it");
      }
    } catch (IOException e) {
      throw StorageFailure.of("cannot check --output " + target, e);
    }
  }

  /**
   * What a commit killed between its renames left next to the target ({@link #publish}): with no
   * target and an old output set aside under {@code .NAME.old-ID}, that old output is moved back
   * (its run failed, as a run that cannot commit does) and the new one it was to be replaced by,
   * {@code .NAME.tmp-ID}, deleted; with the target in place, a {@code .NAME.old-ID} is what the
   * killed run had still to delete. Temporary directories without an old one beside them are left
   * alone: they may belong to a run still filling them.
   */
  void recoverInterruptedCommit() throws IOException {
    Path parent = target.getParent();
    if (parent == null || !fs.exists(parent)) return;
    String prefix = "." + target.getName() + PREVIOUS;
    for (FileStatus sibling : fs.listStatus(parent)) {
      String name = sibling.getPath().getName();
      if (!name.startsWith(prefix)) continue;
      Path previous = sibling.getPath();
      Path temporary = new Path(parent, "." + target.getName() + TEMPORARY + name.substring(prefix.length()));
      if (!fs.exists(target)) {
        LOG.warn("{} is missing and its previous content is set aside in {}: a commit was interrupted; moving it back",
            target, previous);
        rename(previous, target);
        if (fs.exists(temporary) && !fs.delete(temporary, true)) {
          LOG.warn("could not delete {}, the interrupted commit's new output", temporary);
        }
      } else if (!fs.delete(previous, true)) {
        LOG.warn("could not delete {}, an old output a commit replaced {} with before it was interrupted", previous,
            target);
      }
    }
  }

  public void add(String name, String content) { files.put(name, content.getBytes(StandardCharsets.UTF_8)); }

  /** Writes all files, moves them into place and, when {@code success}, adds the marker. */
  public void commit(boolean success) {
    publish(temporary -> {
      mkdir(temporary);
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
   * some complete output exists at every moment except between the two renames, which the next
   * writer repairs ({@link #recoverInterruptedCommit}). Hadoop's rename moves a source *into* an
   * existing directory and reports failure by returning false: the target is absent before each
   * rename, and every result is checked. An old output that cannot be deleted once the new one is
   * in place is left where it was set aside, with a warning: the commit has succeeded.
   */
  private void publish(Fill fill) {
    checkWritable();
    String id = UUID.randomUUID().toString();
    Path temporary = new Path(target.getParent(), "." + target.getName() + TEMPORARY + id);
    Path previous = new Path(target.getParent(), "." + target.getName() + PREVIOUS + id);
    boolean moved = false;
    boolean setAside = false;
    try {
      fill.into(temporary);
      STEP_OBSERVER.accept("filled");
      if (fs.exists(target)) {
        renameOrSay(target, previous, "cannot move the old output " + target + " aside");
        setAside = true;
        STEP_OBSERVER.accept("aside");
      }
      renameOrSay(temporary, target, "cannot rename " + temporary + " to " + target);
      moved = true;
      if (setAside) {
        STEP_OBSERVER.accept("placed");
        if (!fs.delete(previous, true)) throw new IOException("delete returned false");
      }
    } catch (IOException e) {
      if (!moved) throw StorageFailure.of("cannot write --output " + target, e);
      LOG.warn("the new output is in place in {}, but the old one it replaced could not be deleted from {} ({});"
          + " the next run writing {} deletes it, or delete it by hand", target, previous, e.getMessage(), target);
    } finally {
      try {
        if (!moved) {
          if (fs.exists(temporary)) fs.delete(temporary, true);
          if (setAside && !fs.exists(target)) rename(previous, target);   // put the old output back
        }
      } catch (IOException ignored) {
        // the original failure is the one to report; the next writer's recovery puts the old one back
      }
    }
  }

  private void renameOrSay(Path from, Path to, String what) throws IOException {
    try {
      rename(from, to);
    } catch (IOException e) {
      throw new IOException(what + ": " + e.getMessage(), e);
    }
  }

  /**
   * Renames, never copies. On the local file system by the operating system's rename (its refusal
   * — "Operation not permitted", "Device or resource busy", "Permission denied" — is the message),
   * on others by the file system's own rename, which on HDFS is atomic and does not copy.
   */
  private void rename(Path from, Path to) throws IOException {
    java.nio.file.Path localFrom = local(from);
    if (localFrom != null) {
      try {
        Files.move(localFrom, local(to), StandardCopyOption.ATOMIC_MOVE);
      } catch (FileSystemException e) {
        throw explained(e);
      }
      return;
    }
    if (!fs.rename(from, to)) throw new IOException("rename " + from + " to " + to + " failed");
  }

  /** mkdir -p; on the local file system with the refusal's reason ("Permission denied"). */
  private void mkdir(Path dir) throws IOException {
    java.nio.file.Path localDir = local(dir);
    if (localDir != null) {
      try {
        Files.createDirectories(localDir);
      } catch (FileSystemException e) {
        throw explained(e);
      }
      return;
    }
    if (!fs.mkdirs(dir)) throw new IOException("cannot create " + dir);
  }

  /**
   * The local disk's refusal with its reason in the message: java.nio leaves it out for the common
   * ones (an AccessDeniedException's message is just the path). The original is the cause, so that
   * a denied permission is still told apart ({@link StorageFailure#of}).
   */
  private static IOException explained(FileSystemException e) {
    String reason = e.getReason() != null ? e.getReason()
        : e instanceof AccessDeniedException ? "permission denied"
        : e instanceof NoSuchFileException ? "no such file or directory"
        : e instanceof FileAlreadyExistsException ? "already exists"
        : e instanceof DirectoryNotEmptyException ? "directory not empty"
        : e.getClass().getSimpleName();
    return new IOException(e.getFile() + (e.getOtherFile() != null ? " → " + e.getOtherFile() : "") + ": " + reason, e);
  }

  /** The path on the local disk when the file system is the local one (checksummed or raw), else null. */
  private java.nio.file.Path local(Path path) {
    FileSystem raw = fs instanceof FilterFileSystem filter ? filter.getRawFileSystem() : fs;
    return raw instanceof RawLocalFileSystem local ? local.pathToFile(fs.makeQualified(path)).toPath() : null;
  }

  /** The observer {@link #STEP_OBSERVER_PROPERTY} names, or one that does nothing. */
  @SuppressWarnings("unchecked")
  private static Consumer<String> stepObserver() {
    String name = System.getProperty(STEP_OBSERVER_PROPERTY);
    if (name == null) return step -> { };
    try {
      return (Consumer<String>) Class.forName(name, true, ClassLoader.getSystemClassLoader())
          .getDeclaredConstructor().newInstance();
    } catch (ReflectiveOperationException | ClassCastException e) {
      throw new IllegalStateException(STEP_OBSERVER_PROPERTY + " names no Consumer<String> on the class path: " + name, e);
    }
  }
}
