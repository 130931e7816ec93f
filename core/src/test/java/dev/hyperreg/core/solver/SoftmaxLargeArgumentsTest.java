package dev.hyperreg.core.solver;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.hyperreg.core.Problems;
import dev.hyperreg.core.linalg.LinearAlgebra;
import dev.hyperreg.core.objective.Evaluation;
import dev.hyperreg.core.objective.Link;
import dev.hyperreg.core.objective.Objective;
import dev.hyperreg.core.objective.ObjectiveFunction;
import dev.hyperreg.core.objective.ObjectiveKind;
import java.math.BigDecimal;
import java.math.MathContext;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * Softmax where z = Ax lies in the thousands (SPEC §3: "softmax is evaluated with z shifted by its
 * max"): e^z overflows a double past 709 and underflows to 0 below −745, so an unshifted evaluation
 * gives ∞/∞ or 0/0. The design's first column is 1000 + 0.3·N(0, 1): every a·x moves by about 1000
 * per unit of x₀, while softmax sees only the column's small centred part, so x₀ is identifiable and
 * the planted b = softmax(Ax*) with x₀* = 3 puts the minimizer (L = 0) at z ≈ 3000. The checks are
 * independent of the library: a loss written out here (shifted by max z, summed in BigDecimal), its
 * finite differences for the gradient, and the minimizer known by construction.
 */
class SoftmaxLargeArgumentsTest {
  private static final int N = 300, D = 4;

  /** Rows (1000 + 0.3ε, g₁, g₂, g₃): see the class comment. */
  private static Problems.Data design() {
    Problems.Data data = Problems.random(51, N, D, 1.0, false, 0);
    Random rnd = new Random(52);
    for (int i = 0; i < N; i++) data.a[i][0] = 1000 + 0.3 * rnd.nextGaussian();
    return data;
  }

  private static double[] xStar() {
    double[] x = Problems.randomPoint(53, D, 0.7);
    x[0] = 3;
    return x;
  }

  /** b = softmax(Ax*), computed here with the shift (the unshifted form is 0/0 or ∞/∞). */
  private static Problems.Data planted() {
    Problems.Data design = design();
    return design.withLabels(shares(design.z(xStar())));
  }

  private static double[] shares(double[] z) {
    double max = Double.NEGATIVE_INFINITY;
    for (double v : z) max = Math.max(max, v);
    double[] s = new double[z.length];
    double total = 0;
    for (int i = 0; i < z.length; i++) {
      s[i] = Math.exp(z[i] - max);
      total += s[i];
    }
    for (int i = 0; i < z.length; i++) s[i] /= total;
    return s;
  }

  /** ½‖softmax(Ax) − b‖², written out from the definition with the max shift, summed exactly. */
  private static double independentLoss(Problems.Data data, double[] x) {
    double[] s = shares(data.z(x));
    BigDecimal sum = BigDecimal.ZERO;
    for (int i = 0; i < s.length; i++) {
      BigDecimal r = new BigDecimal(s[i]).subtract(new BigDecimal(data.b[i]));
      sum = sum.add(r.multiply(r, MathContext.DECIMAL128));
    }
    return 0.5 * sum.doubleValue();
  }

  private static Objective objective() { return new Objective(ObjectiveKind.SOFTMAX, Link.EXP, D, 0, -1); }

  private static double minAbsZ(Problems.Data data, double[] x) {
    double m = Double.POSITIVE_INFINITY;
    for (double v : data.z(x)) m = Math.min(m, Math.abs(v));
    return m;
  }

  @Test
  void lossGradientAndHessianAreRightWhereEveryArgumentIsInTheThousands() {
    Problems.Data data = planted();
    for (boolean sparse : new boolean[] {false, true}) {
      ObjectiveFunction f = data.function(objective(), sparse);
      // z ≈ +4000 (e^z overflows), z ≈ −2500 (e^z underflows to 0), and near x*, where L is small
      for (double x0 : new double[] {4, -2.5, 3.001}) {
        double[] x = Problems.randomPoint(54, D, 0.7);
        x[0] = x0;
        assertTrue(minAbsZ(data, x) > 1000, "every |a·x| is in the thousands: " + minAbsZ(data, x));
        Evaluation at = f.evaluate(x, true, "far");
        String where = "x₀ = " + x0 + (sparse ? " (sparse)" : "");
        assertTrue(at.isFinite(), where);
        double expected = independentLoss(data, x);
        assertTrue(expected > 1e-6, where + ": a loss worth checking, " + expected);
        assertEquals(expected, at.loss(), 1e-12 * expected, where + ": loss");
        double[] g = at.gradient();
        double[] h = at.hessian();
        for (double v : h) assertTrue(Double.isFinite(v), where + ": Hessian entry " + v);
        double gScale = LinearAlgebra.norm(g);
        assertTrue(gScale > 1e-4, where + ": a gradient worth checking, " + gScale);
        for (int j = 0; j < D; j++) {
          double step = 1e-6;
          double[] plus = x.clone(), minus = x.clone();
          plus[j] += step;
          minus[j] -= step;
          double fd = (independentLoss(data, plus) - independentLoss(data, minus)) / (2 * step);
          assertEquals(fd, g[j], 1e-5 * gScale, where + ": gradient component " + j);
          // the Hessian's column j against differences of the (just checked) gradient
          double[] gp = f.evaluate(plus, false, "fd").gradient();
          double[] gm = f.evaluate(minus, false, "fd").gradient();
          for (int i = 0; i < D; i++) {
            assertEquals((gp[i] - gm[i]) / (2 * step), h[j * D + i], 1e-4 * maxAbs(h),
                where + ": Hessian (" + i + "," + j + ")");
          }
        }
      }
    }
  }

  @Test
  void fitsFromArgumentsInTheThousandsReachThePlantedMinimizer() {
    Problems.Data data = planted();
    double[] xStar = xStar();
    assertTrue(minAbsZ(data, xStar) > 2500, "the minimizer's a·x are in the thousands too");
    NewtonSolver solver = new NewtonSolver().withMaxIterations(100).withTolerance(1e-12);
    HessianStrategy[] strategies = {HessianStrategy.EXACT, SketchedHessian.forDimension(D, null, 7),
        SketchedHessian.sampling(D, null, 7), NewtonCg.forDimension(D, null, 7)};
    for (double x0 : new double[] {3.4, 2.6}) {
      double[] start = xStar.clone();
      start[0] = x0;                      // z ≈ 3400 or 2600: a·x* ± 400 and 0.12 in the centred part
      for (int j = 1; j < D; j++) start[j] += 0.3;
      for (HessianStrategy hessians : strategies) {
        ObjectiveFunction f = data.function(objective(), false);
        FitResult fit = solver.minimize(f, start, hessians, IterationListener.NONE);
        String what = hessians.current() + " from x₀ = " + x0;
        assertTrue(fit.converged(), () -> what + ": " + fit.stopReason() + ": " + fit.message());
        assertEquals(0, Problems.relativeError(fit.coefficients(), xStar), 1e-6, what);
        assertTrue(fit.iterations().stream().allMatch(r -> Double.isFinite(r.objectiveValue())), what);
        // L(x*) = 0: what is left is the rounding of ½(Σs² − 2⟨b,s⟩ + ‖b‖²), which the evaluation bounds
        Evaluation last = fit.finalEvaluation();
        assertEquals(independentLoss(data, fit.coefficients()), last.loss(), last.scaledLossRoundingError(), what);
      }
    }
    // from the default start (log b on [A 1], whose first column is nearly the constant one: the
    // start comes out far from x*, with a·x in the hundreds) the fit climbs to a·x ≈ 3000
    ObjectiveFunction f = data.function(objective(), false);
    StartingPoint start = StartingPoint.defaultFor(f);
    FitResult fit = solver.minimize(f, start.x(), IterationListener.NONE);
    assertTrue(fit.converged(), fit.message());
    assertEquals(0, Problems.relativeError(fit.coefficients(), xStar), 1e-8);
  }

  private static double maxAbs(double[] a) {
    double m = 0;
    for (double v : a) m = Math.max(m, Math.abs(v));
    return m;
  }
}
