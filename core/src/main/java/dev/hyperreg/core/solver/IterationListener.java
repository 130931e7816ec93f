package dev.hyperreg.core.solver;

/** Told about every completed iteration, e.g. to print progress. */
@FunctionalInterface
public interface IterationListener {
  void onIteration(IterationRecord record);

  /**
   * Told about every completed iteration together with its point (what a checkpoint saves); by
   * default just {@link #onIteration}.
   */
  default void onIterate(IterationRecord record, double[] point) { onIteration(record); }

  IterationListener NONE = record -> {};
}
