package dev.hyperreg.core.solver;

import dev.hyperreg.core.linalg.LinearAlgebra;
import java.util.function.UnaryOperator;

/**
 * Preconditioned conjugate gradients on A y = b from y = 0, for a symmetric A known only by its
 * products (each one a pass over the rows, for the solvers here), with a symmetric positive
 * definite preconditioner M ≈ A: the one CG routine of the package (Newton–CG's directions, the
 * matrix-free least-squares start).
 *
 * <p>Each step: α = rᵀz/dᵀAd, y += αd, r −= αAd, z = M⁻¹r, d = z + (rᵀz)_new/(rᵀz)_old·d. It ends
 * when the caller's test holds on the new residual, on a direction of non-positive curvature
 * (dᵀAd ≤ 0: A is not positive definite; y so far is kept), when y would leave the radius
 * (Steihaug: y stops on the boundary), at the step cap, or when the caller abandons it after the
 * first product (a preconditioner found stale). yᵀAy = Σ α²dᵀAd (the directions are A-conjugate).
 */
final class ConjugateGradients {
  private ConjugateGradients() {}

  /** A·v; {@code step} counts the products, for the pass's name. */
  interface Product {
    double[] times(double[] v, int step);
  }

  /** Whether the solve is done, given the residual b − Ay after a step and rᵀM⁻¹r. */
  interface StopTest {
    boolean done(double[] residual, double rz);
  }

  /** Told dᵀAd and dᵀMd of the first direction (M⁻¹b): false abandons the solve. */
  interface FirstCurvature {
    boolean accept(double dAd, double dMd);
  }

  enum End { SOLVED, NON_POSITIVE_CURVATURE, BOUNDARY, STEP_CAP, ABANDONED }

  /**
   * @param end why it ended
   * @param y the solution so far (on the boundary for {@link End#BOUNDARY})
   * @param curvature yᵀAy
   * @param direction the last direction (of non-positive curvature for that end)
   * @param directionCurvature its dᵀAd
   * @param steps products taken
   */
  record Result(End end, double[] y, double curvature, double[] direction, double directionCurvature, int steps) {}

  static Result solve(Product a, UnaryOperator<double[]> preconditioner, double[] b, int maxSteps, StopTest stop,
      double radius, FirstCurvature first) {
    int n = b.length;
    double[] y = new double[n];
    double[] r = b.clone();
    double[] z = preconditioner.apply(r);
    double[] d = z.clone();
    double rz = LinearAlgebra.dot(r, z);
    double curvature = 0;
    for (int step = 1; step <= maxSteps; step++) {
      double[] ad = a.times(d, step);
      double dAd = LinearAlgebra.dot(d, ad);
      if (step == 1 && first != null && dAd > 0 && !first.accept(dAd, rz)) {
        return new Result(End.ABANDONED, y, curvature, d, dAd, step);
      }
      if (!(dAd > 0)) return new Result(End.NON_POSITIVE_CURVATURE, y, curvature, d, dAd, step);
      double alpha = rz / dAd;
      if (Double.isFinite(radius) && LinearAlgebra.norm(plus(y, alpha, d)) > radius) {
        double tau = toBoundary(y, d, radius);
        return new Result(End.BOUNDARY, plus(y, tau, d), curvature + tau * tau * dAd, d, dAd, step);
      }
      for (int j = 0; j < n; j++) {
        y[j] += alpha * d[j];
        r[j] -= alpha * ad[j];
      }
      curvature += alpha * alpha * dAd;
      z = preconditioner.apply(r);
      double rzNext = LinearAlgebra.dot(r, z);
      if (stop.done(r, rzNext)) return new Result(End.SOLVED, y, curvature, d, dAd, step);
      double beta = rzNext / rz;
      for (int j = 0; j < n; j++) d[j] = z[j] + beta * d[j];
      rz = rzNext;
    }
    return new Result(End.STEP_CAP, y, curvature, d, Double.NaN, maxSteps);
  }

  private static double[] plus(double[] p, double t, double[] v) {
    double[] out = p.clone();
    for (int j = 0; j < out.length; j++) out[j] += t * v[j];
    return out;
  }

  /** τ ≥ 0 with ‖p + τv‖ = radius (p inside the radius). */
  private static double toBoundary(double[] p, double[] v, double radius) {
    double vv = LinearAlgebra.dot(v, v), pv = LinearAlgebra.dot(p, v), pp = LinearAlgebra.dot(p, p);
    return (-pv + Math.sqrt(Math.max(0, pv * pv + vv * (radius * radius - pp)))) / vv;
  }
}
