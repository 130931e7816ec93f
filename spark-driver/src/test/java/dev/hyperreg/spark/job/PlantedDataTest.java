package dev.hyperreg.spark.job;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.hyperreg.core.objective.Link;
import dev.hyperreg.core.objective.ObjectiveKind;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The one planted-data generator: generate's bytes as bundled, and the distributions it documents. */
class PlantedDataTest {
  private static final Path DATA = Path.of("..", "test-data");

  @TempDir Path dir;

  /** test-data/make.sh's commands give the bundled files byte for byte (dense, softmax and sparse rows). */
  @Test
  void generateWritesTheBundledDataAgain() throws Exception {
    check("rescaled-exp.libsvm", ObjectiveKind.RESCALED, Link.EXP, 1000, 6, 1, 1);
    check("softmax.libsvm", ObjectiveKind.SOFTMAX, Link.EXP, 1000, 6, 1, 6);
    check("plain-sinh-sparse.libsvm", ObjectiveKind.PLAIN, Link.SINH, 2000, 60, 0.05, 7);
  }

  private void check(String name, ObjectiveKind kind, Link link, int rows, int features, double density, long seed)
      throws Exception {
    Path file = dir.resolve(name);
    DataGenerator.write(file, kind, link, rows, features, density, 0.5, 0.05, seed);
    assertEquals(Files.readString(DATA.resolve(name)), Files.readString(file), name);
    assertEquals(Files.readString(DATA.resolve(name + ".truth")), Files.readString(dir.resolve(name + ".truth")));
  }

  /** Rows have about density·d non-zeros and a·x* the spread of x* — also when rows jump between non-zeros. */
  @Test
  void rowsHaveTheDocumentedDensityAndSpread() {
    for (double density : new double[] {1, 0.1, 2e-4}) {
      int d = density < PlantedData.JUMP_DENSITY ? 100_000 : 200;
      PlantedData planted = PlantedData.draw(new SplittableRandom(5), d, density, 0.5);
      int[] idx = new int[d];
      double[] val = new double[d];
      long nonZeros = 0;
      double squares = 0;
      int rows = 4000;
      for (int i = 0; i < rows; i++) {
        int k = planted.drawRow(new SplittableRandom(i), idx, val);
        nonZeros += k;
        double z = planted.margin(idx, val, k);
        squares += z * z;
      }
      double expected = density * d * rows;
      assertEquals(expected, nonZeros, 5 * Math.sqrt(expected), "non-zeros at density " + density);
      double xSquares = 0;
      for (double x : planted.xStar()) xSquares += x * x;
      // E[(a·x*)²] = Σ x_j²·density·1/(d·density) = ‖x*‖²/d
      assertEquals(xSquares / d, squares / rows, 0.1 * xSquares / d, "spread of a·x* at density " + density);
    }
  }

  /** Ill-conditioned: column scales from 1 down to 10⁻³ (σ² ratio 10³ → scale ratio √10⁻³), a·x* keeping spread 0.5. */
  @Test
  void illConditionedColumnsAndSpread() {
    int d = 50;
    PlantedData planted = PlantedData.draw(new SplittableRandom(9), d, 1, 0.5).illConditioned();
    double[] x = planted.xStar();
    int[] idx = new int[d];
    double[] val = new double[d];
    double first = 0;
    double last = 0;
    double squares = 0;
    int rows = 20_000;
    for (int i = 0; i < rows; i++) {
      int k = planted.drawRow(new SplittableRandom(i), idx, val);
      assertEquals(d, k);
      first += val[0] * val[0];
      last += val[d - 1] * val[d - 1];
      double z = planted.margin(idx, val, k);
      squares += z * z;
    }
    assertEquals(1e-3, last / first, 1e-4);
    assertEquals(0.25, squares / rows, 0.02);
    assertArrayEquals(x, planted.xStar());
  }
}
