package dev.hyperreg.spark.exec;

import java.util.concurrent.atomic.AtomicLong;
import org.apache.spark.SparkContext;
import org.apache.spark.executor.TaskMetrics;
import org.apache.spark.scheduler.SparkListener;
import org.apache.spark.scheduler.SparkListenerTaskEnd;

/**
 * The bytes a Spark context's tasks move, from their task-end metrics: what each task returned to
 * the driver ({@code resultSize}, the serialized result) plus the shuffle bytes it wrote (the
 * intermediate levels of {@code treeAggregate}). Broadcasts (x and the pass's aggregator, going
 * the other way) are not counted. This is the figure that decides whether a pass scales with the
 * partition count: a d × d Gram or an m × d sketch per task grows with it, a d-vector barely.
 *
 * <p>Events reach listeners asynchronously; {@link #total()} first waits until Spark's listener
 * bus has delivered every event posted before the call, so a total taken after a job includes it.
 */
public final class PassTraffic extends SparkListener {
  private final SparkContext context;
  private final AtomicLong resultBytes = new AtomicLong();
  private final AtomicLong shuffleBytes = new AtomicLong();
  private final AtomicLong tasks = new AtomicLong();

  private PassTraffic(SparkContext context) { this.context = context; }

  /** A listener counting from now on; {@link #close} it when done. */
  public static PassTraffic attach(SparkContext context) {
    PassTraffic traffic = new PassTraffic(context);
    context.addSparkListener(traffic);
    return traffic;
  }

  @Override public void onTaskEnd(SparkListenerTaskEnd end) {
    TaskMetrics metrics = end.taskMetrics();
    if (metrics == null) return; // a task that failed before reporting
    resultBytes.addAndGet(metrics.resultSize());
    shuffleBytes.addAndGet(metrics.shuffleWriteMetrics().bytesWritten());
    tasks.incrementAndGet();
  }

  /** Totals of every task that ended before this call. */
  public Totals total() {
    try {
      context.listenerBus().waitUntilEmpty(60_000);
    } catch (java.util.concurrent.TimeoutException e) {
      throw new IllegalStateException("Spark's listener bus did not drain within a minute", e);
    }
    return new Totals(resultBytes.get(), shuffleBytes.get(), tasks.get());
  }

  public void close() { context.removeSparkListener(this); }

  /** Task result bytes, shuffle bytes written, and the number of tasks. */
  public record Totals(long resultBytes, long shuffleBytes, long tasks) {
    public long bytes() { return resultBytes + shuffleBytes; }

    /** What happened between {@code earlier} and this. */
    public Totals since(Totals earlier) {
      return new Totals(resultBytes - earlier.resultBytes, shuffleBytes - earlier.shuffleBytes, tasks - earlier.tasks);
    }
  }
}
