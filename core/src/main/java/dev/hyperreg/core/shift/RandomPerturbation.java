package dev.hyperreg.core.shift;

import dev.hyperreg.core.InvalidProblemException;
import dev.hyperreg.core.data.BlockAggregator;
import dev.hyperreg.core.data.PassRunner;
import dev.hyperreg.core.data.RowBlock;
import dev.hyperreg.core.sketch.SketchSpec;

/**
 * A random shift of the data of a given relative size: ΔA = σ_A·G and Δb = σ_b·h with standard
 * normal G (on the non-zero entries of A, never on the intercept column) and h, scaled so that
 * ‖ΔA‖_F = relA·‖A‖_F and ‖Δb‖₂ = relB·‖b‖₂. Each entry is hashed from the seed, the row id and the
 * column, and only non-zeros move, so the shift does not depend on partitioning or on whether a
 * block is stored dense or sparse; it is recomputed rather than stored. Sparse rows keep their pattern.
 *
 * @param scaleA σ_A, the standard deviation of an entry of ΔA
 * @param scaleB σ_b, the standard deviation of an entry of Δb
 */
public record RandomPerturbation(long seed, double scaleA, double scaleB, int interceptColumn) implements ScalableShift {

  /** The perturbation of relative sizes relA (of ‖A‖_F) and relB (of ‖b‖): one pass for the norms. */
  public static RandomPerturbation relative(PassRunner data, double relA, double relB, long seed, int interceptColumn) {
    RandomPerturbation unit = new RandomPerturbation(seed, 1, 1, interceptColumn);
    double[] norms = data.aggregate(new NormPass(unit), "perturbation norms");
    double scaleA = relA == 0 ? 0 : relA * Math.sqrt(norms[0] / norms[1]);
    double scaleB = relB == 0 ? 0 : relB * Math.sqrt(norms[2] / norms[3]);
    if (!Double.isFinite(scaleA) || !Double.isFinite(scaleB)) {
      throw new InvalidProblemException("cannot scale a perturbation to a dataset whose A or b is zero");
    }
    return new RandomPerturbation(seed, scaleA, scaleB, interceptColumn);
  }

  /** The same direction, k times the size. */
  @Override public RandomPerturbation times(double k) { return new RandomPerturbation(seed, k * scaleA, k * scaleB, interceptColumn); }

  @Override public RowBlock apply(RowBlock block) {
    double[] labelShift = new double[block.rows()];
    for (int i = 0; i < block.rows(); i++) labelShift[i] = scaleB * labelNoise(block.rowId(i));
    return block.shifted((i, j, a) -> a == 0 ? 0 : scaleA * entryNoise(block.rowId(i), j), labelShift);
  }

  /** The unscaled G_ij (0 on the intercept column). */
  double entryNoise(long rowId, int col) {
    return col == interceptColumn ? 0 : gaussian(SketchSpec.mix(seed ^ SketchSpec.mixForRows(rowId) + col));
  }

  /** The unscaled h_i. */
  double labelNoise(long rowId) { return gaussian(SketchSpec.mix(~seed ^ SketchSpec.mixForRows(rowId))); }

  /** A standard normal from a 64-bit hash (Box–Muller on its two 32-bit halves). */
  static double gaussian(long h) {
    double u1 = ((h >>> 32) + 0.5) / 4294967296.0;
    double u2 = ((h & 0xFFFFFFFFL) + 0.5) / 4294967296.0;
    return Math.sqrt(-2 * Math.log(u1)) * Math.cos(2 * Math.PI * u2);
  }

  /** ‖A‖_F², ‖G‖_F², ‖b‖², ‖h‖² in one pass. */
  private record NormPass(RandomPerturbation unit) implements BlockAggregator<double[]> {
    @Override public double[] zero() { return new double[4]; }

    @Override public double[] add(double[] acc, RowBlock block) {
      double[] normsSquared = block.rowNormsSquared();
      for (int i = 0; i < block.rows(); i++) {
        // the intercept column holds 1 and is never perturbed
        acc[0] += normsSquared[i] - (unit.interceptColumn >= 0 ? 1 : 0);
        acc[2] += block.label(i) * block.label(i);
        double h = unit.labelNoise(block.rowId(i));
        acc[3] += h * h;
      }
      block.shifted((i, j, a) -> {   // visits every stored entry; the perturbation moves the non-zero ones
        double g = a == 0 ? 0 : unit.entryNoise(block.rowId(i), j);
        acc[1] += g * g;
        return 0;
      }, null);
      return acc;
    }

    @Override public double[] merge(double[] left, double[] right) {
      for (int k = 0; k < 4; k++) left[k] += right[k];
      return left;
    }
  }
}
