package dev.hyperreg.core.solver;

import dev.hyperreg.core.OverflowException;
import dev.hyperreg.core.linalg.LinearAlgebra;
import dev.hyperreg.core.linalg.ScaledSpectrum;
import dev.hyperreg.core.objective.Evaluation;
import dev.hyperreg.core.objective.ObjectiveFunction;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.function.UnaryOperator;

/**
 * The test a fit must pass before it may say CONVERGED (exit 0): a judgement made on the exact
 * Hessian, which no preconditioner, seed or runaway step can sway. At the candidate answer x:
 *
 * <ol>
 *   <li><b>Curvature.</b> The Hessian in Jacobi-scaled coordinates S H S ({@link ScaledSpectrum})
 *       has no eigenvalue below −10⁻⁹·λ̃_max. A more negative one is a saddle or a maximum, and the
 *       solver steps along it. Eigenvectors with |λ̃| within the band are candidates for flat
 *       directions: one pass ({@link ObjectiveFunction#flatWithin}) finds those the design does
 *       not move (A·v = 0: an all-zero or a duplicated column), where x is undetermined — a set of
 *       minimizers, not a saddle. The others are real curvature, however small.</li>
 *   <li><b>No slope along the flat directions</b> (a step of the bound changes L by no more than its
 *       rounding error).</li>
 *   <li><b>The Euclidean Newton step.</b> p = −H⁺g from that same exact Hessian, with no component
 *       along the flat directions, is at most the bound (tol·max(1, ‖x‖) for CONVERGED): near a
 *       non-degenerate minimizer p is the distance to it, so this is the accuracy of x.</li>
 *   <li><b>No worse than the start.</b> ‖∇L(x)‖ ≤ ‖∇L(x₀)‖ (or at the loss's rounding level: the
 *       Newton decrement ½pᵀHp is below the loss's rounding error): an answer whose gradient is
 *       above the start's sits where some curvature is huge, not at a minimizer of the problem asked.</li>
 * </ol>
 *
 * <p>Where d × d matrices are cheap (every solver but matrix-free Newton–CG and L-BFGS) the
 * evidence is one exact pass ({@link #exactPass}); otherwise {@link #matrixFree}. A failed certificate is not a stop: the verdict carries the direction the solver
 * continues with (the exact Newton step, or the negative curvature).
 */
public final class ConvergenceCertificate {
  private ConvergenceCertificate() {}

  /** Vectors of the matrix-free certificate's LOBPCG ({@link #matrixFree}). */
  public static final int CHECK_BLOCK = 8;
  /** Its passes at most, and its relative tolerance (residual, or θ₁'s decrease per pass). */
  static final int CHECK_PASSES = 20;
  static final double CHECK_TOLERANCE = 1e-4;
  /** Residual ‖S(Hp + g)‖ ≤ this·‖S g‖ (S the Jacobi scale) for the matrix-free certificate's step. */
  static final double CERTIFICATE_RESIDUAL = 1e-6;
  /** ‖r‖_{M⁻¹} ≤ this·‖g‖_{M⁻¹} as well, for that step. */
  static final double CERTIFICATE_FORCING = 1e-3;


  /** What the certificate found. */
  public enum Outcome {
    /** All four conditions hold. */
    CERTIFIED,
    /** Negative curvature beyond rounding: not a minimum; {@link Verdict#direction()} carries it. */
    NEGATIVE_CURVATURE,
    /** The loss still falls along a zero-curvature direction. */
    FALLING_ALONG_FLAT_DIRECTION,
    /** The exact Newton step is longer than the bound. */
    STEP_TOO_LONG,
    /** The gradient is above the start's. */
    GRADIENT_ABOVE_START
  }

  /**
   * @param outcome what was found
   * @param evaluation the evaluation the verdict was made on (with the exact Hessian when one pass made it)
   * @param direction the direction to go on with when not certified (null when certified)
   * @param stepNorm ‖p‖ of the exact Newton step
   * @param relativeSmallest λ̃_min/λ̃_max of the scaled Hessian (an estimate when matrix-free)
   * @param smallestEigenvalue λ_min of the unscaled Hessian in the loss's units (an estimate when matrix-free)
   * @param flatDirections unit directions of zero curvature with no slope: where x is undetermined
   * @param what one sentence: the evidence, for the stop message
   */
  public record Verdict(Outcome outcome, Evaluation evaluation, NewtonDirection direction, double stepNorm,
      double relativeSmallest, double smallestEigenvalue, List<double[]> flatDirections, String what) {
    public boolean certified() { return outcome == Outcome.CERTIFIED; }
  }

  /**
   * The bounds a verdict is judged against.
   *
   * @param stepBound the longest exact Newton step that certifies
   * @param logStartGradient log ‖∇L(x₀)‖ (of the run's first start when resumed)
   * @param radius the trust radius for the direction of a failed verdict
   */
  public record Bounds(double stepBound, double logStartGradient, double radius) {}

  /** The certificate from one exact pass at the point (none when {@code current} has the exact Hessian). */
  public static Verdict exactPass(ObjectiveFunction function, Evaluation current, Bounds bounds, String description) {
    Evaluation exact = current.hasExactHessian() ? current : function.evaluate(current.point(), true, description);
    if (!exact.isFinite()) {
      throw new OverflowException(exact.badRowId(), exact.badRowValue(), function.objective().describe() + " in " + description);
    }
    return judgeDense(function, exact, bounds);
  }

  /** The verdict on an evaluation that carries the exact Hessian. */
  static Verdict judgeDense(ObjectiveFunction function, Evaluation exact, Bounds bounds) {
    int d = exact.dim();
    double[] h = exact.scaledHessian();
    double[] g = exact.scaledGradient();
    ScaledSpectrum spectrum = ScaledSpectrum.of(h, d);
    double smallest = LinearAlgebra.symmetricEigenvalues(h, d)[0] * Math.exp(exact.logScale());
    double relative = spectrum.relativeSmallest();
    if (spectrum.indefinite()) {
      double[] v = spectrum.mostNegativeDirection(g);
      NewtonDirection direction = NewtonDirection.of(function, exact, bounds.radius());
      return new Verdict(Outcome.NEGATIVE_CURVATURE, exact, new NewtonDirection(direction.step(),
          Math.max(direction.damping(), Double.MIN_NORMAL), v, direction.curvature(), true), Double.NaN, relative,
          smallest, List.of(), String.format(Locale.ROOT, "the Hessian has negative curvature (scaled λ_min/λ_max"
              + " = %.3g, beyond rounding)", relative));
    }
    List<double[]> flat = function.flatWithin(spectrum.flatCandidates(g), "certificate: flat directions of the design");
    // the design does not see a flat direction; only the ridge could give it a slope (and then none is flat)
    double slopeLimit = exact.scaledLossRoundingError() / Math.max(bounds.stepBound(), Double.MIN_NORMAL);
    for (double[] v : flat) {
      if (Math.abs(LinearAlgebra.dot(v, g)) > slopeLimit) {
        return new Verdict(Outcome.FALLING_ALONG_FLAT_DIRECTION, exact, NewtonDirection.of(function, exact,
            bounds.radius()), Double.NaN, relative, smallest, List.of(), "the loss still falls along a direction of"
                + " zero curvature (" + ScaledSpectrum.columnsOf(v) + ")");
      }
    }
    double[] p = spectrum.newtonStep(g, flat);
    return judgeStep(exact, p, relative, smallest, flat, bounds, String.format(Locale.ROOT,
        "one exact pass: scaled λ_min/λ_max = %.3g", relative));
  }

  /**
   * The certificate without a d × d matrix (every pass returns d-vectors): one diagonal pass gives
   * the Jacobi scale S = |diag(H)|^{−1/2}; block LOBPCG ({@link BlockLobpcg}, {@value #CHECK_BLOCK}
   * random vectors — the whole space when d ≤ {@value #CHECK_BLOCK} — at most {@value #CHECK_PASSES}
   * passes) finds the smallest eigenvalue of S H S (unit diagonal, so λ̃_max ≥ 1): a Ritz value
   * below −10⁻⁹ proves negative curvature, one within ±10⁻⁹ is a flat direction if the design does
   * not move along it ({@link ObjectiveFunction#flatWithin}), a positive one is
   * the estimate of λ̃_min (evidence, not proof: a Ritz value bounds λ_min from above). The Newton
   * step comes from CG ({@link ConjugateGradients}) run until both ‖r‖_{M⁻¹} ≤ 10⁻³‖g‖_{M⁻¹} and
   * the residual of the unpreconditioned system, Jacobi-scaled, ‖S(Hp + g)‖ ≤ 10⁻⁶‖S g‖ — not
   * Euclidean, where a column 10¹³ less curved than a stiff one hides its whole residual.
   *
   * @param preconditioner M⁻¹ for the CG solve; null: the Jacobi one, S²
   * @param maxSteps CG steps at most
   */
  public static Verdict matrixFree(ObjectiveFunction function, Evaluation current, Bounds bounds, String description,
      UnaryOperator<double[]> preconditioner, int maxSteps) {
    int d = current.dim();
    double[] diagonal = function.hessianDiagonal(current, description + ": diag(H)");
    double[] s = new double[d];
    for (int j = 0; j < d; j++) s[j] = diagonal[j] != 0 ? 1 / Math.sqrt(Math.abs(diagonal[j])) : 1;
    BlockLobpcg.Result r = BlockLobpcg.smallest((block, step) -> {
      double[][] scaledBlock = new double[block.length][];
      for (int i = 0; i < block.length; i++) scaledBlock[i] = times(s, block[i]);
      double[][] hv = function.hessianTimes(current, scaledBlock, String.format(Locale.ROOT,
          "%s: LOBPCG pass %d (H times %d vectors)", description, step, block.length));
      for (int i = 0; i < hv.length; i++) hv[i] = times(s, hv[i]);
      return hv;
    }, v -> v, d, CHECK_BLOCK, CHECK_PASSES, CHECK_TOLERANCE, 31);
    double theta = r.smallest();
    double band = ScaledSpectrum.ROUNDING * Math.max(1, Math.abs(theta));
    double[] g = current.scaledGradient();
    double[] v = times(s, r.vector());
    double vNorm = LinearAlgebra.norm(v);
    double sign = LinearAlgebra.dot(v, g) > 0 ? -1 : 1;
    for (int j = 0; j < d; j++) v[j] *= sign / vNorm;
    // vᵀHv for the unit v = S x̃/‖S x̃‖: θ̃/‖S x̃‖², in the loss's units
    double smallest = theta / (vNorm * vNorm) * Math.exp(current.logScale());
    if (theta < -band) {
      return new Verdict(Outcome.NEGATIVE_CURVATURE, current, new NewtonDirection(new double[d],
          Math.max(-theta, Double.MIN_NORMAL), v, 0, true), Double.NaN, theta, smallest, List.of(),
          String.format(Locale.ROOT, "LOBPCG on the scaled Hessian: λ_min ≤ %.3g, negative", theta));
    }
    UnaryOperator<double[]> m = preconditioner != null ? preconditioner : u -> times(s, times(s, u));
    double[] b = new double[d];
    for (int j = 0; j < d; j++) b[j] = -g[j];
    double stopAt = CERTIFICATE_FORCING * CERTIFICATE_FORCING * LinearAlgebra.dot(b, m.apply(b));
    double scaledG = LinearAlgebra.norm(times(s, g));
    ConjugateGradients.Result solved = ConjugateGradients.solve(
        (u, step) -> function.hessianTimes(current, u, String.format(Locale.ROOT, "%s: CG step %d", description, step)),
        m, b, maxSteps,
        (residual, rz) -> rz <= stopAt && LinearAlgebra.norm(times(s, residual)) <= CERTIFICATE_RESIDUAL * scaledG,
        Double.POSITIVE_INFINITY, null);
    if (solved.end() != ConjugateGradients.End.SOLVED) {
      return new Verdict(Outcome.STEP_TOO_LONG, current, new NewtonDirection(solved.y(), 0, null, solved.curvature(),
          false), LinearAlgebra.norm(solved.y()), theta, smallest, List.of(), String.format(Locale.ROOT, "CG did not"
              + " solve the Newton system to a scaled residual of %.0e within %d steps", CERTIFICATE_RESIDUAL, maxSteps));
    }
    // a Ritz vector of zero curvature is flat only if the design does not move along it (one pass, 2 numbers a task)
    List<double[]> flat = Math.abs(theta) <= band
        ? function.flatWithin(List.of(v), description + ": is the least-curved direction flat?") : List.of();
    return judgeStep(current, solved.y(), theta, smallest, flat, bounds, String.format(Locale.ROOT,
        "accurate CG step and LOBPCG on the scaled Hessian (λ̃_min ≈ %.3g, %d passes)", theta, r.products()));
  }

  private static double[] times(double[] s, double[] v) {
    double[] out = new double[v.length];
    for (int j = 0; j < v.length; j++) out[j] = s[j] * v[j];
    return out;
  }

  /** Conditions 3 and 4, on an exact Newton step p at a point already shown to have no negative curvature. */
  static Verdict judgeStep(Evaluation at, double[] p, double relative, double smallest, List<double[]> flat,
      Bounds bounds, String evidence) {
    double stepNorm = LinearAlgebra.norm(p);
    double curvature = at.scaledHessian() == null ? Double.NaN : NewtonDirection.quadraticForm(at.scaledHessian(), p);
    NewtonDirection exactStep = new NewtonDirection(p, 0, null, curvature, true);
    if (!(stepNorm <= bounds.stepBound())) {
      if (at.scaledHessian() != null && stepNorm > bounds.radius()) {
        double[] shortened = p.clone();
        for (int j = 0; j < shortened.length; j++) shortened[j] *= bounds.radius() / stepNorm;
        exactStep = new NewtonDirection(shortened, 0, null, curvature * Math.pow(bounds.radius() / stepNorm, 2), false);
      }
      return new Verdict(Outcome.STEP_TOO_LONG, at, exactStep, stepNorm, relative, smallest, flat,
          String.format(Locale.ROOT, "%s; the exact Newton step %.3g is above %.3g", evidence, stepNorm,
              bounds.stepBound()));
    }
    double gradientRatio = Math.exp(at.logGradientNorm() - bounds.logStartGradient());
    boolean decrementAtRounding = 0.5 * curvature <= at.scaledLossRoundingError(); // false for NaN
    if (gradientRatio > 1 + 1e-9 && !decrementAtRounding) {
      return new Verdict(Outcome.GRADIENT_ABOVE_START, at, exactStep, stepNorm, relative, smallest, flat,
          String.format(Locale.ROOT, "%s; the gradient is %.3g times the start's", evidence, gradientRatio));
    }
    String flatNote = flat.isEmpty() ? "" : "; " + flat.size() + " direction" + (flat.size() == 1 ? "" : "s")
        + " of zero curvature and zero slope (" + describe(flat) + "): a set of minimizers";
    return new Verdict(Outcome.CERTIFIED, at, null, stepNorm, relative, smallest, flat, String.format(Locale.ROOT,
        "%s, exact Newton step %.3g ≤ %.3g, gradient %.3g of the start's%s", evidence, stepNorm, bounds.stepBound(),
        gradientRatio, flatNote));
  }

  /** "columns 3, 7; column 5". */
  static String describe(List<double[]> directions) {
    List<String> parts = new ArrayList<>();
    for (double[] v : directions) parts.add(ScaledSpectrum.columnsOf(v));
    return String.join("; ", parts);
  }

  /**
   * The point of the minimizer set x + span(V) nearest 0: x − V(VᵀV)⁻¹Vᵀx for the flat directions
   * V. Where they are exact (zero or duplicated columns: A·v = 0) the loss is the same there, which
   * the solver checks on one pass before it takes it.
   */
  static double[] minimumNorm(double[] x, List<double[]> flat) {
    int k = flat.size();
    double[] gram = new double[k * k];
    double[] rhs = new double[k];
    for (int a = 0; a < k; a++) {
      rhs[a] = LinearAlgebra.dot(flat.get(a), x);
      for (int b = 0; b < k; b++) gram[b * k + a] = LinearAlgebra.dot(flat.get(a), flat.get(b));
    }
    double[] c = LinearAlgebra.regularizedNormalSolve(gram, k, rhs);
    double[] out = x.clone();
    for (int a = 0; a < k; a++) for (int j = 0; j < out.length; j++) out[j] -= c[a] * flat.get(a)[j];
    return out;
  }
}
