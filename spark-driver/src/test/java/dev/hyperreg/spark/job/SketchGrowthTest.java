package dev.hyperreg.spark.job;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.hyperreg.core.solver.SketchedHessian;
import org.junit.jupiter.api.Test;

/**
 * The sketch may grow only as far as the driver holds it: the driver's memory check covers the
 * largest sketch the solver can reach, not just the first one.
 */
class SketchGrowthTest {
  private static final int D = 100;
  private static final long M = SketchedHessian.rowsFor(D, null);

  /** Heap in which the sketch's rows (3·1.125 d-vectors each) and ten d × d matrices fill 80%. */
  private static long heapFor(long sketchRows) {
    return (long) ((sketchRows * 8.0 * D * 3.375 + 10 * 8.0 * D * D) / 0.8);
  }

  @Test
  void aRoomyDriverLetsTheSketchGrowEightTimes() {
    assertEquals(SketchedHessian.MAX_GROWTH * M, DriverLimits.largestSketchRows(Solver.SKETCH, D, null, 64L << 30));
  }

  @Test
  void aSmallDriverCapsTheGrowthAtWhatItHolds() {
    long rows = DriverLimits.largestSketchRows(Solver.SKETCH, D, null, heapFor(3 * M));
    assertTrue(rows >= 3 * M - 1 && rows <= 3 * M, "rows " + rows + " for a heap holding " + 3 * M);
    // the sample holds 4 d-vectors per row, so the same heap holds fewer of its rows
    assertTrue(DriverLimits.largestSketchRows(Solver.SAMPLE, D, null, heapFor(3 * M)) < rows);
  }

  @Test
  void theInitialSketchIsNeverCut() {
    assertEquals(M, DriverLimits.largestSketchRows(Solver.SKETCH, D, null, heapFor(M / 2)));
  }
}
