package dev.hyperreg.spark.bench;

import dev.hyperreg.core.data.BlockAggregator;
import dev.hyperreg.core.data.RowBlock;
import dev.hyperreg.core.data.RowBlockBuilder;
import dev.hyperreg.core.linalg.LinearAlgebra;
import dev.hyperreg.core.objective.Evaluation;
import dev.hyperreg.core.objective.Link;
import dev.hyperreg.core.objective.Objective;
import dev.hyperreg.core.objective.ObjectiveFunction;
import dev.hyperreg.core.objective.ObjectiveKind;
import dev.hyperreg.core.objective.PassKind;
import dev.hyperreg.core.sketch.SketchSpec;
import dev.hyperreg.core.solver.FitResult;
import dev.hyperreg.core.solver.IterationListener;
import dev.hyperreg.core.solver.IterationRecord;
import dev.hyperreg.core.solver.SketchedHessian;
import dev.hyperreg.core.solver.StartingPoint;
import dev.hyperreg.spark.UsageException;
import dev.hyperreg.spark.bench.BenchProblems.Problem;
import dev.hyperreg.spark.exec.PassTraffic;
import dev.hyperreg.spark.exec.SparkPassRunner;
import dev.hyperreg.spark.exec.SparkSessions;
import dev.hyperreg.spark.job.DriverLimits;
import dev.hyperreg.spark.job.FitJob;
import dev.hyperreg.spark.job.Json;
import dev.hyperreg.spark.job.Solver;
import dev.hyperreg.spark.job.SolverSettings;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.StringJoiner;
import java.util.stream.IntStream;
import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.ml.linalg.Vectors;
import org.apache.spark.ml.regression.GeneralizedLinearRegression;
import org.apache.spark.ml.regression.GeneralizedLinearRegressionModel;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.functions;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;
import org.apache.spark.storage.StorageLevel;

/**
 * {@code hyperreg bench}: the solvers side by side in one process on the same cached data —
 * generated problems with a planted solution — plus a bare pass (read every block, compute Ax,
 * aggregate one d-vector: the floor no iteration can beat) and, for plain exp, Spark ML's
 * GeneralizedLinearRegression. Results go to bench.json and bench.md in the output directory.
 */
public final class Benchmark {
  private Benchmark() {}

  /** Runs the problems the options name (checked before Spark starts) and writes bench.json and bench.md. */
  public static int run(BenchOptions options, PrintStream out) throws IOException {
    boolean quick = options.quick;
    String output = options.output;
    List<String> only = options.only();
    List<String> methods = options.methods();
    boolean trace = options.trace;
    List<Integer> partitionCounts = options.partitionCounts();
    List<String> known = BenchProblems.problems(quick).stream().map(Problem::name).toList();
    if (only != null && !known.containsAll(only)) {
      throw new UsageException("unknown problem(s) " + only.stream().filter(n -> !known.contains(n)).toList()
          + " for bench" + (quick ? " --quick" : "") + ": expected among " + known);
    }
    boolean existing = SparkSession.getDefaultSession().isDefined();
    SparkSession.Builder builder = SparkSessions.builder("hyperreg bench", options.master, existing);
    SparkSession spark = builder.getOrCreate();
    try {
      JavaSparkContext jsc = JavaSparkContext.fromSparkContext(spark.sparkContext());
      List<Map<String, Object>> results = new ArrayList<>();
      Map<String, Object> header = new LinkedHashMap<>();
      header.put("quick", quick);
      header.put("blas", LinearAlgebra.implementationNames());
      header.put("spark", jsc.version());
      header.put("java", System.getProperty("java.version"));
      header.put("cores", Runtime.getRuntime().availableProcessors());
      header.put("maxHeapGiB", Runtime.getRuntime().maxMemory() / (double) (1L << 30));
      header.put("openblasNumThreads", System.getenv("OPENBLAS_NUM_THREADS"));
      Path dir = Path.of(output);
      Files.createDirectories(dir);
      List<Integer> counts = partitionCounts != null ? partitionCounts
          : List.of(Math.max(2, jsc.defaultParallelism()) * 2);
      for (Problem problem : BenchProblems.problems(quick)) {
        if (only != null && !only.contains(problem.name())) continue;
        for (int partitions : counts) {
          out.println("== " + problem.name() + ", " + partitions + " partitions");
          results.add(runProblem(spark, jsc, problem, partitions, methods,
              trace ? traceTo(out) : IterationListener.NONE, out));
        }
        Map<String, Object> all = new LinkedHashMap<>(header);
        all.put("problems", results);
        all.put("scalingFit", BenchReport.scalingFit(results));
        Files.writeString(dir.resolve("bench.json"), Json.write(all));
        Files.writeString(dir.resolve("bench.md"), BenchReport.markdown(header, results, BenchReport.scalingFit(results)));
      }
      out.println(Files.readString(dir.resolve("bench.md")));
      return 0;
    } finally {
      if (!existing) spark.stop();
    }
  }

  /** Prints every iteration: where the passes and the seconds go. */
  private static IterationListener traceTo(PrintStream out) {
    return r -> out.printf(Locale.ROOT, "    #%d log L %.6g |g| %.3g t %.3g passes %d %.2f s [%s]%s%n", r.iteration(),
        r.logObjectiveValue(), r.gradientNorm(), r.stepSize(), r.dataPasses(), r.seconds(), r.hessian(),
        r.note() == null ? "" : " " + r.note());
  }

  static Map<String, Object> runProblem(SparkSession spark, JavaSparkContext jsc, Problem p, int partitions,
      List<String> only, IterationListener listener, PrintStream out) {
    JavaRDD<RowBlock> blocks = BenchProblems.blocks(jsc, p, partitions).persist(StorageLevel.MEMORY_ONLY());
    PassTraffic traffic = PassTraffic.attach(spark.sparkContext());
    long generateStart = System.nanoTime();
    long nnz = blocks.map(RowBlock::storedEntries).reduce(Long::sum);
    Map<String, Object> r = new LinkedHashMap<>();
    r.put("name", p.name());
    r.put("objective", p.kind().label() + " " + p.link().label());
    r.put("n", p.n());
    r.put("d", p.d());
    r.put("partitions", partitions);
    r.put("density", p.density());
    r.put("storedEntries", nnz);
    r.put("generateSeconds", (System.nanoTime() - generateStart) / 1e9);
    r.put("cachedFraction", cachedFraction(jsc, blocks));
    try {
      Objective objective = new Objective(p.kind(), p.link(), p.d(), 0, -1);
      SparkPassRunner runner = new SparkPassRunner(jsc, blocks, "hyperreg-bench");
      double barePass = medianSeconds(3, () -> runner.aggregate(new BarePass(p.d()), "bare pass"));
      r.put("barePassSeconds", barePass);
      ObjectiveFunction startFunction = new ObjectiveFunction(objective, runner);
      // past d × d matrices (matrix-free: newton-cg and lbfgs only, from the matrix-free start, against
      // newton-cg's answer)
      boolean wide = p.d() > DriverLimits.MAX_DIM;
      r.put("reference", wide ? "newton-cg (matrix-free)" : "exact");
      // every method starts from the same sketched start; what the starts cost is measured beside it:
      // the sketched one (two sketches per task, one pass) and newton-cg's sampled one (two passes)
      double[] x0 = wide ? StartingPoint.matrixFree(startFunction, FitJob.MATRIX_FREE_START_STEPS).x() : null;
      double[] sampledStart = null;
      if (!wide) {
        PassTraffic.Totals beforeStart = traffic.total();
        long startNanos = System.nanoTime();
        x0 = StartingPoint.defaultFor(startFunction, StartingPoint.startSketch(p.d(), 1)).x();
        r.put("sketchedStartSeconds", (System.nanoTime() - startNanos) / 1e9);
        r.put("sketchedStartMB", traffic.total().since(beforeStart).bytes() / 1e6);
        beforeStart = traffic.total();
        startNanos = System.nanoTime();
        sampledStart = StartingPoint.sampled(startFunction, SketchedHessian.rowsFor(p.d(), null), 1).x();
        r.put("sampledStartSeconds", (System.nanoTime() - startNanos) / 1e9);
        r.put("sampledStartMB", traffic.total().since(beforeStart).bytes() / 1e6);
      }
      double[] start = x0;

      Map<String, Map<String, Object>> methods = new LinkedHashMap<>();
      double[] exactAnswer = null;
      List<Solver> chosen = wide ? List.of(Solver.NEWTON_CG, Solver.LBFGS)
          : p.scaling() ? List.of(Solver.EXACT, Solver.SKETCH, Solver.NEWTON_CG)
              : List.of(Solver.EXACT, Solver.SKETCH, Solver.SAMPLE, Solver.NEWTON_CG, Solver.LBFGS);
      for (Solver solver : chosen) {
        String method = solver.label();
        if (only != null && !only.contains(method)) continue;
        List<double[]> iterates = new ArrayList<>();
        IterationListener tracking = new IterationListener() {
          @Override public void onIteration(IterationRecord record) { listener.onIteration(record); }

          @Override public void onIterate(IterationRecord record, double[] point) {
            iterates.add(point.clone());
            listener.onIterate(record, point);
          }
        };
        PassTraffic.Totals before = traffic.total();
        long t0 = System.nanoTime();
        FitJob.Fitted fitted = FitJob.fitBlocks(jsc, blocks, objective, settings(solver, p), new StartingPoint(x0,
            wide ? "matrix-free start" : "sketched start"), "hyperreg-bench", tracking);
        FitResult fit = fitted.fit();
        double wall = (System.nanoTime() - t0) / 1e9;
        PassTraffic.Totals moved = traffic.total().since(before);
        if (solver == Solver.EXACT || (wide && solver == Solver.NEWTON_CG)) exactAnswer = fit.coefficients();
        Map<String, Object> m = describe(fit, wall);
        m.put("bytesPerPass", moved.bytes() / (double) Math.max(1, fit.dataPasses()));
        m.put("passesByKind", passKinds(fitted.passesByKind()));
        m.put("taskResultBytes", moved.resultBytes());
        m.put("shuffleBytesWritten", moved.shuffleBytes());
        if (exactAnswer != null) toAccuracy(m, fit, iterates, exactAnswer, 1e-6);
        if (exactAnswer != null) m.put("relativeErrorVsExact", LinearAlgebra.relativeDistance(fit.coefficients(), exactAnswer));
        methods.put(method, m);
        out.printf(Locale.ROOT, "  %-7s %s%n", method, m);
      }
      if (exactAnswer != null && !wide) {
        r.put("sketchedStartRelativeError", LinearAlgebra.relativeDistance(x0, exactAnswer));
        r.put("sampledStartRelativeError", LinearAlgebra.relativeDistance(sampledStart, exactAnswer));
      }
      ObjectiveFunction f = new ObjectiveFunction(objective, runner);
      r.put("lossGradientPassSeconds", medianSeconds(3, () -> f.evaluate(start, false, "loss and gradient pass")));
      Evaluation atStart = f.evaluate(start, false, "the point of the Hessian-vector passes");
      r.put("hessianVectorPassSeconds", medianSeconds(3, () -> f.hessianTimes(atStart, start, "Hessian-vector pass")));
      r.put("methods", methods);
      if (wide) return r; // no d × d pass fits
      // exact's Gram throughput: one Hessian pass at x0 against one bare pass
      double hessianPass = medianSeconds(1, () -> f.evaluate(start, true, "exact Hessian pass"));
      int grams = p.kind() == ObjectiveKind.PLAIN ? 1 : 3;
      // the upper triangle of each Gram: n·d(d + 1) flops dense, about n·(d·density)² sparse
      double flops = grams * (p.density() >= RowBlockBuilder.DENSE_FRACTION
          ? (double) p.n() * p.d() * (p.d() + 1) : (double) p.n() * Math.pow(p.d() * p.density(), 2));
      r.put("exactHessianPassSeconds", hessianPass);
      r.put("exactGramGflops", flops / (hessianPass - Math.min(hessianPass / 2, barePass)) / 1e9);
      // what a sketched pass costs on top of loss and gradient: m = 20d (an m × d sketch per task)
      // with s = 4 and s = 2 non-zeros per row, and m = 4d (the sampling solver's score sketch)
      for (int[] size : new int[][] {{SketchedHessian.DEFAULT_ROWS_PER_COLUMN, 4},
          {SketchedHessian.DEFAULT_ROWS_PER_COLUMN, 2}, {4, SketchedHessian.DEFAULT_NONZEROS}}) {
        SketchSpec spec = SketchSpec.atLeast((long) size[0] * p.d(), size[1], 3);
        r.put("sketch" + size[0] + "dS" + size[1] + "PassSeconds",
            medianSeconds(3, () -> f.evaluate(start, spec, "sketch pass")));
      }
      // Spark's GLR is judged against the exact answer: only when the exact method ran
      if (p.kind() == ObjectiveKind.PLAIN && p.link() == Link.EXP && !p.scaling() && exactAnswer != null) {
        r.put("sparkGlr", glr(spark, blocks, p, exactAnswer));
        out.println("  glr     " + r.get("sparkGlr"));
      }
      return r;
    } finally {
      traffic.close();
      blocks.unpersist(true);
    }
  }

  /**
   * Every method to 10⁻¹² (the exact solver's answer is the reference), from the same start, with
   * the sketches' seed 7; L-BFGS to ‖∇L‖ ≤ 10⁻⁹ of the start's, within 50 iterations on the
   * scaling series and 2000 elsewhere.
   */
  static SolverSettings settings(Solver solver, Problem p) {
    int maxIterations = switch (solver) {
      case EXACT -> 100;
      case LBFGS -> p.scaling() ? 50 : 2000;
      default -> 200;
    };
    double gradientTolerance = solver == Solver.LBFGS ? 1e-9 : 0;
    return new SolverSettings(solver, null, 7, maxIterations, 1e-12, gradientTolerance, 0);
  }

  /** The fit's passes by what their tasks returned, "gradient 5, exact-hessian 1": where the passes went. */
  static String passKinds(Map<PassKind, Long> passesByKind) {
    StringJoiner kinds = new StringJoiner(", ");
    passesByKind.forEach((kind, count) -> kinds.add(kind.name().toLowerCase(Locale.ROOT).replace('_', '-') + " " + count));
    return kinds.toString();
  }

  /**
   * The headline: seconds, data passes and iterations until the iterate is within {@code accuracy}
   * (relative) of the reference — the exact solver's answer to 1e-12 in the same run — counted from
   * the start evaluation; null when never reached.
   */
  static void toAccuracy(Map<String, Object> m, FitResult fit, List<double[]> iterates, double[] reference,
      double accuracy) {
    List<IterationRecord> its = fit.iterations();
    double seconds = 0;
    long passes = 0;
    for (int k = 0; k < its.size() && k < iterates.size(); k++) {
      seconds += its.get(k).seconds();
      passes += its.get(k).dataPasses();
      if (LinearAlgebra.relativeDistance(iterates.get(k), reference) <= accuracy) {
        m.put("secondsTo1e-6", seconds);
        m.put("passesTo1e-6", passes);
        m.put("iterationsTo1e-6", k);
        return;
      }
    }
    m.put("secondsTo1e-6", null);
    m.put("passesTo1e-6", null);
    m.put("iterationsTo1e-6", null);
  }

  static Map<String, Object> describe(FitResult fit, double wall) {
    Map<String, Object> m = new LinkedHashMap<>();
    List<IterationRecord> its = fit.iterations();
    double g0 = its.get(0).gradientNorm();
    double cumulative = 0;
    Double toTolerance = null;
    for (IterationRecord it : its) {
      cumulative += it.seconds();
      if (toTolerance == null && it.gradientNorm() <= 1e-8 * g0) toTolerance = cumulative;
    }
    m.put("iterations", fit.iterationCount());
    m.put("dataPasses", fit.dataPasses());
    m.put("secondsPerIteration", fit.seconds() / Math.max(1, fit.iterationCount()));
    m.put("secondsTo1e-8", toTolerance);
    m.put("solveSeconds", fit.seconds());
    m.put("wallSeconds", wall);
    m.put("converged", fit.converged());
    m.put("stopReason", fit.stopReason().name());
    m.put("finalRelativeGradient", its.get(its.size() - 1).gradientNorm() / g0);
    m.put("hessianAtEnd", its.get(its.size() - 1).hessian());
    m.put("hessianMinEigenvalue", fit.hessianMinEigenvalue()); // exact's is the reference for the others' checks
    return m;
  }

  /** Spark ML's GLR (gaussian, log link, no intercept, regParam 0, tol 1e-12) on the same rows. */
  static Map<String, Object> glr(SparkSession spark, JavaRDD<RowBlock> blocks, Problem p, double[] reference) {
    StructType schema = new StructType().add("label", DataTypes.DoubleType)
        .add("features", new org.apache.spark.ml.linalg.VectorUDT());
    JavaRDD<Row> rows = blocks.flatMap(b -> IntStream.range(0, b.rows()).mapToObj(i -> {
      double[] a = new double[b.cols()];
      for (int j = 0; j < a.length; j++) a[j] = b.get(i, j);
      return RowFactory.create(b.label(i), Vectors.dense(a));
    }).iterator());
    Dataset<Row> frame = spark.createDataFrame(rows, schema).persist(StorageLevel.MEMORY_ONLY());
    frame.count();
    Map<String, Object> m = new LinkedHashMap<>();
    try {
      long t0 = System.nanoTime();
      GeneralizedLinearRegressionModel model = new GeneralizedLinearRegression().setFamily("gaussian").setLink("log")
          .setFitIntercept(false).setRegParam(0).setTol(1e-12).setMaxIter(100).fit(frame);
      double seconds = (System.nanoTime() - t0) / 1e9;
      int iterations = model.summary().numIterations();
      m.put("seconds", seconds);
      m.put("iterations", iterations);
      m.put("secondsPerIteration", seconds / Math.max(1, iterations));
      m.put("relativeErrorVsExact", LinearAlgebra.relativeDistance(model.coefficients().toArray(), reference));
      // What one of its passes costs before any arithmetic. GLR re-reads the frame on every IRLS
      // pass through a projection that checks every feature vector for NaN/Inf (Spark ML's
      // DatasetUtils.checkNonNanVectors, internal API) and converts rows to instances: time a pass
      // of that projection, the same pass without the check, and a bare count of the cached frame.
      m.put("cachedFrameCountSeconds", medianSeconds(3, frame::count));
      Column features = org.apache.spark.ml.util.DatasetUtils$.MODULE$.checkNonNanVectors("features");
      m.put("validatedPassSeconds", medianSeconds(3, () -> frame.select(functions.col("label"), features)
          .javaRDD().count()));
      m.put("unvalidatedPassSeconds", medianSeconds(3, () -> frame.select(functions.col("label"),
          functions.col("features")).javaRDD().count()));
    } finally {
      frame.unpersist(true);
    }
    return m;
  }

  static double cachedFraction(JavaSparkContext jsc, JavaRDD<?> rdd) {
    for (org.apache.spark.storage.RDDInfo info : jsc.sc().getRDDStorageInfo()) {
      if (info.id() == rdd.id()) return info.numCachedPartitions() / (double) info.numPartitions();
    }
    return 0;
  }

  /** The floor: read every block, z = Ax, aggregate Aᵀz (one d-vector). */
  static final class BarePass implements BlockAggregator<double[]> {
    private static final long serialVersionUID = 1L;
    private final int d;

    BarePass(int d) { this.d = d; }

    @Override public double[] zero() { return new double[d]; }

    @Override public double[] add(double[] acc, RowBlock block) {
      double[] x = new double[d];
      java.util.Arrays.fill(x, 1.0 / d);
      double[] z = new double[block.rows()];
      block.multiply(x, z);
      block.addTransposeTimes(z, 1, acc, 0);
      return acc;
    }

    @Override public double[] merge(double[] a, double[] b) {
      for (int j = 0; j < d; j++) a[j] += b[j];
      return a;
    }
  }

  static double medianSeconds(int runs, Runnable action) {
    double[] t = new double[runs];
    for (int i = 0; i < runs; i++) {
      long t0 = System.nanoTime();
      action.run();
      t[i] = (System.nanoTime() - t0) / 1e9;
    }
    java.util.Arrays.sort(t);
    return t[runs / 2];
  }
}
