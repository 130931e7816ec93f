package dev.hyperreg.core.solver;

import dev.hyperreg.core.Problems;
import dev.hyperreg.core.objective.Link;
import dev.hyperreg.core.objective.ObjectiveKind;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;

/**
 * The situations of issue 22 as small problems (n ≤ 400, d ≤ 20), each with the answer of the
 * independent {@link ReferenceMinimizer} started from the planted point:
 * <ul>
 *   <li>(a) plain exp, 200 rows (1, u), u spread over [0, 1], plus one heavy row (0, 100) or
 *       (0, 50): b = e^{a·x*}, x* = (0.5, 0.3), exactly or with 5% multiplicative noise, from starts
 *       that under-predict the heavy row;</li>
 *   <li>(b) the same shape for plain sinh and cosh, and for rescaled exp (b = shares e^z/Σe^z with
 *       0.1% noise, w² = 10⁻⁴ so that a minimizer exists);</li>
 *   <li>(c) twenty (and eight: a preconditioner sample well below n) columns, three heavy rows with
 *       a·x* = 15 (f'(a·x)² about 10¹³ times the rest), from the library's default start, from 0,
 *       or (cosh) from x*·½;</li>
 *   <li>(d) starts that overshoot: x0 = 3x*;</li>
 *   <li>(e) all-zero and duplicated columns (a minimizer set), also next to a heavy row;</li>
 *   <li>(f) no minimizer: rescaled exp with an intercept column of ones and no row regularizer.</li>
 * </ul>
 * The seed draws the noise and the random designs; every case is validated here: the reference must
 * reach the expected verdict, with a Newton step ≤ 10⁻⁹·max(1, ‖x‖) at a positive definite Hessian,
 * and its answer must be well posed in double precision (moving b by a few ulps moves it by
 * ≤ 10⁻⁸ relative), so a solver's miss cannot be the reference's rounding.
 */
final class AwkwardProblems {
  private AwkwardProblems() {}

  static final double[] X_STAR = {0.5, 0.3};

  /**
   * One problem.
   *
   * @param x0 the solver's start; null: the library's default start ({@link StartingPoint#defaultFor})
   * @param xStar the planted point (the reference's start)
   * @param expected what the problem has: STRICT_MINIMIZER, SINGULAR_MINIMIZER or NO_MINIMIZER
   */
  record Case(String name, long seed, Problems.Data data, ObjectiveKind kind, Link link, double ridge,
      int interceptColumn, double[] x0, double[] xStar, ReferenceMinimizer.Verdict expected,
      ReferenceMinimizer.Result reference) {

    int d() { return data.d(); }

    ReferenceMinimizer.Problem problem() {
      return new ReferenceMinimizer.Problem(data.a, data.b, data.w2, kind, link, ridge, interceptColumn);
    }

    boolean hasMinimizer() { return expected.hasMinimizer(); }

    @Override public String toString() { return name + " seed " + seed; }
  }

  /** Every case for one seed. */
  static List<Case> all(long seed) {
    List<Case> cases = new ArrayList<>();
    // (a) plain exp, heavy row
    cases.add(heavyRow("a1 exp heavy(0,100) exact b, x0=0", seed, ObjectiveKind.PLAIN, Link.EXP, 100, 0, 0, null,
        new double[] {0, 0}));
    cases.add(heavyRow("a2 exp heavy(0,100) 5% noise, x0=0", seed, ObjectiveKind.PLAIN, Link.EXP, 100, 0.05, 0, null,
        new double[] {0, 0}));
    cases.add(heavyRow("a3 exp heavy(0,50) 5% noise, x0=(1,0.2)", seed, ObjectiveKind.PLAIN, Link.EXP, 50, 0.05, 0,
        null, new double[] {1, 0.2}));
    // (b) sinh, cosh, rescaled exp
    cases.add(heavyRow("b1 sinh heavy(0,100) 5% noise, x0=0", seed, ObjectiveKind.PLAIN, Link.SINH, 100, 0.05, 0,
        null, new double[] {0, 0}));
    cases.add(heavyRow("b2 sinh heavy(0,50) 5% noise, x0=(1,0.2)", seed, ObjectiveKind.PLAIN, Link.SINH, 50, 0.05, 0,
        null, new double[] {1, 0.2}));
    cases.add(heavyRow("b3 cosh heavy(0,100) 5% noise, x0=(0.1,0.1)", seed, ObjectiveKind.PLAIN, Link.COSH, 100, 0.05,
        0, null, new double[] {0.1, 0.1}));
    cases.add(heavyRow("b4 cosh heavy(0,50) 5% noise, x0=(1,0.2)", seed, ObjectiveKind.PLAIN, Link.COSH, 50, 0.05, 0,
        null, new double[] {1, 0.2}));
    cases.add(heavyRow("b5 rescaled exp heavy(0,50) 0.1% noise w²=1e-4, x0=0", seed, ObjectiveKind.RESCALED, Link.EXP,
        50, 0.001, 0, 1e-4, new double[] {0, 0}));
    // (c) twenty columns, a few heavy rows
    cases.add(heavyColumns("c1 exp 20 cols 3 heavy rows, default start", seed, 20, Link.EXP, Start.DEFAULT));
    cases.add(heavyColumns("c2 exp 20 cols 3 heavy rows, x0=0", seed, 20, Link.EXP, Start.ZERO));
    cases.add(heavyColumns("c3 sinh 20 cols 3 heavy rows, default start", seed, 20, Link.SINH, Start.DEFAULT));
    cases.add(heavyColumns("c4 cosh 20 cols 3 heavy rows, x0=x*/2", seed, 20, Link.COSH, Start.HALF));
    // eight columns: the default preconditioner sample (20d = 160 rows) is well below n = 400
    cases.add(heavyColumns("c5 exp 8 cols 3 heavy rows, default start", seed, 8, Link.EXP, Start.DEFAULT));
    cases.add(heavyColumns("c6 sinh 8 cols 3 heavy rows, x0=0", seed, 8, Link.SINH, Start.ZERO));
    // (d) overshooting starts
    cases.add(heavyRow("d1 exp heavy(0,100) 5% noise, x0=3x*", seed, ObjectiveKind.PLAIN, Link.EXP, 100, 0.05, 0,
        null, new double[] {1.5, 0.9}));
    cases.add(heavyRow("d2 sinh heavy(0,100) 5% noise, x0=3x*", seed, ObjectiveKind.PLAIN, Link.SINH, 100, 0.05, 0,
        null, new double[] {1.5, 0.9}));
    cases.add(heavyRow("d3 cosh heavy(0,100) 5% noise, x0=3x*", seed, ObjectiveKind.PLAIN, Link.COSH, 100, 0.05, 0,
        null, new double[] {1.5, 0.9}));
    cases.add(heavyColumns("d4 exp 20 cols 3 heavy rows, x0=3x*", seed, 20, Link.EXP, Start.TRIPLE));
    // (e) minimizer sets
    cases.add(zeroAndDuplicate("e1 exp zero + duplicated column, x0=0", seed, Link.EXP, false));
    cases.add(heavyRow("e2 exp heavy(0,100) + zero column, x0=0", seed, ObjectiveKind.PLAIN, Link.EXP, 100, 0.05, 1,
        null, new double[] {0, 0, 0}));
    cases.add(zeroAndDuplicate("e3 sinh zero + duplicated column, x0 off the min-norm set", seed, Link.SINH, true));
    // (f) no minimizer
    cases.add(noMinimizer("f1 rescaled exp + intercept, random shares, x0=0", seed, false));
    cases.add(noMinimizer("f2 rescaled exp + intercept, near-softmax shares, x0=x*", seed, true));
    return cases;
  }

  private static Random random(long seed, String name) { return new Random(seed * 1_000_003L + name.hashCode()); }

  /**
   * 200 rows (1, u_i), u_i = i/199, the heavy row (0, heavy) at position 137, and {@code zeroColumns}
   * all-zero columns appended; b = f(a·x*)·(1 + noise·ξ) (plain) or the shares e^z/Σe^z·(1 + noise·ξ)
   * (rescaled).
   */
  private static Case heavyRow(String name, long seed, ObjectiveKind kind, Link link, double heavy, double noise,
      int zeroColumns, Double w2, double[] x0) {
    Random rnd = random(seed, name);
    int n = 201, d = 2 + zeroColumns;
    double[][] a = new double[n][d];
    for (int i = 0, k = 0; i < n; i++) {
      if (i == 137) {
        a[i][1] = heavy;
      } else {
        a[i][0] = 1;
        a[i][1] = k++ / 199.0;
      }
    }
    double[] xStar = Arrays.copyOf(X_STAR, d);
    double[] b = labels(a, xStar, kind, link, noise, rnd);
    double[] weights = null;
    if (w2 != null) {
      weights = new double[n];
      Arrays.fill(weights, w2);
    }
    return validated(name, seed, new Problems.Data(a, b, weights), kind, link, 0, -1, x0, xStar,
        zeroColumns > 0 ? ReferenceMinimizer.Verdict.SINGULAR_MINIMIZER : ReferenceMinimizer.Verdict.STRICT_MINIMIZER);
  }

  private enum Start { DEFAULT, ZERO, HALF, TRIPLE }

  /**
   * 400 rows, d columns: 397 ordinary rows with N(0, 1/d) entries and three heavy rows, Gaussian
   * plus a multiple of x* so that a·x* = 15 (f'(a·x*)² ≈ e³⁰ ≈ 10¹³ against ≈ 1 for the rest);
   * x* ~ N(0, 0.5²); b = f(a·x*)·(1 + 5%·ξ).
   */
  private static Case heavyColumns(String name, long seed, int d, Link link, Start start) {
    Random rnd = random(seed, name);
    int n = 400;
    double[] xStar = new double[d];
    for (int j = 0; j < d; j++) xStar[j] = 0.5 * rnd.nextGaussian();
    double xx = ReferenceMinimizer.dot(xStar, xStar);
    double[][] a = new double[n][d];
    int[] heavyRows = {41, 199, 350};
    for (int i = 0; i < n; i++) for (int j = 0; j < d; j++) a[i][j] = rnd.nextGaussian() / Math.sqrt(d);
    for (int h : heavyRows) {
      for (int j = 0; j < d; j++) a[h][j] = rnd.nextGaussian();
      double shift = (15 - ReferenceMinimizer.dot(a[h], xStar)) / xx;
      for (int j = 0; j < d; j++) a[h][j] += shift * xStar[j];
    }
    double[] b = labels(a, xStar, ObjectiveKind.PLAIN, link, 0.05, rnd);
    double[] x0 = switch (start) {
      case DEFAULT -> null;
      case ZERO -> new double[d];
      case HALF -> scaled(xStar, 0.5);
      case TRIPLE -> scaled(xStar, 3);
    };
    return validated(name, seed, new Problems.Data(a, b, null), ObjectiveKind.PLAIN, link, 0, -1, x0, xStar,
        ReferenceMinimizer.Verdict.STRICT_MINIMIZER);
  }

  /**
   * 300 rows: five N(0, 1/5) columns, an all-zero column (index 5) and a copy of column 0 (index 6);
   * x* = (N(0, 0.5²) on the five, 0, 0); b = f(a·x*)·(1 + 5%·ξ). The off-set start puts 0.4 on the
   * zero column and splits column 0's weight unevenly, so the answer's null part is the start's.
   */
  private static Case zeroAndDuplicate(String name, long seed, Link link, boolean offsetStart) {
    Random rnd = random(seed, name);
    int n = 300, d = 7;
    double[] xStar = new double[d];
    for (int j = 0; j < 5; j++) xStar[j] = 0.5 * rnd.nextGaussian();
    double[][] a = new double[n][d];
    for (int i = 0; i < n; i++) {
      for (int j = 0; j < 5; j++) a[i][j] = rnd.nextGaussian() / Math.sqrt(5);
      a[i][6] = a[i][0];
    }
    double[] b = labels(a, xStar, ObjectiveKind.PLAIN, link, 0.05, rnd);
    double[] x0 = new double[d];
    if (offsetStart) {
      x0[5] = 0.4;
      x0[0] = 0.1;
      x0[6] = -0.1;
    }
    return validated(name, seed, new Problems.Data(a, b, null), ObjectiveKind.PLAIN, link, 0, -1, x0, xStar,
        ReferenceMinimizer.Verdict.SINGULAR_MINIMIZER);
  }

  /**
   * 200 rows: two N(0, 1) columns and an intercept column of ones (index 2); rescaled exp without
   * row weights or ridge. b: random positive shares, or softmax(Ax*)·(1 + 5%·ξ) with x* = (0.5, −0.3, 0).
   */
  private static Case noMinimizer(String name, long seed, boolean nearSoftmax) {
    Random rnd = random(seed, name);
    int n = 200, d = 3;
    double[][] a = new double[n][d];
    for (int i = 0; i < n; i++) {
      a[i][0] = rnd.nextGaussian();
      a[i][1] = rnd.nextGaussian();
      a[i][2] = 1;
    }
    double[] xStar = {0.5, -0.3, 0};
    double[] b;
    if (nearSoftmax) {
      b = labels(a, xStar, ObjectiveKind.RESCALED, Link.EXP, 0.05, rnd);
    } else {
      b = new double[n];
      double total = 0;
      for (int i = 0; i < n; i++) total += b[i] = 0.5 + rnd.nextDouble();
      for (int i = 0; i < n; i++) b[i] /= total;
    }
    return validated(name, seed, new Problems.Data(a, b, null), ObjectiveKind.RESCALED, Link.EXP, 0, 2,
        nearSoftmax ? xStar.clone() : new double[d], xStar, ReferenceMinimizer.Verdict.NO_MINIMIZER);
  }

  /** Plain: f(a·x*)(1 + noise·ξ); rescaled: (e^z/Σe^z)(1 + noise·ξ). */
  private static double[] labels(double[][] a, double[] xStar, ObjectiveKind kind, Link link, double noise,
      Random rnd) {
    int n = a.length;
    double[] z = new double[n];
    for (int i = 0; i < n; i++) z[i] = ReferenceMinimizer.dot(a[i], xStar);
    double[] b = new double[n];
    if (kind == ObjectiveKind.RESCALED) {
      double max = Arrays.stream(z).max().orElseThrow();
      double total = 0;
      for (int i = 0; i < n; i++) total += b[i] = Math.exp(z[i] - max);
      for (int i = 0; i < n; i++) b[i] /= total;
    } else {
      for (int i = 0; i < n; i++) {
        b[i] = switch (link) {
          case EXP -> Math.exp(z[i]);
          case COSH -> Math.cosh(z[i]);
          case SINH -> Math.sinh(z[i]);
        };
      }
    }
    if (noise > 0) for (int i = 0; i < n; i++) b[i] *= 1 + noise * rnd.nextGaussian();
    return b;
  }

  private static double[] scaled(double[] x, double f) {
    double[] out = x.clone();
    for (int j = 0; j < out.length; j++) out[j] *= f;
    return out;
  }

  /**
   * Runs the reference from x* and checks it: the expected verdict; for a minimizer a Newton step at
   * the rounding floor, a positive definite (scaled) Hessian; and a well-posed answer (b moved by up
   * to 4 ulps, independently per row, moves it by ≤ 10⁻⁸ relative).
   */
  private static Case validated(String name, long seed, Problems.Data data, ObjectiveKind kind, Link link,
      double ridge, int interceptColumn, double[] x0, double[] xStar, ReferenceMinimizer.Verdict expected) {
    ReferenceMinimizer.Problem problem =
        new ReferenceMinimizer.Problem(data.a, data.b, data.w2, kind, link, ridge, interceptColumn);
    ReferenceMinimizer.Result reference = ReferenceMinimizer.minimize(problem, xStar);
    String where = name + " seed " + seed + ": reference " + reference;
    if (reference.verdict() != expected) throw new IllegalStateException("expected " + expected + "; " + where);
    if (expected.hasMinimizer()) {
      double scale = Math.max(1, ReferenceMinimizer.norm(reference.x()));
      if (!(reference.stepNorm() <= ReferenceMinimizer.FLOOR_TOLERANCE * scale) || !(reference.scaledMinEigenvalue() > 0)) {
        throw new IllegalStateException("reference not certified: " + where);
      }
      Random rnd = new Random(seed + 77);
      double[] nudged = data.b.clone();
      for (int i = 0; i < nudged.length; i++) nudged[i] += (rnd.nextInt(9) - 4) * Math.ulp(nudged[i]);
      ReferenceMinimizer.Result other = ReferenceMinimizer.minimize(
          new ReferenceMinimizer.Problem(data.a, nudged, data.w2, kind, link, ridge, interceptColumn), reference.x());
      double moved = ReferenceMinimizer.relativeDistance(other.x(), reference.x());
      if (!(moved <= 1e-8)) {
        throw new IllegalStateException(String.format("ill-posed in double precision: b moved by ≤ 4 ulps moves the"
            + " minimizer by %.3g relative; %s", moved, where));
      }
    }
    return new Case(name, seed, data, kind, link, ridge, interceptColumn, x0, xStar, expected, reference);
  }
}
