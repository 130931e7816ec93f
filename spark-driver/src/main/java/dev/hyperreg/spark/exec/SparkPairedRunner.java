package dev.hyperreg.spark.exec;

import dev.hyperreg.core.data.PairAggregator;
import dev.hyperreg.core.data.PairedPassRunner;
import dev.hyperreg.core.data.PassRunner;
import dev.hyperreg.core.data.RowBlock;
import java.io.Serializable;
import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.broadcast.Broadcast;
import scala.Tuple2;

/**
 * Passes over cached pairs of blocks (the same rows before and after a shift), one Spark job each,
 * like {@link SparkPassRunner}; either side alone is a {@link SparkPassRunner} over a view of them.
 */
public final class SparkPairedRunner implements PairedPassRunner {
  private final JavaSparkContext jsc;
  private final JavaRDD<Tuple2<RowBlock, RowBlock>> pairs;
  private final String jobGroup;
  private final int depth;

  public SparkPairedRunner(JavaSparkContext jsc, JavaRDD<Tuple2<RowBlock, RowBlock>> pairs, String jobGroup,
      int depth) {
    this.jsc = jsc;
    this.pairs = pairs;
    this.jobGroup = jobGroup;
    this.depth = depth > 0 ? depth : SparkPassRunner.aggregationDepth(pairs.getNumPartitions());
  }

  /** The original blocks (a view of the cached pairs). */
  public JavaRDD<RowBlock> originalBlocks() { return pairs.map(Tuple2::_1); }

  /** The shifted blocks (a view of the cached pairs). */
  public JavaRDD<RowBlock> shiftedBlocks() { return pairs.map(Tuple2::_2); }

  @Override public <A extends Serializable> A aggregate(PairAggregator<A> aggregator, String description) {
    jsc.setJobGroup(jobGroup, description, false);
    Broadcast<PairAggregator<A>> shared = jsc.broadcast(aggregator);
    try {
      return pairs.treeAggregate(aggregator.zero(),
          (acc, pair) -> shared.value().add(acc, pair._1(), pair._2()),
          (left, right) -> shared.value().merge(left, right),
          depth);
    } finally {
      shared.destroy();
      jsc.clearJobGroup();
    }
  }

  @Override public PassRunner original() { return new SparkPassRunner(jsc, originalBlocks(), jobGroup, depth); }

  @Override public PassRunner shifted() { return new SparkPassRunner(jsc, shiftedBlocks(), jobGroup, depth); }
}
