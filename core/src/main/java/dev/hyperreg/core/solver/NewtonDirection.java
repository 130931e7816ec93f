package dev.hyperreg.core.solver;

import dev.hyperreg.core.linalg.LinearAlgebra;
import dev.hyperreg.core.objective.Evaluation;

/**
 * A search direction of {@link NewtonSolver}, with what the solver needs to judge it: its
 * curvature pᵀHp (in the evaluation's scale, for the model's predicted decrease) and whether it
 * solves the exact Newton system (convergence is only judged on such a step).
 *
 * <p>From a d × d Hessian ({@link #of}): H positive definite: p = −H⁻¹g (μ = 0). Otherwise, with H = QΛQᵀ and
 * g̃ = Qᵀg, p(μ) = −Q (Λ + μI)⁻¹ g̃ for the smallest μ &gt; −λ_min (plus a hair) with
 * ‖p(μ)‖ ≤ radius, found by bisection on the decreasing ‖p(μ)‖ — the trust-region step on the
 * d × d model; {@code negativeCurvature} is then the unit eigenvector of λ_min, signed so that
 * gᵀv ≤ 0.
 *
 * @param step the direction p (the solver scales it by its line search)
 * @param damping 0 when the Hessian (on the directions explored) is positive definite, &gt; 0 otherwise
 * @param negativeCurvature a unit direction of negative curvature with gᵀv ≤ 0, or null
 * @param curvature pᵀHp, in the scale of the evaluation's gradient
 * @param exact whether p solves the exact Hessian's system (to the accuracy convergence is judged at)
 */
public record NewtonDirection(double[] step, double damping, double[] negativeCurvature, double curvature,
    boolean exact) {
  public static NewtonDirection of(Evaluation e, double radius) {
    double[] h = e.scaledHessian();
    int d = e.dim();
    double[] g = e.scaledGradient();
    double[] rhs = new double[d];
    for (int j = 0; j < d; j++) rhs[j] = -g[j];
    double[] newton = LinearAlgebra.choleskySolve(h, d, 0, rhs);
    if (newton != null && allFinite(newton)) {
      return new NewtonDirection(newton, 0, null, quadraticForm(h, newton), e.hasExactHessian());
    }
    LinearAlgebra.SymmetricEigen eigen = LinearAlgebra.symmetricEigen(h, d);
    double[] lambda = eigen.values();
    double[] q = eigen.vectors();
    if (!allFinite(lambda)) throw new ArithmeticException("the Hessian has non-finite entries");
    double[] gt = new double[d];
    for (int i = 0; i < d; i++) {
      double s = 0;
      for (int j = 0; j < d; j++) s += q[i * d + j] * rhs[j];
      gt[i] = s;
    }
    double largest = Math.max(Math.abs(lambda[0]), Math.abs(lambda[d - 1]));
    double low = Math.max(0, -lambda[0]) + 1e-10 * (largest > 0 ? largest : 1);
    double mu = low;
    if (stepNorm(lambda, gt, mu) > radius) {
      double high = low + LinearAlgebra.norm(gt) / radius;
      for (int it = 0; it < 100 && high - low > 1e-12 * high; it++) {
        double mid = 0.5 * (low + high);
        if (stepNorm(lambda, gt, mid) > radius) low = mid;
        else high = mid;
      }
      mu = high;
    }
    double[] p = new double[d];
    for (int i = 0; i < d; i++) {
      double c = gt[i] / (lambda[i] + mu);
      for (int j = 0; j < d; j++) p[j] += c * q[i * d + j];
    }
    double[] negative = null;
    if (lambda[0] < 0) {
      negative = java.util.Arrays.copyOf(q, d);
      if (LinearAlgebra.dot(negative, g) > 0) for (int j = 0; j < d; j++) negative[j] = -negative[j];
    }
    return new NewtonDirection(p, mu, negative, quadraticForm(h, p), e.hasExactHessian());
  }

  /** ‖(Λ + μI)⁻¹ g̃‖. */
  private static double stepNorm(double[] lambda, double[] gt, double mu) {
    double s = 0;
    for (int i = 0; i < lambda.length; i++) {
      double c = gt[i] / (lambda[i] + mu);
      s += c * c;
    }
    return Math.sqrt(s);
  }

  private static boolean allFinite(double[] a) {
    for (double v : a) if (!Double.isFinite(v)) return false;
    return true;
  }

  /** pᵀHp. */
  private static double quadraticForm(double[] h, double[] p) {
    int d = p.length;
    double s = 0;
    for (int j = 0; j < d; j++) {
      double hp = 0;
      for (int i = 0; i < d; i++) hp += h[j * d + i] * p[i];
      s += p[j] * hp;
    }
    return s;
  }
}
