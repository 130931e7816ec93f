package dev.hyperreg.core.data;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.Random;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** The dense block's Gram kernel against the rows summed one by one. */
class DenseRowBlockTest {

  /** Widths on both sides of the panelled (upper-triangle) path, weights of both signs, two at once. */
  @ParameterizedTest(name = "cols={0}")
  @ValueSource(ints = {7, 128, 129, 200})
  void weightedGramsMatchTheRowsOnTheUpperTriangle(int cols) {
    int rows = 40, count = 2;
    Random rnd = new Random(cols);
    double[] values = new double[rows * cols];
    for (int i = 0; i < values.length; i++) values[i] = rnd.nextGaussian();
    double[] weights = new double[count * rows];
    for (int i = 0; i < weights.length; i++) weights[i] = rnd.nextGaussian();
    long[] ids = new long[rows];
    for (int i = 0; i < rows; i++) ids[i] = i;
    DenseRowBlock block = new DenseRowBlock(ids, cols, values, new double[rows], null);
    double[] out = new double[count * cols * cols];
    block.addWeightedGrams(weights, count, out, 0);
    for (int k = 0; k < count; k++) {
      for (int col = 0; col < cols; col++) {
        for (int row = 0; row <= col; row++) {
          double expected = 0;
          for (int i = 0; i < rows; i++) expected += weights[k * rows + i] * values[row * rows + i] * values[col * rows + i];
          assertEquals(expected, out[k * cols * cols + col * cols + row], 1e-12 * rows,
              "matrix " + k + " entry (" + row + ", " + col + ")");
        }
      }
    }
  }
}
