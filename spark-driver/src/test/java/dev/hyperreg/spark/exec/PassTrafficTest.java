package dev.hyperreg.spark.exec;

import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.hyperreg.core.data.DenseRowBlock;
import dev.hyperreg.core.data.RowBlock;
import dev.hyperreg.core.objective.Evaluation;
import dev.hyperreg.core.objective.Link;
import dev.hyperreg.core.objective.Objective;
import dev.hyperreg.core.objective.ObjectiveFunction;
import dev.hyperreg.core.objective.ObjectiveKind;
import dev.hyperreg.spark.SparkTestSession;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.api.java.JavaSparkContext;
import org.junit.jupiter.api.Test;

/**
 * The byte counts bench reports, against what a pass must move at the least and may move at the
 * most: an exact-Hessian pass ships a d × d Gram (8·d² bytes) from every one of its P tasks; a
 * loss-and-gradient pass ships a d-vector and a few scalars per task — O(P·d), the budget the
 * cluster-scale solver has to meet — and so does the Hessian-vector pass of Newton–CG, which
 * multiplies each of the exact pass's Grams with the direction instead of shipping it; its final
 * check's block pass ships k such vectors per task.
 */
class PassTrafficTest {

  @Test
  void exactPassesShipAGramPerTaskAndLossAndHessianVectorPassesAVector() {
    int d = 120, blocks = 16, rowsPerBlock = 40;
    JavaSparkContext jsc = SparkTestSession.context();
    List<RowBlock> data = new ArrayList<>();
    Random rnd = new Random(5);
    for (int k = 0; k < blocks; k++) {
      long[] ids = new long[rowsPerBlock];
      double[] values = new double[rowsPerBlock * d];
      double[] labels = new double[rowsPerBlock];
      for (int i = 0; i < rowsPerBlock; i++) {
        ids[i] = (long) k * rowsPerBlock + i;
        labels[i] = 1 + rnd.nextDouble();
      }
      for (int p = 0; p < values.length; p++) values[p] = rnd.nextGaussian() / Math.sqrt(d);
      data.add(new DenseRowBlock(ids, d, values, labels, null));
    }
    Objective objective = new Objective(ObjectiveKind.PLAIN, Link.EXP, d, 0, -1);
    double[] x = new double[d];
    PassTraffic traffic = PassTraffic.attach(jsc.sc());
    try {
      for (int partitions : new int[] {1, 8}) {
        JavaRDD<RowBlock> rdd = jsc.parallelize(data, partitions).cache();
        rdd.count();
        ObjectiveFunction f = new ObjectiveFunction(objective, new SparkPassRunner(jsc, rdd, "traffic test"));
        PassTraffic.Totals before = traffic.total();
        f.evaluate(x, true, "exact pass");
        PassTraffic.Totals exact = traffic.total().since(before);
        before = traffic.total();
        f.evaluate(x, false, "loss and gradient pass");
        PassTraffic.Totals loss = traffic.total().since(before);
        Evaluation at = f.evaluate(x, false, "the point of the H·v pass");
        before = traffic.total();
        f.hessianTimes(at, x, "Hessian-vector pass");
        PassTraffic.Totals hessianVector = traffic.total().since(before);
        int k = 8;
        double[][] block = new double[k][];
        for (int j = 0; j < k; j++) block[j] = rnd.doubles(d, -1, 1).toArray();
        before = traffic.total();
        f.hessianTimes(at, block, "Hessian-times-block pass");
        PassTraffic.Totals hessianBlock = traffic.total().since(before);
        rdd.unpersist(true);

        long gram = 8L * d * d;
        assertTrue(exact.bytes() >= partitions * gram, partitions + " partitions: exact pass moved " + exact.bytes()
            + " bytes, less than one " + gram + "-byte Gram per task");
        assertTrue(exact.bytes() <= 3L * partitions * (gram + 4096), partitions + " partitions: exact pass moved "
            + exact.bytes() + " bytes");
        assertTrue(loss.bytes() >= partitions * 8L * d, partitions + " partitions: loss pass moved " + loss.bytes());
        assertTrue(loss.bytes() <= 3L * partitions * (8L * d + 4096), partitions + " partitions: loss pass moved "
            + loss.bytes() + " bytes, more than O(P·d)");
        // one Gram times v: a d-vector (the gradient is not collected again)
        assertTrue(hessianVector.bytes() >= partitions * 8L * d, partitions + " partitions: H·v pass moved "
            + hessianVector.bytes());
        assertTrue(hessianVector.bytes() <= 3L * partitions * (8L * d + 4096), partitions + " partitions: H·v pass"
            + " moved " + hessianVector.bytes() + " bytes, more than O(P·d)");
        // the final check's block of k directions: k d-vectors per task, far below a Gram's d²
        assertTrue(hessianBlock.bytes() >= partitions * 8L * k * d, partitions + " partitions: block pass moved "
            + hessianBlock.bytes());
        assertTrue(hessianBlock.bytes() <= 3L * partitions * (8L * k * d + 4096), partitions + " partitions: block"
            + " pass moved " + hessianBlock.bytes() + " bytes, more than O(P·k·d)");
      }
    } finally {
      traffic.close();
    }
  }
}
