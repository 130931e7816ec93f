package dev.hyperreg.core.sketch;

import java.io.Serializable;
import java.util.Arrays;

/**
 * The {@code capacity} rows with the largest keys seen so far, each with its d values and a few
 * numbers of its own. Ties go to the smaller row id, so merging the sets of any split of the rows
 * gives the same rows as one pass over all of them: the top of a union is within the union of
 * the tops. Both {@link HeavyRows} (key: a row's mass) and {@link PrioritySample} (key: its
 * priority) are this selection.
 */
final class TopRows implements Serializable {
  private static final long serialVersionUID = 1L;

  final int capacity;
  final int dim;
  /** Numbers kept per row besides its values. */
  final int extras;
  long[] ids = new long[0];
  double[] keys = new double[0];
  /** Row t's numbers at [t·extras, (t + 1)·extras). */
  double[] numbers = new double[0];
  /** Row t's values at [t·dim, (t + 1)·dim). */
  double[] rows = new double[0];
  int count;
  private int lightest = -1;

  TopRows(int capacity, int dim, int extras) {
    this.capacity = capacity;
    this.dim = dim;
    this.extras = extras;
  }

  /**
   * Makes room for a row when it is among the top (a free slot, else the lightest one's), records
   * its id and key, zeroes its values and returns its slot, whose numbers the caller then writes;
   * −1 when the row's key is below all kept ones.
   */
  int offer(long id, double key) {
    int slot;
    if (count < capacity) {
      slot = count++;
      grow(count);
    } else if (capacity > 0 && above(key, id, keys[lightest], ids[lightest])) {
      slot = lightest;
    } else {
      return -1;
    }
    ids[slot] = id;
    keys[slot] = key;
    Arrays.fill(rows, slot * dim, (slot + 1) * dim, 0);
    lightest = lightestSlot();
    return slot;
  }

  /** Keeps the top of both sets. */
  void merge(TopRows other) {
    for (int t = 0; t < other.count; t++) {
      int slot = offer(other.ids[t], other.keys[t]);
      if (slot < 0) continue;
      System.arraycopy(other.numbers, t * extras, numbers, slot * extras, extras);
      System.arraycopy(other.rows, t * dim, rows, slot * dim, dim);
    }
  }

  /** The slots in row-id order: what makes results built from the set independent of partitioning. */
  int[] slotsById() {
    return java.util.stream.IntStream.range(0, count).boxed()
        .sorted((a, b) -> Long.compare(ids[a], ids[b])).mapToInt(Integer::intValue).toArray();
  }

  /** The slot of the smallest key once the set is full (else −1). */
  int lightestSlot() {
    if (count < capacity) return -1;
    int min = 0;
    for (int t = 1; t < count; t++) if (above(keys[min], ids[min], keys[t], ids[t])) min = t;
    return min;
  }

  private static boolean above(double key, long id, double otherKey, long otherId) {
    return key > otherKey || (key == otherKey && id < otherId);
  }

  private void grow(int size) {
    if (ids.length >= size) return;
    int n = Math.min(capacity, Math.max(size, 2 * ids.length));
    ids = Arrays.copyOf(ids, n);
    keys = Arrays.copyOf(keys, n);
    numbers = Arrays.copyOf(numbers, n * extras);
    rows = Arrays.copyOf(rows, n * dim);
  }
}
