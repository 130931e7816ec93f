package dev.hyperreg.core.solver;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.hyperreg.core.OverflowException;
import dev.hyperreg.core.Problems;
import dev.hyperreg.core.linalg.LinearAlgebra;
import dev.hyperreg.core.objective.Evaluation;
import dev.hyperreg.core.objective.Link;
import dev.hyperreg.core.objective.Objective;
import dev.hyperreg.core.objective.ObjectiveFunction;
import dev.hyperreg.core.objective.ObjectiveKind;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/** Fits that must reach a minimizer known by construction, and the traps of SPEC §3. */
class NewtonSolverTest {
  private static final NewtonSolver SOLVER = new NewtonSolver().withMaxIterations(100).withTolerance(1e-12);

  @ParameterizedTest(name = "{0} {1} sparse={2} regularized={3}")
  @MethodSource("dev.hyperreg.core.Problems#everyCombination")
  void recoversPlantedMinimizer(ObjectiveKind kind, Link link, boolean sparse, boolean regularized) {
    Problems.PlantedCase c = Problems.plantedCase(kind, link, sparse, regularized);
    double[] xStar = c.xStar();
    ObjectiveFunction f = c.function();
    double[] x0 = c.nearStart() ? perturbed(xStar, 0.3) : StartingPoint.defaultFor(f).x();
    FitResult fit = SOLVER.minimize(f, x0, IterationListener.NONE);

    assertTrue(fit.converged(), () -> fit.stopReason() + ": " + fit.message());
    assertTrue(fit.hessianMinEigenvalue() > 0, "positive definite at the answer");
    assertEquals(0, Problems.relativeError(fit.coefficients(), xStar), 1e-8, "relative error to x*");
    // the reported objective is the objective: ½‖·‖² + R at the answer, evaluated independently
    double independent = Problems.independentLoss(c.data(), c.objective(), fit.coefficients());
    double reported = fit.iterations().get(fit.iterationCount()).objectiveValue();
    assertEquals(independent, reported, 1e-9 * independent, "reported objective value");
    assertEquals(independent, fit.finalEvaluation().loss(), 1e-9 * independent, "final evaluation's loss");
  }

  @Test
  void zeroResidualProblemsConvergeDespiteCancellation() {
    // b = softmax(Ax*) exactly: L(x*) = 0, where the rescaled loss's expansion
    // Σu² − 2αΣbu + α²‖b‖² cancels completely. x* must still come out to 1e-8.
    int d = 5;
    Problems.Data design = Problems.random(41, 400, d, 1.0, false, 0);
    double[] xStar = Problems.randomPoint(17, d, 1.0);
    for (ObjectiveKind kind : new ObjectiveKind[] {ObjectiveKind.RESCALED, ObjectiveKind.SOFTMAX}) {
      Objective objective = new Objective(kind, Link.EXP, d, 0, -1);
      Problems.Data data = design.withLabels(Problems.plantedLabels(design, objective, xStar, 0, 1));
      ObjectiveFunction f = data.function(objective, false);
      FitResult fit = SOLVER.minimize(f, StartingPoint.defaultFor(f).x(), IterationListener.NONE);
      assertTrue(fit.converged(), kind + ": " + fit.message());
      assertEquals(0, Problems.relativeError(fit.coefficients(), xStar), 1e-8, kind.label());
    }
  }

  @Test
  void rescaledSinhEndsAtZero() {
    Problems.Data data = Problems.random(4, 200, 4, 1.0, false, 0);
    Objective objective = new Objective(ObjectiveKind.RESCALED, Link.SINH, 4, 0, -1);
    ObjectiveFunction f = data.function(objective, false);
    StartingPoint start = StartingPoint.defaultFor(f);
    assertTrue(LinearAlgebra.norm(start.x()) > 0.1, "the default start is not already 0");
    FitResult fit = SOLVER.minimize(f, start.x(), IterationListener.NONE);
    assertTrue(fit.converged(), fit.message());
    assertEquals(0, LinearAlgebra.norm(fit.coefficients()), 1e-10);
    assertEquals(0, fit.finalEvaluation().loss(), 1e-20);
  }

  @Test
  void coshStartedNearTheMirrorImageEndsThere() {
    int d = 4;
    Objective objective = new Objective(ObjectiveKind.PLAIN, Link.COSH, d, 0, -1);
    double[] xStar = Problems.randomPoint(2, d, 0.8);
    Problems.Data data = Problems.planted(8, 250, 1.0, 0, objective, xStar, 0.05, 1);
    double[] mirror = xStar.clone();
    for (int j = 0; j < d; j++) mirror[j] = -mirror[j];
    FitResult fit = SOLVER.minimize(data.function(objective, false), perturbed(mirror, 0.2), IterationListener.NONE);
    assertTrue(fit.converged(), fit.message());
    assertEquals(0, Problems.relativeError(fit.coefficients(), mirror), 1e-8);
  }

  @Test
  void coshDefaultStartIsNotTheStationaryOrigin() {
    Problems.Data data = Problems.random(5, 100, 3, 1.0, false, 0); // b in [0.5, 1.5): acosh mostly undefined
    for (int i = 0; i < data.n(); i++) data.b[i] = 0.3;
    ObjectiveFunction f = data.function(new Objective(ObjectiveKind.PLAIN, Link.COSH, 3, 0, -1), false);
    StartingPoint start = StartingPoint.defaultFor(f);
    assertTrue(LinearAlgebra.norm(start.x()) > 0, start.description());
    Evaluation at = f.evaluate(start.x(), false, "start");
    assertTrue(at.gradientNorm() > 1e-6, "not a stationary point");
  }

  @Test
  void aStationaryPointWithNegativeCurvatureIsLeft() {
    // plain cosh with b > 1: x = 0 is stationary and the Hessian there is Aᵀdiag(1 − b)A, negative
    // definite (a maximum). The solver must step along the negative curvature, not stop there.
    Problems.Data data = Problems.random(6, 100, 3, 1.0, false, 0);
    for (int i = 0; i < data.n(); i++) data.b[i] = 3;
    Objective objective = new Objective(ObjectiveKind.PLAIN, Link.COSH, 3, 0, -1);
    FitResult fit = SOLVER.minimize(data.function(objective, false), new double[3], IterationListener.NONE);
    assertTrue(fit.converged(), fit.message());
    assertTrue(fit.hessianMinEigenvalue() > 0, "a minimizer, not the saddle");
    assertTrue(fit.iterations().stream().anyMatch(r -> "negative curvature step".equals(r.note())));
    assertTrue(Problems.independentLoss(data, objective, fit.coefficients())
        < Problems.independentLoss(data, objective, new double[3]), "below the stationary point's loss");
  }

  @Test
  void rescaledExpWithInterceptAndNoRegularizationHasNoMinimizer() {
    Problems.Data data = Problems.random(9, 200, 3, 1.0, true, 0);
    Objective objective = new Objective(ObjectiveKind.RESCALED, Link.EXP, 4, 0, 3);
    ObjectiveFunction f = data.function(objective, false);
    FitResult fit = new NewtonSolver().withMaxIterations(40)
        .minimize(f, StartingPoint.defaultFor(f).x(), IterationListener.NONE);
    assertFalse(fit.converged(), fit.message());
    assertTrue(fit.message().contains("no minimizer"), fit.message());
    // the intercept ran off towards −∞ while the objective shrank
    assertTrue(fit.coefficients()[3] < -5, "intercept " + fit.coefficients()[3]);
  }

  @Test
  void gradientToleranceStopsEarlierButNotOnARunaway() {
    int d = 4;
    Objective objective = new Objective(ObjectiveKind.PLAIN, Link.EXP, d, 0, -1);
    double[] xStar = Problems.randomPoint(8, d, 0.5);
    Problems.Data data = Problems.planted(31, 300, 1.0, 0, objective, xStar, 0.05, 2);
    ObjectiveFunction f = data.function(objective, false);
    double[] x0 = new double[d];
    FitResult loose = new NewtonSolver().withGradientTolerance(1e-3).minimize(f, x0, IterationListener.NONE);
    FitResult tight = new NewtonSolver().minimize(f, x0, IterationListener.NONE);
    assertEquals(StopReason.GRADIENT_TOLERANCE, loose.stopReason(), loose.message());
    assertTrue(loose.converged());
    assertTrue(loose.iterationCount() < tight.iterationCount());
    double startGradient = loose.iterations().get(0).gradientNorm();
    assertTrue(loose.finalEvaluation().gradientNorm() <= 1e-3 * startGradient);

    // the runaway of rescaled exp with an intercept: ‖∇L‖ → 0, but it must not count as converged
    Problems.Data runaway = Problems.random(9, 200, 3, 1.0, true, 0);
    ObjectiveFunction g = runaway.function(new Objective(ObjectiveKind.RESCALED, Link.EXP, 4, 0, 3), false);
    FitResult r = new NewtonSolver().withMaxIterations(30).withGradientTolerance(1e-8)
        .minimize(g, StartingPoint.defaultFor(g).x(), IterationListener.NONE);
    assertFalse(r.converged(), r.message());
  }

  @Test
  void rescaledExpIsScaleFreeAlongTheIntercept() {
    // L_fit(x + t·e) = e^{2t} L_fit(x) for an intercept column e: logs differ by exactly 2t,
    // and the Newton direction does not change, even where e^{2t} overflows.
    Problems.Data data = Problems.random(12, 120, 3, 1.0, true, 0);
    Objective objective = new Objective(ObjectiveKind.RESCALED, Link.EXP, 4, 0, 3);
    ObjectiveFunction f = data.function(objective, false);
    double[] x = Problems.randomPoint(1, 4, 0.5);
    double[] shifted = x.clone();
    double t = 1500;
    shifted[3] += t;
    Evaluation near = f.evaluate(x, true, "near");
    Evaluation far = f.evaluate(shifted, true, "far");
    assertTrue(Double.isInfinite(far.loss()), "the loss itself overflows");
    assertEquals(near.logLoss() + 2 * t, far.logLoss(), 1e-9 * far.logLoss());
    double[] pNear = NewtonDirection.of(near, Double.POSITIVE_INFINITY).step();
    double[] pFar = NewtonDirection.of(far, Double.POSITIVE_INFINITY).step();
    assertEquals(0, Problems.relativeError(pFar, pNear), 1e-9);
  }

  @Test
  void rescaledCoshGradientIsRightAtHugeArguments() {
    // |Ax| around 2000: the loss is e^{4000}-sized; check ∇ log L against finite differences of log L.
    Problems.Data data = Problems.random(13, 60, 3, 1.0, false, 0.2);
    Objective objective = new Objective(ObjectiveKind.RESCALED, Link.COSH, 3, 0.1, -1);
    ObjectiveFunction f = data.function(objective, false);
    double[] x = Problems.randomPoint(4, 3, 1000);
    Evaluation at = f.evaluate(x, true, "far");
    assertTrue(at.logLoss() > 1000 && Double.isFinite(at.logLoss()), at.logLoss() + " " + at.scaledLoss() + " " + at.logScale());
    double[] gradLog = at.scaledGradient().clone();
    for (int j = 0; j < 3; j++) gradLog[j] /= at.scaledLoss();
    for (int j = 0; j < 3; j++) {
      double h = 1e-6;
      double[] p = x.clone(), m = x.clone();
      p[j] += h;
      m[j] -= h;
      double fd = (f.evaluate(p, false, "").logLoss() - f.evaluate(m, false, "").logLoss()) / (2 * h);
      assertEquals(fd, gradLog[j], 1e-5 * Math.max(1, Math.abs(fd)));
    }
    for (double v : NewtonDirection.of(at, Double.POSITIVE_INFINITY).step()) assertTrue(Double.isFinite(v));
  }

  @Test
  void rescaledExpFitConvergesFromFarAway() {
    // A planted rescaled exp problem started where a·x reaches thousands: the scaled evaluation must
    // carry the fit back without overflow.
    int d = 4;
    Objective objective = new Objective(ObjectiveKind.RESCALED, Link.EXP, d, 0.01, -1);
    double[] xStar = Problems.randomPoint(3, d, 0.5);
    Problems.Data data = Problems.planted(14, 200, 1.0, 0.2, objective, xStar, 0.05, 5);
    double[] x0 = Problems.randomPoint(99, d, 300);
    FitResult fit = new NewtonSolver().withMaxIterations(100).withTolerance(1e-12)
        .minimize(data.function(objective, false), x0, IterationListener.NONE);
    assertTrue(Double.isInfinite(fit.iterations().get(0).objectiveValue()), "the loss at the start exceeds the double range");
    assertTrue(fit.converged(), fit.message());
    assertEquals(0, Problems.relativeError(fit.coefficients(), xStar), 1e-8);
    // far away the steps expand, by one ladder pass: the full-step trial, the ladder, the Hessian at
    // the best rung (a pass per doubling would cost up to 12)
    assertTrue(fit.iterations().stream().anyMatch(r -> r.stepSize() >= 4), "some step expanded");
    for (IterationRecord r : fit.iterations()) {
      if (r.stepSize() > 1.5) assertTrue(r.dataPasses() <= 3, "iteration " + r.iteration() + ": " + r.dataPasses() + " passes");
    }
  }

  @Test
  void plainExpOverflowNamesTheRow() {
    Problems.Data data = Problems.random(15, 50, 2, 1.0, false, 0);
    data.a[17][0] = 1000;
    ObjectiveFunction f = data.function(new Objective(ObjectiveKind.PLAIN, Link.EXP, 2, 0, -1), false);
    OverflowException e = assertThrows(OverflowException.class,
        () -> SOLVER.minimize(f, new double[] {1, 0}, IterationListener.NONE));
    assertEquals(17, e.rowId());
    assertEquals(1000, e.value(), 1e-9);
    assertTrue(e.getMessage().contains("row 17"), e.getMessage());
  }

  /**
   * Plain exp, b = e^{a·x*} on 200 rows a = (1, u), u uniform in [−1, 1], and one row (0, 100)
   * (row 200), started at x = (−8, 0). That row's a·x is 0 at the start, and the Newton steps of
   * the next iterations (the fit climbs out of the concave region below the data) carry it past
   * 355, where ½(e^{a·x} − b)² overflows: iterations 1 to 3 each begin with a trial that
   * overflows there. Each such trial must be rejected and halved like a rising loss, and said in
   * the iteration's note naming the row; the fit still reaches x*.
   */
  @Test
  void anOverflowingTrialInTheMiddleOfAFitIsBacktrackedAndNamed() {
    double[] xStar = {0.5, 0.3};
    Problems.Data data = outlierRow(xStar);
    ObjectiveFunction f = data.function(new Objective(ObjectiveKind.PLAIN, Link.EXP, 2, 0, -1), false);
    FitResult fit = SOLVER.minimize(f, new double[] {-8, 0}, IterationListener.NONE);
    assertTrue(fit.converged(), fit.message());
    assertEquals(0, Problems.relativeError(fit.coefficients(), xStar), 1e-8);
    List<IterationRecord> overflowed = fit.iterations().stream()
        .filter(r -> r.note() != null && r.note().contains("overflowed a double at row 200")).toList();
    assertTrue(overflowed.stream().anyMatch(r -> r.iteration() >= 2), "an overflow after the first iteration: "
        + fit.iterations());
    for (IterationRecord r : overflowed) {
      assertTrue(r.stepSize() < 1, "backtracked: " + r);
      // the note's a·x is that of the rejected trial, past the overflow of e^{2z} (z > 354.9)
      Matcher m = Pattern.compile("a·x = ([0-9.e+]+)").matcher(r.note());
      assertTrue(m.find() && Double.parseDouble(m.group(1)) > 354.9, r.note());
    }
  }

  /**
   * A strategy whose direction is the Newton step stretched to length 10²⁰⁰: every trial down to
   * t = 2⁻⁴⁰ overflows, so no safe step exists. The fit stops as LINE_SEARCH_FAILED (never as
   * converged, never with an exception), its message saying that the trials overflowed and where.
   */
  @Test
  void aLineSearchWhoseTrialsAllOverflowSaysSoAndNamesTheRow() {
    double[] xStar = {0.5, 0.3};
    Problems.Data data = outlierRow(xStar);
    ObjectiveFunction f = data.function(new Objective(ObjectiveKind.PLAIN, Link.EXP, 2, 0, -1), false);
    HessianStrategy stretched = new HessianStrategy() {
      @Override public Evaluation evaluate(ObjectiveFunction function, double[] x, String description) {
        return function.evaluate(x, true, description);
      }

      @Override public NewtonDirection direction(ObjectiveFunction function, Evaluation current, double radius,
          boolean accurate) {
        NewtonDirection newton = NewtonDirection.of(current, radius);
        double[] p = newton.step().clone();
        double factor = 1e200 / LinearAlgebra.norm(p);
        for (int j = 0; j < p.length; j++) p[j] *= factor;
        return new NewtonDirection(p, newton.damping(), null, newton.curvature() * factor * factor, false);
      }

      @Override public String current() { return "stretched"; }
    };
    FitResult fit = SOLVER.minimize(f, new double[] {0.4, 0.2}, stretched, IterationListener.NONE);
    assertEquals(StopReason.LINE_SEARCH_FAILED, fit.stopReason(), fit.message());
    assertTrue(fit.message().contains("40 of its trials"), fit.message());
    assertTrue(fit.message().matches(".*overflowed a double, the last at row \\d+ \\(a·x = .*"), fit.message());
  }

  /** See {@link #anOverflowingTrialInTheMiddleOfAFitIsBacktrackedAndNamed}. */
  static Problems.Data outlierRow(double[] xStar) {
    java.util.Random rnd = new java.util.Random(3);
    int n = 200;
    double[][] a = new double[n + 1][2];
    double[] b = new double[n + 1];
    for (int i = 0; i < n; i++) {
      a[i][0] = 1;
      a[i][1] = 2 * rnd.nextDouble() - 1;
    }
    a[n][1] = 100;
    for (int i = 0; i <= n; i++) b[i] = Math.exp(a[i][0] * xStar[0] + a[i][1] * xStar[1]);
    return new Problems.Data(a, b, null);
  }

  @Test
  void ridgeDoesNotPenalizeTheIntercept() {
    // plain exp with an intercept: a huge ridge shrinks the slopes to 0 but the intercept still
    // fits log of the mean of b (the minimizer of ½Σ(e^c − b_i)² is e^c = mean b).
    Problems.Data data = Problems.random(16, 100, 2, 1.0, true, 0);
    Objective objective = new Objective(ObjectiveKind.PLAIN, Link.EXP, 3, 1e9, 2);
    ObjectiveFunction f = data.function(objective, false);
    FitResult fit = SOLVER.minimize(f, StartingPoint.defaultFor(f).x(), IterationListener.NONE);
    double mean = 0;
    for (double b : data.b) mean += b / data.n();
    assertTrue(fit.converged(), fit.message());
    assertEquals(Math.log(mean), fit.coefficients()[2], 1e-6);
    assertEquals(0, fit.coefficients()[0], 1e-6);
  }

  static double[] perturbed(double[] x, double size) {
    double[] r = x.clone();
    double[] noise = Problems.randomPoint(123, x.length, size / Math.sqrt(x.length));
    for (int j = 0; j < r.length; j++) r[j] += noise[j] * Math.max(1, LinearAlgebra.norm(x));
    return r;
  }
}
