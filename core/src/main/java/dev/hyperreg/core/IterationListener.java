package dev.hyperreg.core;

/** Told about every completed iteration, e.g. to print progress. */
@FunctionalInterface
public interface IterationListener {
  void onIteration(IterationRecord record);

  IterationListener NONE = record -> {};
}
