package dev.hyperreg.spark.job;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.hyperreg.spark.SparkTestSession;
import dev.hyperreg.spark.UsageException;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.IntStream;
import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.scheduler.SparkListener;
import org.apache.spark.scheduler.SparkListenerStageCompleted;
import org.junit.jupiter.api.Test;

/** What the driver must hold and receive, checked before a fit starts (CLI and estimator alike). */
class DriverLimitsTest {

  /** The count of results the driver receives is what Spark's treeAggregate really collects. */
  @Test
  void finalAggregationTasksAreWhatSparkCollects() throws Exception {
    JavaSparkContext jsc = SparkTestSession.context();
    List<Integer> stageTasks = new ArrayList<>();
    SparkListener listener = new SparkListener() {
      @Override public void onStageCompleted(SparkListenerStageCompleted stage) {
        synchronized (stageTasks) {
          stageTasks.add(stage.stageInfo().numTasks());
        }
      }
    };
    jsc.sc().addSparkListener(listener);
    try {
      for (int partitions : new int[] {4, 16, 64, 100}) {
        JavaRDD<Integer> rdd = jsc.parallelize(IntStream.range(0, 10 * partitions).boxed().toList(), partitions);
        for (int depth : new int[] {1, 2, 3}) {
          synchronized (stageTasks) {
            stageTasks.clear();
          }
          rdd.treeAggregate(0, Integer::sum, Integer::sum, depth);
          jsc.sc().listenerBus().waitUntilEmpty(60_000);
          int last;
          synchronized (stageTasks) {
            last = stageTasks.get(stageTasks.size() - 1);
          }
          assertEquals(last, DriverLimits.finalAggregationTasks(partitions, depth), partitions + " partitions, depth " + depth);
        }
      }
    } finally {
      jsc.sc().removeSparkListener(listener);
    }
  }

  /**
   * A sketch at d = 1000 over 64 partitions returns gigabytes in its largest pass: refused, naming
   * spark.driver.maxResultSize and a value that then passes; newton-cg at the same size fits 1g.
   */
  @Test
  void aPassOverMaxResultSizeIsRefusedWithTheValueToSet() {
    long oneGiB = 1L << 30;
    UsageException e = assertThrows(UsageException.class,
        () -> DriverLimits.checkResultSize(oneGiB, Solver.SKETCH, false, 1000, null, true, 64, 2));
    assertTrue(e.getMessage().contains("spark.driver.maxResultSize"), e.getMessage());
    Matcher value = Pattern.compile("--conf spark.driver.maxResultSize=(\\d+)m").matcher(e.getMessage());
    assertTrue(value.find(), e.getMessage());
    DriverLimits.checkResultSize(Long.parseLong(value.group(1)) << 20, Solver.SKETCH, false, 1000, null, true, 64, 2);
    DriverLimits.checkResultSize(oneGiB, Solver.NEWTON_CG, false, 1000, null, true, 64, 2);
    DriverLimits.checkResultSize(0, Solver.SKETCH, false, 1000, null, true, 64, 2); // 0: Spark's "no limit"
  }

  /** newton-cg and lbfgs go matrix-free exactly where the d × d matrices stop fitting; the rest refuse. */
  @Test
  void matrixFreeWhereTheMatricesDoNotFit() {
    long heap = 4L << 30;
    assertFalse(DriverLimits.matrixFree(Solver.NEWTON_CG, 2000, null, heap));
    assertTrue(DriverLimits.matrixFree(Solver.NEWTON_CG, 20_000, null, heap));
    assertTrue(DriverLimits.matrixFree(Solver.LBFGS, 20_000, null, heap));
    assertFalse(DriverLimits.matrixFree(Solver.SKETCH, 20_000, null, heap));
    assertThrows(dev.hyperreg.spark.InputFormatException.class,
        () -> DriverLimits.checkDimension(20_000, DriverLimits.driverMatrices(Solver.SKETCH, null, 20_000), heap));
  }
}
