package dev.hyperreg.core.data;

import java.io.Serializable;

/**
 * A fold over a dataset and a shifted copy of it with the same rows, block by block: the two blocks
 * handed to {@link #add} hold the same rows (ids, order, width) before and after the shift.
 */
public interface PairAggregator<A extends Serializable> extends Serializable {
  A zero();

  A add(A accumulator, RowBlock original, RowBlock shifted);

  A merge(A left, A right);
}
