package dev.hyperreg.core.solver;

import dev.hyperreg.core.objective.DataShape;
import java.util.Locale;

/**
 * What one data pass costs, in seconds, for the choice Newton–CG makes before each pass: a pass
 * whose tasks return d-vectors (loss and gradient, or one Hessian-vector product) or one that also
 * returns the exact Hessian (P·d(d+1)/2 doubles). On a cluster every pass is a Spark job — a
 * scheduling round, a task per partition, a straggler — so the fixed latency λ of a pass, not its
 * flops, decides how many Hessian-vector passes an exact pass is worth:
 * <pre>
 *   t_vector = λ + P·τ + nnz / (r_stream·c) + P·8d / r_result
 *   t_exact  = t_vector + W_gram / (r_gram·c) + P·8·d(d+1)/2 / r_result
 * </pre>
 * with nnz the entries the blocks store, W_gram = Σᵢ kᵢ² the multiply-adds of the rows' outer products
 * (kᵢ the non-zeros of row i; n·d² when dense), c the executor cores, P the partitions, τ a task's
 * own overhead, r_stream the non-zeros a core streams through per second in a gradient pass,
 * r_gram the multiply-adds per second a core makes in the Gram's blocked kernel and r_result the
 * bytes per second the driver receives task results at.
 *
 * <p>An exact pass pays where it replaces more than it costs: Newton's next step from the exact
 * Hessian (Cholesky) instead of k Hessian-vector passes of CG, so where
 * t_exact ≤ (1 + k)·t_vector ({@link #exactPassPays}).
 *
 * <p>The data's part (nnz, W_gram) is measured by the passes themselves ({@link DataShape}); the
 * rates are this project's measurements (pure-Java BLAS, BENCHMARKS.md); λ and τ are those of
 * `local[*]` (λ = 30 ms, τ = 2 ms: every task in the driver's JVM) or of a cluster (λ = 0.3 s,
 * τ = 10 ms: the loopback standalone cluster, executors in their own JVMs), and Spark's
 * configuration may set a cluster's own (README, "Cost model").
 *
 * @param latency λ, seconds of a pass however small (scheduling a job, collecting its result)
 * @param taskOverhead τ, seconds each task adds (launch, serialization of the closure)
 * @param cores c, the cores the passes' tasks run on
 * @param partitions P, the tasks of a pass
 */
public record PassCost(double latency, double taskOverhead, int cores, int partitions) {
  /** λ and τ of a pass in `local[*]`: every task in the driver's JVM. */
  public static final double LOCAL_LATENCY = 0.03, LOCAL_TASK_OVERHEAD = 0.002;
  /** λ and τ of a pass on a cluster, executors in their own JVMs (the loopback cluster's). */
  public static final double CLUSTER_LATENCY = 0.3, CLUSTER_TASK_OVERHEAD = 0.01;
  /** r_stream: entries a core streams per second in a loss-and-gradient pass (BENCHMARKS.md run AD: 8·10⁶ in 0.1 s on 2). */
  static final double STREAM_RATE = 4e7;
  /** r_gram: multiply-adds a core makes per second forming a Gram (run AD: 1.6·10⁹ in 0.33 s on 2). */
  static final double GRAM_RATE = 2.5e9;
  /** r_result: bytes per second of task results into the driver (Kryo-serialized arrays). */
  static final double RESULT_RATE = 2e8;

  public PassCost {
    if (!(latency >= 0 && taskOverhead >= 0)) {
      throw new IllegalArgumentException("pass latency and task overhead must be ≥ 0 seconds, got " + latency + ", "
          + taskOverhead);
    }
    if (cores < 1 || partitions < 1) throw new IllegalArgumentException("pass cost needs cores and partitions ≥ 1");
  }

  /** Passes of P tasks on c cores in the driver's JVM ({@code local[*]}). */
  public static PassCost local(int cores, int partitions) {
    return new PassCost(LOCAL_LATENCY, LOCAL_TASK_OVERHEAD, cores, partitions);
  }

  /** Passes of P tasks on c executor cores of a cluster. */
  public static PassCost cluster(int cores, int partitions) {
    return new PassCost(CLUSTER_LATENCY, CLUSTER_TASK_OVERHEAD, cores, partitions);
  }

  /** t_vector: a pass over the data whose tasks return d-vectors. */
  public double vectorPassSeconds(DataShape data, int dim) {
    return latency + partitions * taskOverhead + data.storedEntries() / (STREAM_RATE * cores)
        + partitions * 8.0 * dim / RESULT_RATE;
  }

  /** t_exact: a pass that also forms and returns the exact Hessian. */
  public double exactPassSeconds(DataShape data, int dim) {
    return vectorPassSeconds(data, dim) + data.gramWork() / (GRAM_RATE * cores)
        + partitions * 8.0 * dim * (dim + 1.0) / 2 / RESULT_RATE;
  }

  /** Whether one exact pass costs no more than the d-vector pass it replaces and {@code products} more. */
  public boolean exactPassPays(DataShape data, int dim, double products) {
    return exactPassSeconds(data, dim) <= (1 + products) * vectorPassSeconds(data, dim);
  }

  /** The model's figures for the log. */
  public String describe(DataShape data, int dim) {
    return String.format(Locale.ROOT, "a pass %.3g s with d-vectors, %.3g s with the exact Hessian (λ %.3g s,"
        + " %d tasks, %d cores)", vectorPassSeconds(data, dim), exactPassSeconds(data, dim), latency, partitions, cores);
  }
}
