package dev.hyperreg.core.linalg;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * The spectrum of a symmetric d × d matrix H in Jacobi-scaled coordinates, H̃ = S H S with
 * S = diag(1/√|H_jj|): what a Newton solver's verdicts (positive definite, a saddle, a set of
 * minimizers) must be judged on when curvatures span many orders of magnitude.
 *
 * <p>Why scaled. A row whose f'(a·x)² is 10¹³ times the rest gives H eigenvalues from 10² to 10³⁰;
 * LAPACK computes each eigenvalue of H to within about ε·λ_max = 10¹⁴ of its value, so λ_min of
 * a positive definite H can come out as −10¹⁴. H̃ has a unit diagonal (where H_jj ≠ 0) and its
 * eigenvalues lie in [λ̃_min, d], and by Sylvester's law of inertia H̃ has as many negative, zero
 * and positive eigenvalues as H: the signs are H's, computed where rounding is relative to 1.
 *
 * <p>The verdicts: an eigenvalue below −{@value #ROUNDING}·λ̃_max is negative curvature; one with
 * |λ̃| ≤ {@value #ROUNDING}·λ̃_max is zero to rounding, and its eigenvector a candidate flat
 * direction (whether the design really does not move along it takes a pass over the rows:
 * {@code ObjectiveFunction.flatWithin}); H is positive definite when every λ̃ is above the band.
 */
public final class ScaledSpectrum {
  /**
   * Eigenvalues of H̃ within this fraction of λ̃_max are zero: H's entries are sums over many rows,
   * each rounded, and in scaled coordinates their error is a small multiple of n·ε relative to 1.
   */
  public static final double ROUNDING = 1e-9;

  private final int dim;
  /** s_j: H̃ = S H S. */
  private final double[] scale;
  private final double[] values;
  /** Eigenvectors of H̃ as columns, column-major. */
  private final double[] vectors;

  private ScaledSpectrum(int dim, double[] scale, double[] values, double[] vectors) {
    this.dim = dim;
    this.scale = scale;
    this.values = values;
    this.vectors = vectors;
  }

  /** Scales H (d × d, symmetric, column-major; not modified) and eigen-decomposes the result. */
  public static ScaledSpectrum of(double[] h, int d) {
    double[] scale = jacobiScale(h, d);
    double[] scaled = scaled(h, d, scale);
    for (double v : scaled) {
      if (!Double.isFinite(v)) throw new ArithmeticException("the Hessian has non-finite entries");
    }
    LinearAlgebra.SymmetricEigen eigen = LinearAlgebra.symmetricEigen(scaled, d);
    return new ScaledSpectrum(d, scale, eigen.values(), eigen.vectors());
  }

  /** S H S, each entry divided by √|H_ii| and √|H_jj| in turn (1/s²), so that no product overflows on the way. */
  public static double[] scaled(double[] h, int d, double[] scale) {
    double[] out = new double[d * d];
    for (int j = 0; j < d; j++) {
      for (int i = 0; i < d; i++) out[j * d + i] = h[j * d + i] * scale[i] * scale[j];
      for (int i = 0; i < d; i++) {
        if (!Double.isFinite(out[j * d + i]) && Double.isFinite(h[j * d + i])) {
          out[j * d + i] = h[j * d + i] / (1 / scale[i]) / (1 / scale[j]);
        }
      }
    }
    return out;
  }

  /**
   * The upper Cholesky factor U of S H S = UᵀU for the given Jacobi scale, or null when it does not
   * exist or some squared pivot is at most {@code minSquaredPivot} (S H S has a unit diagonal, so
   * the pivots say how far from singular it is, on a scale of 1).
   */
  public static double[] scaledCholesky(double[] h, int d, double[] scale, double minSquaredPivot) {
    double[] factor = scaled(h, d, scale);
    org.netlib.util.intW info = new org.netlib.util.intW(0);
    LinearAlgebra.lapack().dpotrf("U", d, factor, d, info);
    if (info.val != 0) return null;
    for (int j = 0; j < d; j++) {
      double pivot = factor[j * d + j];
      if (!(pivot * pivot > minSquaredPivot)) return null;
    }
    return factor;
  }

  /**
   * s_j = 1/√|H_jj| where the diagonal entry is not 0; for a zero diagonal entry 1/√(max_i |H_ij|)
   * (a row that is zero but for off-diagonal entries), and 1 for an all-zero row.
   */
  public static double[] jacobiScale(double[] h, int d) {
    double[] s = new double[d];
    for (int j = 0; j < d; j++) {
      double size = Math.abs(h[j * d + j]);
      if (size == 0) for (int i = 0; i < d; i++) size = Math.max(size, Math.abs(h[j * d + i]));
      s[j] = size > 0 && Double.isFinite(size) ? 1 / Math.sqrt(size) : 1;
    }
    return s;
  }

  public int dim() { return dim; }

  /** λ̃_max, the largest eigenvalue of H̃ (in [1, d] for a positive semidefinite H with a non-zero diagonal). */
  public double largest() { return values[dim - 1]; }

  /** λ̃_min / λ̃_max: the verdicts compare this with ±{@value #ROUNDING}. */
  public double relativeSmallest() {
    double top = Math.max(Math.abs(values[0]), Math.abs(values[dim - 1]));
    return top > 0 ? values[0] / top : 0;
  }

  /** 4ε·max|λ̃|: eigenvalues above it are resolved by the eigen-decomposition. */
  public double roundingFloor() { return 4 * Math.ulp(1.0) * Math.max(Math.abs(values[0]), Math.abs(values[dim - 1])); }

  /** The band |λ̃| ≤ band counts as zero. */
  private double band() {
    double top = Math.max(Math.abs(values[0]), Math.abs(values[dim - 1]));
    return ROUNDING * (top > 0 ? top : 1);
  }

  /** Whether some eigenvalue is negative beyond rounding: a saddle or a maximum, not a minimum. */
  public boolean indefinite() { return values[0] < -band(); }

  /** Whether every eigenvalue is positive beyond rounding. */
  public boolean positiveDefinite() { return values[0] > band(); }

  /**
   * The unit direction (in x's coordinates) of the most negative curvature, v = S q̃₁/‖S q̃₁‖,
   * signed so that gᵀv ≤ 0; vᵀHv &lt; 0 exactly when {@link #indefinite()}.
   */
  public double[] mostNegativeDirection(double[] g) {
    double[] v = unscaledColumn(0);
    double norm = LinearAlgebra.norm(v);
    double sign = LinearAlgebra.dot(v, g) > 0 ? -1 : 1;
    for (int j = 0; j < dim; j++) v[j] *= sign / norm;
    return v;
  }

  /** S q̃_i. */
  private double[] unscaledColumn(int i) {
    double[] v = new double[dim];
    for (int j = 0; j < dim; j++) v[j] = scale[j] * vectors[i * dim + j];
    return v;
  }

  /**
   * The Newton step p = −S H̃⁺ S g, where H̃⁺ inverts the eigenvalues the decomposition resolves
   * (above {@link #roundingFloor()}, 4ε·max|λ̃|) and leaves out the rest, on the complement of the
   * {@code flat} directions (x's coordinates, A·v = 0: the loss does not change along them, so the
   * step has no component there). A direction whose curvature is 10⁻¹⁵ of the largest (dense rows
   * 10¹³ times heavier than the rest) is real, if barely resolved, and the step needs it; one below
   * rounding (far from the minimizer of an exp-type loss, where one row dominates H) would only
   * throw the step thousands long.
   */
  public double[] newtonStep(double[] g, List<double[]> flat) {
    double floor = roundingFloor();
    List<double[]> flatScaled = new ArrayList<>();
    for (double[] v : flat) {
      double[] u = new double[dim];
      for (int j = 0; j < dim; j++) u[j] = v[j] / scale[j];
      flatScaled.add(u);
    }
    flatScaled = LinearAlgebra.orthonormalBasis(flatScaled);
    double[] sg = new double[dim];
    for (int j = 0; j < dim; j++) sg[j] = scale[j] * g[j];
    projectOut(sg, flatScaled);
    double[] y = new double[dim];
    for (int i = 0; i < dim; i++) {
      double c = 0;
      for (int j = 0; j < dim; j++) c += vectors[i * dim + j] * sg[j];
      if (!(values[i] > floor)) continue;
      c /= values[i];
      for (int j = 0; j < dim; j++) y[j] -= c * vectors[i * dim + j];
    }
    projectOut(y, flatScaled);
    for (int j = 0; j < dim; j++) y[j] *= scale[j];
    return y;
  }

  private static void projectOut(double[] v, List<double[]> orthonormal) {
    for (double[] q : orthonormal) {
      double c = LinearAlgebra.dot(q, v);
      for (int j = 0; j < v.length; j++) v[j] -= c * q[j];
    }
  }

  /**
   * p(μ) = −S (H̃ + μI)⁻¹ S g (Marquardt's scaled Levenberg step) for μ ≥ 0 with λ̃_min + μ &gt; 0.
   */
  public double[] dampedStep(double[] g, double mu) {
    double[] sg = new double[dim];
    for (int j = 0; j < dim; j++) sg[j] = scale[j] * g[j];
    double[] y = new double[dim];
    for (int i = 0; i < dim; i++) {
      double c = 0;
      for (int j = 0; j < dim; j++) c += vectors[i * dim + j] * sg[j];
      c /= values[i] + mu;
      for (int j = 0; j < dim; j++) y[j] -= c * vectors[i * dim + j];
    }
    for (int j = 0; j < dim; j++) y[j] *= scale[j];
    return y;
  }

  /**
   * The smallest μ ≥ 0 (a hair above −λ̃_min when H is not positive definite) whose damped step
   * p(μ) is at most {@code radius} long, by bisection on ‖p(μ)‖: the trust-region step on the
   * quadratic model, in scaled coordinates.
   */
  public double dampingFor(double[] g, double radius) {
    double low = Math.max(0, -values[0]) + band();
    if (positiveDefinite()) low = 0;
    if (LinearAlgebra.norm(dampedStep(g, low)) <= radius) return low;
    double high = Math.max(2 * low, 1e-300);
    for (int grow = 0; grow < 2000 && LinearAlgebra.norm(dampedStep(g, high)) > radius; grow++) high *= 2;
    for (int it = 0; it < 200 && high - low > 1e-12 * high; it++) {
      double mid = 0.5 * (low + high);
      if (LinearAlgebra.norm(dampedStep(g, mid)) > radius) low = mid;
      else high = mid;
    }
    return high;
  }

  /**
   * Unit vectors (in x's coordinates) of the eigenspace of H̃ with |λ̃| ≤ the zero band along which
   * the gradient has no slope beyond 10⁻⁸·‖g‖: the candidates for flat directions, among which
   * {@code ObjectiveFunction.flatWithin} finds those the design does not see. (Along a direction
   * the design does not see, gᵀv = (Av)ᵀ(…) vanishes to rounding, so a slope rules it out without
   * a pass.)
   */
  public List<double[]> flatCandidates(double[] g) {
    double band = band();
    double slopeLimit = 1e-8 * LinearAlgebra.norm(g);
    List<double[]> out = new ArrayList<>();
    for (int i = 0; i < dim; i++) {
      if (Math.abs(values[i]) > band) continue;
      double[] v = unscaledColumn(i);
      double norm = LinearAlgebra.norm(v);
      for (int j = 0; j < dim; j++) v[j] /= norm;
      if (Math.abs(LinearAlgebra.dot(v, g)) <= slopeLimit) out.add(v);
    }
    return out;
  }

  /**
   * Names the columns a zero direction moves ("column 3", "columns 3, 7"): those whose entry is at
   * least a tenth of its largest, counted from 1.
   */
  public static String columnsOf(double[] v) {
    double top = 0;
    for (double c : v) top = Math.max(top, Math.abs(c));
    List<String> cols = new ArrayList<>();
    for (int j = 0; j < v.length; j++) if (Math.abs(v[j]) >= 0.1 * top) cols.add(Integer.toString(j + 1));
    return (cols.size() == 1 ? "column " : "columns ") + String.join(", ", cols);
  }

  @Override public String toString() {
    return String.format(Locale.ROOT, "scaled spectrum [%.3g, %.3g]", values[0], values[dim - 1]);
  }
}
