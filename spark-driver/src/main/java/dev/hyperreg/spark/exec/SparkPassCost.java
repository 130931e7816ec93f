package dev.hyperreg.spark.exec;

import dev.hyperreg.core.solver.PassCost;
import dev.hyperreg.spark.UsageException;
import org.apache.spark.SparkConf;
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
    return of(jsc.getConf(), jsc.master().startsWith("local"), Math.max(1, jsc.defaultParallelism()), partitions);
  }

  static PassCost of(SparkConf conf, boolean local, int cores, int partitions) {
    PassCost measured = local ? PassCost.local(cores, partitions) : PassCost.cluster(cores, partitions);
    double latency = seconds(conf, LATENCY, measured.latency());
    double perTask = seconds(conf, TASK_OVERHEAD, measured.taskOverhead());
    return new PassCost(latency, perTask, cores, partitions);
  }

  /** A setting in seconds, ≥ 0, or the default when unset; a clear refusal (exit 2) naming the key otherwise. */
  private static double seconds(SparkConf conf, String key, double fallback) {
    String value = conf.get(key, null);
    if (value == null) return fallback;
    double parsed;
    try {
      parsed = Double.parseDouble(value.trim());
    } catch (NumberFormatException e) {
      parsed = Double.NaN;
    }
    if (!(parsed >= 0 && parsed < Double.POSITIVE_INFINITY)) {
      throw new UsageException(key + " must be a number of seconds ≥ 0, got '" + value + "'");
    }
    return parsed;
  }
}
