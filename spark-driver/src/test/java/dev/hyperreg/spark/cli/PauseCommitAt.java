package dev.hyperreg.spark.cli;

import dev.hyperreg.spark.io.AtomicOutput;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;

/**
 * Holds a driver at one step of its output commit ({@link AtomicOutput#STEP_OBSERVER_PROPERTY}) so
 * that {@link ClusterTest} can kill it there: at the step {@value #STEP_PROPERTY} names it prints
 * "commit paused at STEP" and sleeps for ten minutes. It loads in the driver's system class loader,
 * so it uses the JDK alone.
 */
public final class PauseCommitAt implements Consumer<String> {
  static final String STEP_PROPERTY = "hyperreg.test.pauseCommitAt";

  /** The driver's system properties that pause its commit at the step. */
  static Map<String, String> driverProperties(String step) {
    return Map.of(AtomicOutput.STEP_OBSERVER_PROPERTY, PauseCommitAt.class.getName(), STEP_PROPERTY, step);
  }

  @Override public void accept(String step) {
    if (!step.equals(System.getProperty(STEP_PROPERTY))) return;
    System.err.println("commit paused at " + step + " (" + STEP_PROPERTY + " is set: a test waits to kill this driver here)");
    System.err.flush();
    try {
      TimeUnit.MINUTES.sleep(10);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
