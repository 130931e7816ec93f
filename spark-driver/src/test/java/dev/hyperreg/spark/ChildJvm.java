package dev.hyperreg.spark;

import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * A Java main started in a separate JVM with this test JVM's classpath and module options (the
 * add-opens Spark needs), output to a log file. Every process is destroyed by its own handle.
 */
public final class ChildJvm implements AutoCloseable {
  private final Process process;
  private final Path log;

  private ChildJvm(Process process, Path log) {
    this.process = process;
    this.log = log;
  }

  /**
   * @param systemProperties -D settings for the child (spark.* ones are read by SparkConf)
   * @param environment extra environment variables
   */
  public static ChildJvm start(Path log, Map<String, String> systemProperties, Map<String, String> environment,
      String classpath, String mainClass, String... args) throws IOException {
    List<String> command = new ArrayList<>();
    command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
    for (String option : ManagementFactory.getRuntimeMXBean().getInputArguments()) {
      // the module and netty options of the surefire JVM; not its heap, agent or debugger settings
      if (option.startsWith("--add-") || option.startsWith("-Dio.netty") || option.startsWith("--enable-native")
          || option.startsWith("--sun-misc") || option.startsWith("-XX:+IgnoreUnrecognized")) {
        command.add(option);
      }
    }
    command.add("-Xmx2g");
    systemProperties.forEach((k, v) -> command.add("-D" + k + "=" + v));
    command.add("-cp");
    command.add(classpath);
    command.add(mainClass);
    command.addAll(List.of(args));
    ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(log.toFile());
    builder.environment().putAll(environment);
    return new ChildJvm(builder.start(), log);
  }

  /** This JVM's classpath (test classes, main classes and every dependency, provided ones included). */
  public static String testClasspath() { return System.getProperty("java.class.path"); }

  public long pid() { return process.pid(); }

  public boolean isAlive() { return process.isAlive(); }

  /** Waits for the exit status; destroys the process and fails after the timeout. */
  public int waitFor(long seconds) throws InterruptedException, IOException {
    if (!process.waitFor(seconds, TimeUnit.SECONDS)) {
      close();
      throw new IllegalStateException("still running after " + seconds + " s; log:\n" + output());
    }
    return process.exitValue();
  }

  public String output() throws IOException { return Files.exists(log) ? Files.readString(log) : ""; }

  /** Kills the process (and its children) by its own handle. */
  @Override public void close() {
    process.descendants().forEach(ProcessHandle::destroyForcibly);
    process.destroyForcibly();
    try {
      process.waitFor(30, TimeUnit.SECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
