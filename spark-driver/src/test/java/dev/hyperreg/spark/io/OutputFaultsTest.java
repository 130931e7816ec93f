package dev.hyperreg.spark.io;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.hyperreg.spark.CliRun;
import dev.hyperreg.spark.InputFormatException;
import dev.hyperreg.spark.SparkTestSession;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.apache.hadoop.conf.Configuration;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The output commit when the file system refuses it (issue 15): the previous output must stay in
 * place and whole, nothing else may be left behind, and the job must exit non-zero saying why.
 *
 * <p>The refusals are real ones of the local disk. A directory is made to refuse changes to its
 * entries with chmod a−w for a normal user; root ignores permissions, so as root (these tests' CI
 * runs as root) with {@code chattr +i} instead (the immutable flag, which binds root too). A mount
 * point (which cannot be renamed: "Device or resource busy") needs root and mount; a test whose
 * refusal this machine cannot make is skipped by an assumption, never passed vacuously.
 */
class OutputFaultsTest {
  @TempDir Path dir;

  private static final String SUMMARY = "{\"old\": true}\n", COEFFICIENTS = "1.5\n-2.5\n";

  /** An output as a fit leaves it: summary, coefficients, _SUCCESS. */
  private Path oldOutput(Path out) {
    AtomicOutput first = new AtomicOutput(out.toString(), new Configuration(), false);
    first.add("summary.json", SUMMARY);
    first.add("coefficients.txt", COEFFICIENTS);
    first.commit(true);
    return out;
  }

  private static void assertOldOutputWhole(Path out) throws IOException {
    assertEquals(Map.of("summary.json", SUMMARY, "coefficients.txt", COEFFICIENTS, AtomicOutput.SUCCESS_MARKER, ""),
        contents(out), "the old output, in place and whole");
  }

  /** File name → content of a directory's files. */
  private static Map<String, String> contents(Path d) throws IOException {
    Map<String, String> m = new TreeMap<>();
    try (Stream<Path> files = Files.list(d)) {
      for (Path f : files.toList()) m.put(f.getFileName().toString(), Files.readString(f));
    }
    return m;
  }

  private static List<String> names(Path d) throws IOException {
    try (Stream<Path> files = Files.list(d)) {
      return files.map(f -> f.getFileName().toString()).sorted().toList();
    }
  }

  private static AtomicOutput replacement(Path out) {
    AtomicOutput second = new AtomicOutput(out.toString(), new Configuration(), true);
    second.add("summary.json", "{\"new\": true}\n");
    second.add("coefficients.txt", "7\n8\n");
    return second;
  }

  // ---- faults of the local disk ----

  private static boolean root() throws IOException {
    Path probe = Files.createTempFile("uid", "");
    try {
      return ((Integer) Files.getAttribute(probe, "unix:uid")) == 0;
    } finally {
      Files.delete(probe);
    }
  }

  private static int run(String... command) throws IOException, InterruptedException {
    Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
    p.getInputStream().readAllBytes();
    if (!p.waitFor(60, TimeUnit.SECONDS)) {
      p.destroyForcibly();
      return -1;
    }
    return p.exitValue();
  }

  /** Undoes a fault. */
  private interface Fault extends AutoCloseable {
    @Override void close() throws IOException, InterruptedException;
  }

  /**
   * Makes d refuse creating, renaming and deleting its entries: chmod a−w as a normal user,
   * chattr +i as root (skipped where neither works).
   */
  private static Fault frozen(Path d) throws IOException, InterruptedException {
    if (!root()) {
      run("chmod", "a-w", d.toString());
      return () -> run("chmod", "u+w", d.toString());
    }
    Assumptions.assumeTrue(run("chattr", "+i", d.toString()) == 0,
        "running as root, where only chattr +i makes a directory refuse changes, and chattr is not possible here");
    return () -> run("chattr", "-i", d.toString());
  }

  /** Makes d a mount point (bind-mounted on itself), which no rename can move (root only; else skipped). */
  private static Fault mountPoint(Path d) throws IOException, InterruptedException {
    Assumptions.assumeTrue(root() && run("mount", "--bind", d.toString(), d.toString()) == 0,
        "making a mount point needs root and mount");
    return () -> run("umount", d.toString());
  }

  // ---- the commit ----

  /**
   * The old output is a mount point (a volume mounted at the output path, as on Kubernetes). Hadoop's
   * local rename, refused, falls back to copying each file into the hidden sibling and deleting it
   * from the old one: the old output ended empty while the job said it could not move it aside.
   * Now the commit fails with the disk's reason and the old output is untouched.
   */
  @Test
  void anOldOutputThatCannotBeRenamedIsNotEmptiedIntoAHiddenCopy() throws Exception {
    Path parent = Files.createDirectories(dir.resolve("models"));
    Path out = oldOutput(parent.resolve("daily"));
    RuntimeException e;
    try (Fault busy = mountPoint(out)) {
      e = assertThrows(RuntimeException.class, () -> replacement(out).commit(true));
      assertOldOutputWhole(out);
    }
    assertOldOutputWhole(out);
    assertEquals(List.of("daily"), names(parent), "nothing left beside it");
    assertTrue(e.getMessage().contains("cannot move the old output " + out + " aside"), e.getMessage());
    assertTrue(e.getMessage().contains("busy"), "the disk's reason: " + e.getMessage());
  }

  /** The old output directory refuses to be moved (immutable as root, its parent read-only otherwise). */
  @Test
  void anOldOutputThatCannotBeMovedStaysWholeWithNothingBesideIt() throws Exception {
    Path parent = Files.createDirectories(dir.resolve("models"));
    Path out = oldOutput(parent.resolve("daily"));
    RuntimeException e;
    try (Fault frozen = frozen(root() ? out : parent)) {
      e = assertThrows(RuntimeException.class, () -> replacement(out).commit(true));
      assertOldOutputWhole(out);
    }
    assertOldOutputWhole(out);
    assertEquals(List.of("daily"), names(parent), "no copy of the old output, no temporary directory");
    assertTrue(e.getMessage().startsWith("cannot write --output " + out), e.getMessage());
    assertTrue(e.getMessage().contains("not permitted") || e.getMessage().contains("denied"),
        "the disk's reason: " + e.getMessage());
  }

  /**
   * The new output is in place but the old one, set aside, cannot be deleted (a file in it is
   * immutable; root only): the commit has happened, so it succeeds — the job used to fail with a
   * storage error (status 1: "nothing written") while the new output was in fact in place — and the
   * next writer deletes the leftover once it can.
   */
  @Test
  void anOldOutputThatCannotBeDeletedAfterTheSwapDoesNotFailTheCommit() throws Exception {
    Assumptions.assumeTrue(root(), "needs root (chattr +i on a file)");
    Path parent = Files.createDirectories(dir.resolve("models"));
    Path out = oldOutput(parent.resolve("daily"));
    Assumptions.assumeTrue(run("chattr", "+i", out.resolve("coefficients.txt").toString()) == 0, "chattr +i");
    try {
      replacement(out).commit(true);
      assertEquals("7\n8\n", Files.readString(out.resolve("coefficients.txt")), "the new output is in place");
      assertTrue(Files.exists(out.resolve(AtomicOutput.SUCCESS_MARKER)));
      assertEquals(2, names(parent).size(), "the old output's remains, set aside: " + names(parent));
    } finally {
      // wherever the immutable file went, so that the temporary directory can be deleted
      try (Stream<Path> files = Files.walk(parent)) {
        for (Path f : files.filter(f -> f.getFileName().toString().equals("coefficients.txt")).toList()) {
          run("chattr", "-i", f.toString());
        }
      }
    }
    new AtomicOutput(out.toString(), new Configuration(), true).checkWritable();
    assertEquals(List.of("daily"), names(parent), "the next writer removed them");
  }

  /**
   * What a driver killed between the commit's two renames leaves: no output, the old one set aside
   * whole, the new one complete in its temporary directory. The next run writing there puts the old
   * one back before anything else (here one without --overwrite, which then refuses): never
   * nothing where there was an output. Killed after the second rename (the new output in place),
   * the set-aside old one is what the next run deletes.
   */
  @Test
  void anInterruptedCommitIsRepairedByTheNextWriter() throws Exception {
    Path parent = Files.createDirectories(dir.resolve("models"));
    Path out = oldOutput(parent.resolve("daily"));
    String id = "0b1e9d1c-interrupted";
    Path aside = parent.resolve(".daily.old-" + id);
    Path temporary = parent.resolve(".daily.tmp-" + id);
    Files.move(out, aside);
    Files.createDirectories(temporary);
    Files.writeString(temporary.resolve("summary.json"), "{\"new\": true}\n");

    InputFormatException refused = assertThrows(InputFormatException.class,
        () -> new AtomicOutput(out.toString(), new Configuration(), false).checkWritable());
    assertTrue(refused.getMessage().contains("already exists"), refused.getMessage());
    assertOldOutputWhole(out);
    assertEquals(List.of("daily"), names(parent));

    // killed once the new output was in place: the new one stays, the old one goes
    Files.move(out, aside);
    Files.createDirectories(out);
    Files.writeString(out.resolve("summary.json"), "{\"new\": true}\n");
    new AtomicOutput(out.toString(), new Configuration(), true).checkWritable();
    assertEquals(Map.of("summary.json", "{\"new\": true}\n"), contents(out));
    assertEquals(List.of("daily"), names(parent));
  }

  /**
   * A fit whose output directory's parent refuses changes (read-only for a normal user, immutable
   * for root) when it commits, as a user runs it: status non-zero, a message naming the output and
   * the disk's reason, the old output in place and whole, nothing beside it. (The job touches the
   * parent only when it commits, so the refusal may as well be there from the start.)
   */
  @Test
  void aFitThatCannotCommitExitsNonZeroAndKeepsTheOldOutput() throws Exception {
    SparkTestSession.get();
    Path parent = Files.createDirectories(dir.resolve("models"));
    Path out = oldOutput(parent.resolve("daily"));
    CliRun r;
    try (Fault frozen = frozen(parent)) {
      List<String> args = new ArrayList<>(List.of("fit", "--input", Path.of("..", "test-data", "plain-exp.libsvm")
          .toString(), "--objective", "plain", "--link", "exp", "--output", out.toString(), "--overwrite"));
      r = CliRun.run(args.toArray(String[]::new));
      assertOldOutputWhole(out);
    }
    assertNotEquals(0, r.status(), r.err());
    assertTrue(r.err().contains("cannot write --output " + out), r.err());
    assertTrue(r.err().contains("not permitted") || r.err().contains("denied"), "the disk's reason: " + r.err());
    assertOldOutputWhole(out);
    assertEquals(List.of("daily"), names(parent));
    assertFalse(r.err().contains("internal error"), r.err());
  }
}
