package dev.hyperreg.core.sketch;

import dev.hyperreg.core.InvalidProblemException;
import dev.hyperreg.core.data.RowBlock;
import java.io.Serializable;

/**
 * A sparse sign sketch S (OSNAP) with {@code rows} rows and {@code nonzeros} non-zeros per column:
 * data row r goes to one bucket in each of the s = nonzeros equal slices of the sketch rows, with a
 * random sign, scaled by 1/√s. Buckets and signs are hashed from the global row id and the seed,
 * so S — and everything computed with it — does not depend on how rows are partitioned or blocked.
 *
 * <p>Why not plain CountSketch (s = 1)? It is a subspace embedding only with Θ(d²) rows, and on
 * coherent data (a few rows carrying most of the leverage) a CountSketch with 4d rows was seen to
 * give a spectrum down to 0.012. Spreading every row over s slices fixes that at m ≈ 4d–20d for s
 * times the work, which stays O(nnz(A)) (see {@code SketchEmbeddingTest} for the measured spectra).
 *
 * @param rows sketch rows m (a multiple of nonzeros)
 * @param nonzeros s, non-zeros per data row
 * @param seed the sketch's randomness; a different seed gives an independent sketch
 */
public record SketchSpec(int rows, int nonzeros, long seed) implements Serializable {

  public SketchSpec {
    if (nonzeros < 1) throw new InvalidProblemException("sketch non-zeros per row must be ≥ 1, got " + nonzeros);
    if (rows < nonzeros || rows % nonzeros != 0) {
      throw new InvalidProblemException("sketch rows must be a positive multiple of " + nonzeros + ", got " + rows);
    }
  }

  /** The smallest valid sketch with at least the given number of rows. */
  public static SketchSpec atLeast(long rows, int nonzeros, long seed) {
    long r = Math.max(nonzeros, ((rows + nonzeros - 1) / nonzeros) * nonzeros);
    if (r > Integer.MAX_VALUE / 2) throw new InvalidProblemException("sketch of " + rows + " rows is too large");
    return new SketchSpec((int) r, nonzeros, seed);
  }

  /**
   * The hash stream of the fit factor's rows; other uses of one sketch (a start point's fit) take
   * other streams so that they do not share buckets and signs.
   */
  public static final long FIT_ROWS = 0;

  /** Share of the sketch's size kept as whole heavy rows ({@link HeavyRows}): k = m/8. */
  static final int HEAVY_SHARE = 8;

  /** k, the number of heaviest factor rows a pass keeps whole next to the m hashed ones. */
  public int heavyRows() { return rows / HEAVY_SHARE; }

  public SketchSpec withSeed(long newSeed) { return new SketchSpec(rows, nonzeros, newSeed); }

  public SketchSpec withRows(long newRows) { return atLeast(newRows, nonzeros, seed); }

  /**
   * Fills bucket[k·n + i] and sign·scale into sign[k·n + i] for the n rows with the given ids and
   * each slice k; {@code stream} tells independent uses of one sketch apart (fit and regularizer rows).
   */
  public void hash(long[] rowIds, int n, long stream, int[] bucket, double[] sign) {
    int slice = rows / nonzeros;
    double scale = 1 / Math.sqrt(nonzeros);
    long base = mix(seed ^ mix(stream + 0x632BE59BD9B4E019L));
    for (int k = 0; k < nonzeros; k++) {
      for (int i = 0; i < n; i++) {
        long h = mix(base ^ (rowIds[i] * nonzeros + k) * 0x9E3779B97F4A7C15L);
        bucket[k * n + i] = k * slice + (int) Long.remainderUnsigned(h >>> 1, slice);
        sign[k * n + i] = (h & 1) == 0 ? scale : -scale;
      }
    }
  }

  /** The block's rows hashed for one stream: where each goes and with which signed scale. */
  public Hashed hash(RowBlock block, long stream) {
    int n = block.rows();
    int[] bucket = new int[nonzeros * n];
    double[] sign = new double[nonzeros * n];
    long[] ids = new long[n];
    for (int i = 0; i < n; i++) ids[i] = block.rowId(i);
    hash(ids, n, stream, bucket, sign);
    return new Hashed(block, bucket, sign);
  }

  /** One block's rows under this sketch. */
  public final class Hashed {
    private final RowBlock block;
    private final int[] bucket;
    private final double[] sign;

    private Hashed(RowBlock block, int[] bucket, double[] sign) {
      this.block = block;
      this.bucket = bucket;
      this.sign = sign;
    }

    /** out (m × d, row-major) += S·diag(weights)·A_block. */
    public void addRows(double[] weights, double[] out) { addRows(weights, out, 0); }

    /** The same into the row-major m × d matrix at out[offset]. */
    public void addRows(double[] weights, double[] out, int offset) {
      block.addSketch(rows, nonzeros, bucket, sign, weights, out, offset);
    }

    /** out (m) += S·c for one number c_i per row. */
    public void addVector(double[] c, double[] out) {
      int n = block.rows();
      for (int k = 0; k < nonzeros; k++) {
        for (int i = 0; i < n; i++) out[bucket[k * n + i]] += sign[k * n + i] * c[i];
      }
    }
  }

  /** A well-mixed seed for generating one data row from its id (benchmarks and generators). */
  public static long mixForRows(long rowId) { return mix(rowId * 0x9E3779B97F4A7C15L + 0x2545F4914F6CDD1DL); }

  /** SplitMix64's finalizer: a fast, well-mixed 64-bit hash. */
  public static long mix(long z) {
    z = (z ^ (z >>> 30)) * 0xBF58476D1CE4E5B9L;
    z = (z ^ (z >>> 27)) * 0x94D049BB133111EBL;
    return z ^ (z >>> 31);
  }
}
