package dev.hyperreg.core.objective;

import dev.hyperreg.core.data.RowBlock;
import dev.hyperreg.core.linalg.LinearAlgebra;
import dev.hyperreg.core.sketch.HeavyRows;
import dev.hyperreg.core.sketch.PrioritySample;
import dev.hyperreg.core.sketch.RowSampling;
import dev.hyperreg.core.sketch.SketchSpec;
import java.io.Serializable;
import java.util.EnumSet;
import java.util.Set;

/**
 * The per-kind part of an {@link Objective}: which sums a pass collects (and in which scale group,
 * see {@link PassSums}), how one block adds to them, and how the driver combines the totals.
 */
abstract class ObjectiveTerms implements Serializable {
  private static final long serialVersionUID = 1L;

  /**
   * What the rest of the system must know about an objective before there are data: which links and
   * intercepts it takes, what the default start fits, what its predictions are, and how its passes are
   * asked for. Each {@link ObjectiveKind} constant holds one (a nested {@code Facts} of its terms
   * class), so an objective's decisions live beside its formulas and nowhere else; the defaults are
   * what an objective without a normalizer — {@link PlainTerms} — does.
   */
  abstract static class Facts {
    /** The terms of this objective for the link; ridged: whether λ &gt; 0. */
    abstract ObjectiveTerms terms(Link link, boolean ridged);

    /** The class {@link #terms} returns, which travels inside every {@link Objective}. */
    abstract Class<? extends ObjectiveTerms> termsClass();

    /** The links the objective is defined for. */
    Set<Link> links() { return EnumSet.allOf(Link.class); }

    /** Null when an intercept column is allowed; otherwise why it is not (a clause, no option names). */
    String interceptRefusal() { return null; }

    /**
     * Null when an intercept column leaves a minimizer without row weights; otherwise why it does not
     * (a clause). The ridge never applies to the intercept, so only w_i &gt; 0 on the rows helps.
     */
    String interceptWithoutRowWeightsRefusal(Link link) { return null; }

    /**
     * Whether f(Ax) matches b at the answer only up to a constant factor, so that the start's
     * least-squares fit of f⁻¹(b) needs a free constant column (see {@code StartingPoint}).
     */
    boolean startHasFreeConstant(Link link) { return false; }

    /**
     * Whether a prediction is a share f(a·x)/Σ f(a·x) of the rows scored rather than f(a·x) itself:
     * true where the objective fits b up to a normalization.
     */
    abstract boolean predictsShares();

    /**
     * Whether the passes accumulate residuals about a nearby point's normalizer
     * ({@link PassRequest#reference()}) to keep a small loss free of cancellation.
     */
    boolean accumulatesAboutReference() { return false; }

    /**
     * Whether a sampling pass ({@link PassRequest#sample()}) is accumulated about the reference too;
     * false where it must keep the exponent of the pass it samples from.
     */
    boolean samplesAboutReference() { return accumulatesAboutReference(); }

    /**
     * Whether the exact Hessian (and its products, its diagonal) takes Aᵀdiag(w²)A as a piece of its own,
     * collected once, instead of folding w² into its row weights.
     */
    boolean keepsRegularizerApart() { return false; }
  }

  /** Machine epsilon, for rounding-error estimates. */
  static final double EPS = Math.ulp(1.0);

  /**
   * Counts per kind and scale group 0, 1, 2: {scalars, vectors, Gram matrices, sketch matrices,
   * sketch vectors} (see {@link PassSums}).
   */
  abstract int[][] layout(PassRequest request);

  /** Scale groups of the sketched fit factor's rows and of its per-row vector entries. */
  abstract int[] fitFactorGroups();

  PassSums newSums(int dim, PassRequest request) {
    PassSums sums = new PassSums(dim, request.sketch() == null ? 0 : request.sketch().rows(), layout(request),
        request.directional(), request.diagonal(), request.directionCount(dim));
    sums.useReference(request.reference());
    if (request.sketch() != null && request.sketch().heavyRows() > 0) {
      int[] groups = fitFactorGroups();
      sums.keepHeavyRows(new HeavyRows(request.sketch(), dim, groups[0], groups[1]));
    }
    if (request.sample() != null) {
      sums.collectSample(new PrioritySample(request.sample().size(), dim, request.sample().floor()));
      // the first pass's exponent, so that its constants (α, β, …) apply to the scaled rows as they are
      sums.rescaleTo(request.sample().exponent());
    }
    return sums;
  }

  /** The exponent that bounds the row's scaled values (see {@link Link#exponentBound}). */
  abstract double exponentBound(double z);

  /** The exponent m a block is evaluated with, given its own bound and the accumulator's. */
  abstract double passExponent(double blockExponent, PassSums acc, RowBlock block);

  /** Adds the block's rows (with z = Ax already computed) at the accumulator's exponent. */
  abstract void accumulate(RowBlock block, double[] z, PassRequest request, PassSums acc);

  /**
   * Loss, gradient and whatever second-order information the pass collected; for a Hessian-vector
   * pass (direction not null) the evaluation carries H·v ({@link Evaluation#scaledHessianTimesDirection}).
   */
  abstract Evaluation finish(PassSums sums, double[] x, double[] regularizerGram, Objective objective,
      double[] direction);

  /**
   * Aᵀdiag(w²)A, mirrored to a full matrix, from a pass that collected it ({@link PassRequest#regularizerGram()});
   * null when the pass did not.
   */
  abstract double[] regularizerGram(PassSums sums);

  /**
   * Adds the block's fit-factor rows diag(weights)·A to the pass's sketch (and S·values, when
   * given, to its sketch vector), and offers them to the heavy rows ({@link HeavyRows}).
   */
  void sketchFitRows(RowBlock block, SketchSpec spec, double[] weights, double[] values, PassSums acc) {
    int[] groups = fitFactorGroups();
    SketchSpec.Hashed hashed = spec.hash(block, SketchSpec.FIT_ROWS);
    hashed.addRows(weights, acc.sketches(groups[0]));
    if (values != null) hashed.addVector(values, acc.sketchVectors(groups[1]));
    HeavyRows heavy = acc.heavyRows();
    if (heavy == null) return;
    double[] norms = block.rowNormsSquared();
    for (int i = 0; i < weights.length; i++) {
      if (weights[i] == 0) continue;
      heavy.offer(block, i, weights[i], values == null ? 0 : values[i], weights[i] * weights[i] * norms[i]);
    }
  }

  /** The pass's sketched fit factor with its heavy rows appended ({@link HeavyRows#factor}). */
  HeavyRows.Factor fitFactor(PassSums sums) {
    int[] groups = fitFactorGroups();
    double[] sketch = sums.sketches(groups[0]);
    double[] vector = sums.count(PassSums.SKETCH_VECTOR, groups[1]) > 0 ? sums.sketchVectors(groups[1]) : null;
    HeavyRows heavy = sums.heavyRows();
    if (heavy == null || heavy.count() == 0) return new HeavyRows.Factor(sketch.clone(), vector, sums.sketchRows());
    return heavy.factor(sketch, vector);
  }

  /** Adds Aᵀdiag(w²)A of the block's rows as Gram {@code item} of group 0 when the pass collects it. */
  static void addRegularizerGram(RowBlock block, PassRequest request, PassSums acc, int item) {
    if (!request.regularizerGram() || !block.hasRegWeights()) return;
    int n = block.rows();
    double[] w2 = new double[n];
    for (int i = 0; i < n; i++) w2[i] = block.regWeightSquared(i);
    addGrams(block, w2, 1, acc, 0, item);
  }

  /**
   * Adds the block's Aᵀdiag(W_k)A, k &lt; count, as Grams {@code firstItem}, … of the group (upper
   * triangles) — or, in a Hessian-vector pass, their products Aᵀdiag(W_k)(Av) with each direction v,
   * one multiplication by Aᵀ for all of them instead of a d × d update per row; or, in a diagonal pass, their
   * diagonals Σ_i W_k,i·a_ij².
   */
  static void addGrams(RowBlock block, double[] weights, int count, PassSums acc, int group, int firstItem) {
    int d = block.cols();
    if (acc.holdsGramDiagonals()) {
      block.addWeightedSquares(weights, count, acc.array(PassSums.GRAM_VECTOR, group), firstItem * d);
      return;
    }
    double[] av = acc.blockDirectionProducts();
    if (av == null) {
      block.addWeightedGrams(weights, count, acc.grams(group), firstItem * d * d);
      return;
    }
    int n = block.rows();
    int directions = acc.directions();
    double[] coefs = new double[count * directions * n];
    for (int k = 0; k < count; k++) {
      for (int j = 0; j < directions; j++) {
        int column = (k * directions + j) * n;
        for (int i = 0; i < n; i++) coefs[column + i] = weights[k * n + i] * av[j * n + i];
      }
    }
    acc.transposes().add(coefs, count * directions, acc.array(PassSums.GRAM_VECTOR, group), firstItem * d * directions);
  }

  /** Gram k of the group reduced to a d-vector (times the selected direction, or its diagonal), copied. */
  static double[] gramTimesDirection(PassSums sums, int group, int k) {
    int d = sums.dim();
    double[] v = new double[d];
    double[] all = sums.array(PassSums.GRAM_VECTOR, group);
    System.arraycopy(all, sums.gramVectorOffset(k), v, 0, d);
    return v;
  }


  /** Offers the block's rows, with their diagonal weights D_i, to the pass's row sample. */
  static void sampleRows(RowSampling sample, RowBlock block, double[] diagonal, PassSums acc) {
    sample.addRows(block, diagonal, acc.sample());
  }

  /** The sampled Gram of a {@link RowSampling} pass; null when the pass did not sample. */
  static double[] sampledGram(PassSums sums) {
    return sums.sample() == null ? null : sums.sample().gram();
  }

  /** Matrix k of the given group, copied and mirrored from its upper triangle. */
  static double[] matrix(PassSums sums, int group, int k) {
    return mirrored(sums.grams(group), k, sums.dim());
  }

  private static double[] mirrored(double[] all, int k, int d) {
    double[] m = new double[d * d];
    System.arraycopy(all, k * d * d, m, 0, d * d);
    LinearAlgebra.mirrorUpper(m, d, 0);
    return m;
  }

  /** Vector k of the given group, copied. */
  static double[] vector(PassSums sums, int group, int k) {
    int d = sums.dim();
    double[] v = new double[d];
    System.arraycopy(sums.vectors(group), k * d, v, 0, d);
    return v;
  }
}
