package dev.hyperreg.core.solver;

import dev.hyperreg.core.linalg.LinearAlgebra;
import dev.hyperreg.core.linalg.ScaledSpectrum;
import dev.hyperreg.core.objective.Evaluation;
import dev.hyperreg.core.objective.ObjectiveFunction;
import java.util.List;

/**
 * A search direction of {@link NewtonSolver}, with what the solver needs to judge it: its
 * curvature pᵀHp (in the evaluation's scale, for the model's predicted decrease) and whether it
 * solves the exact Newton system (convergence is only judged on such a step).
 *
 * <p>From a d × d Hessian ({@link #of}), judged in Jacobi-scaled coordinates ({@link ScaledSpectrum}),
 * where curvatures that span 10³⁰ do not drown the small ones in rounding: H positive definite
 * (a Cholesky factor of S H S with no squared pivot below 16ε·d): p = −H⁻¹g (μ = 0). Positive semidefinite to
 * rounding: the Newton step of the scaled eigen-decomposition on the eigenvalues it resolves (above
 * 4ε·λ̃_max, however small otherwise), with nothing along the flat directions of the design
 * (A·v = 0, found by one pass: an all-zero or duplicated column) (μ = 0). Either is shortened along itself to the trust
 * radius when longer. Otherwise — negative curvature beyond rounding — Marquardt's scaled Levenberg step
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
  /**
   * Smallest squared pivot of S H S's Cholesky factor, per column of H, taken as proof of positive
   * definiteness: 16ε·d, just above rounding, since a pivot there is real curvature (a column whose
   * curvature is 10⁻¹⁵ of a stiff one's) while an exactly singular H (a duplicated column) gives a
   * pivot of ε or fails.
   */
  static double pivotFloor(int d) { return 16 * Math.ulp(1.0) * d; }

  public static NewtonDirection of(Evaluation e, double radius) { return of(null, e, radius); }

  /**
   * The direction at an evaluation with a d × d Hessian; {@code function} (null: none) is asked
   * which near-zero-curvature directions are flat ({@link ObjectiveFunction#flatWithin}) when H is
   * numerically singular.
   */
  public static NewtonDirection of(ObjectiveFunction function, Evaluation e, double radius) {
    double[] h = e.scaledHessian();
    int d = e.dim();
    double[] g = e.scaledGradient();
    double[] newton = scaledCholeskyStep(h, d, g);
    if (newton != null) return capped(newton, h, radius, e.hasExactHessian());
    ScaledSpectrum spectrum = ScaledSpectrum.of(h, d);
    if (!spectrum.indefinite()) {
      List<double[]> flat = function == null ? List.of()
          : function.flatWithin(spectrum.flatCandidates(g), "flat directions of the design");
      return capped(spectrum.newtonStep(g, flat), h, radius, e.hasExactHessian());
    }
    double mu = spectrum.dampingFor(g, radius);
    double[] p = spectrum.dampedStep(g, mu);
    return new NewtonDirection(p, Math.max(mu, Double.MIN_NORMAL), spectrum.mostNegativeDirection(g),
        quadraticForm(h, p), e.hasExactHessian());
  }

  /**
   * A Newton step at a positive (semi)definite H, shortened along itself to the trust radius when
   * longer: still a descent direction, and the solver's line search takes it from there. Only an
   * uncapped step is exact.
   */
  private static NewtonDirection capped(double[] p, double[] h, double radius, boolean exactHessian) {
    double norm = LinearAlgebra.norm(p);
    boolean cap = norm > radius;
    if (cap) for (int j = 0; j < p.length; j++) p[j] *= radius / norm;
    return new NewtonDirection(p, 0, null, quadraticForm(h, p), exactHessian && !cap);
  }

  /**
   * −H⁻¹g through the Cholesky factor of S H S, or null when that factor does not exist or has a
   * squared pivot below {@link #pivotFloor} (H is then judged on its scaled spectrum).
   */
  static double[] scaledCholeskyStep(double[] h, int d, double[] g) {
    double[] s = ScaledSpectrum.jacobiScale(h, d);
    double[] factor = ScaledSpectrum.scaledCholesky(h, d, s, pivotFloor(d));
    if (factor == null) return null;
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
