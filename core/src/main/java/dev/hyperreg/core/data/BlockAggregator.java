package dev.hyperreg.core.data;

import java.io.Serializable;

/**
 * A fold over all row blocks: {@code merge(add(add(zero(), b1), b2), …)} in any grouping. Spark runs
 * it as one treeAggregate; {@link InMemoryPassRunner} as a loop. The aggregator itself (with the
 * point x inside) is what gets broadcast to the executors.
 */
public interface BlockAggregator<A extends Serializable> extends Serializable {
  A zero();

  A add(A accumulator, RowBlock block);

  A merge(A left, A right);
}
