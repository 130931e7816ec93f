package dev.hyperreg.core.solver;

import dev.hyperreg.core.linalg.LinearAlgebra;
import dev.hyperreg.core.linalg.ScaledSpectrum;
import dev.hyperreg.core.objective.Evaluation;

/**
 * A search direction of {@link NewtonSolver}, with what the solver needs to judge it: its
 * curvature pᵀHp (in the evaluation's scale, for the model's predicted decrease) and whether it
 * solves the exact Newton system (convergence is only judged on such a step).
 *
 * <p>From a d × d Hessian ({@link #of}), judged in Jacobi-scaled coordinates ({@link ScaledSpectrum}),
 * where curvatures that span 10³⁰ do not drown the small ones in rounding: H positive definite
 * (a Cholesky factor of S H S with no pivot below 10⁻⁸): p = −H⁻¹g (μ = 0). Positive semidefinite to
 * rounding, with no gradient along its zero-curvature directions: the pseudo-inverse step (μ = 0;
 * those directions are undetermined, not negative). Otherwise — negative curvature beyond rounding,
 * or a gradient along a zero-curvature direction — Marquardt's scaled Levenberg step
 * p(μ) = −S (S H S + μI)⁻¹ S g for the smallest μ that keeps ‖p‖ ≤ radius (the trust-region step
 * on the d × d model); {@code negativeCurvature} is then the unit direction of the most negative
 * curvature, signed so that gᵀv ≤ 0.
 *
 * @param step the direction p (the solver scales it by its line search)
 * @param damping 0 when the Hessian (on the directions explored) is positive definite, &gt; 0 otherwise
 * @param negativeCurvature a unit direction of negative curvature with gᵀv ≤ 0, or null
 * @param curvature pᵀHp, in the scale of the evaluation's gradient
 * @param exact whether p solves the exact Hessian's system (to the accuracy convergence is judged at)
 */
public record NewtonDirection(double[] step, double damping, double[] negativeCurvature, double curvature,
    boolean exact) {
  /** Smallest squared pivot of S H S's Cholesky factor taken as proof of positive definiteness. */
  static final double PIVOT_FLOOR = 1e-8;
  /** |gᵀv| above this fraction of ‖g‖ along a zero-curvature direction v: the model falls without bound there. */
  static final double UNDETERMINED_SLOPE = 1e-8;

  public static NewtonDirection of(Evaluation e, double radius) {
    double[] h = e.scaledHessian();
    int d = e.dim();
    double[] g = e.scaledGradient();
    double[] newton = scaledCholeskyStep(h, d, g);
    if (newton != null && LinearAlgebra.norm(newton) <= radius) {
      return new NewtonDirection(newton, 0, null, quadraticForm(h, newton), e.hasExactHessian());
    }
    ScaledSpectrum spectrum = ScaledSpectrum.of(h, d);
    if (!spectrum.indefinite() && spectrum.undetermined(g, UNDETERMINED_SLOPE * LinearAlgebra.norm(g)).isEmpty()) {
      double[] p = spectrum.pseudoInverseStep(g);
      if (LinearAlgebra.norm(p) <= radius) return new NewtonDirection(p, 0, null, quadraticForm(h, p), e.hasExactHessian());
    }
    double mu = spectrum.dampingFor(g, radius);
    double[] p = spectrum.dampedStep(g, mu, false);
    double[] negative = spectrum.indefinite() ? spectrum.mostNegativeDirection(g) : null;
    return new NewtonDirection(p, Math.max(mu, Double.MIN_NORMAL), negative, quadraticForm(h, p), e.hasExactHessian());
  }

  /**
   * −H⁻¹g through the Cholesky factor of S H S, or null when that factor does not exist or has a
   * squared pivot below {@link #PIVOT_FLOOR} (H is then judged on its scaled spectrum).
   */
  static double[] scaledCholeskyStep(double[] h, int d, double[] g) {
    double[] s = ScaledSpectrum.jacobiScale(h, d);
    double[] factor = new double[d * d];
    for (int j = 0; j < d; j++) for (int i = 0; i < d; i++) factor[j * d + i] = s[i] * h[j * d + i] * s[j];
    org.netlib.util.intW info = new org.netlib.util.intW(0);
    LinearAlgebra.lapack().dpotrf("U", d, factor, d, info);
    if (info.val != 0) return null;
    for (int j = 0; j < d; j++) {
      double pivot = factor[j * d + j];
      if (!(pivot * pivot > PIVOT_FLOOR)) return null;
    }
    double[] rhs = new double[d];
    for (int j = 0; j < d; j++) rhs[j] = -s[j] * g[j];
    double[] y = LinearAlgebra.solveWithCholesky(factor, d, rhs);
    for (int j = 0; j < d; j++) y[j] *= s[j];
    return allFinite(y) ? y : null;
  }

  private static boolean allFinite(double[] a) {
    for (double v : a) if (!Double.isFinite(v)) return false;
    return true;
  }

  /** pᵀHp. */
  static double quadraticForm(double[] h, double[] p) {
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
