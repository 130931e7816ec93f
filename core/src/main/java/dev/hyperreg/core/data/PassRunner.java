package dev.hyperreg.core.data;

import java.io.Serializable;

/** Runs one pass over every row block of a dataset: the in-memory list or a cached Spark RDD. */
public interface PassRunner {
  /**
   * Folds every block into one accumulator.
   *
   * @param description what the pass is for, shown in logs and the Spark UI ("iteration 3, trial 1")
   */
  <A extends Serializable> A aggregate(BlockAggregator<A> aggregator, String description);
}
