package dev.hyperreg.core.linalg;

import dev.ludovic.netlib.blas.BLAS;
import dev.ludovic.netlib.lapack.LAPACK;
import org.netlib.util.intW;

/**
 * The small dense linear algebra of the driver (d × d systems) and the BLAS handle used by the
 * block kernels. Everything goes through dev.ludovic.netlib, which Spark ships: it loads a native
 * BLAS/LAPACK (OpenBLAS) when the system has one and falls back to pure Java otherwise.
 * Matrices are column-major double arrays.
 */
public final class LinearAlgebra {
  private LinearAlgebra() {}

  public static BLAS blas() { return BLAS.getInstance(); }

  public static LAPACK lapack() { return LAPACK.getInstance(); }

  /** The BLAS and LAPACK implementations netlib loaded, e.g. "VectorBLAS / JavaLAPACK". */
  public static String implementationNames() {
    return blas().getClass().getSimpleName() + " / " + lapack().getClass().getSimpleName();
  }

  /** Copies the upper triangle of the n × n matrix at a[offset] onto its lower triangle. */
  public static void mirrorUpper(double[] a, int n, int offset) {
    for (int j = 0; j < n; j++) {
      for (int i = j + 1; i < n; i++) a[offset + j * n + i] = a[offset + i * n + j];
    }
  }

  public static double dot(double[] a, double[] b) {
    double s = 0;
    for (int i = 0; i < a.length; i++) s += a[i] * b[i];
    return s;
  }

  /** Euclidean norm, computed with scaling so that it neither overflows nor underflows. */
  public static double norm(double[] a) {
    double scale = 0;
    for (double v : a) scale = Math.max(scale, Math.abs(v));
    if (scale == 0 || !Double.isFinite(scale)) return scale;
    double s = 0;
    for (double v : a) {
      double t = v / scale;
      s += t * t;
    }
    return scale * Math.sqrt(s);
  }

  /** ‖a − b‖. */
  public static double distance(double[] a, double[] b) {
    double[] diff = a.clone();
    for (int j = 0; j < diff.length; j++) diff[j] -= b[j];
    return norm(diff);
  }

  /** ‖x − reference‖ / ‖reference‖ (the reference must not be 0). */
  public static double relativeDistance(double[] x, double[] reference) {
    return distance(x, reference) / Math.max(Double.MIN_NORMAL, norm(reference));
  }

  /**
   * Solves (H + μI) p = rhs by Cholesky. Returns p, or null when H + μI is not (numerically)
   * positive definite. H (n × n, symmetric, column-major) is not modified.
   */
  public static double[] choleskySolve(double[] h, int n, double mu, double[] rhs) {
    double[] factor = h.clone();
    for (int i = 0; i < n; i++) factor[i * n + i] += mu;
    intW info = new intW(0);
    lapack().dpotrf("U", n, factor, n, info);
    if (info.val != 0) return null;
    double[] solution = rhs.clone();
    lapack().dpotrs("U", n, 1, factor, n, solution, n, info);
    if (info.val != 0) return null;
    for (double v : solution) {
      if (!Double.isFinite(v)) return null;
    }
    return solution;
  }

  /**
   * The Levenberg–Marquardt damping ladder for the n × n matrix h: μ = 0, then 10⁻¹⁰·max|h_jj|
   * (10⁻¹⁰ when the diagonal is 0) and sixty successive multiples by ten.
   */
  public static double[] dampingLadder(double[] h, int n) {
    double maxDiagonal = 0;
    for (int j = 0; j < n; j++) maxDiagonal = Math.max(maxDiagonal, Math.abs(h[j * n + j]));
    double[] ladder = new double[61];
    double mu = 1e-10 * (maxDiagonal > 0 ? maxDiagonal : 1);
    for (int k = 1; k < ladder.length; k++, mu *= 10) ladder[k] = mu;
    return ladder;
  }

  /**
   * The upper Cholesky factor U of H + μI = UᵀU for the smallest μ of the {@link #dampingLadder}
   * that factors (H symmetric positive semi-definite up to rounding).
   */
  public static double[] dampedCholesky(double[] h, int n) {
    for (double mu : dampingLadder(h, n)) {
      double[] factor = h.clone();
      for (int i = 0; i < n; i++) factor[i * n + i] += mu;
      intW info = new intW(0);
      lapack().dpotrf("U", n, factor, n, info);
      if (info.val == 0) return factor;
    }
    throw new ArithmeticException("the matrix could not be damped to positive definite (non-finite entries?)");
  }

  /** Solves UᵀU p = rhs for an upper Cholesky factor U (from {@link #dampedCholesky}); rhs is not modified. */
  public static double[] solveWithCholesky(double[] upper, int n, double[] rhs) {
    double[] solution = rhs.clone();
    intW info = new intW(0);
    lapack().dpotrs("U", n, 1, upper, n, solution, n, info);
    if (info.val != 0) throw new IllegalArgumentException("dpotrs: argument " + (-info.val) + " is invalid");
    return solution;
  }

  /** Eigenvalues of the symmetric n × n matrix h, ascending (LAPACK dsyev). */
  public static double[] symmetricEigenvalues(double[] h, int n) { return symmetricEigen("N", h.clone(), n); }

  /** A unit eigenvector of the largest eigenvalue of the symmetric n × n matrix h (LAPACK dsyev). */
  public static double[] largestEigenvector(double[] h, int n) {
    double[] a = h.clone();
    symmetricEigen("V", a, n);
    return java.util.Arrays.copyOfRange(a, (n - 1) * n, n * n);
  }

  /** The eigen-decomposition H = Q diag(values) Qᵀ of a symmetric matrix: values ascending, Q's columns. */
  public record SymmetricEigen(double[] values, double[] vectors) {}

  /** Eigenvalues (ascending) and unit eigenvectors of the symmetric n × n matrix h (LAPACK dsyev). */
  public static SymmetricEigen symmetricEigen(double[] h, int n) {
    double[] a = h.clone();
    double[] values = symmetricEigen("V", a, n);
    return new SymmetricEigen(values, a);
  }

  /** dsyev on a (overwritten; with job "V" by the eigenvectors as columns); returns the eigenvalues, ascending. */
  private static double[] symmetricEigen(String job, double[] a, int n) {
    double[] w = new double[n];
    double[] query = new double[1];
    intW info = new intW(0);
    lapack().dsyev(job, "U", n, a, n, w, query, -1, info);
    double[] work = new double[Math.max(1, (int) query[0])];
    lapack().dsyev(job, "U", n, a, n, w, work, work.length, info);
    if (info.val != 0) throw new ArithmeticException("dsyev failed to converge (info " + info.val + ")");
    return w;
  }

  /**
   * Solves the symmetric positive semi-definite least-squares normal equations (G + τI) x = r with
   * a tiny relative τ so that rank-deficient designs still give the minimum-norm-like answer.
   */
  public static double[] regularizedNormalSolve(double[] gram, int n, double[] rhs) {
    double maxDiagonal = 0;
    for (int i = 0; i < n; i++) maxDiagonal = Math.max(maxDiagonal, gram[i * n + i]);
    if (maxDiagonal == 0) return new double[n];
    double tau = 1e-12 * maxDiagonal;
    for (int attempt = 0; attempt < 12; attempt++, tau *= 10) {
      double[] x = choleskySolve(gram, n, tau, rhs);
      if (x != null) return x;
    }
    return new double[n];
  }

  /**
   * FᵀF for the m × d row-major factor F (that is, Fᵀ column-major), into a new d × d matrix: the
   * Gram of a sketched factor (dgemm, m·d² flops).
   */
  public static double[] gramOf(double[] f, int m, int d) {
    double[] h = new double[d * d];
    blas().dgemm("N", "T", d, d, m, 1.0, f, 0, d, f, 0, d, 0.0, h, 0, d);
    mirrorUpper(h, d, 0);
    return h;
  }

  /** f −= c·(s qᵀ) for the m × d row-major f: the sketched rank-one part of a factor such as −b qᵀ. */
  public static void subtractOuter(double[] f, int m, double c, double[] s, double[] q) {
    int d = q.length;
    for (int i = 0; i < m; i++) {
      double cs = c * s[i];
      int base = i * d;
      for (int j = 0; j < d; j++) f[base + j] -= cs * q[j];
    }
  }

  /** h += c·(p qᵀ) for d-vectors p, q and the d × d column-major h. */
  public static void addOuter(double[] h, double c, double[] p, double[] q) {
    int d = p.length;
    for (int j = 0; j < d; j++) {
      double cq = c * q[j];
      for (int i = 0; i < d; i++) h[j * d + i] += p[i] * cq;
    }
  }

  /** h += c·g. */
  public static void addScaled(double[] h, double c, double[] g) {
    for (int i = 0; i < h.length; i++) h[i] += c * g[i];
  }

  /** An orthonormal basis of span(vectors) (modified Gram–Schmidt, twice; near-dependent vectors dropped). */
  public static java.util.List<double[]> orthonormalBasis(java.util.List<double[]> vectors) {
    java.util.List<double[]> basis = new java.util.ArrayList<>();
    for (double[] v : vectors) {
      double before = norm(v);
      double[] u = v.clone();
      for (int round = 0; round < 2; round++) {
        for (double[] q : basis) {
          double c = dot(q, u);
          for (int j = 0; j < u.length; j++) u[j] -= c * q[j];
        }
      }
      double after = norm(u);
      if (!(after > 1e-10 * before)) continue;
      for (int j = 0; j < u.length; j++) u[j] /= after;
      basis.add(u);
    }
    return basis;
  }

  /** Whether two orthonormal bases span the same subspace (to 10⁻⁶). */
  public static boolean sameSpan(java.util.List<double[]> a, java.util.List<double[]> b) {
    if (a.size() != b.size()) return false;
    for (double[] v : a) {
      double[] r = v.clone();
      for (double[] q : b) {
        double c = dot(q, v);
        for (int j = 0; j < r.length; j++) r[j] -= c * q[j];
      }
      if (norm(r) > 1e-6) return false;
    }
    return true;
  }
}
