package dev.hyperreg.core.solver;

import dev.hyperreg.core.linalg.LinearAlgebra;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.function.UnaryOperator;

/**
 * The smallest eigenvalue of a symmetric operator H known only by its products with blocks of
 * vectors: block LOBPCG (Knyazev's locally optimal block preconditioned conjugate gradient).
 *
 * <p>It keeps k approximate eigenvectors X (orthonormal), and at each step multiplies H with the
 * preconditioned residuals W = T(HX − XΘ) — one product of a block, which a pass over the rows
 * makes as one pass shipping k d-vectors per task — and takes the k smallest Ritz pairs of H on
 * span{X, W, P} (orthonormalized, their H-images combined alike, no further product), P being
 * the part of the last update outside the old X. With T ≈ H⁻¹ its rate depends on κ(TH), not
 * κ(H); the block is what makes it find λ_min where the spectrum's lower edge is crowded (a random
 * design's Hessian has many eigenvalues within a few percent of the smallest): one vector then
 * settles on a neighbour, since what separates it from λ₁ is the gap to λ₂; k vectors need only the
 * gap to λ_{k+1}.
 *
 * <p>Ritz values bound the eigenvalues from above: a θ₁ ≤ 0 proves H is not positive definite,
 * a positive one is an estimate, with an eigenvalue within ‖Hx₁ − θ₁x₁‖ of it.
 */
final class BlockLobpcg {
  /** H times each vector of a block; {@code step} counts the products, for the pass's name. */
  interface BlockOperator {
    double[][] times(double[][] block, int step);
  }

  /** θ₁, its unit Ritz vector x₁, the residual ‖Hx₁ − θ₁x₁‖/|θ₁| it stopped at, and the block products it took. */
  record Result(double smallest, double[] vector, double relativeResidual, int products) {}

  private BlockLobpcg() {}

  /**
   * @param preconditioner T: r ↦ T r, T symmetric positive definite, ideally ≈ H⁻¹
   * @param blockSize k (at most d: with k = d the block spans the space and one product gives the
   *     exact spectrum — a block of 1 started from a vector that favours the top of the spectrum
   *     once returned λ_max for λ_min where curvatures spanned 10³⁰)
   * @param maxProducts block products at most
   * @param tolerance stop once ‖Hx₁ − θ₁x₁‖ ≤ tolerance·|θ₁|, or once a step lowers θ₁ by at most
   *     tolerance·θ₁ (θ₁'s error shrinks as the residual's square: it settles long before the
   *     residual is small)
   */
  static Result smallest(BlockOperator h, UnaryOperator<double[]> preconditioner, int dim, int blockSize,
      int maxProducts, double tolerance, long seed) {
    int k = Math.max(1, Math.min(blockSize, dim));
    Random random = new Random(seed);
    List<double[]> start = new ArrayList<>();
    List<double[]> none = new ArrayList<>();
    for (int i = 0; i < k; i++) {
      addOrthonormal(start, none, k == dim ? unit(dim, i) : random.doubles(dim, -1, 1).toArray(), null);
    }
    double[][] x = start.toArray(new double[0][]);
    double[][] hx = h.times(x, 1);
    int products = 1;
    Ritz ritz = rayleighRitz(List.of(x), List.of(hx), x.length);
    x = ritz.vectors;
    hx = ritz.images;
    double[][] p = null, hp = null;
    double previous = Double.POSITIVE_INFINITY;
    while (true) {
      double theta = ritz.values[0];
      double[][] w = new double[x.length][];
      double firstResidual = Double.NaN;
      for (int i = 0; i < x.length; i++) {
        double[] r = hx[i].clone();
        for (int j = 0; j < dim; j++) r[j] -= ritz.values[i] * x[i][j];
        if (i == 0) firstResidual = LinearAlgebra.norm(r) / Math.abs(theta);
        w[i] = preconditioner.apply(r);
      }
      boolean settled = previous - theta <= tolerance * theta;
      if (!(theta > 0) || firstResidual <= tolerance || settled || products >= maxProducts) {
        return new Result(theta, x[0], firstResidual, products);
      }
      previous = theta;
      double[][] hw = h.times(w, ++products);
      List<double[]> basis = new ArrayList<>(), images = new ArrayList<>();
      for (int i = 0; i < x.length; i++) {
        basis.add(x[i]);
        images.add(hx[i]);
      }
      int fromX = basis.size();
      for (int i = 0; i < w.length; i++) addOrthonormal(basis, images, w[i], hw[i]);
      if (p != null) for (int i = 0; i < p.length; i++) addOrthonormal(basis, images, p[i], hp[i]);
      if (basis.size() == fromX) return new Result(theta, x[0], firstResidual, products); // X spans an invariant subspace
      ritz = rayleighRitz(basis, images, x.length);
      x = ritz.vectors;
      hx = ritz.images;
      p = ritz.outside(basis, images, fromX, false);
      hp = ritz.outside(basis, images, fromX, true);
    }
  }

  private static double[] unit(int dim, int i) {
    double[] e = new double[dim];
    e[i] = 1;
    return e;
  }

  /** The k smallest Ritz pairs of H on an orthonormal basis with its H-images. */
  private static final class Ritz {
    double[] values;
    double[][] vectors;
    double[][] images;
    /** Coefficients of the kept Ritz vectors in the basis: coefficients[i][a]. */
    double[][] coefficients;

    /** Σ_{a ≥ from} c_ia·basis_a (or of the images): the update's part outside the old X. */
    double[][] outside(List<double[]> basis, List<double[]> images, int from, boolean ofImages) {
      List<double[]> source = ofImages ? images : basis;
      double[][] out = new double[coefficients.length][];
      for (int i = 0; i < out.length; i++) out[i] = combine(source, coefficients[i], from);
      return out;
    }
  }

  private static Ritz rayleighRitz(List<double[]> basis, List<double[]> images, int keep) {
    int m = basis.size();
    double[] projected = new double[m * m];
    for (int a = 0; a < m; a++) {
      for (int b = a; b < m; b++) {
        double v = 0.5 * (LinearAlgebra.dot(basis.get(a), images.get(b)) + LinearAlgebra.dot(basis.get(b), images.get(a)));
        projected[a * m + b] = v;
        projected[b * m + a] = v;
      }
    }
    LinearAlgebra.SymmetricEigen eigen = LinearAlgebra.symmetricEigen(projected, m);
    int k = Math.min(keep, m);
    Ritz r = new Ritz();
    r.values = java.util.Arrays.copyOf(eigen.values(), k);
    r.coefficients = new double[k][];
    r.vectors = new double[k][];
    r.images = new double[k][];
    for (int i = 0; i < k; i++) {
      r.coefficients[i] = java.util.Arrays.copyOfRange(eigen.vectors(), i * m, (i + 1) * m); // column i
      r.vectors[i] = combine(basis, r.coefficients[i], 0);
      r.images[i] = combine(images, r.coefficients[i], 0);
    }
    return r;
  }

  private static double[] combine(List<double[]> vectors, double[] c, int from) {
    double[] out = new double[vectors.get(0).length];
    for (int a = from; a < vectors.size(); a++) {
      double[] v = vectors.get(a);
      for (int j = 0; j < out.length; j++) out[j] += c[a] * v[j];
    }
    return out;
  }

  /**
   * Appends v orthogonalized against the basis (modified Gram–Schmidt, twice) and normalized, its
   * H-image (when given) transformed alike; drops it when less than 10⁻¹⁰ of it is left.
   */
  private static void addOrthonormal(List<double[]> basis, List<double[]> images, double[] v, double[] hv) {
    double before = LinearAlgebra.norm(v);
    v = v.clone();
    hv = hv == null ? null : hv.clone();
    for (int round = 0; round < 2; round++) {
      for (int a = 0; a < basis.size(); a++) {
        double c = LinearAlgebra.dot(basis.get(a), v);
        double[] q = basis.get(a);
        for (int j = 0; j < v.length; j++) v[j] -= c * q[j];
        if (hv != null) {
          double[] hq = images.get(a);
          for (int j = 0; j < v.length; j++) hv[j] -= c * hq[j];
        }
      }
    }
    double after = LinearAlgebra.norm(v);
    if (!(after > 1e-10 * before)) return;
    for (int j = 0; j < v.length; j++) {
      v[j] /= after;
      if (hv != null) hv[j] /= after;
    }
    basis.add(v);
    if (hv != null) images.add(hv);
  }
}
