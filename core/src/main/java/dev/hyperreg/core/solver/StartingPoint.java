package dev.hyperreg.core.solver;

import dev.hyperreg.core.data.BlockAggregator;
import dev.hyperreg.core.data.RowBlock;
import dev.hyperreg.core.linalg.LinearAlgebra;
import dev.hyperreg.core.objective.DataShape;
import dev.hyperreg.core.objective.Link;
import dev.hyperreg.core.objective.Objective;
import dev.hyperreg.core.objective.ObjectiveFunction;
import dev.hyperreg.core.sketch.PrioritySample;
import dev.hyperreg.core.sketch.RowSampling;
import dev.hyperreg.core.sketch.SketchSpec;
import java.io.Serializable;
import java.util.Locale;

/**
 * The default start of a fit: the least-squares solution of A x ≈ f⁻¹(b) over the rows where f⁻¹ is
 * defined (exp and softmax: b &gt; 0 → log b; sinh: asinh b; cosh: b ≥ 1 → acosh b). For exp the rows
 * are weighted by b²: near the fit e^z − b ≈ b·(z − log b), so this is the objective's own first-order
 * model, and rows whose b is small (where noise dominates log b) count little. For exp the
 * constant α (rescaled) or the normalization (softmax) only shifts log b by a constant, so this is
 * near the answer whenever the model fits; it costs one pass and one d × d solve.
 *
 * <p>The unknown constant. For rescaled exp, u = e^z ≈ αb at the answer, so log b = Ax − log α; for
 * softmax log b = Ax − log Σe^z. Fitting Ax ≈ log b alone makes x absorb that constant (a residual of
 * about |log α|·√n, which swamped the start: relative error 4.27 against 0.085 on the benchmark's
 * generator). So for these two the fit has a free constant column, [A 1][x; c] ≈ log b, and c is
 * dropped. With an intercept column in A the intercept plays that part already.
 *
 * <p>cosh needs care: x = 0 is always a stationary point (f'(0) = 0), so when the fit above is
 * unavailable or vanishes the start falls back to a small point with a spread of 0.5 in a·x.
 *
 * @param x the point
 * @param description how it was made, for the fit summary
 */
public record StartingPoint(double[] x, String description) {

  public static StartingPoint defaultFor(ObjectiveFunction function) { return defaultFor(function, null); }

  /**
   * The sketch for a sketched start: 20d rows (the solver's own default) up to 4000, never below
   * 4d, s = 2. Its pass ships two m × d sketches per task, which stays at 64 MB for d = 1000; a
   * coarser start costs Newton iterations (measured: 4d rows at d = 6 started 10⁷ times higher).
   */
  public static SketchSpec startSketch(int dim, long seed) {
    long rows = Math.min(20L * dim, Math.max(4L * dim, 4000));
    return SketchSpec.atLeast(rows, SketchedHessian.DEFAULT_NONZEROS, seed);
  }

  /**
   * The default start; with a sketch, the least-squares fit is solved on S·A x ≈ S·f⁻¹(b)
   * (sketch-and-solve: O(s·nnz) work instead of the n·d² of the normal equations), which is all a
   * start needs.
   */
  public static StartingPoint defaultFor(ObjectiveFunction function, SketchSpec sketch) {
    Objective objective = function.objective();
    Link link = objective.link();
    int d = objective.dim();
    NormalEquations ne = function.runner().aggregate(new InverseLinkFit(link, d, sketch), "starting point");
    function.countPass();
    boolean freeConstant = hasFreeConstant(objective);
    double[] x = ne.used == 0 ? new double[d] : freeConstant ? ne.solveWithConstant()
        : LinearAlgebra.regularizedNormalSolve(ne.gram(0), d, ne.rhs());
    if (ne.used > 0 && usable(x)) {
      return new StartingPoint(x, String.format(Locale.ROOT,
          "least squares fit of f⁻¹(b)%s over %d of %d rows", freeConstant ? " with a free constant" : "",
          ne.used, ne.rows));
    }
    double[] all = ne.gram(1);
    double[] columnSquares = new double[d];
    for (int j = 0; j < d; j++) columnSquares[j] = all[j * d + j];
    return fallback(link, columnSquares, ne.rows);
  }

  /**
   * The same least-squares start from a row sample, for solvers whose every pass must return
   * little (Newton–CG): one pass sums the rows' scores W_i·‖a_i‖² (W_i the row's weight in the fit),
   * the next keeps about {@code sampleRows} rows by normalized priority sampling
   * ({@link RowSampling}: tasks return only rows that can be kept, about m in all), and the driver
   * solves the sampled normal equations Σ (W_i/p_i)·[a_i; 1][a_i; 1]ᵀ, an unbiased estimate of the
   * exact ones. Two passes, each returning a few numbers and a d-vector per task besides the rows.
   */
  public static StartingPoint sampled(ObjectiveFunction function, long sampleRows, long seed) {
    Objective objective = function.objective();
    Link link = objective.link();
    int d = objective.dim();
    RowSampling scores = RowSampling.fromFactor(null, d, 1, new double[] {0}, 0, seed);
    SampledFit totals = function.runner().aggregate(new SampledInverseLinkFit(link, d, scores),
        "starting point: row scores");
    function.countPass(new DataShape(totals.rows, totals.storedEntries, totals.gramWork));
    if (totals.used == 0) return fallback(link, totals.columnSquares, totals.rows);
    RowSampling sampling = RowSampling.fromFactor(null, d, totals.used, new double[] {0}, sampleRows, seed)
        .withScoreTotal(totals.sample.leverageSum());
    SampledFit fit = function.runner().aggregate(new SampledInverseLinkFit(link, d, sampling),
        "starting point: row sample");
    function.countPass();
    double[] g = fit.sample.gram();
    double[] r = fit.sample.weightedTargets();
    double[] x;
    if (hasFreeConstant(objective)) {
      x = java.util.Arrays.copyOf(LinearAlgebra.regularizedNormalSolve(g, d + 1, r), d);
    } else {
      double[] leading = new double[d * d];
      for (int j = 0; j < d; j++) System.arraycopy(g, j * (d + 1), leading, j * d, d);
      x = LinearAlgebra.regularizedNormalSolve(leading, d, java.util.Arrays.copyOf(r, d));
    }
    if (!usable(x)) return fallback(link, totals.columnSquares, totals.rows);
    return new StartingPoint(x, String.format(Locale.ROOT, "least squares fit of f⁻¹(b)%s over a sample of %d of"
        + " the %d of %d rows where it is defined", hasFreeConstant(objective) ? " with a free constant" : "",
        fit.sample.keptRows(), totals.used, totals.rows));
  }

  /**
   * The same least-squares start without a d × d matrix, for d too wide for one (the matrix-free
   * solvers): conjugate gradients on the normal equations ÃᵀWÃ θ = ÃᵀWy of Ã = [A 1] (A alone
   * without the free constant), preconditioned by their diagonal, from θ = 0, to a relative
   * residual of 10⁻³ or {@code maxSteps} steps. One pass gives the right-hand side and the diagonal,
   * and each step's product ÃᵀW(Ãθ) is one pass that returns a d-vector per task.
   */
  public static StartingPoint matrixFree(ObjectiveFunction function, int maxSteps) {
    Objective objective = function.objective();
    Link link = objective.link();
    int d = objective.dim();
    boolean constant = hasFreeConstant(objective);
    int e = constant ? d + 1 : d;
    LeastSquaresPass.Sums setup = function.runner().aggregate(new LeastSquaresPass(link, d, null),
        "starting point: right-hand side and diagonal");
    function.countPass();
    if (setup.used == 0) return fallback(link, setup.columnSquares, setup.rows);
    double[] diagonal = java.util.Arrays.copyOf(setup.diagonal, e);
    double largest = 0;
    for (double v : diagonal) largest = Math.max(largest, v);
    double floor = 1e-12 * largest;
    double[] rhs = java.util.Arrays.copyOf(setup.products, e);
    double[] initial = new double[e];
    jacobi(rhs, diagonal, floor, initial);
    double stop = 1e-6 * LinearAlgebra.dot(rhs, initial); // a relative residual of 10⁻³ in the preconditioned norm
    ConjugateGradients.Result solved = ConjugateGradients.solve((v, step) -> {
      double[] direction = java.util.Arrays.copyOf(v, d + 1); // the constant's entry 0 without one
      LeastSquaresPass.Sums product = function.runner().aggregate(new LeastSquaresPass(link, d, direction),
          String.format(Locale.ROOT, "starting point: CG step %d", step));
      function.countPass();
      return java.util.Arrays.copyOf(product.products, e);
    }, r -> {
      double[] z = new double[e];
      jacobi(r, diagonal, floor, z);
      return z;
    }, rhs, maxSteps, (residual, rz) -> rz <= stop, Double.POSITIVE_INFINITY, null);
    double[] theta = solved.y();
    int steps = solved.steps();
    double[] x = java.util.Arrays.copyOf(theta, d);
    if (!usable(x)) return fallback(link, setup.columnSquares, setup.rows);
    return new StartingPoint(x, String.format(Locale.ROOT, "least squares fit of f⁻¹(b)%s over %d of %d rows,"
        + " matrix-free (%d CG steps)", constant ? " with a free constant" : "", setup.used, setup.rows, steps));
  }

  /** z = r / diagonal, 0 where the diagonal is at most the floor (columns no used row touches). */
  private static void jacobi(double[] r, double[] diagonal, double floor, double[] z) {
    for (int j = 0; j < r.length; j++) z[j] = diagonal[j] > floor ? r[j] / diagonal[j] : 0;
  }

  /** out[j] += Σ_i a_ij² over the block's rows: the column scales of cosh's fallback. */
  static void addColumnSquares(RowBlock block, double[] out) {
    double[] ones = new double[block.rows()];
    java.util.Arrays.fill(ones, 1);
    block.addWeightedSquares(ones, 1, out, 0);
  }

  /** Whether a fitted start can be used: finite and not the origin. */
  private static boolean usable(double[] x) {
    if (!(LinearAlgebra.norm(x) > 0)) return false;
    for (double v : x) if (!Double.isFinite(v)) return false;
    return true;
  }

  /** Where the objective fits log b up to a constant (see the class comment), unless A has an intercept. */
  private static boolean hasFreeConstant(Objective objective) {
    return objective.interceptColumn() < 0 && objective.kind().startHasFreeConstant(objective.link());
  }

  /**
   * Where the fit is unavailable: x = 0, except for cosh, which must not start at its stationary
   * point 0: x_j = 0.5 / (√d · rms_j) gives a·x a spread of about 0.5 when the columns are roughly
   * independent (rms_j from Σ_i a_ij² over the rows).
   */
  private static StartingPoint fallback(Link link, double[] columnSquares, long rows) {
    int d = columnSquares.length;
    if (link != Link.COSH) {
      return new StartingPoint(new double[d], "x = 0 (f⁻¹(b) is defined on no row)");
    }
    double[] fallback = new double[d];
    for (int j = 0; j < d; j++) {
      double rms = Math.sqrt(columnSquares[j] / Math.max(1, rows));
      fallback[j] = rms > 0 ? 0.5 / (Math.sqrt(d) * rms) : 0;
    }
    return new StartingPoint(fallback,
        "small non-zero point (cosh is stationary at 0 and acosh(b) is defined on no row)");
  }

  /**
   * A row's weight in the start's fit: exp rows count with b², since near the fit
   * e^z − b ≈ b·(z − log b); 0 where f⁻¹(b) is not defined (y not finite).
   */
  static double fitWeight(Link link, double b, double y) {
    if (!Double.isFinite(y)) return 0;
    return link == Link.EXP ? b * b : 1;
  }

  /**
   * Normal equations of the weighted fit (matrix 0; W is zero where f⁻¹(b) is undefined), plus the
   * unweighted Gram (matrix 1) for scales: exact, or (with a sketch) as sketches S·√W·A and S·A,
   * S·√W·y that {@link #gram} and
   * {@link #rhs} turn into normal equations of the sketched problem.
   */
  static final class NormalEquations implements Serializable {
    private static final long serialVersionUID = 1L;
    final int dim;
    final int sketchRows;
    double[] grams;
    double[] rhs;
    double[] sketchedTargets;
    /** Aᵀ W 1 (exact) or S·√W·1 (sketched): the weighted constant column's products. */
    double[] maskedColumn;
    /** Σ W y and Σ W over the used rows (exact). */
    double targetSum;
    double weightSum;
    long used;
    long rows;

    NormalEquations(int dim, int sketchRows) {
      this.dim = dim;
      this.sketchRows = sketchRows;
    }

    double[] gram(int k) {
      if (sketchRows > 0) {
        if (grams == null) return new double[dim * dim];
        double[] factor = java.util.Arrays.copyOfRange(grams, k * sketchRows * dim, (k + 1) * sketchRows * dim);
        return LinearAlgebra.gramOf(factor, sketchRows, dim);
      }
      double[] g = new double[dim * dim];
      if (grams != null) System.arraycopy(grams, k * dim * dim, g, 0, dim * dim);
      LinearAlgebra.mirrorUpper(g, dim, 0);
      return g;
    }

    /**
     * The least-squares fit of [A 1][x; c] ≈ y over the used rows, x only: the normal equations of
     * the (d + 1)-column design, from the same pass (exactly, or of the sketched problem).
     */
    double[] solveWithConstant() {
      int e = dim + 1;
      double[] g = new double[e * e];
      double[] r = new double[e];
      double[] inner = gram(0);
      double[] innerRhs = rhs();
      for (int j = 0; j < dim; j++) {
        System.arraycopy(inner, j * dim, g, j * e, dim);
        r[j] = innerRhs[j];
      }
      double[] column;
      if (sketchRows > 0) {
        // S√WA is row-major m × d: (S√WA)ᵀ(S√W1) is a matrix-vector product, (S√W1)ᵀ(S√Wy) a dot
        column = new double[dim];
        LinearAlgebra.blas().dgemv("N", dim, sketchRows, 1.0, grams, 0, dim, maskedColumn, 0, 1, 0.0, column, 0, 1);
        g[dim * e + dim] = LinearAlgebra.dot(maskedColumn, maskedColumn);
        r[dim] = LinearAlgebra.dot(maskedColumn, sketchedTargets);
      } else {
        column = maskedColumn;
        g[dim * e + dim] = weightSum;
        r[dim] = targetSum;
      }
      for (int j = 0; j < dim; j++) {
        g[dim * e + j] = column[j];
        g[j * e + dim] = column[j];
      }
      return java.util.Arrays.copyOf(LinearAlgebra.regularizedNormalSolve(g, e, r), dim);
    }

    /** Aᵀ W y (exact), or (S√WA)ᵀ (S√Wy) with a sketch. */
    double[] rhs() {
      if (sketchRows == 0 || grams == null) return rhs;
      double[] r = new double[dim];
      // the sketch S√WA is row-major m × d, i.e. its transpose is column-major d × m
      LinearAlgebra.blas().dgemv("N", dim, sketchRows, 1.0, grams, 0, dim, sketchedTargets, 0, 1, 0.0, r, 0, 1);
      return r;
    }
  }

  static final class InverseLinkFit implements BlockAggregator<NormalEquations> {
    private static final long serialVersionUID = 1L;
    private final Link link;
    private final int dim;
    private final SketchSpec sketch;

    InverseLinkFit(Link link, int dim, SketchSpec sketch) {
      this.link = link;
      this.dim = dim;
      this.sketch = sketch;
    }

    @Override public NormalEquations zero() { return new NormalEquations(dim, sketch == null ? 0 : sketch.rows()); }

    @Override public NormalEquations add(NormalEquations acc, RowBlock block) {
      int n = block.rows();
      int item = sketch == null ? dim * dim : sketch.rows() * dim;
      if (acc.grams == null) {
        acc.grams = new double[2 * item];
        acc.rhs = new double[dim];
        acc.maskedColumn = new double[sketch == null ? dim : sketch.rows()];
        if (sketch != null) acc.sketchedTargets = new double[sketch.rows()];
      }
      double[] weights = new double[2 * n];
      double[] targets = new double[n];
      for (int i = 0; i < n; i++) {
        double b = block.label(i);
        double y = link.inverse(b);
        if (Double.isFinite(y)) {
          // least squares on the sketch takes the square root of the weight into each row
          double weight = fitWeight(link, b, y);
          double rowWeight = sketch == null ? weight : Math.sqrt(weight);
          weights[i] = rowWeight;
          targets[i] = rowWeight * y;
          acc.targetSum += weight * y;
          acc.weightSum += weight;
          acc.used++;
        }
        weights[n + i] = 1;
      }
      if (sketch == null) {
        block.addWeightedGrams(weights, 2, acc.grams, 0);
        block.addTransposeTimes(targets, 1, acc.rhs, 0);
        block.addTransposeTimes(weights, 1, acc.maskedColumn, 0); // W is weights[0, n)
      } else {
        SketchSpec.Hashed hashed = sketch.hash(block, 0);
        hashed.addRows(weights, acc.grams, 0); // S·√W·A (weights[0, n) is √W, zero off the mask)
        hashed.addRows(java.util.Arrays.copyOfRange(weights, n, 2 * n), acc.grams, item); // S·A
        hashed.addVector(targets, acc.sketchedTargets);
        hashed.addVector(java.util.Arrays.copyOf(weights, n), acc.maskedColumn); // S·√W·1
      }
      acc.rows += n;
      return acc;
    }

    @Override public NormalEquations merge(NormalEquations left, NormalEquations right) {
      if (right.grams == null) return left;
      if (left.grams == null) return right;
      for (int i = 0; i < left.grams.length; i++) left.grams[i] += right.grams[i];
      for (int i = 0; i < left.rhs.length; i++) left.rhs[i] += right.rhs[i];
      for (int i = 0; i < left.maskedColumn.length; i++) left.maskedColumn[i] += right.maskedColumn[i];
      left.targetSum += right.targetSum;
      left.weightSum += right.weightSum;
      if (left.sketchedTargets != null) {
        for (int i = 0; i < left.sketchedTargets.length; i++) left.sketchedTargets[i] += right.sketchedTargets[i];
      }
      left.used += right.used;
      left.rows += right.rows;
      return left;
    }
  }

  /** What a sampled start's pass collects: the sample, the row counts and Σ_i a_ij² per column. */
  static final class SampledFit implements Serializable {
    private static final long serialVersionUID = 1L;
    final PrioritySample sample;
    final double[] columnSquares;
    long used;
    long rows;
    /** Stored entries and the exact Hessian's work of the blocks read ({@link DataShape}). */
    double storedEntries, gramWork;

    SampledFit(PrioritySample sample, int dim) {
      this.sample = sample;
      this.columnSquares = new double[dim];
    }
  }

  /** The sampled start's pass: each row offered with weight W_i and target f⁻¹(b_i). */
  static final class SampledInverseLinkFit implements BlockAggregator<SampledFit> {
    private static final long serialVersionUID = 1L;
    private final Link link;
    private final int dim;
    private final RowSampling sampling;

    SampledInverseLinkFit(Link link, int dim, RowSampling sampling) {
      this.link = link;
      this.dim = dim;
      this.sampling = sampling;
    }

    @Override public SampledFit zero() {
      return new SampledFit(PrioritySample.withTargets(sampling.size(), dim, sampling.floor()), dim);
    }

    @Override public SampledFit add(SampledFit acc, RowBlock block) {
      int n = block.rows();
      double[] weights = new double[n];
      double[] targets = new double[n];
      for (int i = 0; i < n; i++) {
        double b = block.label(i);
        double y = link.inverse(b);
        weights[i] = fitWeight(link, b, y);
        targets[i] = weights[i] == 0 ? 0 : y;
        if (weights[i] != 0) acc.used++;
      }
      sampling.addRows(block, weights, targets, acc.sample);
      addColumnSquares(block, acc.columnSquares);
      acc.rows += n;
      acc.storedEntries += block.storedEntries();
      acc.gramWork += DataShape.gramWork(block.storedEntries(), n);
      return acc;
    }

    @Override public SampledFit merge(SampledFit left, SampledFit right) {
      left.sample.merge(right.sample);
      for (int j = 0; j < dim; j++) left.columnSquares[j] += right.columnSquares[j];
      left.used += right.used;
      left.rows += right.rows;
      left.storedEntries += right.storedEntries;
      left.gramWork += right.gramWork;
      return left;
    }
  }
}
