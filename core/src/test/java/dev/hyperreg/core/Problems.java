package dev.hyperreg.core;

import dev.hyperreg.core.data.DenseRowBlock;
import dev.hyperreg.core.data.InMemoryPassRunner;
import dev.hyperreg.core.data.RowBlock;
import dev.hyperreg.core.data.SparseRowBlock;
import dev.hyperreg.core.linalg.LinearAlgebra;
import dev.hyperreg.core.objective.Link;
import dev.hyperreg.core.objective.Objective;
import dev.hyperreg.core.objective.ObjectiveFunction;
import dev.hyperreg.core.objective.ObjectiveKind;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.stream.Stream;
import org.junit.jupiter.params.provider.Arguments;

/** Test fixtures: random designs split into dense or sparse blocks, and planted problems. */
public final class Problems {
  private Problems() {}

  /** Every objective/link pair of the family × dense or sparse × with or without regularization. */
  public static Stream<Arguments> everyCombination() {
    List<Arguments> cases = new ArrayList<>();
    for (ObjectiveKind kind : ObjectiveKind.values()) {
      for (Link link : Link.values()) {
        if (!kind.takes(link)) continue;
        for (boolean sparse : new boolean[] {false, true}) {
          for (boolean regularized : new boolean[] {false, true}) cases.add(Arguments.of(kind, link, sparse, regularized));
        }
      }
    }
    return cases.stream();
  }

  /** {@link #everyCombination()} without regularization. */
  public static Stream<Arguments> unregularizedCombinations() {
    return everyCombination().filter(a -> !(Boolean) a.get()[3]).map(a -> Arguments.of(a.get()[0], a.get()[1], a.get()[2]));
  }

  /** A design held as rows, with targets and squared weights, convertible to blocks. */
  public static final class Data {
    public final double[][] a;
    public final double[] b;
    public final double[] w2;

    public Data(double[][] a, double[] b, double[] w2) {
      this.a = a;
      this.b = b;
      this.w2 = w2;
    }

    public int n() { return a.length; }
    public int d() { return a[0].length; }

    public Data withLabels(double[] labels) { return new Data(a, labels, w2); }

    /** Splits the rows into blocks of uneven sizes (so that merging is exercised). */
    public List<RowBlock> blocks(boolean sparse) {
      List<RowBlock> blocks = new ArrayList<>();
      int[] sizes = {n() / 3, n() / 5, 1};
      int start = 0;
      int k = 0;
      while (start < n()) {
        int size = Math.min(n() - start, Math.max(1, sizes[k++ % sizes.length]));
        blocks.add(sparse ? sparseBlock(start, size) : denseBlock(start, size));
        start += size;
      }
      return blocks;
    }

    public RowBlock denseBlock(int start, int rows) {
      int d = d();
      double[] values = new double[rows * d];
      double[] labels = new double[rows];
      double[] weights = w2 == null ? null : new double[rows];
      for (int i = 0; i < rows; i++) {
        for (int j = 0; j < d; j++) values[j * rows + i] = a[start + i][j];
        labels[i] = b[start + i];
        if (weights != null) weights[i] = w2[start + i];
      }
      return new DenseRowBlock(ids(start, rows), d, values, labels, weights);
    }

    public RowBlock sparseBlock(int start, int rows) {
      int d = d();
      int[] rowStart = new int[rows + 1];
      List<Integer> cols = new ArrayList<>();
      List<Double> vals = new ArrayList<>();
      double[] labels = new double[rows];
      double[] weights = w2 == null ? null : new double[rows];
      for (int i = 0; i < rows; i++) {
        for (int j = 0; j < d; j++) {
          if (a[start + i][j] != 0) {
            cols.add(j);
            vals.add(a[start + i][j]);
          }
        }
        rowStart[i + 1] = cols.size();
        labels[i] = b[start + i];
        if (weights != null) weights[i] = w2[start + i];
      }
      return new SparseRowBlock(ids(start, rows), d, rowStart, cols.stream().mapToInt(Integer::intValue).toArray(),
          vals.stream().mapToDouble(Double::doubleValue).toArray(), labels, weights);
    }

    private static long[] ids(int start, int rows) {
      long[] ids = new long[rows];
      for (int i = 0; i < rows; i++) ids[i] = start + i;
      return ids;
    }

    public ObjectiveFunction function(Objective objective, boolean sparse) {
      return new ObjectiveFunction(objective, new InMemoryPassRunner(blocks(sparse)));
    }

    public double[] z(double[] x) {
      double[] z = new double[n()];
      for (int i = 0; i < n(); i++) for (int j = 0; j < d(); j++) z[i] += a[i][j] * x[j];
      return z;
    }
  }

  /**
   * Gaussian design with entries of variance 1/d (so a·x has the spread of x), a fraction of
   * entries zeroed when sparse, an optional intercept column of ones last.
   */
  public static Data random(long seed, int n, int d, double density, boolean intercept, double regWeight) {
    Random rnd = new Random(seed);
    int cols = d + (intercept ? 1 : 0);
    double[][] a = new double[n][cols];
    for (int i = 0; i < n; i++) {
      for (int j = 0; j < d; j++) {
        if (rnd.nextDouble() < density) a[i][j] = rnd.nextGaussian() / Math.sqrt(d * density);
      }
      if (intercept) a[i][d] = 1;
    }
    double[] b = new double[n];
    for (int i = 0; i < n; i++) b[i] = 0.5 + rnd.nextDouble();
    double[] w2 = null;
    if (regWeight > 0) {
      w2 = new double[n];
      for (int i = 0; i < n; i++) {
        double w = regWeight * (0.5 + rnd.nextDouble());
        w2[i] = w * w;
      }
    }
    return new Data(a, b, w2);
  }

  /**
   * A random design (see {@link #random}, no intercept) with labels planted so that xStar is a
   * stationary point of the objective (see {@link #plantedLabels}).
   */
  public static Data planted(long designSeed, int n, double density, double regWeight, Objective objective, double[] xStar,
      double noise, long noiseSeed) {
    Data design = random(designSeed, n, objective.dim(), density, false, regWeight);
    return design.withLabels(plantedLabels(design, objective, xStar, noise, noiseSeed));
  }

  /**
   * One planted problem of the family (d = 5, n = 300) and the start it needs.
   *
   * @param nearStart whether the fit must start near x*: cosh is even (the default start cannot
   *     know the sign) and rescaled sinh has its global minimum at 0 (the planted point is local)
   */
  public record PlantedCase(Objective objective, double[] xStar, Data data, boolean sparse, boolean nearStart) {
    public ObjectiveFunction function() { return data.function(objective, sparse); }
  }

  public static PlantedCase plantedCase(ObjectiveKind kind, Link link, boolean sparse, boolean regularized) {
    int d = 5;
    // softmax's fit curvature is of order s² ~ 1/n², so its regularization must be as small to
    // leave a planted point a minimum rather than a saddle; for rescaled sinh a strong regularizer
    // leaves no real β (b would have to be complex) in the construction.
    double scale = kind == ObjectiveKind.SOFTMAX ? 0.01
        : kind == ObjectiveKind.RESCALED && link == Link.SINH ? 0.1 : 1;
    Objective objective = new Objective(kind, link, d, regularized ? 0.05 * scale * scale : 0, -1);
    double[] xStar = randomPoint(7, d, 0.7);
    Data data = planted(21, 300, sparse ? 0.5 : 1.0, regularized ? 0.3 * scale : 0, objective, xStar, 0.05, 3);
    boolean nearStart = link == Link.COSH || (kind == ObjectiveKind.RESCALED && link == Link.SINH);
    return new PlantedCase(objective, xStar, data, sparse, nearStart);
  }

  public static double[] randomPoint(long seed, int d, double scale) {
    Random rnd = new Random(seed);
    double[] x = new double[d];
    for (int j = 0; j < d; j++) x[j] = scale * rnd.nextGaussian();
    return x;
  }

  /**
   * Targets b that make xStar a stationary point of the objective, built from the closed-form
   * gradients written out again here (not the library's): the fit part's gradient must cancel the
   * regularizer's, g_R = Aᵀ(w²∘z) + λx (intercept unpenalized). A residual of relative size
   * {@code noise} orthogonal to what the gradient sees keeps the problem from being zero-residual.
   */
  public static double[] plantedLabels(Data data, Objective objective, double[] xStar, double noise, long seed) {
    int n = data.n();
    int d = data.d();
    Link link = objective.link();
    double[] z = data.z(xStar);
    double[] gR = new double[d];
    for (int i = 0; i < n; i++) {
      double w2 = data.w2 == null ? 0 : data.w2[i];
      for (int j = 0; j < d; j++) gR[j] += data.a[i][j] * w2 * z[i];
    }
    for (int j = 0; j < d; j++) if (j != objective.interceptColumn()) gR[j] += objective.ridge() * xStar[j];
    Random rnd = new Random(seed);
    switch (objective.kind()) {
      case PLAIN -> {
        // Aᵀ[v∘τ] = −g_R with τ = u − b, i.e. Bᵀτ = −g_R for B = diag(v)A.
        double[][] bMatrix = scaleRows(data.a, i -> link.first(z[i], 0));
        double[] tau = constrained(bMatrix, gR, noise, rnd, null);
        double[] b = new double[n];
        for (int i = 0; i < n; i++) b[i] = link.value(z[i]) - tau[i];
        return b;
      }
      case RESCALED -> {
        // Aᵀ[v∘(r − β1)] = −g_R: r − β1 = τ with Bᵀτ = −g_R; then r = τ + β1, b = (u − r)/α with
        // β = ⟨b, r⟩, i.e. nβ² + 2β Στ − ⟨u − τ, τ⟩ = 0.
        double[][] bMatrix = scaleRows(data.a, i -> link.first(z[i], 0));
        double[] u = new double[n];
        double alpha = 0;
        for (int i = 0; i < n; i++) {
          u[i] = link.value(z[i]);
          alpha += u[i];
        }
        // The residual direction is u's part outside B's columns, (I − P_B)u, at half its length:
        // that maximizes ⟨u − τ, τ⟩ and so gives a real β whenever one can exist.
        double[] tau = constrained(bMatrix, gR, noise, rnd, u);
        double sumTau = 0, cross = 0;
        for (int i = 0; i < n; i++) {
          sumTau += tau[i];
          cross += (u[i] - tau[i]) * tau[i];
        }
        double disc = sumTau * sumTau + n * cross;
        if (disc >= 0) {
          double r1 = (-sumTau + Math.sqrt(disc)) / n;
          double r2 = (-sumTau - Math.sqrt(disc)) / n;
          double beta = Math.abs(r1) < Math.abs(r2) ? r1 : r2;
          double[] b = new double[n];
          for (int i = 0; i < n; i++) b[i] = (u[i] - tau[i] - beta) / alpha;
          return b;
        }
        throw new IllegalStateException("no real β for this planted rescaled problem");
      }
      case SOFTMAX -> {
        // Aᵀ[s∘c − γs] = −g_R with c = s − b, γ = ⟨s, c⟩. Take c = τ' with
        // [diag(s)A, s]ᵀτ' = [−g_R, 0]: then s∘c sums to 0 against s … γ = ⟨s,τ'⟩ = 0.
        double max = Double.NEGATIVE_INFINITY;
        for (double v : z) max = Math.max(max, v);
        double[] s = new double[n];
        double total = 0;
        for (int i = 0; i < n; i++) {
          s[i] = Math.exp(z[i] - max);
          total += s[i];
        }
        for (int i = 0; i < n; i++) s[i] /= total;
        double[][] augmented = new double[n][d + 1];
        for (int i = 0; i < n; i++) {
          for (int j = 0; j < d; j++) augmented[i][j] = s[i] * data.a[i][j];
          augmented[i][d] = s[i];
        }
        double[] target = new double[d + 1];
        System.arraycopy(gR, 0, target, 0, d);
        double[] sTimesN = s.clone();
        for (int i = 0; i < n; i++) sTimesN[i] = rnd.nextGaussian() * s[i] * Math.sqrt(n);
        double[] c = constrained(augmented, target, noise, rnd, sTimesN);
        double[] b = new double[n];
        for (int i = 0; i < n; i++) b[i] = s[i] - c[i];
        return b;
      }
      default -> throw new AssertionError();
    }
  }

  /**
   * τ with Mᵀτ = −g exactly (least-norm solution) plus noise/√n times a direction (random Gaussian
   * when null) projected away from the columns of M.
   */
  private static double[] constrained(double[][] m, double[] g, double noise, Random rnd, double[] direction) {
    int n = m.length;
    int k = m[0].length;
    double[] gram = new double[k * k];
    for (double[] row : m) for (int p = 0; p < k; p++) for (int q = 0; q < k; q++) gram[q * k + p] += row[p] * row[q];
    double[] minusG = new double[k];
    for (int p = 0; p < k; p++) minusG[p] = -g[p];
    double[] coef = LinearAlgebra.choleskySolve(gram, k, 0, minusG);
    double[] tau = new double[n];
    for (int i = 0; i < n; i++) for (int p = 0; p < k; p++) tau[i] += m[i][p] * coef[p];
    // random direction orthogonal to the columns of M
    double[] xi = new double[n];
    for (int i = 0; i < n; i++) xi[i] = direction == null ? rnd.nextGaussian() : direction[i];
    double[] mtXi = new double[k];
    for (int i = 0; i < n; i++) for (int p = 0; p < k; p++) mtXi[p] += m[i][p] * xi[i];
    double[] proj = LinearAlgebra.choleskySolve(gram, k, 0, mtXi);
    for (int i = 0; i < n; i++) {
      double along = 0;
      for (int p = 0; p < k; p++) along += m[i][p] * proj[p];
      tau[i] += noise * (xi[i] - along) / (direction == null ? Math.sqrt(n) : 1);
    }
    return tau;
  }

  private static double[][] scaleRows(double[][] a, java.util.function.IntToDoubleFunction factor) {
    double[][] r = new double[a.length][];
    for (int i = 0; i < a.length; i++) {
      double f = factor.applyAsDouble(i);
      r[i] = a[i].clone();
      for (int j = 0; j < r[i].length; j++) r[i][j] *= f;
    }
    return r;
  }

  /** ‖x − reference‖ / ‖reference‖, written out here rather than taken from the library under test. */
  /**
   * Asserts that the mean of {@code samples} draws of a random matrix lies within 4 standard
   * errors (of the mean, from the draws' own spread) of {@code expected}: an unbiased estimator
   * passes, one off by more than its noise fails.
   */
  public static void assertUnbiased(double[] expected, int samples, java.util.function.IntFunction<double[]> draw) {
    double[] mean = new double[expected.length];
    double squaredErrors = 0;
    for (int r = 0; r < samples; r++) {
      double[] h = draw.apply(r);
      double e = 0;
      for (int i = 0; i < h.length; i++) {
        mean[i] += h[i] / samples;
        e += (h[i] - expected[i]) * (h[i] - expected[i]);
      }
      squaredErrors += e / samples;
    }
    double bias = 0;
    for (int i = 0; i < mean.length; i++) bias += (mean[i] - expected[i]) * (mean[i] - expected[i]);
    double standardError = Math.sqrt(squaredErrors / samples);
    org.junit.jupiter.api.Assertions.assertTrue(Math.sqrt(bias) <= 4 * standardError,
        "‖mean − expected‖ = " + Math.sqrt(bias) + ", standard error " + standardError);
  }

  public static double relativeError(double[] x, double[] reference) {
    double difference = 0;
    double size = 0;
    for (int j = 0; j < x.length; j++) {
      difference += (x[j] - reference[j]) * (x[j] - reference[j]);
      size += reference[j] * reference[j];
    }
    return Math.sqrt(difference) / Math.max(Math.sqrt(size), Double.MIN_NORMAL);
  }

  /**
   * L(x) = ½‖fit residual‖² + ½Σw²z² + ½λ‖x‖² (intercept unpenalized) written out again from the
   * definitions, in BigDecimal sums of the double terms: the independent value a fit's reported
   * objective is checked against.
   */
  public static double independentLoss(Data data, Objective objective, double[] x) {
    int n = data.n();
    double[] z = data.z(x);
    double[] f = new double[n];
    for (int i = 0; i < n; i++) {
      f[i] = switch (objective.link()) {
        case EXP -> Math.exp(z[i]);
        case COSH -> Math.cosh(z[i]);
        case SINH -> Math.sinh(z[i]);
      };
    }
    java.math.BigDecimal total = java.math.BigDecimal.ZERO;
    for (double v : f) total = total.add(new java.math.BigDecimal(v));
    double sum = total.doubleValue();
    java.math.BigDecimal fit = java.math.BigDecimal.ZERO;
    for (int i = 0; i < n; i++) {
      java.math.BigDecimal r = switch (objective.kind()) {
        case PLAIN -> new java.math.BigDecimal(f[i]).subtract(new java.math.BigDecimal(data.b[i]));
        case RESCALED -> new java.math.BigDecimal(f[i]).subtract(total.multiply(new java.math.BigDecimal(data.b[i])));
        case SOFTMAX -> new java.math.BigDecimal(f[i] / sum).subtract(new java.math.BigDecimal(data.b[i]));
      };
      fit = fit.add(r.multiply(r));
    }
    double regularizer = 0;
    for (int i = 0; i < n; i++) regularizer += (data.w2 == null ? 0 : data.w2[i]) * z[i] * z[i];
    double ridge = 0;
    for (int j = 0; j < x.length; j++) if (j != objective.interceptColumn()) ridge += x[j] * x[j];
    return 0.5 * fit.doubleValue() + 0.5 * regularizer + 0.5 * objective.ridge() * ridge;
  }
}
