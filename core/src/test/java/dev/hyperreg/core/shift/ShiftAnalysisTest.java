package dev.hyperreg.core.shift;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.hyperreg.core.Problems;
import dev.hyperreg.core.data.InMemoryPairedRunner;
import dev.hyperreg.core.data.InMemoryPassRunner;
import dev.hyperreg.core.data.PairedPassRunner;
import dev.hyperreg.core.data.PassRunner;
import dev.hyperreg.core.data.RowBlock;
import dev.hyperreg.core.linalg.LinearAlgebra;
import dev.hyperreg.core.objective.Link;
import dev.hyperreg.core.objective.Objective;
import dev.hyperreg.core.objective.ObjectiveKind;
import dev.hyperreg.core.solver.FitResult;
import dev.hyperreg.core.solver.HessianStrategy;
import dev.hyperreg.core.solver.IterationListener;
import dev.hyperreg.core.solver.NewtonSolver;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The shift analysis against independent computations: the gradient's response to a data shift by
 * central differences of the library's gradient in the data, the first-order constants by the
 * singular values of that finite-difference Jacobian, the true solution shifts by refits.
 */
class ShiftAnalysisTest {

  static Stream<Arguments> rescaledCases() {
    List<Arguments> cases = new ArrayList<>();
    for (Link link : Link.values()) {
      for (boolean sparse : new boolean[] {false, true}) cases.add(Arguments.of(link, sparse));
    }
    return cases.stream();
  }

  /** A planted rescaled problem, regularized so that x* is a strict minimizer. */
  private static Problems.PlantedCase problem(Link link, boolean sparse) {
    return Problems.plantedCase(ObjectiveKind.RESCALED, link, sparse, true);
  }

  private static NewtonSolver preciseSolver() { return new NewtonSolver().withMaxIterations(60).withTolerance(1e-14); }

  private static double[] minimizer(Problems.PlantedCase c) {
    FitResult fit = preciseSolver().minimize(c.function(), c.xStar(), IterationListener.NONE);
    assertTrue(fit.converged(), fit.message());
    return fit.coefficients();
  }

  private static ShiftSensitivity sensitivity(Problems.PlantedCase c, boolean sparse, double[] x) {
    return ShiftSensitivity.at(c.objective(), x, new InMemoryPassRunner(c.data().blocks(sparse)));
  }

  /** A shift direction on the stored entries of A (and on b), normalized to Frobenius/2-norm 1. */
  private static Problems.Data direction(Problems.Data data, long seed, boolean onA, boolean onB) {
    Random rnd = new Random(seed);
    double[][] da = new double[data.n()][data.d()];
    double[] db = new double[data.n()];
    double na = 0;
    double nb = 0;
    for (int i = 0; i < data.n(); i++) {
      for (int j = 0; j < data.d(); j++) {
        if (onA && data.a[i][j] != 0) da[i][j] = rnd.nextGaussian();
        na += da[i][j] * da[i][j];
      }
      if (onB) db[i] = rnd.nextGaussian();
      nb += db[i] * db[i];
    }
    scale(da, db, na == 0 ? 1 : 1 / Math.sqrt(na), nb == 0 ? 1 : 1 / Math.sqrt(nb));
    return new Problems.Data(da, db, null);
  }

  private static void scale(double[][] da, double[] db, double ka, double kb) {
    for (int i = 0; i < db.length; i++) {
      for (int j = 0; j < da[i].length; j++) da[i][j] *= ka;
      db[i] *= kb;
    }
  }

  /** (A + t·ΔA, b + t·Δb) with the original weights. */
  private static Problems.Data moved(Problems.Data data, Problems.Data shift, double t) {
    double[][] a = new double[data.n()][];
    double[] b = new double[data.n()];
    for (int i = 0; i < data.n(); i++) {
      a[i] = data.a[i].clone();
      for (int j = 0; j < data.d(); j++) a[i][j] += t * shift.a[i][j];
      b[i] = data.b[i] + t * shift.b[i];
    }
    return new Problems.Data(a, b, data.w2);
  }

  private static PairedPassRunner pair(Problems.Data original, Problems.Data shifted, boolean sparse) {
    return new InMemoryPairedRunner(original.blocks(sparse), shifted.blocks(sparse));
  }

  private static double[] gradient(Problems.Data data, Objective objective, boolean sparse, double[] x) {
    return data.function(objective, sparse).evaluate(x, false, "test").gradient();
  }

  private static double[] solve(double[] h, double[] rhs) {
    return LinearAlgebra.choleskySolve(h, rhs.length, 0, rhs);
  }

  @ParameterizedTest(name = "{0} sparse={1}")
  @MethodSource("rescaledCases")
  void hessianMatchesTheObjectivesExactHessian(Link link, boolean sparse) {
    Problems.PlantedCase c = problem(link, sparse);
    double[] x = minimizer(c);
    ShiftSensitivity s = sensitivity(c, sparse, x);
    double[] expected = c.function().evaluate(x, true, "test").hessian();
    assertTrue(LinearAlgebra.relativeDistance(s.hessian(), expected) < 1e-11,
        () -> "Hessian off by " + LinearAlgebra.relativeDistance(s.hessian(), expected));
    assertTrue(s.isStrictMinimizer());
  }

  /**
   * −H⁻¹G[ΔA, Δb] against −H⁻¹ times the central difference (g(x; A + εΔA, b + εΔb) − g(x; A − εΔA,
   * b − εΔb))/2ε of the library's gradient, at the minimizer and at a point away from it.
   */
  @ParameterizedTest(name = "{0} sparse={1}")
  @MethodSource("rescaledCases")
  void firstOrderResponseMatchesFiniteDifferencesInTheData(Link link, boolean sparse) {
    Problems.PlantedCase c = problem(link, sparse);
    double[] xMin = minimizer(c);
    double[] away = xMin.clone();
    away[0] += 0.1;
    for (double[] x : new double[][] {xMin, away}) {
      ShiftSensitivity s = sensitivity(c, sparse, x);
      double[] h = c.function().evaluate(x, true, "test").hessian();
      for (boolean[] which : new boolean[][] {{true, false}, {false, true}, {true, true}}) {
        Problems.Data dir = direction(c.data(), 5, which[0], which[1]);
        double eps = 1e-5;
        double[] plus = gradient(moved(c.data(), dir, eps), c.objective(), sparse, x);
        double[] minus = gradient(moved(c.data(), dir, -eps), c.objective(), sparse, x);
        double[] g = new double[x.length];
        for (int j = 0; j < g.length; j++) g[j] = -(plus[j] - minus[j]) / (2 * eps);
        double[] expected = solve(h, g);
        double[] predicted = s.firstOrder(pair(c.data(), moved(c.data(), dir, 1), sparse)).predictedShift();
        assertTrue(LinearAlgebra.relativeDistance(predicted, expected) < 1e-6,
            () -> "prediction off by " + LinearAlgebra.relativeDistance(predicted, expected));
      }
    }
  }

  /**
   * The columns of the first-order map Δb ↦ −H⁻¹G[0, Δb] by finite differences, one per b_i: its
   * largest singular value is C_b exactly. For A, the map's largest singular value over the
   * Frobenius ball is a lower bound of the spectral-ball norm, which C_A bounds from above.
   */
  @ParameterizedTest(name = "{0} sparse={1}")
  @MethodSource("rescaledCases")
  void firstOrderConstantsAreTheOperatorNorms(Link link, boolean sparse) {
    Problems.PlantedCase c = problem(link, sparse);
    double[] x = minimizer(c);
    ShiftSensitivity s = sensitivity(c, sparse, x);
    double[][] mapB = jacobian(c, sparse, x, false);
    double[][] mapA = jacobian(c, sparse, x, true);
    double sigmaB = largestSingularValue(mapB);
    double sigmaA = largestSingularValue(mapA);
    assertEquals(sigmaB, s.constantB(), 1e-6 * sigmaB);
    assertTrue(s.constantA() >= sigmaA * (1 - 1e-6), () -> "C_A " + s.constantA() + " < " + sigmaA);
    assertTrue(s.constantA() <= 10 * sigmaA, () -> "C_A " + s.constantA() + " loose against " + sigmaA);
  }

  /** d × k matrix whose column k is −H⁻¹ ∂∇L/∂θ_k by central differences (θ: the entries of A or of b). */
  private static double[][] jacobian(Problems.PlantedCase c, boolean sparse, double[] x, boolean ofA) {
    Problems.Data data = c.data();
    double[] h = c.function().evaluate(x, true, "test").hessian();
    List<double[]> columns = new ArrayList<>();
    double eps = 1e-5;
    for (int i = 0; i < data.n(); i++) {
      for (int j = 0; j < (ofA ? data.d() : 1); j++) {
        if (ofA && data.a[i][j] == 0) continue;   // not stored in a sparse block: not a shift of it
        Problems.Data unit = new Problems.Data(new double[data.n()][data.d()], new double[data.n()], null);
        if (ofA) unit.a[i][j] = 1;
        else unit.b[i] = 1;
        double[] plus = gradient(moved(data, unit, eps), c.objective(), sparse, x);
        double[] minus = gradient(moved(data, unit, -eps), c.objective(), sparse, x);
        double[] g = new double[x.length];
        for (int k = 0; k < g.length; k++) g[k] = -(plus[k] - minus[k]) / (2 * eps);
        columns.add(solve(h, g));
      }
    }
    return columns.toArray(new double[0][]);
  }

  /** √λ_max(J Jᵀ) for J given by its columns (d × d eigenproblem). */
  private static double largestSingularValue(double[][] columns) {
    int d = columns[0].length;
    double[] jjt = new double[d * d];
    for (double[] col : columns) {
      for (int r = 0; r < d; r++) {
        for (int k = 0; k < d; k++) jjt[k * d + r] += col[r] * col[k];
      }
    }
    return Math.sqrt(LinearAlgebra.symmetricEigenvalues(jjt, d)[d - 1]);
  }

  /**
   * Refits after random and adversarial shifts (the worst b direction, and the A direction the
   * finite-difference Jacobian grows most) from tiny to the radius: the solution never moves more
   * than the bound says, and the bound is within 100× of what happens.
   */
  @ParameterizedTest(name = "{0} sparse={1}")
  @MethodSource("rescaledCases")
  void boundHoldsOnRandomAndAdversarialShifts(Link link, boolean sparse) {
    Problems.PlantedCase c = problem(link, sparse);
    double[] x = minimizer(c);
    ShiftSensitivity s = sensitivity(c, sparse, x);
    List<Problems.Data> directions = new ArrayList<>();
    directions.add(direction(c.data(), 11, true, false));
    directions.add(direction(c.data(), 12, false, true));
    directions.add(direction(c.data(), 13, true, true));
    directions.add(worstDirection(c, sparse, x, true));
    directions.add(worstDirection(c, sparse, x, false));
    int checked = 0;
    for (Problems.Data dir : directions) {
      ShiftSensitivity.FirstOrder unit = s.firstOrder(pair(c.data(), moved(c.data(), dir, 1), sparse));
      double radius = s.radiusFactor(unit.aSpectral(), unit.bNorm());
      assertTrue(radius > 0, "no radius");
      for (double fraction : new double[] {1e-3, 0.1, 1}) {
        double t = fraction * radius;
        Problems.Data shifted = moved(c.data(), dir, t);
        ShiftSensitivity.Bound bound = s.bound(t * unit.aSpectral(), t * unit.bNorm());
        assertTrue(bound.valid(), "bound invalid inside the radius");
        FitResult refit = preciseSolver().minimize(shifted.function(c.objective(), sparse), x, IterationListener.NONE);
        assertTrue(refit.converged(), refit.message());
        double observed = LinearAlgebra.distance(refit.coefficients(), x);
        assertTrue(observed <= bound.solutionShift(),
            () -> "‖Δx*‖ = " + observed + " exceeds the bound " + bound.solutionShift() + " at t = " + t);
        if (observed > 1e-9 * LinearAlgebra.norm(x)) {   // above the refit's own precision
          assertTrue(bound.solutionShift() <= 100 * observed,
              () -> "bound " + bound.solutionShift() + " is more than 100× the shift " + observed);
        }
        checked++;
      }
    }
    assertEquals(15, checked);
  }

  /** The unit shift of A (or b) along the top right singular vector of the finite-difference map. */
  private static Problems.Data worstDirection(Problems.PlantedCase c, boolean sparse, double[] x, boolean ofA) {
    double[][] columns = jacobian(c, sparse, x, ofA);
    int k = columns.length;
    int d = x.length;
    // power iteration on JᵀJ (k × k) through J: v ← Jᵀ(Jv)
    double[] v = new double[k];
    java.util.Arrays.fill(v, 1);
    for (int it = 0; it < 500; it++) {
      double[] jv = new double[d];
      for (int col = 0; col < k; col++) for (int r = 0; r < d; r++) jv[r] += columns[col][r] * v[col];
      double norm = 0;
      for (int col = 0; col < k; col++) {
        v[col] = LinearAlgebra.dot(columns[col], jv);
        norm += v[col] * v[col];
      }
      norm = Math.sqrt(norm);
      for (int col = 0; col < k; col++) v[col] /= norm;
    }
    Problems.Data data = c.data();
    Problems.Data dir = new Problems.Data(new double[data.n()][data.d()], new double[data.n()], null);
    int col = 0;
    for (int i = 0; i < data.n(); i++) {
      for (int j = 0; j < (ofA ? data.d() : 1); j++) {
        if (ofA && data.a[i][j] == 0) continue;
        if (ofA) dir.a[i][j] = v[col++];
        else dir.b[i] = v[col++];
      }
    }
    return dir;
  }

  /** The first-order prediction is off by O(‖Δ‖²): halving the shift quarters the error. */
  @ParameterizedTest(name = "{0} sparse={1}")
  @MethodSource("rescaledCases")
  void halvingTheShiftQuartersThePredictionError(Link link, boolean sparse) {
    Problems.PlantedCase c = problem(link, sparse);
    double[] x = minimizer(c);
    ShiftSensitivity s = sensitivity(c, sparse, x);
    Problems.Data dir = direction(c.data(), 17, true, true);
    double[] errors = new double[3];
    for (int k = 0; k < 3; k++) {
      double t = 0.02 / (1 << k);
      Problems.Data shifted = moved(c.data(), dir, t);
      double[] predicted = s.firstOrder(pair(c.data(), shifted, sparse)).predictedShift();
      double[] refit = preciseSolver().minimize(shifted.function(c.objective(), sparse), x, IterationListener.NONE)
          .coefficients();
      double[] actual = new double[x.length];
      for (int j = 0; j < x.length; j++) actual[j] = refit[j] - x[j];
      errors[k] = LinearAlgebra.distance(predicted, actual);
    }
    for (int k = 1; k < 3; k++) {
      double ratio = errors[k - 1] / errors[k];
      assertTrue(ratio > 3.5 && ratio < 4.5, "error ratio " + ratio + " for halving (errors " + errors[k - 1]
          + ", " + errors[k] + ")");
    }
  }

  /** ΔA = (AΔx)xᵀ/‖x‖² written out entry by entry reproduces A(x + Δx) to rounding. */
  @ParameterizedTest(name = "{0} sparse={1}")
  @MethodSource("rescaledCases")
  void weightShiftIsADataShiftToRounding(Link link, boolean sparse) {
    Problems.PlantedCase c = problem(link, sparse);
    double[] x = minimizer(c);
    PassRunner data = new InMemoryPassRunner(c.data().blocks(sparse));
    ShiftSensitivity s = ShiftSensitivity.at(c.objective(), x, data);
    double[] step = Problems.randomPoint(3, x.length, 0.05);
    ShiftSensitivity.Equivalence e = s.equivalence(step, data);
    assertTrue(e.defined());
    assertTrue(e.maxOutputDiscrepancy() < 1e-14, "discrepancy " + e.maxOutputDiscrepancy());
    // ‖ΔA‖_F from the rows written out here
    double frobenius = 0;
    double xx = LinearAlgebra.dot(x, x);
    for (double[] row : c.data().a) {
      double s1 = LinearAlgebra.dot(row, step);
      for (double xj : x) frobenius += (s1 * xj / xx) * (s1 * xj / xx);
    }
    assertEquals(Math.sqrt(frobenius), e.dataShiftFrobenius(), 1e-12 * Math.sqrt(frobenius));
    assertTrue(e.dataShiftFrobenius() <= e.dataShiftBound() * (1 + 1e-12));
  }

  /** Rescaled sinh's global minimizer x = 0 moves with no shift, and its weight shift is no data shift. */
  @Test
  void rescaledSinhAtZeroStaysAndHasNoEquivalentDataShift() {
    Problems.Data data = Problems.random(4, 200, 5, 1.0, false, 0.3);
    Objective objective = new Objective(ObjectiveKind.RESCALED, Link.SINH, 5, 0.01, -1);
    double[] zero = new double[5];
    PassRunner runner = new InMemoryPassRunner(data.blocks(false));
    ShiftSensitivity s = ShiftSensitivity.at(objective, zero, runner);
    assertFalse(s.equivalence(Problems.randomPoint(1, 5, 0.1), runner).defined());
    Problems.Data dir = direction(data, 3, true, true);
    ShiftSensitivity.FirstOrder unit = s.firstOrder(pair(data, moved(data, dir, 1), false));
    Problems.Data shifted = moved(data, dir, 0.5 * s.radiusFactor(unit.aSpectral(), unit.bNorm()));
    ShiftAnalysis.Result r = ShiftAnalysis.analyze(s, ShiftAnalysis.newton(objective, pair(data, shifted, false),
        preciseSolver(), () -> HessianStrategy.EXACT), false, true);
    assertEquals(0, r.solutionShiftNorm(), 1e-12);
    assertEquals(0, LinearAlgebra.norm(r.firstOrder().predictedShift()), 1e-12);
    assertTrue(r.bound().valid() && r.bound().solutionShift() >= 0, () -> r.bound() + " radius " + r.radiusFactor());
  }

  /** A refit from the old minimizer needs fewer passes than one from the default start, to the same point. */
  @ParameterizedTest(name = "{0} sparse={1}")
  @MethodSource("rescaledCases")
  void warmRefitNeedsFewerPassesThanCold(Link link, boolean sparse) {
    if (link != Link.EXP) return;   // the default start cannot pick cosh's sign or sinh's local minimum
    Problems.PlantedCase c = problem(link, sparse);
    double[] x = minimizer(c);
    ShiftSensitivity s = sensitivity(c, sparse, x);
    Problems.Data shifted = moved(c.data(), direction(c.data(), 23, true, true), 5e-4);
    ShiftAnalysis.Result r = ShiftAnalysis.analyze(s, ShiftAnalysis.newton(c.objective(),
        pair(c.data(), shifted, sparse), preciseSolver(), () -> HessianStrategy.EXACT), true, true);
    assertNotNull(r.cold());
    assertTrue(r.warm().passes() < r.cold().passes(), r.warm().passes() + " vs " + r.cold().passes());
    assertTrue(LinearAlgebra.relativeDistance(r.warm().fit().coefficients(), r.cold().fit().coefficients()) < 1e-9);
    assertTrue(r.predictedShiftError() < 0.05 * r.solutionShiftNorm(),
        () -> "prediction off by " + r.predictedShiftError() + " of " + r.solutionShiftNorm());
    assertTrue(r.equivalence().maxOutputDiscrepancy() < 1e-14);
  }

  /**
   * The worst-direction shift: its b part moves x* to first order by exactly C_b‖Δb‖, its A part by
   * at most C_A‖ΔA‖₂ and by more than random shifts of A of the same size do; sizes as asked.
   */
  @ParameterizedTest(name = "{0} sparse={1}")
  @MethodSource("rescaledCases")
  void worstShiftAttainsTheFirstOrderConstants(Link link, boolean sparse) {
    Problems.PlantedCase c = problem(link, sparse);
    double[] x = minimizer(c);
    PassRunner data = new InMemoryPassRunner(c.data().blocks(sparse));
    ShiftSensitivity s = ShiftSensitivity.at(c.objective(), x, data);
    ShiftSensitivity.FirstOrder worstB = s.firstOrder(s.worstShift(0, 1e-3).over(data));
    assertEquals(1e-3 * s.bNorm(), worstB.bNorm(), 1e-12 * s.bNorm());
    assertEquals(s.constantB(), LinearAlgebra.norm(worstB.predictedShift()) / worstB.bNorm(), 1e-8 * s.constantB());
    ShiftSensitivity.FirstOrder worstA = s.firstOrder(s.worstShift(1e-3, 0).over(data));
    assertEquals(worstA.aFrobenius(), worstA.aSpectral(), 1e-9 * worstA.aFrobenius());   // rank one
    double worstRatio = LinearAlgebra.norm(worstA.predictedShift()) / worstA.aSpectral();
    assertTrue(worstRatio <= s.constantA() * (1 + 1e-9), worstRatio + " > C_A " + s.constantA());
    for (long seed = 1; seed <= 5; seed++) {
      ShiftSensitivity.FirstOrder random = s.firstOrder(RandomPerturbation.relative(data, 1e-3, 0, seed, -1).over(data));
      double ratio = LinearAlgebra.norm(random.predictedShift()) / random.aSpectral();
      assertTrue(ratio < worstRatio, "random " + ratio + " ≥ worst " + worstRatio);
    }
  }

  /** The random perturbation has the asked relative sizes and does not depend on blocking. */
  @Test
  void randomPerturbationHasTheAskedSizes() {
    Problems.Data data = Problems.random(8, 300, 6, 0.4, true, 0);
    for (boolean sparse : new boolean[] {false, true}) {
      PassRunner runner = new InMemoryPassRunner(data.blocks(sparse));
      RandomPerturbation p = RandomPerturbation.relative(runner, 0.01, 0.02, 9, 6);
      Objective objective = new Objective(ObjectiveKind.RESCALED, Link.EXP, 7, 0, 6);
      double[] x = Problems.randomPoint(2, 7, 0.3);
      ShiftSensitivity.FirstOrder f = ShiftSensitivity.at(objective, x, runner).firstOrder(p.over(runner));
      double aNorm = 0;
      double bNorm = 0;
      for (int i = 0; i < data.n(); i++) {
        for (int j = 0; j < 6; j++) aNorm += data.a[i][j] * data.a[i][j];
        bNorm += data.b[i] * data.b[i];
      }
      assertEquals(0.01 * Math.sqrt(aNorm), f.aFrobenius(), 1e-12 * Math.sqrt(aNorm));
      assertEquals(0.02 * Math.sqrt(bNorm), f.bNorm(), 1e-12 * Math.sqrt(bNorm));
      // the intercept column stays a column of ones
      for (RowBlock block : data.blocks(sparse)) {
        RowBlock moved = p.apply(block);
        for (int i = 0; i < block.rows(); i++) assertEquals(1.0, moved.get(i, 6));
      }
    }
  }
}
