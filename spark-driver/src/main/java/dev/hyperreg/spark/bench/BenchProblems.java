package dev.hyperreg.spark.bench;

import dev.hyperreg.core.data.RowBlock;
import dev.hyperreg.core.data.RowBlockBuilder;
import dev.hyperreg.core.objective.Link;
import dev.hyperreg.core.objective.ObjectiveKind;
import dev.hyperreg.core.sketch.SketchSpec;
import dev.hyperreg.spark.job.PlantedData;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import java.util.stream.IntStream;
import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.api.java.JavaSparkContext;

/**
 * The problems {@code hyperreg bench} runs: planted data ({@link PlantedData}) made in the Spark
 * tasks, row by row, from (seed, row id) — the data never pass through the driver, and the same
 * problem over another partition count has the same rows.
 */
final class BenchProblems {
  private BenchProblems() {}

  /** x* of every problem is drawn from this seed (N(0, 0.5²) per coordinate). */
  static final long PLANTED_SEED = 2024;
  /** Relative noise on every target. */
  static final double NOISE = 0.05;

  /** A generated problem: rows N(0, 1/(d·density)) (or G·Σ^{1/2}), b from the model with 5% noise. */
  record Problem(String name, long n, int d, double density, boolean illConditioned, ObjectiveKind kind, Link link,
      double regWeight, boolean scaling) implements java.io.Serializable {}

  static List<Problem> problems(boolean quick) {
    List<Problem> p = new ArrayList<>();
    ObjectiveKind r = ObjectiveKind.RESCALED;
    if (quick) {
      p.add(new Problem("dense-d50", 20_000, 50, 1, false, r, Link.EXP, 0.01, false));
      p.add(new Problem("ill-conditioned-d50", 20_000, 50, 1, true, r, Link.EXP, 0.01, false));
      p.add(new Problem("sparse-d200", 40_000, 200, 0.05, false, r, Link.EXP, 0.01, false));
      p.add(new Problem("plain-exp-glr-d20", 20_000, 20, 1, false, ObjectiveKind.PLAIN, Link.EXP, 0, false));
      for (long n : new long[] {10_000, 20_000, 40_000}) {
        p.add(new Problem("scaling-n" + n, n, 20, 1, false, r, Link.EXP, 0.01, true));
      }
    } else {
      // small enough to sweep the partition count (--partitions 4,16,64): what a pass moves
      p.add(new Problem("dense-n4e4-d200", 40_000, 200, 1, false, r, Link.EXP, 0.01, false));
      // the loopback cluster's problems (issue 23): passes, not flops, where executors are other JVMs
      p.add(new Problem("dense-n2e5-d100", 200_000, 100, 1, false, r, Link.EXP, 0.01, false));
      p.add(new Problem("dense-n2e5-d400", 200_000, 400, 1, false, r, Link.EXP, 0.01, false));
      p.add(new Problem("dense-n1e6-d100", 1_000_000, 100, 1, false, r, Link.EXP, 0.01, false));
      p.add(new Problem("dense-n1e6-d400", 1_000_000, 400, 1, false, r, Link.EXP, 0.01, false));
      p.add(new Problem("dense-n4e5-d1000", 400_000, 1000, 1, false, r, Link.EXP, 0.01, false));
      p.add(new Problem("ill-conditioned-n1e6-d100", 1_000_000, 100, 1, true, r, Link.EXP, 0.01, false));
      p.add(new Problem("sparse-n4e6-d1000", 4_000_000, 1000, 0.01, false, r, Link.EXP, 0.01, false));
      p.add(new Problem("plain-exp-glr-n1e6-d100", 1_000_000, 100, 1, false, ObjectiveKind.PLAIN, Link.EXP, 0, false));
      // past every d × d solver: newton-cg and lbfgs matrix-free, 10 non-zeros per row
      p.add(new Problem("sparse-n1e6-d1e5", 1_000_000, 100_000, 1e-4, false, r, Link.EXP, 0.01, false));
      for (long n : new long[] {250_000, 500_000, 1_000_000, 2_000_000, 4_000_000}) {
        p.add(new Problem("scaling-n" + n, n, 100, 1, false, r, Link.EXP, 0.01, true));
      }
    }
    return p;
  }

  /** The problem's rows as blocks, each partition's made in its task (row i from a generator seeded by i). */
  static JavaRDD<RowBlock> blocks(JavaSparkContext jsc, Problem p, int partitions) {
    List<Integer> parts = IntStream.range(0, partitions).boxed().toList();
    long n = p.n();
    int d = p.d();
    PlantedData drawn = PlantedData.draw(new SplittableRandom(PLANTED_SEED), d, p.density(), 0.5);
    PlantedData planted = p.illConditioned() ? drawn.illConditioned() : drawn;
    return jsc.parallelize(parts, partitions).mapPartitions(it -> {
      int part = it.next();
      long from = n * part / partitions;
      long to = n * (part + 1) / partitions;
      List<RowBlock> out = new ArrayList<>();
      RowBlockBuilder builder = new RowBlockBuilder(d, -1, p.regWeight());
      int[] idx = new int[d];
      double[] val = new double[d];
      for (long row = from; row < to; row++) {
        SplittableRandom rnd = new SplittableRandom(SketchSpec.mixForRows(row));
        int k = planted.drawRow(rnd, idx, val);
        double z = planted.margin(idx, val, k);
        builder.add(row, PlantedData.rowTarget(p.kind(), p.link(), z, NOISE, rnd, n), Double.NaN, idx, val, k);
        if (builder.full()) out.add(builder.build());
      }
      if (builder.rows() > 0) out.add(builder.build());
      return out.iterator();
    });
  }
}
