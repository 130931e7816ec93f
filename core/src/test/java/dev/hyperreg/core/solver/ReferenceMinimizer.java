package dev.hyperreg.core.solver;

import dev.hyperreg.core.objective.Link;
import dev.hyperreg.core.objective.ObjectiveKind;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;

/**
 * An independent minimizer for the test family ({@link AwkwardProblems}): nothing of the library's
 * objective, evaluation or linear algebra is used (its {@link ObjectiveKind} and {@link Link} enums
 * serve as labels only). Loss, gradient and Hessian are written again from the closed forms of
 * SPEC §1–2, the Hessians as sums of per-row rank-one terms (plain: D_i a_i a_iᵀ; rescaled:
 * J_iJ_iᵀ + D2_i a_i a_iᵀ with J_i = v_i a_i − b_i q; softmax: s_i(s_i + c_i − γ) y_i y_iᵀ with
 * y_i = a_i − μ), so that they can be formed in any basis T directly from the rows T ᵀa_i.
 *
 * <p>Scaling (SPEC §3): every value, first and second derivative of f is computed as
 * f(z)·e^{−m} with m = max z (exp) or max |z| (cosh, sinh) — at least 0 for the plain objective,
 * whose b does not scale — and b, w², λ are scaled to match, so loss, gradient and Hessian are
 * e^{−2m} times the true ones; losses at different points are compared as log L̃ + 2m. Softmax is
 * evaluated with z shifted by its max.
 *
 * <p>Method: dense damped Newton from a given start. The d × d system is solved in a basis in
 * which the Hessian is diagonal to the accuracy of its rows: Jacobi scaling D^{−1/2}HD^{−1/2}, a
 * Jacobi eigendecomposition, and one refinement (the Hessian formed again from the rows expressed
 * in that eigenbasis and diagonalised again), so curvatures spanning 10³⁰ — also along directions
 * that are not coordinate axes — are resolved. Where H is not positive definite the step is
 * Levenberg-damped; far from the answer a backtracking Armijo line search; close to it (step below
 * 10⁻⁷·max(1, ‖x‖)) pure Newton steps. Stops at ‖Newton step‖ ≤ 10⁻¹³·max(1, ‖x‖), or where the
 * step stagnates at the rounding floor below 10⁻⁹·max(1, ‖x‖).
 *
 * <p>Minimizer sets: all-zero columns and groups of identical columns (when the ridge does not
 * penalize them) leave the loss invariant along e_j, resp. e_j − e_k; the iteration runs in the
 * orthogonal complement of those directions, and the answer is projected onto it (the minimum-norm
 * point of the set {x̂ + span N}). No other null directions are recognised.
 */
final class ReferenceMinimizer {
  static final double STEP_TOLERANCE = 1e-13;
  /** A step stagnating (rounding floor) below this relative size still counts as converged. */
  static final double FLOOR_TOLERANCE = 1e-9;
  /** Below this relative step size Newton steps are taken whole (no line search). */
  static final double LOCAL_STEP = 1e-7;
  static final int MAX_ITERATIONS = 300;
  /** ‖x‖ beyond this: the iterate runs away (no minimizer). */
  static final double RUNAWAY = 1e4;
  private static final double EPS = Math.ulp(1.0);

  private ReferenceMinimizer() {}

  enum Verdict {
    /** Gradient ~0 and the Hessian positive definite: a strict (local) minimizer. */
    STRICT_MINIMIZER,
    /** As strict, in the complement of exact null directions (zero / duplicated columns). */
    SINGULAR_MINIMIZER,
    /** The Newton iteration runs away or keeps decreasing the loss for {@value #MAX_ITERATIONS} iterations. */
    NO_MINIMIZER,
    /** Anything else (line search failure, stationary point that is not a minimum): not a usable reference. */
    UNDECIDED;

    boolean hasMinimizer() { return this == STRICT_MINIMIZER || this == SINGULAR_MINIMIZER; }
  }

  /** The data: dense rows, targets, squared row weights (null: none), objective, link, ridge. */
  record Problem(double[][] a, double[] b, double[] w2, ObjectiveKind kind, Link link, double ridge,
      int interceptColumn) {
    int n() { return a.length; }
    int d() { return a[0].length; }
    boolean penalized(int j) { return ridge > 0 && j != interceptColumn; }
  }

  /**
   * The answer.
   *
   * @param x the minimizer (minimum-norm point of the set for a singular one), or the last iterate
   * @param nullBasis orthonormal columns (d × k) spanning the exact null directions; k = 0 for none
   * @param logLoss log L(x)
   * @param stepNorm ‖Newton step‖ at x
   * @param scaledMinEigenvalue λ_min of the Jacobi-scaled Hessian (in the complement of the null directions)
   * @param scaledMaxEigenvalue its λ_max
   * @param relativeGradient max_j |g_j| / Σ_i |terms of g_j|
   */
  record Result(double[] x, Verdict verdict, double[][] nullBasis, double logLoss, double stepNorm,
      double scaledMinEigenvalue, double scaledMaxEigenvalue, double relativeGradient, int iterations, String note) {

    /** v minus its part along the null directions. */
    double[] complementPart(double[] v) {
      double[] out = v.clone();
      for (double[] col : columns(nullBasis)) {
        double dot = dot(col, v);
        for (int j = 0; j < out.length; j++) out[j] -= dot * col[j];
      }
      return out;
    }

    @Override public String toString() {
      return String.format(Locale.ROOT, "%s x=%s log L=%.6g step=%.2e λ(scaled)∈[%.3g, %.3g] relGrad=%.2e it=%d%s",
          verdict, Arrays.toString(x), logLoss, stepNorm, scaledMinEigenvalue, scaledMaxEigenvalue,
          relativeGradient, iterations, note == null ? "" : " (" + note + ")");
    }
  }

  // ---------------------------------------------------------------------------------------------
  // Evaluation

  /** Loss, gradient and the per-row pieces of the Hessian at one point, all times e^{−2m}. */
  static final class Eval {
    final Problem p;
    final double[] x;
    final double[] z;
    /** log of the factor the true loss, gradient and Hessian are of the stored ones: 2m. */
    final double logScale;
    final double regScale;
    final double loss;
    final double[] gradient;
    final double[] gradientTerms;
    final double lossTerms;
    // plain: coef = D (abs: |v²| + |u''|(|u|+|b|)); rescaled: v, coef = D2; softmax: s, coef = weights
    final double[] rowCoef;
    final double[] rowCoefAbs;
    final double[] v;

    private Eval(Problem p, double[] x, double[] z, double logScale, double regScale, double loss, double[] gradient,
        double[] gradientTerms, double lossTerms, double[] rowCoef, double[] rowCoefAbs, double[] v) {
      this.p = p;
      this.x = x;
      this.z = z;
      this.logScale = logScale;
      this.regScale = regScale;
      this.loss = loss;
      this.gradient = gradient;
      this.gradientTerms = gradientTerms;
      this.lossTerms = lossTerms;
      this.rowCoef = rowCoef;
      this.rowCoefAbs = rowCoefAbs;
      this.v = v;
    }

    boolean finite() {
      if (!Double.isFinite(loss)) return false;
      for (double g : gradient) if (!Double.isFinite(g)) return false;
      return true;
    }

    /** log L (−∞ for L = 0). */
    double logLoss() { return Math.log(loss) + logScale; }

    /** The true (unscaled) loss; may overflow. */
    double trueLoss() { return loss * Math.exp(logScale); }

    /** The true (unscaled) gradient; may overflow. */
    double[] trueGradient() {
      double f = Math.exp(logScale);
      double[] g = gradient.clone();
      for (int j = 0; j < g.length; j++) g[j] *= f;
      return g;
    }

    double relativeGradient() {
      double worst = 0;
      for (int j = 0; j < gradient.length; j++) {
        if (gradientTerms[j] > 0) worst = Math.max(worst, Math.abs(gradient[j]) / gradientTerms[j]);
      }
      return worst;
    }

    /**
     * TᵀHT (scaled like the loss) for T with columns t_1…t_k, formed from the rows Tᵀa_i; [k][k+1]
     * holds in its last column the diagonal of Tᵀ|H|T, the sum of the absolute rank-one terms (the
     * scale of the rounding error of each diagonal entry).
     */
    double[][] hessianIn(double[][] t) {
      int n = p.n(), d = p.d(), k = t[0].length;
      double[][] y = new double[n][k];
      for (int i = 0; i < n; i++) {
        double[] ai = p.a[i];
        for (int j = 0; j < d; j++) {
          double aij = ai[j];
          if (aij == 0) continue;
          for (int c = 0; c < k; c++) y[i][c] += aij * t[j][c];
        }
      }
      double[][] h = new double[k][k + 1];
      switch (p.kind) {
        case PLAIN -> {
          for (int i = 0; i < n; i++) addRankOne(h, rowCoef[i], Math.abs(rowCoefAbs[i]), y[i]);
        }
        case RESCALED -> {
          double[] q = new double[k];
          for (int i = 0; i < n; i++) for (int c = 0; c < k; c++) q[c] += v[i] * y[i][c];
          double[] jRow = new double[k];
          for (int i = 0; i < n; i++) {
            for (int c = 0; c < k; c++) jRow[c] = v[i] * y[i][c] - p.b[i] * q[c];
            addRankOne(h, 1, 1, jRow);
            addRankOne(h, rowCoef[i], rowCoefAbs[i], y[i]);
          }
        }
        case SOFTMAX -> {
          double[] mu = new double[k];
          for (int i = 0; i < n; i++) for (int c = 0; c < k; c++) mu[c] += v[i] * y[i][c];
          double[] centered = new double[k];
          for (int i = 0; i < n; i++) {
            for (int c = 0; c < k; c++) centered[c] = y[i][c] - mu[c];
            addRankOne(h, rowCoef[i], rowCoefAbs[i], centered);
          }
        }
        default -> throw new AssertionError();
      }
      if (p.w2 != null) {
        for (int i = 0; i < n; i++) if (p.w2[i] != 0) addRankOne(h, regScale * p.w2[i], regScale * p.w2[i], y[i]);
      }
      if (p.ridge > 0) {
        for (int j = 0; j < d; j++) {
          if (!p.penalized(j)) continue;
          addRankOne(h, regScale * p.ridge, regScale * p.ridge, t[j]);
        }
      }
      for (int r = 0; r < k; r++) for (int c = 0; c < r; c++) h[r][c] = h[c][r];
      return h;
    }

    /** The full Hessian (d × d, scaled), for tests. */
    double[][] hessian() {
      int d = p.d();
      double[][] id = new double[d][d];
      for (int j = 0; j < d; j++) id[j][j] = 1;
      double[][] h = hessianIn(id);
      double[][] out = new double[d][d];
      for (int r = 0; r < d; r++) System.arraycopy(h[r], 0, out[r], 0, d);
      return out;
    }

    private static void addRankOne(double[][] h, double coef, double coefAbs, double[] y) {
      if (coef == 0 && coefAbs == 0) return;
      int k = y.length;
      for (int r = 0; r < k; r++) {
        double cy = coef * y[r];
        for (int c = r; c < k; c++) h[r][c] += cy * y[c];
        h[r][k] += coefAbs * y[r] * y[r];
      }
    }
  }

  /** f(z)·e^{−m}, f'(z)·e^{−m}, f''(z)·e^{−m}. */
  private static double value(Link link, double z, double m) {
    return switch (link) {
      case EXP -> Math.exp(z - m);
      case COSH -> Math.abs(z) < 20 ? Math.cosh(z) * Math.exp(-m) : 0.5 * (Math.exp(z - m) + Math.exp(-z - m));
      case SINH -> Math.abs(z) < 20 ? Math.sinh(z) * Math.exp(-m) : 0.5 * (Math.exp(z - m) - Math.exp(-z - m));
    };
  }

  private static double first(Link link, double z, double m) {
    return switch (link) {
      case EXP -> value(Link.EXP, z, m);
      case COSH -> value(Link.SINH, z, m);
      case SINH -> value(Link.COSH, z, m);
    };
  }

  private static double second(Link link, double z, double m) { return value(link, z, m); }

  private static double exponentBound(Link link, double z) { return link == Link.EXP ? z : Math.abs(z); }

  static Eval evaluate(Problem p, double[] x) {
    int n = p.n(), d = p.d();
    double[] z = new double[n];
    for (int i = 0; i < n; i++) {
      double s = 0;
      for (int j = 0; j < d; j++) s += p.a[i][j] * x[j];
      z[i] = s;
    }
    double m;
    if (p.kind == ObjectiveKind.SOFTMAX) {
      m = 0;
    } else {
      m = Double.NEGATIVE_INFINITY;
      for (double zi : z) m = Math.max(m, exponentBound(p.link, zi));
      if (p.kind == ObjectiveKind.PLAIN) m = Math.max(0, m);
    }
    double regScale = Math.exp(-2 * m);
    double[] coef = new double[n]; // the gradient's per-row coefficient: g = Σ coef_i a_i
    double[] coefTerms = new double[n];
    double[] rowCoef = new double[n];
    double[] rowCoefAbs = new double[n];
    double[] v = new double[n];
    double fit = 0, fitTerms = 0;
    switch (p.kind) {
      case PLAIN -> {
        double bScale = Math.exp(-m);
        for (int i = 0; i < n; i++) {
          double u = value(p.link, z[i], m), vi = first(p.link, z[i], m), u2 = second(p.link, z[i], m);
          double b = p.b[i] * bScale;
          double tau = u - b;
          fit += 0.5 * tau * tau;
          fitTerms += 0.5 * (u * u + b * b);
          coef[i] = vi * tau;
          coefTerms[i] = Math.abs(vi) * (Math.abs(u) + Math.abs(b));
          rowCoef[i] = vi * vi + u2 * tau;
          rowCoefAbs[i] = vi * vi + Math.abs(u2) * (Math.abs(u) + Math.abs(b));
          v[i] = vi;
        }
      }
      case RESCALED -> {
        double[] u = new double[n];
        double alpha = 0;
        for (int i = 0; i < n; i++) {
          u[i] = value(p.link, z[i], m);
          v[i] = first(p.link, z[i], m);
          alpha += u[i];
        }
        double[] r = new double[n];
        double beta = 0, betaTerms = 0;
        for (int i = 0; i < n; i++) {
          r[i] = u[i] - alpha * p.b[i];
          beta += p.b[i] * r[i];
          double rTerms = Math.abs(u[i]) + Math.abs(alpha * p.b[i]);
          betaTerms += Math.abs(p.b[i]) * rTerms;
          fit += 0.5 * r[i] * r[i];
          fitTerms += 0.5 * rTerms * rTerms;
        }
        for (int i = 0; i < n; i++) {
          coef[i] = v[i] * (r[i] - beta);
          coefTerms[i] = Math.abs(v[i]) * (Math.abs(u[i]) + Math.abs(alpha * p.b[i]) + betaTerms);
          double u2 = second(p.link, z[i], m);
          rowCoef[i] = u2 * (r[i] - beta);
          rowCoefAbs[i] = Math.abs(u2) * (Math.abs(u[i]) + Math.abs(alpha * p.b[i]) + betaTerms);
        }
      }
      case SOFTMAX -> {
        double zMax = Double.NEGATIVE_INFINITY;
        for (double zi : z) zMax = Math.max(zMax, zi);
        double total = 0;
        for (int i = 0; i < n; i++) {
          v[i] = Math.exp(z[i] - zMax);
          total += v[i];
        }
        double gamma = 0;
        double[] c = new double[n];
        for (int i = 0; i < n; i++) {
          v[i] /= total; // s
          c[i] = v[i] - p.b[i];
          gamma += v[i] * c[i];
          fit += 0.5 * c[i] * c[i];
          fitTerms += 0.5 * (v[i] * v[i] + p.b[i] * p.b[i]);
        }
        for (int i = 0; i < n; i++) {
          double s = v[i];
          coef[i] = s * (c[i] - gamma);
          coefTerms[i] = s * (s + Math.abs(p.b[i]) + Math.abs(gamma));
          rowCoef[i] = s * (s + c[i] - gamma);
          rowCoefAbs[i] = s * (2 * s + Math.abs(p.b[i]) + Math.abs(gamma));
        }
      }
      default -> throw new AssertionError();
    }
    double[] g = new double[d];
    double[] gTerms = new double[d];
    double reg = 0;
    for (int i = 0; i < n; i++) {
      double w2 = p.w2 == null ? 0 : p.w2[i];
      double rc = regScale * w2 * z[i];
      reg += 0.5 * regScale * w2 * z[i] * z[i];
      for (int j = 0; j < d; j++) {
        double aij = p.a[i][j];
        if (aij == 0) continue;
        g[j] += aij * (coef[i] + rc);
        gTerms[j] += Math.abs(aij) * (coefTerms[i] + Math.abs(rc));
      }
    }
    for (int j = 0; j < d; j++) {
      if (!p.penalized(j)) continue;
      reg += 0.5 * regScale * p.ridge * x[j] * x[j];
      g[j] += regScale * p.ridge * x[j];
      gTerms[j] += regScale * p.ridge * Math.abs(x[j]);
    }
    return new Eval(p, x.clone(), z, 2 * m, regScale, fit + reg, g, gTerms, fitTerms + reg, rowCoef, rowCoefAbs, v);
  }

  // ---------------------------------------------------------------------------------------------
  // Newton

  /** A Newton (or Levenberg-damped) step and the curvature it was solved with. */
  record Direction(double[] step, boolean positiveDefinite, double minEigenvalue, double maxEigenvalue, String why) {}

  static Direction direction(Eval e, double[][] basis) {
    int d = basis.length, k = basis[0].length;
    if (k == 0) return new Direction(new double[d], true, Double.NaN, Double.NaN, "no free directions");
    double[][] hb = e.hessianIn(basis);
    double[] s = new double[k];
    for (int c = 0; c < k; c++) s[c] = hb[c][c] != 0 ? 1 / Math.sqrt(Math.abs(hb[c][c])) : 1;
    double[][] t1 = new double[d][k];
    for (int j = 0; j < d; j++) for (int c = 0; c < k; c++) t1[j][c] = basis[j][c] * s[c];
    double[][] h1 = new double[k][k];
    for (int r = 0; r < k; r++) for (int c = 0; c < k; c++) h1[r][c] = s[r] * hb[r][c] * s[c];
    double[][] q = new double[k][k];
    jacobiEigen(h1, q);
    double[][] t2 = multiply(t1, q);
    // refinement: the Hessian formed again from the rows in the eigenbasis, diagonalised again
    double[][] h2 = e.hessianIn(t2);
    double[] absDiag = new double[k];
    double[][] h2sq = new double[k][k];
    for (int r = 0; r < k; r++) {
      absDiag[r] = h2[r][k];
      System.arraycopy(h2[r], 0, h2sq[r], 0, k);
    }
    double[][] rot = new double[k][k];
    double[] lambda = jacobiEigen(h2sq, rot);
    double[][] t = multiply(t2, rot);
    // rounding scale of each final diagonal entry: the absolute terms rotated along
    double[] rounding = new double[k];
    for (int c = 0; c < k; c++) {
      for (int r = 0; r < k; r++) rounding[c] += rot[r][c] * rot[r][c] * absDiag[r];
      rounding[c] *= 1e3 * EPS * Math.max(16, Math.sqrt(e.p.n()));
    }
    double lMin = Double.POSITIVE_INFINITY, lMax = 0;
    boolean pd = true;
    for (int c = 0; c < k; c++) {
      lMin = Math.min(lMin, lambda[c]);
      lMax = Math.max(lMax, Math.abs(lambda[c]));
      if (!(lambda[c] > rounding[c])) pd = false;
    }
    double[] gt = new double[k];
    for (int c = 0; c < k; c++) for (int j = 0; j < d; j++) gt[c] += t[j][c] * e.gradient[j];
    double mu = pd ? 0 : Math.abs(Math.min(0, lMin)) * 1.5 + 1e-8 * lMax;
    double[] step = new double[d];
    for (int c = 0; c < k; c++) {
      double denominator = lambda[c] + mu;
      if (!(denominator > 0)) denominator = Math.max(1e-8 * lMax, Double.MIN_NORMAL);
      double coefficient = -gt[c] / denominator;
      for (int j = 0; j < d; j++) step[j] += t[j][c] * coefficient;
    }
    return new Direction(step, pd, lMin, lMax, pd ? null : String.format(Locale.ROOT, "damped by %.3g", mu));
  }

  /** Minimizes from x0 (see the class comment). */
  static Result minimize(Problem p, double[] x0) {
    int d = p.d();
    double[][] nullBasis = nullBasis(p);
    double[][] basis = complementBasis(nullBasis, d);
    double[] x = x0.clone();
    Eval e = evaluate(p, x);
    if (!e.finite()) {
      return new Result(x, Verdict.UNDECIDED, nullBasis, e.logLoss(), Double.NaN, Double.NaN, Double.NaN, Double.NaN, 0,
          "not finite at the start");
    }
    double bestLocalStep = Double.POSITIVE_INFINITY;
    int stagnant = 0;
    double logLossStart = e.logLoss();
    double normStart = norm(x);
    for (int it = 0; ; it++) {
      Direction dir = direction(e, basis);
      double scale = Math.max(1, norm(x));
      double stepNorm = norm(dir.step);
      if (dir.positiveDefinite && stepNorm <= STEP_TOLERANCE * scale) {
        return finish(p, e, dir, nullBasis, stepNorm, it, null);
      }
      if (dir.positiveDefinite && stepNorm <= LOCAL_STEP * scale) {
        if (stepNorm < 0.5 * bestLocalStep) {
          bestLocalStep = stepNorm;
          stagnant = 0;
        } else if (++stagnant >= 4) {
          if (stepNorm <= FLOOR_TOLERANCE * scale) return finish(p, e, dir, nullBasis, stepNorm, it, "rounding floor");
          return undecided(p, e, dir, nullBasis, stepNorm, it, "steps stagnate above the floor");
        }
      }
      if (it >= MAX_ITERATIONS || norm(x) > RUNAWAY) {
        return new Result(x, Verdict.NO_MINIMIZER, nullBasis, e.logLoss(), stepNorm, dir.minEigenvalue,
            dir.maxEigenvalue, e.relativeGradient(), it, String.format(Locale.ROOT,
            "no minimizer found in %d Newton iterations: ‖x‖ from %.4g to %.4g, log L from %.6g to %.6g", it,
            normStart, norm(x), logLossStart, e.logLoss()));
      }
      double[] step = dir.step;
      if (!dir.positiveDefinite && stepNorm > scale) { // a trust region for damped steps
        step = step.clone();
        for (int j = 0; j < d; j++) step[j] *= scale / stepNorm;
      }
      if (dir.positiveDefinite && stepNorm <= LOCAL_STEP * scale) {
        double[] next = add(x, 1, step);
        Eval candidate = evaluate(p, next);
        if (!candidate.finite()) return undecided(p, e, dir, nullBasis, stepNorm, it, "local step not finite");
        x = next;
        e = candidate;
        continue;
      }
      double slope = dot(e.gradient, step);
      if (!(slope < 0)) return undecided(p, e, dir, nullBasis, stepNorm, it, "not a descent direction");
      double slack = 64 * EPS * e.lossTerms;
      Eval accepted = null;
      double t = 1;
      for (int trial = 0; trial < 60; trial++, t *= 0.5) {
        Eval candidate = evaluate(p, add(x, t, step));
        if (!candidate.finite()) continue;
        double inOldScale = candidate.loss * Math.exp(candidate.logScale - e.logScale);
        if (inOldScale <= e.loss + 1e-4 * t * slope + slack) {
          accepted = candidate;
          break;
        }
      }
      if (accepted == null) return undecided(p, e, dir, nullBasis, stepNorm, it, "line search failed");
      x = accepted.x;
      e = accepted;
    }
  }

  private static Result finish(Problem p, Eval e, Direction dir, double[][] nullBasis, double stepNorm, int it,
      String note) {
    double[] x = e.x;
    Verdict verdict = Verdict.STRICT_MINIMIZER;
    if (nullBasis[0].length > 0) {
      verdict = Verdict.SINGULAR_MINIMIZER;
      x = x.clone();
      for (double[] col : columns(nullBasis)) {
        double dot = dot(col, x);
        for (int j = 0; j < x.length; j++) x[j] -= dot * col[j];
      }
    }
    return new Result(x, verdict, nullBasis, e.logLoss(), stepNorm, dir.minEigenvalue, dir.maxEigenvalue,
        e.relativeGradient(), it, note);
  }

  private static Result undecided(Problem p, Eval e, Direction dir, double[][] nullBasis, double stepNorm, int it,
      String why) {
    return new Result(e.x, Verdict.UNDECIDED, nullBasis, e.logLoss(), stepNorm, dir.minEigenvalue, dir.maxEigenvalue,
        e.relativeGradient(), it, why + (dir.why == null ? "" : "; " + dir.why));
  }

  // ---------------------------------------------------------------------------------------------
  // Null directions

  /**
   * Orthonormal columns (d × k) spanning the directions the loss is exactly invariant along: all-zero
   * columns and differences within groups of identical columns, among the columns the ridge does not
   * penalize.
   */
  static double[][] nullBasis(Problem p) {
    int d = p.d(), n = p.n();
    List<double[]> vectors = new ArrayList<>();
    boolean[] grouped = new boolean[d];
    for (int j = 0; j < d; j++) {
      if (p.penalized(j) || grouped[j]) continue;
      boolean zero = true;
      for (int i = 0; i < n && zero; i++) zero = p.a[i][j] == 0;
      if (zero) {
        double[] e = new double[d];
        e[j] = 1;
        vectors.add(e);
        grouped[j] = true;
        continue;
      }
      for (int k = j + 1; k < d; k++) {
        if (p.penalized(k) || grouped[k]) continue;
        boolean same = true;
        for (int i = 0; i < n && same; i++) same = p.a[i][j] == p.a[i][k];
        if (same) {
          double[] e = new double[d];
          e[k] = 1;
          e[j] = -1;
          vectors.add(e);
          grouped[k] = true;
        }
      }
    }
    List<double[]> orthonormal = gramSchmidt(vectors, new ArrayList<>());
    double[][] out = new double[d][orthonormal.size()];
    for (int c = 0; c < orthonormal.size(); c++) for (int j = 0; j < d; j++) out[j][c] = orthonormal.get(c)[j];
    return out;
  }

  /** Orthonormal columns (d × (d − k)) completing the null basis to R^d. */
  static double[][] complementBasis(double[][] nullBasis, int d) {
    List<double[]> fixed = gramSchmidt(columns(nullBasis), new ArrayList<>());
    int k = fixed.size();
    List<double[]> all = new ArrayList<>(fixed);
    for (int j = 0; j < d && all.size() < d; j++) {
      double[] e = new double[d];
      e[j] = 1;
      gramSchmidt(List.of(e), all);
    }
    double[][] out = new double[d][d - k];
    for (int c = k; c < d; c++) for (int j = 0; j < d; j++) out[j][c - k] = all.get(c)[j];
    return out;
  }

  /** Appends to {@code into} the candidates orthonormalized against it (twice), skipping dependent ones. */
  private static List<double[]> gramSchmidt(List<double[]> candidates, List<double[]> into) {
    for (double[] candidate : candidates) {
      double[] v = candidate.clone();
      double before = norm(v);
      for (int pass = 0; pass < 2; pass++) {
        for (double[] u : into) {
          double dot = dot(u, v);
          for (int j = 0; j < v.length; j++) v[j] -= dot * u[j];
        }
      }
      double after = norm(v);
      if (after > 1e-8 * before) {
        for (int j = 0; j < v.length; j++) v[j] /= after;
        into.add(v);
      }
    }
    return into;
  }

  // ---------------------------------------------------------------------------------------------
  // Small dense linear algebra

  /**
   * Cyclic Jacobi eigendecomposition of the symmetric matrix a (overwritten); the eigenvectors go
   * into the columns of v; returns the eigenvalues ascending (v's columns sorted alike). A rotation
   * is skipped when |a_pq| ≤ 10⁻¹⁸·√|a_pp·a_qq| (the relative-accuracy threshold).
   */
  static double[] jacobiEigen(double[][] a, double[][] v) {
    int k = a.length;
    for (int r = 0; r < k; r++) {
      Arrays.fill(v[r], 0);
      v[r][r] = 1;
    }
    for (int sweep = 0; sweep < 100; sweep++) {
      boolean rotated = false;
      for (int p = 0; p < k; p++) {
        for (int q = p + 1; q < k; q++) {
          double apq = a[p][q];
          if (apq == 0 || Math.abs(apq) <= 1e-18 * Math.sqrt(Math.abs(a[p][p] * a[q][q]))) continue;
          rotated = true;
          double theta = (a[q][q] - a[p][p]) / (2 * apq);
          double t = Math.abs(theta) > 1e150 ? 1 / (2 * theta)
              : Math.signum(theta == 0 ? 1 : theta) / (Math.abs(theta) + Math.sqrt(theta * theta + 1));
          double c = 1 / Math.sqrt(t * t + 1), s = t * c;
          for (int r = 0; r < k; r++) { // columns p, q
            double arp = a[r][p], arq = a[r][q];
            a[r][p] = c * arp - s * arq;
            a[r][q] = s * arp + c * arq;
          }
          for (int r = 0; r < k; r++) { // rows p, q
            double apr = a[p][r], aqr = a[q][r];
            a[p][r] = c * apr - s * aqr;
            a[q][r] = s * apr + c * aqr;
          }
          a[p][q] = 0;
          a[q][p] = 0;
          for (int r = 0; r < k; r++) {
            double vrp = v[r][p], vrq = v[r][q];
            v[r][p] = c * vrp - s * vrq;
            v[r][q] = s * vrp + c * vrq;
          }
        }
      }
      if (!rotated) break;
    }
    Integer[] order = new Integer[k];
    for (int r = 0; r < k; r++) order[r] = r;
    double[] diag = new double[k];
    for (int r = 0; r < k; r++) diag[r] = a[r][r];
    Arrays.sort(order, (i, j) -> Double.compare(diag[i], diag[j]));
    double[] lambda = new double[k];
    double[][] sorted = new double[k][k];
    for (int c = 0; c < k; c++) {
      lambda[c] = diag[order[c]];
      for (int r = 0; r < k; r++) sorted[r][c] = v[r][order[c]];
    }
    for (int r = 0; r < k; r++) System.arraycopy(sorted[r], 0, v[r], 0, k);
    return lambda;
  }

  private static double[][] multiply(double[][] a, double[][] b) {
    int rows = a.length, inner = b.length, cols = b[0].length;
    double[][] out = new double[rows][cols];
    for (int r = 0; r < rows; r++) for (int m = 0; m < inner; m++) {
      double arm = a[r][m];
      if (arm == 0) continue;
      for (int c = 0; c < cols; c++) out[r][c] += arm * b[m][c];
    }
    return out;
  }

  static List<double[]> columns(double[][] m) {
    List<double[]> cols = new ArrayList<>();
    if (m.length == 0) return cols;
    for (int c = 0; c < m[0].length; c++) {
      double[] col = new double[m.length];
      for (int r = 0; r < m.length; r++) col[r] = m[r][c];
      cols.add(col);
    }
    return cols;
  }

  static double dot(double[] a, double[] b) {
    double s = 0;
    for (int j = 0; j < a.length; j++) s += a[j] * b[j];
    return s;
  }

  static double norm(double[] a) { return Math.sqrt(dot(a, a)); }

  static double[] add(double[] x, double t, double[] p) {
    double[] out = x.clone();
    for (int j = 0; j < out.length; j++) out[j] += t * p[j];
    return out;
  }

  /** ‖x − y‖ / ‖y‖ (‖x − y‖ when y = 0). */
  static double relativeDistance(double[] x, double[] y) {
    double diff = 0, size = 0;
    for (int j = 0; j < x.length; j++) {
      diff += (x[j] - y[j]) * (x[j] - y[j]);
      size += y[j] * y[j];
    }
    return size == 0 ? Math.sqrt(diff) : Math.sqrt(diff / size);
  }
}
