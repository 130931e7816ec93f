package dev.hyperreg.core.data;

import static org.junit.jupiter.api.Assertions.assertEquals;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;

import java.util.Random;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** The dense block's Gram and sketch kernels against the rows summed one by one. */
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

  /**
   * S·diag(w)·A added into a row-major m × d matrix at an offset, against the definition: every
   * row's weighted values added to each of its s buckets with its sign, rows in order — so the
   * sums are bit-identical. Odd row counts and rows across tiles exercise the paired path's tail
   * (s = 2) and zero weights the skipped rows; s = 1 and 3 take the general path.
   */
  @ParameterizedTest(name = "s={0}")
  @ValueSource(ints = {1, 2, 3})
  void sketchRowsMatchTheDefinition(int nonzeros) {
    int rows = 37, cols = 9, slice = 5, sketchRows = nonzeros * slice, offset = 4;
    Random rnd = new Random(nonzeros);
    double[] values = new double[rows * cols];
    for (int i = 0; i < values.length; i++) values[i] = rnd.nextGaussian();
    double[] weights = new double[rows];
    for (int i = 0; i < rows; i++) weights[i] = i % 7 == 3 ? 0 : rnd.nextGaussian();
    int[] bucket = new int[nonzeros * rows];
    double[] sign = new double[nonzeros * rows];
    for (int k = 0; k < nonzeros; k++) {
      for (int i = 0; i < rows; i++) {
        bucket[k * rows + i] = k * slice + rnd.nextInt(slice);
        sign[k * rows + i] = rnd.nextBoolean() ? 0.7 : -0.7;
      }
    }
    long[] ids = new long[rows];
    for (int i = 0; i < rows; i++) ids[i] = i;
    DenseRowBlock block = new DenseRowBlock(ids, cols, values, new double[rows], null);
    double[] out = new double[offset + sketchRows * cols];
    double[] expected = new double[out.length];
    for (int i = 0; i < out.length; i++) out[i] = expected[i] = rnd.nextGaussian();
    block.addSketch(sketchRows, nonzeros, bucket, sign, weights, out, offset);
    for (int i = 0; i < rows; i++) {
      if (weights[i] == 0) continue;
      for (int k = 0; k < nonzeros; k++) {
        for (int j = 0; j < cols; j++) {
          expected[offset + bucket[k * rows + i] * cols + j] += sign[k * rows + i] * weights[i] * values[j * rows + i];
        }
      }
    }
    assertArrayEquals(expected, out);
  }
}
