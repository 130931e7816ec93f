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
  /**
   * The slots as a binary min-heap by (key, then larger id): the lightest kept row is heap[0], so
   * an offer costs O(log capacity) instead of a scan of every slot.
   */
  private int[] heap = new int[0];

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
      ids[slot] = id;
      keys[slot] = key;
      heap[slot] = slot;
      siftUp(slot);
    } else if (capacity > 0 && above(key, id, keys[heap[0]], ids[heap[0]])) {
      slot = heap[0];
      ids[slot] = id;
      keys[slot] = key;
      siftDown(0);
    } else {
      return -1;
    }
    Arrays.fill(rows, slot * dim, (slot + 1) * dim, 0);
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
  int lightestSlot() { return count < capacity ? -1 : heap[0]; }

  private static boolean above(double key, long id, double otherKey, long otherId) {
    return key > otherKey || (key == otherKey && id < otherId);
  }

  /** Whether the slot at heap position a ranks above the one at b. */
  private boolean heapAbove(int a, int b) { return above(keys[heap[a]], ids[heap[a]], keys[heap[b]], ids[heap[b]]); }

  private void siftUp(int position) {
    while (position > 0) {
      int parent = (position - 1) / 2;
      if (!heapAbove(parent, position)) return;
      swap(parent, position);
      position = parent;
    }
  }

  private void siftDown(int position) {
    while (true) {
      int lightest = position;
      for (int child = 2 * position + 1; child <= 2 * position + 2 && child < count; child++) {
        if (heapAbove(lightest, child)) lightest = child;
      }
      if (lightest == position) return;
      swap(lightest, position);
      position = lightest;
    }
  }

  private void swap(int a, int b) {
    int t = heap[a];
    heap[a] = heap[b];
    heap[b] = t;
  }

  private void grow(int size) {
    if (ids.length >= size) return;
    int n = Math.min(capacity, Math.max(size, 2 * ids.length));
    ids = Arrays.copyOf(ids, n);
    keys = Arrays.copyOf(keys, n);
    heap = Arrays.copyOf(heap, n);
    numbers = Arrays.copyOf(numbers, n * extras);
    rows = Arrays.copyOf(rows, n * dim);
  }
}
