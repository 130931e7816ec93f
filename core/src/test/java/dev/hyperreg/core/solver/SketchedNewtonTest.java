package dev.hyperreg.core.solver;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.hyperreg.core.Problems;
import dev.hyperreg.core.data.InMemoryPassRunner;
import dev.hyperreg.core.data.RowBlock;
import dev.hyperreg.core.linalg.LinearAlgebra;
import dev.hyperreg.core.objective.Evaluation;
import dev.hyperreg.core.objective.Link;
import dev.hyperreg.core.objective.Objective;
import dev.hyperreg.core.objective.ObjectiveFunction;
import dev.hyperreg.core.objective.ObjectiveKind;
import dev.hyperreg.core.sketch.SketchSpec;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/** The sketched and sampling solvers reach the same minimizer as the exact one, reproducibly. */
class SketchedNewtonTest {
  private static final NewtonSolver SOLVER = new NewtonSolver().withMaxIterations(200).withTolerance(1e-11);

  /** Near x* where the default start cannot be used (cosh, rescaled sinh), else the sketched default start. */
  static double[] sketchedStart(Problems.PlantedCase c, ObjectiveFunction f) {
    int d = c.xStar().length;
    return c.nearStart() ? NewtonSolverTest.perturbed(c.xStar(), 0.3)
        : StartingPoint.defaultFor(f, SketchSpec.atLeast(20L * d, 4, 1)).x();
  }

  @ParameterizedTest(name = "{0} {1} sparse={2} regularized={3}")
  @MethodSource("dev.hyperreg.core.Problems#everyCombination")
  void sketchReachesTheExactMinimizer(ObjectiveKind kind, Link link, boolean sparse, boolean regularized) {
    Problems.PlantedCase c = Problems.plantedCase(kind, link, sparse, regularized);
    double[] xStar = c.xStar();
    ObjectiveFunction f = c.function();
    int d = xStar.length;
    SketchedHessian sketch = SketchedHessian.forDimension(d, null, 42);
    double[] x0 = sketchedStart(c, f);
    FitResult fit = SOLVER.minimize(f, x0, sketch, IterationListener.NONE);
    assertTrue(fit.converged(), () -> fit.stopReason() + ": " + fit.message());
    // 1e-6 as promised for approximate Hessians: the stopping rule measures the step with the
    // sketched Gauss–Newton matrix, which can overstate the curvature of a large-residual problem
    assertEquals(0, Problems.relativeError(fit.coefficients(), xStar), 1e-6);
    assertTrue(fit.iterations().get(1).hessian().startsWith("sketch"));
  }

  @ParameterizedTest(name = "{0} {1} sparse={2} regularized={3}")
  @MethodSource("dev.hyperreg.core.Problems#everyCombination")
  void sampleReachesTheExactMinimizerInTwoPassesPerIteration(ObjectiveKind kind, Link link, boolean sparse,
      boolean regularized) {
    Problems.PlantedCase c = Problems.plantedCase(kind, link, sparse, regularized);
    double[] xStar = c.xStar();
    ObjectiveFunction f = c.function();
    int d = xStar.length;
    double[] x0 = sketchedStart(c, f);
    FitResult fit = SOLVER.minimize(f, x0, SketchedHessian.sampling(d, null, 42), IterationListener.NONE);
    assertTrue(fit.converged(), () -> fit.stopReason() + ": " + fit.message());
    assertEquals(0, Problems.relativeError(fit.coefficients(), xStar), 1e-6);
    assertTrue(fit.iterations().get(1).hessian().startsWith("sample"));
    // a full step with no line-search retry: the trial pass (loss, gradient, scores) + the sample pass
    assertTrue(fit.iterations().stream().skip(1).filter(r -> Math.abs(r.stepSize() - 1) < 1e-9)
        .anyMatch(r -> r.dataPasses() == 2));
    assertTrue(fit.iterations().stream().allMatch(r -> r.dataPasses() >= 2));
  }

  /**
   * With a budget so large that every row is kept (p_i = 1), the sampled Hessian — row weights D_i
   * from the first pass's constants plus the exactly added low-rank part — is the exact Hessian.
   */
  @ParameterizedTest(name = "{0} {1} sparse={2} regularized={3}")
  @MethodSource("dev.hyperreg.core.Problems#everyCombination")
  void sampleOfEveryRowIsTheExactHessian(ObjectiveKind kind, Link link, boolean sparse, boolean regularized) {
    Problems.PlantedCase c = Problems.plantedCase(kind, link, sparse, regularized);
    ObjectiveFunction f = c.function();
    int d = c.xStar().length;
    double[] x = NewtonSolverTest.perturbed(c.xStar(), 0.5);
    Evaluation scores = f.evaluate(x, SketchSpec.atLeast(4L * d, 4, 3), "scores");
    Evaluation sampled = f.evaluate(x, SketchedHessian.sampling(scores, 1e300, 5), "sample");
    Evaluation exact = f.evaluate(x, true, "exact");
    assertEquals(exact.logScale(), sampled.logScale());
    double[] h = exact.scaledHessian(), hs = sampled.scaledHessian();
    double size = Math.sqrt(LinearAlgebra.dot(h, h));
    for (int i = 0; i < h.length; i++) assertEquals(h[i], hs[i], 1e-11 * size, "entry " + i);
    assertEquals(0, Problems.relativeError(sampled.scaledGradient(), exact.scaledGradient()), 1e-13);
  }

  /**
   * With room for every row among the heavy rows (k = m/8 ≥ n), the sketch's own contribution is
   * subtracted away and the sketched Hessian is the exact Gauss–Newton matrix JᵀJ, computed here
   * from the rows directly: J = diag(v)A (plain), diag(v)A − b qᵀ with q = Aᵀv (rescaled),
   * (diag(e)A − e σᵀ)/Σe with σ = Aᵀe/Σe (softmax), plus the regularizer's Aᵀdiag(w²)A + λI, which
   * the sketch adds exactly (collected once, not hashed).
   */
  @ParameterizedTest(name = "{0} {1} sparse={2} regularized={3}")
  @MethodSource("dev.hyperreg.core.Problems#everyCombination")
  void sketchWithEveryRowHeavyIsTheGaussNewtonMatrix(ObjectiveKind kind, Link link, boolean sparse, boolean regularized) {
    Problems.PlantedCase c = Problems.plantedCase(kind, link, sparse, regularized);
    Problems.Data data = c.data();
    int n = data.n(), d = data.d();
    double[] x = NewtonSolverTest.perturbed(c.xStar(), 0.5);
    Evaluation sketched = c.function().evaluate(x, SketchSpec.atLeast(8L * n, 4, 9), "all rows heavy");
    double[][] j = new double[n][d];
    double total = 0;
    double[] weight = new double[n];
    for (int i = 0; i < n; i++) {
      double z = LinearAlgebra.dot(data.a[i], x);
      weight[i] = kind == ObjectiveKind.SOFTMAX ? Math.exp(z) : link.first(z, 0);
      total += weight[i];
    }
    double[] q = new double[d];
    for (int i = 0; i < n; i++) for (int k = 0; k < d; k++) q[k] += weight[i] * data.a[i][k];
    for (int i = 0; i < n; i++) {
      for (int k = 0; k < d; k++) {
        j[i][k] = switch (kind) {
          case PLAIN -> weight[i] * data.a[i][k];
          case RESCALED -> weight[i] * data.a[i][k] - data.b[i] * q[k];
          case SOFTMAX -> (weight[i] * data.a[i][k] - weight[i] * q[k] / total) / total;
        };
      }
    }
    double scale = Math.exp(-sketched.logScale());
    double[] h = sketched.scaledHessian();
    double size = 0;
    for (double v : h) size = Math.max(size, Math.abs(v));
    for (int a = 0; a < d; a++) {
      for (int b = 0; b < d; b++) {
        double expected = 0;
        for (int i = 0; i < n; i++) expected += j[i][a] * j[i][b];
        double regularizer = a == b ? c.objective().ridge() : 0;
        for (int i = 0; data.w2 != null && i < n; i++) regularizer += data.w2[i] * data.a[i][a] * data.a[i][b];
        assertEquals((expected + regularizer) * scale, h[a * d + b], 1e-10 * size, "entry (" + a + ", " + b + ")");
      }
    }
  }

  /**
   * A sampling pass keeps exactly the rows asked for (priority sampling has a fixed size, whatever
   * the leverage estimates sum to), reports the estimates' sum, and the iteration record shows both.
   */
  @ParameterizedTest(name = "{0} {1} sparse={2} regularized={3}")
  @MethodSource("dev.hyperreg.core.Problems#everyCombination")
  void theSampleHasTheAskedSize(ObjectiveKind kind, Link link, boolean sparse, boolean regularized) {
    Problems.PlantedCase c = Problems.plantedCase(kind, link, sparse, regularized);
    ObjectiveFunction f = c.function();
    double[] x = NewtonSolverTest.perturbed(c.xStar(), 0.3);
    Evaluation scores = f.evaluate(x, SketchSpec.atLeast(4L * x.length, 2, 5), "scores");
    Evaluation sampled = f.evaluate(x, SketchedHessian.sampling(scores, 40, 6), "sample");
    assertEquals(40, sampled.sampledRows());
    assertTrue(sampled.leverageSum() > 0 && Double.isFinite(sampled.leverageSum()), "Σℓ̃ = " + sampled.leverageSum());
    FitResult fit = SOLVER.minimize(f, x, SketchedHessian.sampling(x.length, 40, 7), IterationListener.NONE);
    assertTrue(fit.iterations().get(1).hessian().contains("kept 40"), fit.iterations().get(1).hessian());
  }

  /**
   * The sample is unbiased: over 400 independent samples of 30 of the 300 rows, the mean sampled
   * Hessian lies within 4 standard errors of the exact one (the rows' weights, 1/p_i with the
   * (k+1)-th priority as threshold, are what makes it so; weights of 1 would give a tenth of it).
   */
  @Test
  void theSampledHessianIsUnbiased() {
    Problems.PlantedCase c = Problems.plantedCase(ObjectiveKind.PLAIN, Link.EXP, false, false);
    ObjectiveFunction f = c.function();
    double[] x = NewtonSolverTest.perturbed(c.xStar(), 0.3);
    double[] exact = f.evaluate(x, true, "exact").scaledHessian();
    Evaluation scores = f.evaluate(x, SketchSpec.atLeast(4L * x.length, 2, 5), "scores");
    Problems.assertUnbiased(exact, 400,
        r -> f.evaluate(x, SketchedHessian.sampling(scores, 30, 1000 + r), "sample").scaledHessian());
  }

  /**
   * With an intercept (and a light regularizer, without which the rescaled objective has no
   * minimum: scaling f(Ax) by e^c scales the residual too), its low-rank part cancels most of the
   * row-wise part near the answer: leverage estimates sum to ≫ d, and a sample of 20d rows cannot resolve the
   * remaining curvature. The solver must notice and sketch instead (without the switch the
   * sample keeps being enlarged and the record never says so), and still reach the exact answer.
   */
  @Test
  void samplingGivesWayToTheSketchWhenTheScoresSumFarAboveD() {
    int d = 12, cols = d + 1;
    Objective objective = new Objective(ObjectiveKind.RESCALED, Link.EXP, cols, 0, d);
    Problems.Data design = Problems.random(3, 4000, d, 1.0, true, 0.05);
    double[] xStar = Problems.randomPoint(7, cols, 0.5);
    double[] z = design.z(xStar);
    double[] b = new double[z.length];
    Random rnd = new Random(4);
    for (int i = 0; i < z.length; i++) b[i] = Math.exp(z[i]) * (1 + 0.01 * rnd.nextGaussian());
    ObjectiveFunction f = design.withLabels(b).function(objective, false);
    FitResult exact = SOLVER.minimize(f, new double[cols], HessianStrategy.EXACT, IterationListener.NONE);
    FitResult sampled = SOLVER.minimize(f, new double[cols], SketchedHessian.sampling(cols, null, 3), IterationListener.NONE);
    assertTrue(sampled.stopReason().converged(), sampled.stopReason().toString());
    assertTrue(sampled.iterations().stream().anyMatch(r -> r.note() != null && r.note().startsWith("sampling ended")),
        "no iteration ended sampling");
    assertEquals(0, Problems.relativeError(sampled.coefficients(), exact.coefficients()), 1e-8);
  }

  @Test
  void overflowProneRescaledFitsWithTheSketch() {
    int d = 4;
    Objective objective = new Objective(ObjectiveKind.RESCALED, Link.EXP, d, 0.01, -1);
    double[] xStar = Problems.randomPoint(3, d, 0.5);
    Problems.Data data = Problems.planted(14, 200, 1.0, 0.2, objective, xStar, 0.05, 5);
    FitResult fit = SOLVER.minimize(data.function(objective, false), Problems.randomPoint(99, d, 300),
        SketchedHessian.forDimension(d, null, 5), IterationListener.NONE);
    assertTrue(Double.isInfinite(fit.iterations().get(0).objectiveValue()), "the loss at the start overflows");
    assertTrue(fit.converged(), fit.message());
    assertEquals(0, Problems.relativeError(fit.coefficients(), xStar), 1e-8);
    FitResult sampled = SOLVER.minimize(data.function(objective, false), Problems.randomPoint(99, d, 300),
        SketchedHessian.sampling(d, null, 5), IterationListener.NONE);
    assertTrue(sampled.converged(), sampled.message());
    assertEquals(0, Problems.relativeError(sampled.coefficients(), xStar), 1e-8);
  }

  @Test
  void sameSeedSameCoefficientsForAnyBlocking() {
    int d = 6;
    Objective objective = new Objective(ObjectiveKind.RESCALED, Link.COSH, d, 0.01, -1);
    double[] xStar = Problems.randomPoint(2, d, 0.6);
    Problems.Data data = Problems.planted(5, 400, 0.6, 0.1, objective, xStar, 0.05, 9);
    double[] x0 = NewtonSolverTest.perturbed(xStar, 0.2);
    List<double[]> answers = new ArrayList<>();
    for (int blockRows : new int[] {400, 97, 13}) {
      List<RowBlock> blocks = new ArrayList<>();
      for (int start = 0; start < data.n(); start += blockRows) {
        blocks.add(data.denseBlock(start, Math.min(blockRows, data.n() - start)));
      }
      ObjectiveFunction f = new ObjectiveFunction(objective, new InMemoryPassRunner(blocks));
      // a tolerance the fits cannot reach stops them all after the same 8 iterations
      FitResult fit = new NewtonSolver().withMaxIterations(8).withTolerance(1e-300 + 1e-30)
          .minimize(f, x0, SketchedHessian.forDimension(d, null, 11), IterationListener.NONE);
      answers.add(fit.coefficients());
    }
    for (double[] other : answers) assertEquals(0, Problems.relativeError(other, answers.get(0)), 1e-12);
  }

  @Test
  void differentSeedsGiveDifferentIteratesButTheSameAnswer() {
    int d = 5;
    Objective objective = new Objective(ObjectiveKind.PLAIN, Link.EXP, d, 0, -1);
    double[] xStar = Problems.randomPoint(4, d, 0.5);
    Problems.Data data = Problems.planted(6, 300, 1.0, 0, objective, xStar, 0.05, 1);
    ObjectiveFunction f = data.function(objective, false);
    double[] x0 = new double[d];
    FitResult a = SOLVER.minimize(f, x0, SketchedHessian.forDimension(d, null, 1), IterationListener.NONE);
    FitResult b = SOLVER.minimize(f, x0, SketchedHessian.forDimension(d, null, 2), IterationListener.NONE);
    assertTrue(a.iterations().get(1).objectiveValue() != b.iterations().get(1).objectiveValue());
    assertEquals(0, Problems.relativeError(a.coefficients(), b.coefficients()), 1e-9);
  }

  @Test
  void tooSmallASketchIsEnlargedOrReplaced() {
    // m = 5 rows for d = 5 columns embeds nothing: the strategy must grow it or fall back, not stall
    int d = 5;
    Objective objective = new Objective(ObjectiveKind.PLAIN, Link.SINH, d, 0, -1);
    double[] xStar = Problems.randomPoint(5, d, 0.5);
    Problems.Data data = Problems.planted(8, 300, 1.0, 0, objective, xStar, 0.05, 4);
    SketchedHessian tiny = new SketchedHessian(SketchSpec.atLeast(d, 1, 3), 8L * d);
    FitResult fit = SOLVER.minimize(data.function(objective, false), new double[d], tiny, IterationListener.NONE);
    assertTrue(fit.converged(), fit.message());
    assertTrue(fit.iterations().stream().anyMatch(r -> r.note() != null), "some step changed the sketch");
    assertEquals(0, Problems.relativeError(fit.coefficients(), xStar), 1e-8);
  }
}
