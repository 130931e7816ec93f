package dev.hyperreg.spark.exec;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.hyperreg.core.solver.PassCost;
import dev.hyperreg.spark.UsageException;
import org.apache.spark.SparkConf;
import org.junit.jupiter.api.Test;

/** The pass cost of a Spark application: local or cluster latencies, a cluster's own from its configuration. */
class SparkPassCostTest {
  @Test
  void localAndClusterDefaultsAndAClustersOwnSettings() {
    SparkConf none = new SparkConf(false);
    assertEquals(PassCost.local(2, 8), SparkPassCost.of(none, true, 2, 8));
    assertEquals(PassCost.cluster(4, 8), SparkPassCost.of(none, false, 4, 8));
    SparkConf own = new SparkConf(false).set(SparkPassCost.LATENCY, "1.5").set(SparkPassCost.TASK_OVERHEAD, " 0.05 ");
    assertEquals(new PassCost(1.5, 0.05, 4, 8), SparkPassCost.of(own, false, 4, 8));
  }

  @Test
  void aBadSettingIsRefusedNamingItsKey() {
    for (String bad : new String[] {"-1", "abc", "NaN", "Infinity", ""}) {
      SparkConf conf = new SparkConf(false).set(SparkPassCost.LATENCY, bad);
      UsageException e = assertThrows(UsageException.class, () -> SparkPassCost.of(conf, false, 2, 4), bad);
      assertTrue(e.getMessage().contains(SparkPassCost.LATENCY) && e.getMessage().contains("'" + bad + "'"), e.getMessage());
    }
  }
}
