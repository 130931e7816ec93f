package dev.hyperreg.core.sketch;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.Arrays;
import java.util.Comparator;
import java.util.Random;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;

/** The top-k selection against a full sort, for one set and for sets merged from any split. */
class TopRowsTest {

  @Test
  void keepsTheLargestKeysWithTiesToTheSmallerIdWhateverTheSplit() {
    int n = 2000, capacity = 37;
    Random rnd = new Random(3);
    // few distinct keys, so that ties are common
    double[] keys = new double[n];
    for (int i = 0; i < n; i++) keys[i] = rnd.nextInt(50);
    long[] expected = IntStream.range(0, n).boxed()
        .sorted(Comparator.<Integer>comparingDouble(i -> -keys[i]).thenComparingInt(i -> i))
        .limit(capacity).mapToLong(Integer::longValue).sorted().toArray();
    for (int parts : new int[] {1, 3, 16}) {
      TopRows all = new TopRows(capacity, 1, 1);
      for (int part = 0; part < parts; part++) {
        TopRows piece = new TopRows(capacity, 1, 1);
        for (int i = part; i < n; i += parts) {
          int slot = piece.offer(i, keys[i]);
          if (slot >= 0) {
            piece.numbers[slot] = -i;
            piece.rows[slot] = 10 * i;
          }
        }
        all.merge(piece);
      }
      long[] kept = Arrays.stream(all.slotsById()).mapToLong(slot -> all.ids[slot]).toArray();
      assertArrayEquals(expected, kept, parts + " parts");
      for (int slot = 0; slot < all.count; slot++) {
        assertEquals(-all.ids[slot], all.numbers[slot], "numbers travel with their row");
        assertEquals(10 * all.ids[slot], all.rows[slot], "values travel with their row");
      }
      int lightest = all.lightestSlot();
      assertEquals(minimum(all), lightest, "the lightest kept row");
    }
  }

  /** The slot of the smallest (key, larger id) by a scan: what the heap's root must be. */
  private static int minimum(TopRows rows) {
    int min = 0;
    for (int t = 1; t < rows.count; t++) {
      if (rows.keys[t] < rows.keys[min] || (rows.keys[t] == rows.keys[min] && rows.ids[t] > rows.ids[min])) min = t;
    }
    return min;
  }
}
