package dev.hyperreg.core.objective;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.hyperreg.core.Problems;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * One ladder pass gives the losses that one pass per step size would: log L(x + t·p) for every t,
 * every objective/link pair, dense and sparse, with and without regularization — including step
 * sizes where a row overflows (+∞ both ways).
 */
class LadderPassTest {

  @ParameterizedTest(name = "{0} {1} sparse={2} regularized={3}")
  @MethodSource("dev.hyperreg.core.Problems#everyCombination")
  void aLadderPassEqualsOnePassPerStep(ObjectiveKind kind, Link link, boolean sparse, boolean regularized) {
    Problems.PlantedCase c = Problems.plantedCase(kind, link, sparse, regularized);
    ObjectiveFunction f = c.function();
    int d = c.xStar().length;
    double[] x = c.xStar().clone();
    double[] p = Problems.randomPoint(31, d, 1.0);
    double[] ts = {-0.5, 0.25, 1, 4, 64, 1024};
    double[] ladder = f.logLossesAlong(x, p, ts, "ladder");
    for (int k = 0; k < ts.length; k++) {
      double[] point = x.clone();
      for (int j = 0; j < d; j++) point[j] += ts[k] * p[j];
      Evaluation e = f.evaluate(point, false, "t = " + ts[k]);
      double expected = e.isFinite() ? e.logLoss() : Double.POSITIVE_INFINITY;
      if (Double.isInfinite(expected)) assertEquals(expected, ladder[k], "t = " + ts[k]);
      else assertEquals(expected, ladder[k], 1e-10 * Math.max(1, Math.abs(expected)), "t = " + ts[k]);
    }
  }
}
