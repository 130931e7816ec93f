package dev.hyperreg.spark.exec;

import dev.hyperreg.core.data.BlockAggregator;
import dev.hyperreg.core.data.PassRunner;
import dev.hyperreg.core.data.RowBlock;
import java.io.Serializable;
import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.broadcast.Broadcast;

/**
 * One pass = one Spark job over the cached blocks: the aggregator (holding the current x) is
 * broadcast, every task folds its blocks into one accumulator, and treeAggregate combines the
 * accumulators — whose size depends on d, never on n — on the way to the driver. The job carries
 * the pass's description, so the Spark UI shows "iteration k: …".
 */
public final class SparkPassRunner implements PassRunner {
  private final JavaSparkContext jsc;
  private final JavaRDD<RowBlock> blocks;
  private final int depth;
  private final String jobGroup;

  public SparkPassRunner(JavaSparkContext jsc, JavaRDD<RowBlock> blocks, String jobGroup) {
    this(jsc, blocks, jobGroup, 0);
  }

  /** @param depth treeAggregate depth, 0 for {@link #aggregationDepth(int)} of the partitions */
  public SparkPassRunner(JavaSparkContext jsc, JavaRDD<RowBlock> blocks, String jobGroup, int depth) {
    this.jsc = jsc;
    this.blocks = blocks;
    this.jobGroup = jobGroup;
    this.depth = depth > 0 ? depth : aggregationDepth(blocks.getNumPartitions());
  }

  /** Depth 2 up to 64 partitions, then one more level per factor of 8 (fan-in ≈ 8 per level). */
  public static int aggregationDepth(int partitions) {
    int depth = 2;
    for (long fanIn = 64; partitions > fanIn; fanIn *= 8) depth++;
    return depth;
  }

  @Override public <A extends Serializable> A aggregate(BlockAggregator<A> aggregator, String description) {
    jsc.setJobGroup(jobGroup, description, false);
    Broadcast<BlockAggregator<A>> shared = jsc.broadcast(aggregator);
    try {
      return blocks.treeAggregate(aggregator.zero(),
          (acc, block) -> shared.value().add(acc, block),
          (left, right) -> shared.value().merge(left, right),
          depth);
    } finally {
      shared.destroy();
      jsc.clearJobGroup();
    }
  }
}
