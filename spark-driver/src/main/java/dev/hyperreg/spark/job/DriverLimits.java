package dev.hyperreg.spark.job;

import dev.hyperreg.core.solver.SketchedHessian;
import dev.hyperreg.spark.InputFormatException;
import dev.hyperreg.spark.UsageException;
import java.util.Locale;

/**
 * What the driver can hold and receive, worked out before a fit starts so that a fit too large for
 * it is refused with the setting to change — or run matrix-free — instead of failing halfway: the
 * d × d matrices in its heap ({@link #checkDimension}), what the largest pass returns against
 * {@code spark.driver.maxResultSize} ({@link #checkResultSize}), how far a sketch may grow
 * ({@link #largestSketchRows}) and whether Newton–CG's certificate may be one exact pass
 * ({@link #denseCertificate}). The per-solver figures come from {@link Solver}.
 */
public final class DriverLimits {
  private DriverLimits() {}

  /** The largest design width the exact solver accepts (a d × d matrix of doubles is then 800 MB). */
  public static final int MAX_DIM = 10_000;
  /** d × d matrices the driver holds at once in the exact solver (pass sums, Hessian, factor, merges). */
  static final int DRIVER_MATRICES = 10;
  /** The most bytes Newton–CG's certificate pass may return in all to be one exact pass ({@link #denseCertificate}). */
  static final long DENSE_CERTIFICATE_BYTES = 256L << 20;

  /**
   * Whether a fit runs with no d × d matrix on the driver: newton-cg (diagonal preconditioner,
   * LOBPCG check) and L-BFGS (LOBPCG check) when the d × d matrices they would hold (the
   * preconditioner, the final exact check) do not fit the driver's heap or d exceeds
   * {@link #MAX_DIM}. The other solvers need their d × d matrices ({@link #checkDimension}).
   */
  static boolean matrixFree(Solver solver, int dim, Integer sketchSize, long maxHeapBytes) {
    return solver.canRunMatrixFree() && !fits(dim, driverMatrices(solver, sketchSize, dim), maxHeapBytes);
  }

  /**
   * d × d matrices' worth of doubles the driver holds at once: about ten for the exact Hessian (pass
   * sums, Hessian, factor, merges), plus the sketch's or sample's rows ({@link Solver#copiesPerRow}).
   */
  static double driverMatrices(Solver solver, Integer sketchSize, int dim) {
    return DRIVER_MATRICES + solver.copiesPerRow() * SketchedHessian.rowsFor(dim, sketchSize) / dim;
  }

  /** {@link #driverMatrices(Solver, Integer, int)} of the options' solver. */
  static double driverMatrices(FitOptions o, int dim) {
    return driverMatrices(Solver.named(o.solver), o.sketchSize, dim);
  }

  /**
   * The most rows the sketch (or sample) may grow to: as many as the driver's heap holds beside
   * its d × d matrices (the share {@link #checkDimension} allows), at most {@link
   * SketchedHessian#MAX_GROWTH} times the initial m and never fewer than m (which the check before
   * the fit guarantees room for). Past it the solver falls back to the exact Hessian instead of
   * running the driver out of memory.
   */
  static long largestSketchRows(Solver solver, int dim, Integer sketchSize, long maxHeapBytes) {
    long m = SketchedHessian.rowsFor(dim, sketchSize);
    double room = 0.8 * maxHeapBytes - DRIVER_MATRICES * 8.0 * dim * dim;
    long fits = (long) Math.max(0, room / (8.0 * dim * solver.copiesPerRow()));
    return Math.max(m, Math.min(SketchedHessian.MAX_GROWTH * m, fits));
  }

  /**
   * Newton–CG's cost model for its convergence certificate: one exact pass, whose {@code results}
   * last-level tasks return up to four d × d pieces each (results·32·d² bytes), when that is at
   * most {@value #DENSE_CERTIFICATE_BYTES} bytes and half of spark.driver.maxResultSize; otherwise
   * the matrix-free certificate, whose passes (a diagonal, an accurate CG solve, ≤ 20 LOBPCG
   * passes) return d-vectors. One pass against several: the exact pass wins wherever its bytes
   * move in less time than a few pass latencies (≈ 0.5 s each on a cluster).
   */
  static boolean denseCertificate(int dim, int results, long maxResultSize) {
    double bytes = results * 4.0 * 8.0 * dim * (double) dim;
    return bytes <= DENSE_CERTIFICATE_BYTES && (maxResultSize <= 0 || bytes <= maxResultSize / 2.0);
  }

  /**
   * Refuses a fit whose largest pass would return more than {@code spark.driver.maxResultSize}
   * (0: no limit) to the driver, which Spark would abort in the middle of the fit: what the
   * tasks of treeAggregate's last level return ({@link Solver#largestPassResultBytes}).
   */
  static void checkResultSize(long maxResultSize, Solver solver, boolean matrixFree, int dim, Integer sketchSize,
      boolean defaultStart, int partitions, int depth) {
    if (maxResultSize <= 0 || matrixFree) return; // matrix-free passes return d-vectors
    int results = finalAggregationTasks(partitions, depth);
    double total = solver.largestPassResultBytes(dim, sketchSize, defaultStart, results);
    if (total <= maxResultSize) return;
    long needed = (long) Math.ceil(1.25 * total / (1 << 20));
    throw new UsageException(String.format(Locale.ROOT, "the %s solver's largest pass returns about %.0f MB to the"
        + " driver (from %d results of treeAggregate's last level, d = %d), more than spark.driver.maxResultSize"
        + " = %.0f MB, and Spark would abort the fit: set spark.driver.maxResultSize to at least %dm (--conf"
        + " spark.driver.maxResultSize=%dm), or raise the aggregation depth, or use --solver newton-cg, whose passes"
        + " return d-vectors (and about 20·d rows at a preconditioner)", solver.label(), total / (1 << 20), results,
        dim, maxResultSize / (double) (1 << 20), needed, needed));
  }

  /**
   * How many results reach the driver from a treeAggregate of P partitions at the given depth:
   * Spark's own rule (scale = max(⌈P^(1/depth)⌉, 2); merge by scale while P &gt; scale + ⌈P/scale⌉).
   */
  static int finalAggregationTasks(int partitions, int depth) {
    int scale = Math.max((int) Math.ceil(Math.pow(partitions, 1.0 / depth)), 2);
    int n = partitions;
    while (n > scale + (int) Math.ceil((double) n / scale)) n /= scale;
    return n;
  }

  /** Whether d × d matrices of that count fit the driver (within {@link #MAX_DIM} and 80% of the heap). */
  static boolean fits(int dim, double matrices, long maxHeapBytes) {
    return dim <= MAX_DIM && matrices * 8.0 * dim * dim <= 0.8 * maxHeapBytes;
  }

  /** Refuses a d the driver cannot hold, saying how much memory it would need and what runs without. */
  public static void checkDimension(int dim, double matrices, long maxHeapBytes) {
    double needed = matrices * 8.0 * dim * dim;
    String instead = " (--solver newton-cg or lbfgs fit any d: they run matrix-free when d × d matrices do not fit)";
    if (dim > MAX_DIM) {
      throw new InputFormatException(String.format(Locale.ROOT,
          "the design has d = %d columns; solvers with d × d matrices support at most d = %d", dim, MAX_DIM) + instead);
    }
    if (needed > 0.8 * maxHeapBytes) {
      throw new InputFormatException(String.format(Locale.ROOT,
          "d = %d needs about %.2f GiB of driver memory (%.0f d×d matrices of 8·d² bytes) but the driver has"
              + " %.2f GiB: raise spark.driver.memory (or -Xmx for local runs)",
          dim, needed / (1L << 30), matrices, maxHeapBytes / (double) (1L << 30)) + instead);
    }
  }
}
