package dev.hyperreg.spark.exec;

import dev.hyperreg.core.solver.PassCost;
import org.apache.spark.api.java.JavaSparkContext;

/**
 * The {@link PassCost} of this Spark application's passes: the latency of `local[*]` when the
 * master is local (tasks in the driver's JVM), a cluster's otherwise, on the cores Spark reports
 * (its default parallelism). A cluster whose jobs start faster or slower than the loopback one the
 * defaults were measured on sets its own: {@value #LATENCY} (seconds a pass costs however small)
 * and {@value #TASK_OVERHEAD} (seconds each task adds), e.g. in spark-defaults.conf.
 */
public final class SparkPassCost {
  public static final String LATENCY = "spark.hyperreg.passLatency";
  public static final String TASK_OVERHEAD = "spark.hyperreg.taskOverhead";

  private SparkPassCost() {}

  /** The cost of a pass over {@code partitions} partitions in this application. */
  public static PassCost of(JavaSparkContext jsc, int partitions) {
    boolean local = jsc.master().startsWith("local");
    int cores = Math.max(1, jsc.defaultParallelism());
    PassCost measured = local ? PassCost.local(cores, partitions) : PassCost.cluster(cores, partitions);
    double latency = jsc.getConf().getDouble(LATENCY, measured.latency());
    double perTask = jsc.getConf().getDouble(TASK_OVERHEAD, measured.taskOverhead());
    return new PassCost(latency, perTask, cores, partitions);
  }
}
