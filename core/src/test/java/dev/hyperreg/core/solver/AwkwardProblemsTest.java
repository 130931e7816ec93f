package dev.hyperreg.core.solver;

import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.hyperreg.core.objective.Objective;
import dev.hyperreg.core.objective.ObjectiveFunction;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import java.util.function.BiFunction;
import java.util.stream.Collectors;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Issue 22's test family: every {@link AwkwardProblems} case × seeds 0–9 × every solver of core,
 * each outcome classified against the independent {@link ReferenceMinimizer}:
 * <ul>
 *   <li>RIGHT: converged, within 10⁻⁶ (relative) of the reference minimizer — for a minimizer set,
 *       its part outside the null directions within 10⁻⁶ of the set's minimum-norm point and its
 *       loss not above the reference's beyond rounding; or (counted apart, as "other minimum")
 *       converged at a point the reference, started there, certifies as a strict local minimizer
 *       within 10⁻⁶ (cosh's mirror minimum, say);</li>
 *   <li>WRONG: converged anywhere else, or where no minimizer exists;</li>
 *   <li>HONEST_FAILURE: not converged, with its stop reason;</li>
 *   <li>EXCEPTION: the fit threw.</li>
 * </ul>
 * Asserted: no WRONG at all; exact Newton and the default newton-cg RIGHT on every case that has
 * a minimizer. The table goes to stdout and target/awkward-problems.md.
 *
 * <p>Written before issue 22's rewrite of the solver layer; at f981acc both assertions fail (110
 * converged-at-a-wrong-point runs; exact and newton-cg miss 214 of 420 runs with a minimizer): the
 * point of the family is to pass after it.
 */
class AwkwardProblemsTest {
  static final int SEEDS = 10;
  static final double TOLERANCE = 1e-10;
  static final double RIGHT_DISTANCE = 1e-6;

  enum Outcome { RIGHT, OTHER_MINIMUM, WRONG, HONEST_FAILURE, EXCEPTION }

  record Solver(String name, BiFunction<Integer, Long, HessianStrategy> strategy) {}

  static final List<Solver> SOLVERS = List.of(
      new Solver("exact", (d, seed) -> HessianStrategy.EXACT),
      new Solver("sketch", (d, seed) -> SketchedHessian.forDimension(d, null, seed)),
      new Solver("sample", (d, seed) -> SketchedHessian.sampling(d, null, seed)),
      new Solver("newton-cg", (d, seed) -> NewtonCg.forDimension(d, null, seed)),
      // with a cost model, as FitJob runs it: passes whose cost is their results' bytes alone make an
      // exact pass worth ≈ d/2 d-vector passes, so at the family's d the early phase runs CG or exact
      // passes and the local phase is taken or not, by d: every path of the priced strategy
      new Solver("newton-cg priced", (d, seed) -> NewtonCg.forDimension(d, null, seed)
          .withPassCost(new PassCost(0, 0, 1, 100_000))),
      new Solver("matrix-free", (d, seed) -> NewtonCg.matrixFree()));

  /** The solvers issue 22 demands be right on every case with a minimizer. */
  static final List<String> DEMANDED = List.of("exact", "newton-cg", "newton-cg priced");

  record Run(AwkwardProblems.Case problem, String solver, Outcome outcome, double distance, String stop, String detail) {
    boolean right() { return outcome == Outcome.RIGHT || outcome == Outcome.OTHER_MINIMUM; }

    String describe() {
      return String.format(Locale.ROOT, "%s | %s | %s | distance %.3g | %s", problem, solver, outcome, distance, detail);
    }
  }

  private static final List<Run> RUNS = new ArrayList<>();
  private static final List<String> CASE_NAMES = new ArrayList<>();

  @BeforeAll
  static void runFamily() throws IOException {
    long start = System.nanoTime();
    for (long seed = 0; seed < SEEDS; seed++) {
      for (AwkwardProblems.Case c : AwkwardProblems.all(seed)) {
        if (seed == 0) CASE_NAMES.add(c.name());
        for (Solver solver : SOLVERS) RUNS.add(run(c, solver, seed));
      }
    }
    String table = table((System.nanoTime() - start) / 1e9);
    System.out.println(table);
    Path out = Path.of("target", "awkward-problems.md");
    Files.createDirectories(out.getParent());
    Files.writeString(out, table, StandardCharsets.UTF_8);
  }

  static Run run(AwkwardProblems.Case c, Solver solver, long seed) {
    FitResult fit;
    try {
      Objective objective = new Objective(c.kind(), c.link(), c.d(), c.ridge(), c.interceptColumn());
      ObjectiveFunction function = c.data().function(objective, false);
      double[] x0 = c.x0() != null ? c.x0().clone() : StartingPoint.defaultFor(function).x();
      fit = new NewtonSolver().withTolerance(TOLERANCE)
          .minimize(function, x0, solver.strategy().apply(c.d(), seed), IterationListener.NONE);
    } catch (RuntimeException | AssertionError e) {
      return new Run(c, solver.name(), Outcome.EXCEPTION, Double.NaN, e.getClass().getSimpleName(), e.getClass().getSimpleName() + ": " + e.getMessage());
    }
    String stop = fit.stopReason().name();
    String said = fit.stopReason() + " after " + fit.iterationCount() + " iterations: " + fit.message();
    if (!fit.converged()) {
      // how far the stopping point is (a false alarm stops at the minimizer), NaN without one
      double distance = c.hasMinimizer() ? ReferenceMinimizer.relativeDistance(
          c.reference().complementPart(fit.coefficients()), c.reference().x()) : Double.NaN;
      return new Run(c, solver.name(), Outcome.HONEST_FAILURE, distance, stop, said);
    }
    if (!c.hasMinimizer()) {
      return new Run(c, solver.name(), Outcome.WRONG, Double.NaN, stop, "converged where no minimizer exists; " + said);
    }
    double[] x = fit.coefficients();
    for (double v : x) {
      if (!Double.isFinite(v)) return new Run(c, solver.name(), Outcome.WRONG, Double.NaN, stop, "non-finite answer; " + said);
    }
    ReferenceMinimizer.Result reference = c.reference();
    double distance = ReferenceMinimizer.relativeDistance(reference.complementPart(x), reference.x());
    if (distance <= RIGHT_DISTANCE && lossNotAbove(c.problem(), x, reference.x())) {
      return new Run(c, solver.name(), Outcome.RIGHT, distance, stop, said);
    }
    // another minimizer? the reference, started at the answer, must certify one within 1e-6 of it
    ReferenceMinimizer.Result polished = ReferenceMinimizer.minimize(c.problem(), x);
    if (polished.verdict().hasMinimizer()) {
      double moved = ReferenceMinimizer.relativeDistance(polished.complementPart(x), polished.x());
      if (moved <= RIGHT_DISTANCE) {
        return new Run(c, solver.name(), Outcome.OTHER_MINIMUM, distance, stop, String.format(Locale.ROOT,
            "a local minimizer other than the reference's (log L %.6g vs %.6g); %s", polished.logLoss(),
            reference.logLoss(), said));
      }
    }
    return new Run(c, solver.name(), Outcome.WRONG, distance, stop, String.format(Locale.ROOT,
        "x = %s, reference %s; the reference from x: %s; %s", fmt(x), fmt(reference.x()), polished.verdict(), said));
  }

  /** L(x) ≤ L(ref)·(1 + 10⁻⁸) + 10⁻¹⁰ of the loss's terms, in the reference point's scale. */
  private static boolean lossNotAbove(ReferenceMinimizer.Problem p, double[] x, double[] ref) {
    ReferenceMinimizer.Eval ex = ReferenceMinimizer.evaluate(p, x), er = ReferenceMinimizer.evaluate(p, ref);
    if (!ex.finite()) return false;
    double inRefScale = ex.loss * Math.exp(ex.logScale - er.logScale);
    return inRefScale <= er.loss * (1 + 1e-8) + 1e-10 * er.lossTerms;
  }

  @Test
  void neverConvergedAtAWrongPoint() {
    List<String> wrong = RUNS.stream().filter(r -> r.outcome() == Outcome.WRONG).map(Run::describe).toList();
    assertTrue(wrong.isEmpty(), wrong.size() + " runs converged at a wrong point:\n" + String.join("\n", wrong));
  }

  @Test
  void exactAndNewtonCgReachEveryMinimizer() {
    List<String> missed = RUNS.stream()
        .filter(r -> DEMANDED.contains(r.solver()) && r.problem().hasMinimizer() && !r.right())
        .map(Run::describe).toList();
    assertTrue(missed.isEmpty(), missed.size() + " runs of exact / newton-cg missed a minimizer:\n"
        + String.join("\n", missed));
  }

  /** The case × solver table of outcome counts over the seeds, then what the misses said. */
  static String table(double seconds) {
    StringBuilder sb = new StringBuilder();
    sb.append(String.format(Locale.ROOT, "## Awkward problems (issue 22): %d cases × seeds 0–%d × %d solvers, %.1f s%n%n",
        CASE_NAMES.size(), SEEDS - 1, SOLVERS.size(), seconds));
    sb.append("Cells: right/wrong/honest/exception over the seeds (right counts a certified other local minimum,"
        + " marked *n).\n\n");
    sb.append("| case |");
    for (Solver s : SOLVERS) sb.append(' ').append(s.name()).append(" |");
    sb.append("\n|---|");
    for (int i = 0; i < SOLVERS.size(); i++) sb.append("---|");
    sb.append('\n');
    Map<Outcome, Integer> totals = new EnumMap<>(Outcome.class);
    for (String name : CASE_NAMES) {
      sb.append("| ").append(name).append(" |");
      for (Solver s : SOLVERS) {
        Map<Outcome, Integer> counts = new EnumMap<>(Outcome.class);
        for (Run r : RUNS) {
          if (r.problem().name().equals(name) && r.solver().equals(s.name())) {
            counts.merge(r.outcome(), 1, Integer::sum);
            totals.merge(r.outcome(), 1, Integer::sum);
          }
        }
        int other = counts.getOrDefault(Outcome.OTHER_MINIMUM, 0);
        sb.append(String.format(Locale.ROOT, " %d%s/%d/%d/%d |", counts.getOrDefault(Outcome.RIGHT, 0) + other,
            other > 0 ? "*" + other : "", counts.getOrDefault(Outcome.WRONG, 0),
            counts.getOrDefault(Outcome.HONEST_FAILURE, 0), counts.getOrDefault(Outcome.EXCEPTION, 0)));
      }
      sb.append('\n');
    }
    sb.append("\nTotals: ").append(totals).append("\n\n### What the misses said (stop reason × count)\n\n");
    for (String name : CASE_NAMES) {
      for (Solver s : SOLVERS) {
        Map<String, Long> reasons = RUNS.stream()
            .filter(r -> r.problem().name().equals(name) && r.solver().equals(s.name()) && !r.right())
            .collect(Collectors.groupingBy(r -> r.outcome() + " " + r.stop(), TreeMap::new,
                Collectors.counting()));
        if (reasons.isEmpty()) continue;
        sb.append("- ").append(name).append(" / ").append(s.name()).append(": ");
        sb.append(reasons.entrySet().stream().map(e -> e.getKey() + "×" + e.getValue())
            .collect(Collectors.joining(", "))).append('\n');
      }
    }
    sb.append("\n### First miss per case × solver (wrong and exceptions always; honest failures of exact and"
        + " newton-cg)\n\n");
    Map<String, Run> firstMiss = new LinkedHashMap<>();
    for (String name : CASE_NAMES) {
      for (Solver s : SOLVERS) {
        RUNS.stream().filter(r -> r.problem().name().equals(name) && r.solver().equals(s.name()) && !r.right())
            .filter(r -> r.outcome() != Outcome.HONEST_FAILURE || DEMANDED.contains(r.solver()))
            .min(java.util.Comparator.comparing(Run::outcome).thenComparing(r -> r.problem().seed()))
            .ifPresent(r -> firstMiss.put(name + " / " + s.name(), r));
      }
    }
    for (Run r : firstMiss.values()) sb.append("- ").append(clip(r.describe(), 330)).append('\n');
    if (firstMiss.isEmpty()) sb.append("none\n");
    return sb.toString();
  }

  private static String clip(String s, int max) { return s.length() <= max ? s : s.substring(0, max) + "…"; }

  private static String fmt(double[] x) {
    if (x.length > 4) {
      return String.format(Locale.ROOT, "[%.6g, %.6g, … (%d)]", x[0], x[1], x.length);
    }
    StringBuilder sb = new StringBuilder("[");
    for (int j = 0; j < x.length; j++) sb.append(j > 0 ? ", " : "").append(String.format(Locale.ROOT, "%.9g", x[j]));
    return sb.append(']').toString();
  }
}
