package dev.hyperreg.spark.exec;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.hyperreg.core.data.InMemoryPassRunner;
import dev.hyperreg.core.data.RowBlock;
import dev.hyperreg.core.data.RowBlockBuilder;
import dev.hyperreg.core.linalg.LinearAlgebra;
import dev.hyperreg.core.objective.Evaluation;
import dev.hyperreg.core.objective.Link;
import dev.hyperreg.core.objective.Objective;
import dev.hyperreg.core.objective.ObjectiveFunction;
import dev.hyperreg.core.objective.ObjectiveKind;
import dev.hyperreg.core.solver.FitResult;
import dev.hyperreg.core.solver.IterationListener;
import dev.hyperreg.core.solver.NewtonSolver;
import dev.hyperreg.core.solver.StartingPoint;
import dev.hyperreg.spark.SparkTestSession;
import dev.hyperreg.spark.TestFiles;
import dev.hyperreg.spark.io.BlockedData;
import dev.hyperreg.spark.io.LibsvmInput;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.stream.Stream;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The Spark path (LIBSVM text → cached blocks on local[2] → treeAggregate) and the in-memory path
 * (blocks built here from the same numbers, summed in one loop) give the same fit.
 */
class SparkAgreementTest {
  @TempDir Path dir;

  static Stream<Arguments> combinations() {
    List<Arguments> cases = new ArrayList<>();
    for (ObjectiveKind kind : ObjectiveKind.values()) {
      for (Link link : Link.values()) {
        if (!kind.takes(link)) continue;
        cases.add(Arguments.of(kind, link, 1.0));
      }
    }
    cases.add(Arguments.of(ObjectiveKind.PLAIN, Link.SINH, 0.1)); // sparse (CSR) blocks
    cases.add(Arguments.of(ObjectiveKind.RESCALED, Link.EXP, 0.1));
    return cases.stream();
  }

  @ParameterizedTest(name = "{0} {1} density {2}")
  @MethodSource("combinations")
  void sparkAndInMemoryFitsAgree(ObjectiveKind kind, Link link, double density) throws Exception {
    int n = 600, d = 6;
    double regWeight = 0.05;
    double[][] a = TestFiles.randomDesign(kind.ordinal() * 10L + link.ordinal(), n, d, density);
    double[] b = targets(kind, link, a);
    Path file = dir.resolve("data.libsvm");
    TestFiles.writeLibsvm(file, a, b);

    BlockedData data = LibsvmInput.load(SparkTestSession.context(), file.toString(), 0, false, regWeight, 3);
    try {
      assertTrue(data.blocks().getNumPartitions() >= 3);
      assertEquals(n, data.rows());
      Objective objective = new Objective(kind, link, d, 0.01, -1);
      ObjectiveFunction spark = new ObjectiveFunction(objective,
          new SparkPassRunner(SparkTestSession.context(), data.blocks(), "test"));
      ObjectiveFunction memory = new ObjectiveFunction(objective, new InMemoryPassRunner(blocks(a, b, regWeight)));

      double[] x = new double[d];
      for (int j = 0; j < d; j++) x[j] = 0.3 * (j % 3 - 1);
      Evaluation es = spark.evaluate(x, true, "check");
      Evaluation em = memory.evaluate(x, true, "check");
      assertEquals(em.loss(), es.loss(), 1e-12 * em.loss());
      assertEquals(0, LinearAlgebra.relativeDistance(es.hessian(), em.hessian()), 1e-12);

      double[] start = link == Link.COSH ? startNear(memory) : StartingPoint.defaultFor(memory).x();
      NewtonSolver solver = new NewtonSolver().withTolerance(1e-12);
      FitResult fs = solver.minimize(spark, start, IterationListener.NONE);
      FitResult fm = solver.minimize(memory, start, IterationListener.NONE);
      assertTrue(fm.converged(), fm.message());
      assertTrue(fs.converged(), fs.message());
      // relative to max(1, ‖x‖), like the stopping rule: rescaled sinh ends at x = 0
      double scale = Math.max(1, LinearAlgebra.norm(fm.coefficients()));
      assertEquals(0, LinearAlgebra.distance(fs.coefficients(), fm.coefficients()) / scale, 1e-10);
    } finally {
      data.release();
    }
  }

  /** Targets generated from the model at a fixed x* with 5% noise. */
  private static double[] targets(ObjectiveKind kind, Link link, double[][] a) {
    Random rnd = new Random(5);
    int n = a.length;
    double[] z = new double[n];
    for (int i = 0; i < n; i++) for (int j = 0; j < a[i].length; j++) z[i] += a[i][j] * (0.8 - 0.3 * j);
    double[] b = new double[n];
    double total = 0;
    for (int i = 0; i < n; i++) {
      b[i] = link.value(z[i]) * (1 + 0.05 * rnd.nextGaussian());
      total += link.value(z[i]);
    }
    if (kind != ObjectiveKind.PLAIN) for (int i = 0; i < n; i++) b[i] /= total;
    return b;
  }

  private static double[] startNear(ObjectiveFunction f) {
    double[] x = new double[f.objective().dim()];
    for (int j = 0; j < x.length; j++) x[j] = 0.7 - 0.3 * j;
    return x;
  }

  private static List<RowBlock> blocks(double[][] a, double[] b, double regWeight) {
    List<RowBlock> blocks = new ArrayList<>();
    RowBlockBuilder builder = new RowBlockBuilder(a[0].length, -1, regWeight);
    for (int i = 0; i < a.length; i++) {
      List<Integer> idx = new ArrayList<>();
      List<Double> val = new ArrayList<>();
      for (int j = 0; j < a[i].length; j++) {
        if (a[i][j] != 0) {
          idx.add(j);
          val.add(a[i][j]);
        }
      }
      builder.add(i, b[i], idx.stream().mapToInt(Integer::intValue).toArray(),
          val.stream().mapToDouble(Double::doubleValue).toArray());
      if (builder.rows() == 250) blocks.add(builder.build());
    }
    blocks.add(builder.build());
    return blocks;
  }
}
