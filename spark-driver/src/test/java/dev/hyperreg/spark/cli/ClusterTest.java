package dev.hyperreg.spark.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.hyperreg.core.linalg.LinearAlgebra;
import dev.hyperreg.spark.ChildJvm;
import dev.hyperreg.spark.CliRun;
import dev.hyperreg.spark.HyperregKryoRegistrator;
import dev.hyperreg.spark.SparkSubmitScript;
import dev.hyperreg.spark.io.AtomicOutput;
import dev.hyperreg.spark.io.PointFile;
import java.io.File;
import java.io.IOException;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.apache.hadoop.conf.Configuration;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;

/**
 * The job on a real multi-JVM Spark standalone cluster on loopback: a Master and a Worker started
 * by deploy/local-cluster.sh from the Maven-resolved Spark jars, the job submitted through
 * org.apache.spark.deploy.SparkSubmit with the thin jar as a user's spark-submit would, Kryo with
 * registration required. Its answer must equal the local[*] fit; it must survive losing an
 * executor mid-fit, and a killed driver must resume from its checkpoint.
 *
 * <p>Runs in the {@code cluster} Maven profile (after {@code package}, which builds the thin jar):
 * {@code mvn -B verify -Pcluster}. Every process is stopped by its own id at the end.
 */
@Tag("cluster")
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class ClusterTest {
  private static final Path ROOT = Path.of("..").toAbsolutePath().normalize();
  private static final Path STATE = ROOT.resolve("spark-driver/target/cluster-test");
  private static final Path WORK = ROOT.resolve("spark-driver/target/cluster-runs");
  private static final Pattern RESUMED = Pattern.compile("resuming from iteration (\\d+)");
  private static String masterUrl;
  private static Path data;
  private static double[] reference;
  private static final List<ChildJvm> STARTED = new ArrayList<>();

  @BeforeAll
  static void startCluster() throws Exception {
    clusterScript("stop");   // a cluster a failed earlier run may have left behind
    Files.createDirectories(WORK);
    int port;
    try (ServerSocket free = new ServerSocket(0)) {
      port = free.getLocalPort();
    }
    String out = clusterScript("start", "--workers", "1", "--cores", "2", "--memory", "3g", "--port", String.valueOf(port));
    masterUrl = out.lines().filter(l -> l.startsWith("spark://")).findFirst()
        .orElseThrow(() -> new IllegalStateException("no master URL in:\n" + out));
    Runtime.getRuntime().addShutdownHook(new Thread(() -> {
      try {
        clusterScript("stop");
      } catch (Exception ignored) {
        // best effort when the JVM goes down
      }
    }));
    data = WORK.resolve("rescaled-exp-n100000-d30.libsvm");
    if (!Files.exists(data)) {
      CliRun generated = CliRun.run("generate", "--output", data.toString(), "--rows", "100000", "--features",
          "30", "--seed", "5");
      assertEquals(0, generated.status(), generated.err());
    }
    // the reference: the same fit in local[*], in this JVM
    Path local = WORK.resolve("local");
    deleteRecursively(local);
    CliRun r = CliRun.run(fitArgs(local, "--master", "local[*]"));
    assertEquals(0, r.status(), r.err());
    reference = coefficients(local);
  }

  @AfterAll
  static void stopCluster() throws Exception {
    for (ChildJvm job : STARTED) job.close();
    List<Long> pids = recordedPids();
    clusterScript("stop");
    for (long pid : pids) {
      assertFalse(ProcessHandle.of(pid).map(ProcessHandle::isAlive).orElse(false), "process " + pid + " still alive");
    }
  }

  private static String[] fitArgs(Path output, String... extra) {
    List<String> args = new ArrayList<>(List.of("fit", "--input", data.toString(), "--reg-weight", "0.01",
        "--partitions", "4", "--seed", "3", "--tol", "1e-12", "--output", output.toString()));
    args.addAll(List.of(extra));
    return args.toArray(String[]::new);
  }

  /** What deploy/standalone/submit.sh returned and printed. */
  private record Submitted(int status, String output) {}

  /**
   * deploy/standalone/submit.sh: standalone cluster mode, the Worker runs the driver. The loopback
   * cluster's Spark home holds no jars, so driver and executors get the Spark class path as
   * extraClassPath (a real cluster's Workers have them under their SPARK_HOME).
   */
  private static Submitted submitClusterMode(Path log, String... appArgs) throws Exception {
    String sparkClasspath = Files.readString(STATE.resolve("spark-classpath.txt")).trim();
    Path home = SparkSubmitScript.create(WORK.resolve("spark-home"), ROOT, List.of(sparkClasspath));
    List<String> command = new ArrayList<>(List.of(ROOT.resolve("deploy/standalone/submit.sh").toString(),
        "--master", masterUrl, "--driver-memory", "1g",
        "--conf", "spark.driver.extraClassPath=" + sparkClasspath,
        "--conf", "spark.executor.extraClassPath=" + sparkClasspath,
        "--conf", "spark.executor.memory=1g"));
    command.addAll(List.of(appArgs));
    ProcessBuilder pb = new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(log.toFile());
    pb.environment().put("SPARK_HOME", home.toString());
    pb.environment().put("SPARK_LOCAL_IP", "127.0.0.1");
    Process p = pb.start();
    assertTrue(p.waitFor(10, TimeUnit.MINUTES), "standalone submit did not finish in 10 minutes");
    return new Submitted(p.exitValue(), Files.readString(log));
  }

  /** spark-submit, client mode (the driver is this child JVM), Kryo with registration required. */
  private static ChildJvm submit(Path log, String... appArgs) throws IOException {
    return submit(log, Map.of(), null, appArgs);
  }

  /**
   * The same, with system properties for the driver JVM and, when not null, a directory added to
   * its class path (a test seam's: its classes then load from the system class loader).
   */
  private static ChildJvm submit(Path log, Map<String, String> driverProperties, Path driverClasses, String... appArgs)
      throws IOException {
    String sparkClasspath = Files.readString(STATE.resolve("spark-classpath.txt")).trim();
    String driverClasspath = driverClasses == null ? sparkClasspath : sparkClasspath + File.pathSeparator + driverClasses;
    String jvmOptions = Files.readString(ROOT.resolve("spark-driver/target/jvm-options.txt")).trim();
    List<String> args = new ArrayList<>(List.of(
        // no --class and no --jars: the application jar names its main class and carries core and picocli
        "--master", masterUrl, "--deploy-mode", "client",
        "--conf", "spark.executor.extraClassPath=" + sparkClasspath,
        "--conf", "spark.executor.extraJavaOptions=" + jvmOptions,
        "--conf", "spark.executor.memory=1g",
        "--conf", "spark.driver.host=127.0.0.1",
        "--conf", "spark.ui.enabled=false",
        "--conf", "spark.serializer=org.apache.spark.serializer.KryoSerializer",
        "--conf", "spark.kryo.registrator=" + HyperregKryoRegistrator.class.getName(),
        "--conf", "spark.kryo.registrationRequired=true",
        thinJar().toString()));
    args.addAll(List.of(appArgs));
    Map<String, String> env = Map.of("SPARK_LOCAL_IP", "127.0.0.1", "SPARK_SCALA_VERSION", "2.13",
        "SPARK_HOME", STATE.resolve("spark-home").toString());
    Map<String, String> properties = new HashMap<>();
    properties.put("log4j.configurationFile", ROOT.resolve("conf/log4j2.properties").toString());
    properties.putAll(driverProperties);
    ChildJvm job = ChildJvm.start(log, properties, env, driverClasspath, "org.apache.spark.deploy.SparkSubmit",
        args.toArray(String[]::new));
    STARTED.add(job);
    return job;
  }

  @Test
  @Order(1)
  void clusterFitEqualsTheLocalFit() throws Exception {
    Path out = WORK.resolve("cluster");
    deleteRecursively(out);
    try (ChildJvm job = submit(WORK.resolve("cluster.log"), fitArgs(out))) {
      assertEquals(0, job.waitFor(600), job.output());
      assertTrue(job.output().contains("converged"), job.output());
    }
    assertTrue(Files.exists(out.resolve(AtomicOutput.SUCCESS_MARKER)));
    assertTrue(LinearAlgebra.relativeDistance(coefficients(out), reference) < 1e-10,
        () -> "cluster vs local: " + LinearAlgebra.relativeDistance(coefficients(out), reference));
    String worker = Files.readString(STATE.resolve("logs/worker-1.log"));
    assertTrue(worker.contains("Asked to launch executor"), "the executors ran in the worker's JVMs");
  }

  /**
   * Standalone cluster mode through deploy/standalone/submit.sh: the driver runs in the Worker,
   * with the JVM options (VectorBLAS, as in client mode) and the answer of local[*]; a failing fit
   * exits 1 (spark-submit alone would exit 0: its standalone client does for every driver state).
   */
  @Test
  @Order(4)
  void standaloneClusterModeReportsTheDriversOutcome() throws Exception {
    Path out = WORK.resolve("cluster-mode");
    deleteRecursively(out);
    Submitted ok = submitClusterMode(WORK.resolve("cluster-mode.log"), fitArgs(out));
    assertEquals(0, ok.status(), ok.output());
    assertTrue(ok.output().contains("is FINISHED"), ok.output());
    assertTrue(Files.exists(out.resolve(AtomicOutput.SUCCESS_MARKER)));
    assertTrue(LinearAlgebra.relativeDistance(coefficients(out), reference) < 1e-10,
        () -> "cluster mode vs local: " + LinearAlgebra.relativeDistance(coefficients(out), reference));
    JsonNode summary = new ObjectMapper().readTree(out.resolve("summary.json").toFile());
    assertFalse(summary.get("versions").get("blas").asText().contains("Java11BLAS"),
        "the driver ran without the JVM options: " + summary.get("versions"));

    Path bad = WORK.resolve("cluster-mode-bad");
    deleteRecursively(bad);
    Submitted failed = submitClusterMode(WORK.resolve("cluster-mode-bad.log"), "fit", "--input",
        WORK.resolve("missing.libsvm").toString(), "--output", bad.toString());
    assertEquals(1, failed.status(), "a failed driver:\n" + failed.output());
    assertTrue(failed.output().contains("is FAILED"), failed.output());
    assertFalse(Files.exists(bad), "no output for a failed fit");
  }

  @Test
  @Order(2)
  void fitSurvivesAnExecutorKilledMidFit() throws Exception {
    Path out = WORK.resolve("executor-killed");
    deleteRecursively(out);
    Path log = WORK.resolve("executor-killed.log");
    try (ChildJvm job = submit(log, fitArgs(out))) {
      awaitLine(job, log, "iteration   2:");
      ProcessHandle executor = executors().stream().findFirst()
          .orElseThrow(() -> new AssertionError("no executor JVM under the worker"));
      assertTrue(job.isAlive(), "the fit ended before the executor could be killed");
      executor.destroyForcibly();
      assertTrue(executor.onExit().get(30, TimeUnit.SECONDS) != null);
      assertEquals(0, job.waitFor(600), job.output());
      String output = job.output();
      assertTrue(output.contains("Lost executor") || output.contains("lost worker") || output.contains("removed"),
          "the driver saw the executor go: " + output);
    }
    assertTrue(LinearAlgebra.relativeDistance(coefficients(out), reference) < 1e-10,
        () -> "after losing an executor: " + LinearAlgebra.relativeDistance(coefficients(out), reference));
  }

  @Test
  @Order(3)
  void killedDriverResumesFromItsCheckpoint() throws Exception {
    Path out = WORK.resolve("driver-killed");
    Path checkpoint = WORK.resolve("checkpoint");
    deleteRecursively(out);
    deleteRecursively(checkpoint);
    Path log = WORK.resolve("driver-killed.log");
    String[] command = fitArgs(out, "--checkpoint", checkpoint.toString(), "--resume");
    try (ChildJvm job = submit(log, command)) {
      awaitLine(job, log, "iteration   3:");
      assertTrue(job.isAlive(), "the fit ended before the driver could be killed");
      job.close();   // kill -9 of the driver JVM
    }
    // the last iteration the killed driver completed: the last one it logged, or the next if it was
    // killed between saving an iterate and logging it
    Matcher logged = Pattern.compile("iteration +(\\d+):").matcher(Files.readString(log));
    int lastLogged = -1;
    while (logged.find()) lastLogged = Integer.parseInt(logged.group(1));
    assertFalse(Files.exists(out.resolve(AtomicOutput.SUCCESS_MARKER)), "no output from the killed driver");
    Path resumedLog = WORK.resolve("driver-resumed.log");
    try (ChildJvm job = submit(resumedLog, command)) {
      assertEquals(0, job.waitFor(600), job.output());
      Matcher m = RESUMED.matcher(job.output());
      assertTrue(m.find(), "the rerun resumed: " + job.output());
      int resumedFrom = Integer.parseInt(m.group(1));
      assertTrue(resumedFrom >= 3 && (resumedFrom == lastLogged || resumedFrom == lastLogged + 1),
          "resumed from iteration " + resumedFrom + ", the killed driver last logged " + lastLogged);
    }
    JsonNode summary = new ObjectMapper().readTree(out.resolve("summary.json").toFile());
    assertTrue(summary.get("resumedFromIteration").asInt() >= 3);
    assertTrue(LinearAlgebra.relativeDistance(coefficients(out), reference) < 1e-10,
        () -> "after resuming: " + LinearAlgebra.relativeDistance(coefficients(out), reference));
  }

  /**
   * A driver killed (kill -9) while it commits its output over an existing one, at each step of
   * the commit ({@link PauseCommitAt} holds it there until it is killed): right after
   * the kill the output directory is the old output or the new one, whole, never a mix — or, killed
   * between the two renames, absent with the old output whole beside it; and the next run writing
   * there (here one without --overwrite, which then refuses) finds the old output back in place
   * (or the new one, once it was in place), never nothing.
   */
  @Test
  @Order(5)
  void driverKilledWhileCommittingLeavesTheOldOutputOrTheNewWhole() throws Exception {
    Path small = WORK.resolve("plain-exp-n2000-d5.libsvm");
    if (!Files.exists(small)) {
      CliRun generated = CliRun.run("generate", "--output", small.toString(), "--objective", "plain", "--rows", "2000",
          "--features", "5", "--seed", "9");
      assertEquals(0, generated.status(), generated.err());
    }
    Path models = WORK.resolve("commit-killed");
    Path out = models.resolve("daily");
    List<String> fit = List.of("fit", "--input", small.toString(), "--objective", "plain", "--link", "exp",
        "--partitions", "2", "--output", out.toString());
    // the new output, as a run that is not killed writes it (its coefficients; summary.json has timings)
    Path reference = WORK.resolve("commit-reference");
    deleteRecursively(reference);
    CliRun expected = CliRun.run(concat(fit.subList(0, fit.size() - 1), reference.toString(), "--master", "local[*]"));
    assertEquals(0, expected.status(), expected.err());
    double[] newCoefficients = coefficients(reference);

    for (String step : List.of("filled", "aside", "placed")) {
      deleteRecursively(models);
      // the old output: the same fit stopped after one iteration (status 3, no _SUCCESS)
      CliRun old = CliRun.run(concat(fit, "--max-iter", "1", "--master", "local[*]"));
      assertEquals(3, old.status(), old.err());
      Map<String, String> oldFiles = files(out);
      Path log = WORK.resolve("commit-killed-" + step + ".log");
      try (ChildJvm job = submit(log, PauseCommitAt.driverProperties(step), ROOT.resolve("spark-driver/target/test-classes"),
          concat(fit, "--overwrite"))) {
        awaitLine(job, log, "commit paused at " + step);
        assertTrue(job.isAlive());
        job.close();   // kill -9 of the driver JVM, in the middle of the commit
      }
      // right after the kill
      List<Path> hidden = hiddenSiblings(models);
      if (Files.exists(out)) {
        boolean isOld = files(out).equals(oldFiles);
        boolean isNew = !isOld && Files.exists(out.resolve(AtomicOutput.SUCCESS_MARKER))
            && LinearAlgebra.relativeDistance(coefficients(out), newCoefficients) < 1e-10;
        assertTrue(isOld || isNew, step + ": the output is the old one or the new one, whole: " + files(out));
      } else {
        assertTrue(hidden.stream().anyMatch(h -> files(h).equals(oldFiles)),
            step + ": killed between the renames, the old output is whole beside it: " + hidden);
      }
      // the next writer
      CliRun next = CliRun.run(concat(fit, "--master", "local[*]"));
      assertEquals(2, next.status(), step + ": " + next.err());
      assertTrue(next.err().contains("already exists"), next.err());
      if (step.equals("placed")) {
        assertTrue(Files.exists(out.resolve(AtomicOutput.SUCCESS_MARKER)), "the new output stays");
        assertTrue(LinearAlgebra.relativeDistance(coefficients(out), newCoefficients) < 1e-10);
      } else {
        assertEquals(oldFiles, files(out), step + ": the old output is back, whole");
      }
      // nothing of an old output is left beside it (a complete temporary directory of a run killed
      // before it moved anything may stay: the next writer cannot tell it from a running one's)
      for (Path h : hiddenSiblings(models)) {
        assertTrue(h.getFileName().toString().startsWith(".daily.tmp-") && step.equals("filled"),
            step + ": left beside the output: " + h);
      }
    }
  }

  private static String[] concat(List<String> args, String... more) {
    List<String> all = new ArrayList<>(args);
    all.addAll(List.of(more));
    return all.toArray(String[]::new);
  }

  /** File name → content of an output directory. */
  private static Map<String, String> files(Path dir) {
    try (Stream<Path> files = Files.list(dir)) {
      Map<String, String> m = new java.util.TreeMap<>();
      for (Path f : files.toList()) m.put(f.getFileName().toString(), Files.readString(f));
      return m;
    } catch (IOException e) {
      throw new IllegalStateException(e);
    }
  }

  private static List<Path> hiddenSiblings(Path dir) throws IOException {
    try (Stream<Path> files = Files.list(dir)) {
      return files.filter(f -> f.getFileName().toString().startsWith(".")).toList();
    }
  }

  // ---- helpers ----

  private static String clusterScript(String... args) throws IOException, InterruptedException {
    List<String> command = new ArrayList<>();
    command.add(ROOT.resolve("deploy/local-cluster.sh").toString());
    command.addAll(List.of(args));
    Files.createDirectories(WORK);
    Path log = WORK.resolve("local-cluster-" + args[0] + ".log");
    ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(log.toFile());
    builder.environment().put("HYPERREG_CLUSTER_DIR", STATE.toString());
    Process p = builder.start();
    boolean ended = p.waitFor(120, TimeUnit.SECONDS);
    String out = Files.readString(log);
    if (!ended) {
      p.destroyForcibly();
      throw new IllegalStateException("local-cluster.sh " + String.join(" ", args) + " hung:\n" + out);
    }
    if (args[0].equals("start") && p.exitValue() != 0) {
      throw new IllegalStateException("local-cluster.sh start failed:\n" + out);
    }
    return out;
  }

  private static List<Long> recordedPids() throws IOException {
    Path pids = STATE.resolve("pids");
    if (!Files.isDirectory(pids)) return List.of();
    try (Stream<Path> files = Files.list(pids)) {
      return files.map(f -> {
        try {
          return Long.parseLong(Files.readString(f).trim());
        } catch (IOException e) {
          throw new IllegalStateException(e);
        }
      }).toList();
    }
  }

  /** The executor JVMs the worker launched (its child processes running CoarseGrainedExecutorBackend). */
  private static List<ProcessHandle> executors() throws IOException {
    long worker = Long.parseLong(Files.readString(STATE.resolve("pids/worker-1.pid")).trim());
    // ProcessHandle.Info cuts long command lines (the classpath comes first): read /proc (Linux) instead
    return ProcessHandle.of(worker).orElseThrow().descendants().filter(p -> {
      try {
        return Files.readString(Path.of("/proc", String.valueOf(p.pid()), "cmdline"), StandardCharsets.ISO_8859_1)
            .contains("CoarseGrainedExecutorBackend");
      } catch (IOException e) {
        return false;   // gone already
      }
    }).toList();
  }

  /** Waits until the job's log holds the line (a progress line of the driver). */
  private static void awaitLine(ChildJvm job, Path log, String text) throws Exception {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(300);
    while (System.nanoTime() < deadline) {
      if (Files.exists(log) && Files.readString(log).contains(text)) return;
      if (!job.isAlive()) throw new AssertionError("the job ended before '" + text + "':\n" + job.output());
      Thread.sleep(20);
    }
    throw new AssertionError("no '" + text + "' after 300 s:\n" + job.output());
  }

  private static Path thinJar() throws IOException { return jar(ROOT.resolve("spark-driver/target"), "hyperreg-spark-"); }


  private static Path jar(Path dir, String prefix) throws IOException {
    try (Stream<Path> files = Files.list(dir)) {
      Optional<Path> jar = files.filter(f -> {
        String n = f.getFileName().toString();
        return n.startsWith(prefix) && n.endsWith(".jar") && !n.endsWith("-sources.jar") && !n.endsWith("-tests.jar");
      }).findFirst();
      return jar.orElseThrow(() -> new IllegalStateException("no " + prefix + "*.jar in " + dir
          + ": the cluster suite runs after package (mvn -B verify -Pcluster)"));
    }
  }

  private static double[] coefficients(Path fit) {
    return PointFile.read(fit.resolve("coefficients.txt").toString(), new Configuration());
  }

  private static void deleteRecursively(Path path) throws IOException {
    if (!Files.exists(path)) return;
    try (Stream<Path> files = Files.walk(path)) {
      files.sorted(java.util.Comparator.reverseOrder()).map(Path::toFile).forEach(File::delete);
    }
  }
}
