package dev.hyperreg.spark.job;

import dev.hyperreg.core.objective.ObjectiveFunction;
import dev.hyperreg.core.solver.ConvergenceCertificate;
import dev.hyperreg.core.solver.FitResult;
import dev.hyperreg.core.solver.HessianStrategy;
import dev.hyperreg.core.solver.IterationListener;
import dev.hyperreg.core.solver.NewtonCg;
import dev.hyperreg.core.solver.NewtonSolver;
import dev.hyperreg.core.solver.PassCost;
import dev.hyperreg.core.solver.SketchedHessian;
import dev.hyperreg.core.solver.StartingPoint;
import dev.hyperreg.spark.lbfgs.LbfgsSolver;
import java.util.Arrays;
import java.util.List;

/**
 * The solvers {@code --solver} (and the estimator's {@code solver} param) name, each with what the
 * fit needs to know about it before it runs — what the driver holds and receives, how it starts,
 * how its answer is certified — and how to run it ({@link #minimize}). Every decision that depends
 * on the solver is made here, so the command line, the estimator, {@code shift} and {@code bench}
 * cannot disagree about a solver; adding one is adding a constant.
 */
public enum Solver {
  /** Newton with a sparse sign (OSNAP) sketch of the Gauss–Newton factor, gathered in the loss pass. */
  SKETCH("sketch", 3 * 1.125) {
    @Override boolean growsItsSketch() { return true; }

    @Override double largestPassPerTask(double row, double gram, long m) {
      return row * 1.125 * SketchedHessian.MAX_GROWTH * m + gram;   // (m + m/8) × d sums and the regularizer's Gram
    }

    @Override FitResult minimize(ObjectiveFunction function, double[] x0, SolverSettings s, Plan plan,
        IterationListener listener) {
      return newton(function, x0, s, listener,
          SketchedHessian.forDimension(dim(function), s.sketchSize(), s.seed(), plan.largestSketchRows()));
    }
  },

  /** Newton with the row-wise part of the Hessian from a leverage-score sample of rows. */
  SAMPLE("sample", 4) {
    @Override boolean growsItsSketch() { return true; }

    @Override double largestPassPerTask(double row, double gram, long m) {
      return row * (SketchedHessian.MAX_GROWTH * m + 1);
    }

    @Override FitResult minimize(ObjectiveFunction function, double[] x0, SolverSettings s, Plan plan,
        IterationListener listener) {
      return newton(function, x0, s, listener,
          SketchedHessian.sampling(dim(function), s.sketchSize(), s.seed(), plan.largestSketchRows()));
    }
  },

  /**
   * Newton with the exact Hessian never formed: CG on Hessian-vector passes, preconditioned by a
   * row sample (4 d-vectors per sampled row on the driver, like {@link #SAMPLE}).
   */
  NEWTON_CG("newton-cg", 4) {
    /** Its passes return d-vectors: the largest is its normalized sample, about m rows in all (1.5·m allowed). */
    @Override double largestPassResultBytes(int dim, Integer sketchSize, boolean defaultStart, int results) {
      double row = 8.0 * dim;
      long m = SketchedHessian.rowsFor(dim, sketchSize);
      return Math.max(1.5 * m * row, results * 4.0 * ConvergenceCertificate.CHECK_BLOCK * row);
    }

    @Override boolean canRunMatrixFree() { return true; }

    /** Its passes return little, and so do the start's: a row sample, not a sketch per task. */
    @Override StartingPoint defaultStart(ObjectiveFunction function, int dim, SolverSettings s) {
      return StartingPoint.sampled(function, SketchedHessian.rowsFor(dim, s.sketchSize()), s.seed());
    }

    @Override String certificate(Plan plan) {
      return plan.matrixFree() || !plan.denseCertificate() ? LOBPCG : EXACT_PASS;
    }

    @Override FitResult minimize(ObjectiveFunction function, double[] x0, SolverSettings s, Plan plan,
        IterationListener listener) {
      HessianStrategy hessians = plan.matrixFree() ? NewtonCg.matrixFree()
          : plan.denseCertificate()
              ? NewtonCg.forDimension(dim(function), s.sketchSize(), s.seed()).withPassCost(plan.passCost())
              : NewtonCg.forDimension(dim(function), s.sketchSize(), s.seed()).withMatrixFreeCertificate();
      return newton(function, x0, s, listener, hessians);
    }
  },

  /** Newton with the exact Hessian AᵀDA, formed per block: the reference. */
  EXACT("exact", 0) {
    /** The start from the normal equations: two Grams per task. */
    @Override double defaultStartPerTask(int dim, double row, double gram) { return 2 * gram; }

    @Override StartingPoint defaultStart(ObjectiveFunction function, int dim, SolverSettings s) {
      return StartingPoint.defaultFor(function, null);
    }

    /** Its passes carry the exact Hessian: the last one certifies, no pass beyond it. */
    @Override String certificate(Plan plan) { return "none"; }

    @Override FitResult minimize(ObjectiveFunction function, double[] x0, SolverSettings s, Plan plan,
        IterationListener listener) {
      return newton(function, x0, s, listener, HessianStrategy.EXACT);
    }
  },

  /** Breeze's L-BFGS on the same loss and gradient pass; certified by the exact check at its answer. */
  LBFGS("lbfgs", 0) {
    @Override boolean canRunMatrixFree() { return true; }

    @Override FitResult minimize(ObjectiveFunction function, double[] x0, SolverSettings s, Plan plan,
        IterationListener listener) {
      double g = s.gradientTolerance() > 0 ? s.gradientTolerance() : LBFGS_GRADIENT_TOLERANCE;
      LbfgsSolver lbfgs = new LbfgsSolver(s.maxIterations(), g, LBFGS_MEMORY, s.logGradientReference());
      return (plan.matrixFree() ? lbfgs.matrixFree() : lbfgs).minimize(function, x0, listener);
    }
  };

  /** L-BFGS's gradient test when {@code --gradient-tol} is not given: ‖∇L‖ ≤ 10⁻⁸ of the start's. */
  static final double LBFGS_GRADIENT_TOLERANCE = 1e-8;
  /** Correction pairs L-BFGS keeps. */
  static final int LBFGS_MEMORY = 10;
  /** {@code finalHessianCheck} when the certificate is one exact pass. */
  static final String EXACT_PASS = "exact pass";
  /** {@code finalHessianCheck} when the certificate is block LOBPCG on Hessian-times-block passes. */
  static final String LOBPCG = "lobpcg";

  private final String label;
  private final double copiesPerRow;

  Solver(String label, double copiesPerRow) {
    this.label = label;
    this.copiesPerRow = copiesPerRow;
  }

  /**
   * How a fit runs, decided from the driver's limits before it starts ({@link DriverLimits}).
   *
   * @param matrixFree no d × d matrix on the driver
   * @param denseCertificate whether the certificate may be one exact pass (Newton–CG's cost model)
   * @param largestSketchRows the most rows a growing sketch or sample may reach, 0 where none grows
   * @param passCost what a pass costs on this cluster: Newton–CG prices exact-Hessian passes with it
   */
  public record Plan(boolean matrixFree, boolean denseCertificate, long largestSketchRows, PassCost passCost) {}

  /** The name the command line and the estimator take. */
  public String label() { return label; }

  /** Every solver's name, in the order the help and the errors list them. */
  public static List<String> labels() { return Arrays.stream(values()).map(Solver::label).toList(); }

  /** The solver of that name ({@link #labels}). */
  public static Solver named(String label) {
    for (Solver s : values()) {
      if (s.label.equals(label)) return s;
    }
    throw new IllegalArgumentException("unknown solver '" + label + "': expected one of " + String.join(", ", labels()));
  }

  /**
   * d-vectors the driver holds per sketch (or sample) row: the sketch's (m + m/8) rows three times
   * (sums, merge, factor); a sample's kept rows four times (twice while merging, and the plain and
   * weighted copies its Gram is formed from); newton-cg's preconditioner is such a sample.
   */
  double copiesPerRow() { return copiesPerRow; }

  /** Whether it can run with no d × d matrix on the driver (diagonal preconditioner, LOBPCG check). */
  boolean canRunMatrixFree() { return false; }

  /** Whether its sketch (or sample) grows when steps go badly; newton-cg's sample does not. */
  boolean growsItsSketch() { return false; }

  /**
   * Bytes the fit's largest pass returns to the driver from {@code results} tasks: each returns the
   * solver's largest per-task result ({@link #largestPassPerTask}) or the default start's two
   * sketches (two Grams for exact), whichever is larger.
   */
  double largestPassResultBytes(int dim, Integer sketchSize, boolean defaultStart, int results) {
    double gram = 8.0 * dim * dim;
    double row = 8.0 * dim;
    long m = SketchedHessian.rowsFor(dim, sketchSize);
    double start = defaultStart ? defaultStartPerTask(dim, row, gram) : 0;
    return results * Math.max(start, largestPassPerTask(row, gram, m));
  }

  /**
   * What one task returns in the solver's largest pass (row = 8·d bytes, gram = 8·d² bytes, m the
   * initial sketch rows): the exact Hessian's pieces, up to four d × d matrices (exact's passes,
   * L-BFGS's final exact check); the sketch's (m + m/8) × d or the sample's (m + 1) × d at their
   * largest growth.
   */
  double largestPassPerTask(double row, double gram, long m) { return 4 * gram; }

  /** What one task returns in the default start's pass: two sketches of {@link StartingPoint#startSketch} rows. */
  double defaultStartPerTask(int dim, double row, double gram) {
    return 2 * row * StartingPoint.startSketch(dim, 0).rows();
  }

  /**
   * The start when none is given and the fit is not matrix-free: the least-squares fit of f⁻¹(b)
   * from a sketch ({@link StartingPoint#startSketch}).
   */
  StartingPoint defaultStart(ObjectiveFunction function, int dim, SolverSettings s) {
    return StartingPoint.defaultFor(function, StartingPoint.startSketch(dim, s.seed()));
  }

  /**
   * How convergence is certified ({@code finalHessianCheck} of summary.json): one exact pass, or
   * block LOBPCG when matrix-free.
   */
  String certificate(Plan plan) { return plan.matrixFree() ? LOBPCG : EXACT_PASS; }

  /** Runs the solver from x0 with the settings' iteration limit and tolerances. */
  abstract FitResult minimize(ObjectiveFunction function, double[] x0, SolverSettings s, Plan plan,
      IterationListener listener);

  /** Newton's method with the given Hessian strategy, as every solver but L-BFGS runs. */
  private static FitResult newton(ObjectiveFunction function, double[] x0, SolverSettings s,
      IterationListener listener, HessianStrategy hessians) {
    NewtonSolver solver = new NewtonSolver().withMaxIterations(s.maxIterations()).withTolerance(s.tolerance())
        .withGradientTolerance(s.gradientTolerance()).withGradientReference(s.logGradientReference());
    return solver.minimize(function, x0, hessians, listener);
  }

  private static int dim(ObjectiveFunction function) { return function.objective().dim(); }
}
