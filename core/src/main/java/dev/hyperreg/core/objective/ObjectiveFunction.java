package dev.hyperreg.core.objective;

import dev.hyperreg.core.OverflowException;
import dev.hyperreg.core.data.BlockAggregator;
import dev.hyperreg.core.data.PassRunner;
import dev.hyperreg.core.data.RowBlock;
import dev.hyperreg.core.sketch.RowSampling;
import dev.hyperreg.core.sketch.SketchSpec;
import dev.hyperreg.core.linalg.LinearAlgebra;
import java.util.ArrayList;
import java.util.List;

/**
 * An {@link Objective} over a dataset: each {@link #evaluate} is one pass over the rows (counted),
 * returning loss, gradient and, when asked, the exact Hessian at the point.
 */
public final class ObjectiveFunction {
  private final Objective objective;
  private final PassRunner runner;
  private double[] regularizerGram;
  /** {normalizer, m} of the point passes accumulate about ({@link #accumulateAbout}), or null. */
  private double[] reference;
  private long passes;
  /** Passes by what their tasks return, {@link PassKind} order. */
  private final long[] passesByKind = new long[PassKind.values().length];
  /** What the last loss-and-gradient pass read; null before the first. */
  private DataShape shape;

  public ObjectiveFunction(Objective objective, PassRunner runner) {
    this.objective = objective;
    this.runner = runner;
  }

  public Objective objective() { return objective; }
  public PassRunner runner() { return runner; }

  /** Data passes made so far by this function (starting-point passes included). */
  public long passes() { return passes; }

  /** What a pass reads (rows, entries, the exact Hessian's work), known after the first; null before. */
  public DataShape dataShape() { return shape; }

  /**
   * Makes the following passes accumulate residuals about the normalizer of the given evaluation —
   * the rescaled objective's α ({@link RescaledTerms}), softmax's Σe^z ({@link SoftmaxTerms}): the
   * loss of points near it is then free of cancellation. A pass whose own normalizer is not within
   * a factor of about two of it is run again about 0, so a reference far from the points evaluated
   * costs passes, never accuracy. Null: about 0.
   */
  public void accumulateAbout(Evaluation near) {
    boolean usable = near != null && near.isFinite() && objective.accumulatesAboutReference()
        && near.passGlobals() != null;
    reference = usable ? new double[] {near.passGlobals()[1], near.passGlobals()[0]} : null;
  }

  /**
   * A solver's rule for the reference: once two successive points' losses are within a factor two,
   * the iterates share their scale and the following passes accumulate about the latest
   * ({@link #accumulateAbout}); before that (previous null, or far apart) about 0.
   */
  public void accumulateAboutSettled(Evaluation previous, Evaluation latest) {
    boolean settled = previous != null && latest != null
        && Math.abs(latest.logLoss() - previous.logLoss()) < SETTLED_LOG_CHANGE;
    accumulateAbout(settled ? latest : null);
  }

  /** |Δ log L| between successive points below which they count as settled: a factor two. */
  static final double SETTLED_LOG_CHANGE = Math.log(2);

  /** This function's passes of each kind so far (starting-point passes among {@link PassKind#OTHER}). */
  public java.util.Map<PassKind, Long> passesByKind() {
    java.util.Map<PassKind, Long> counts = new java.util.EnumMap<>(PassKind.class);
    for (PassKind kind : PassKind.values()) if (passesByKind[kind.ordinal()] > 0) counts.put(kind, passesByKind[kind.ordinal()]);
    return counts;
  }

  private void count(PassKind kind) {
    passesByKind[kind.ordinal()]++;
    passes++;
  }

  /** Counts a pass made on this function's data by someone else (a starting-point fit, say). */
  public void countPass() { count(PassKind.OTHER); }

  /** The same for a pass that measured what it read (so the cost of passes is known before the fit's first). */
  public void countPass(DataShape read) {
    count(PassKind.OTHER);
    shape = read;
  }

  /** Loss, gradient and, when asked, the exact Hessian at x: one pass. */
  public Evaluation evaluate(double[] x, boolean withHessian, String description) {
    boolean needRegularizerGram = withHessian && objective.keepsRegularizerApart()
        && regularizerGram == null;
    return run(x, new PassRequest(withHessian, needRegularizerGram, null, null), description);
  }

  /**
   * Loss, gradient and the sketched Gauss–Newton Hessian at x: one pass, O(s·nnz) work. The
   * regularizer's part AᵀW²A does not depend on x: the first sketched pass collects it exactly, and
   * every sketched Hessian adds it instead of hashing n regularizer rows again.
   */
  public Evaluation evaluate(double[] x, SketchSpec sketch, String description) {
    return run(x, new PassRequest(false, regularizerGram == null, sketch, null), description);
  }

  /**
   * Loss, gradient and the Hessian whose row-wise part comes from a leverage-score sample of the
   * rows: one pass, at the point of the first-pass evaluation the sample was built from.
   */
  public Evaluation evaluate(double[] x, RowSampling sample, String description) {
    return run(x, PassRequest.sampled(sample), description);
  }

  /**
   * H(x)·v, exact, in one pass that ships d-vectors only: every d × d piece of the Hessian is
   * multiplied with v row by row (Aᵀ[W∘(Av)]) and the pieces are combined as the exact Hessian's
   * are (see the per-objective classes); the low-rank part, which depends on x only, comes from the
   * evaluation {@code at} x ({@link LowRankPart}), so the pass collects no gradient. Returned in
   * the scale of that evaluation, so that it matches its gradient.
   */
  public double[] hessianTimes(Evaluation at, double[] v, String description) {
    return hessianTimes(at, new double[][] {v}, description)[0];
  }

  /**
   * H(x)·v₁, …, H(x)·v_k in one pass: each task ships k d-vectors per piece, and reads its rows
   * once for all of them (a block eigensolver's product, {@code BlockLobpcg}).
   */
  public double[][] hessianTimes(Evaluation at, double[][] vs, String description) {
    for (double[] v : vs) {
      if (v.length != objective.dim()) {
        throw new IllegalArgumentException("direction of length " + v.length + " for d = " + objective.dim());
      }
    }
    double[][] hv = rowSumsParts(at, PassRequest.hessianTimes(vs, objective.keepsRegularizerApart()), vs,
        description);
    if (at.lowRankPart() != null) {
      for (int j = 0; j < vs.length; j++) at.lowRankPart().addTimes(vs[j], hv[j]);
    }
    return hv;
  }

  /**
   * diag(H(x)), exact, in one pass that ships d-vectors only (each piece Aᵀdiag(W)A reduced to
   * Σ_i W_i·a_ij² as the pass goes), in the scale of the evaluation {@code at} x: a Jacobi
   * preconditioner for when no d × d matrix fits.
   */
  public double[] hessianDiagonal(Evaluation at, String description) {
    PassRequest request = PassRequest.hessianDiagonal(objective.dim(), objective.keepsRegularizerApart());
    double[] diagonal = rowSumsParts(at, request, new double[][] {request.direction()}, description)[0];
    if (at.lowRankPart() != null) at.lowRankPart().addDiagonal(diagonal);
    return diagonal;
  }

  /**
   * The row sums' part of a directional pass at the evaluation's point, in its scale: one vector
   * per direction the pass multiplied with (the finish step adds each one's ridge term).
   */
  private double[][] rowSumsParts(Evaluation at, PassRequest request, double[][] directions, String description) {
    double[] x = at.point();
    PassSums sums = runner.aggregate(new ObjectivePass(objective, x.clone(), request), description);
    count(PassKind.HESSIAN_VECTOR);
    double[][] parts = new double[directions.length][];
    for (int j = 0; j < directions.length; j++) {
      sums.selectDirection(j);
      Evaluation e = objective.finish(sums, x, regularizerGram, directions[j]);
      if (!e.isFinite()) {
        throw new OverflowException(e.badRowId(), e.badRowValue(), objective.describe() + " in " + description);
      }
      double[] part = e.scaledHessianTimesDirection();
      double factor = Math.exp(e.logScale() - at.logScale());
      for (int i = 0; i < part.length; i++) part[i] *= factor;
      parts[j] = part;
    }
    return parts;
  }

  private Evaluation run(double[] x, PassRequest request, String description) {
    if (x.length != objective.dim()) {
      throw new IllegalArgumentException("point of length " + x.length + " for d = " + objective.dim());
    }
    boolean needRegularizerGram = request.regularizerGram();
    boolean referenced = request.sample() == null || objective.samplesAboutReference();
    PassSums sums = runner.aggregate(new ObjectivePass(objective, x.clone(),
        referenced ? request.withReference(reference) : request), description);
    count(PassKind.of(request));
    shape = sums.shape();
    if (needRegularizerGram) regularizerGram = objective.regularizerGram(sums);
    Evaluation e = objective.finish(sums, x, regularizerGram);
    if (sums.referenceFailed()) {
      // the point's α is far from the reference's: residuals about it would cancel
      sums = runner.aggregate(new ObjectivePass(objective, x.clone(), request), description + " (again, about 0)");
      count(PassKind.of(request));
      e = objective.finish(sums, x, regularizerGram);
    }
    return e;
  }

  /**
   * log L(x + t·p) for every t of a ladder, in one pass: each row's a·x and a·p are computed once,
   * and the loss is accumulated for every t with its own scale (+∞ where a row overflows). What a
   * line search needs from its trials, at the price of one pass instead of one per trial.
   */
  public double[] logLossesAlong(double[] x, double[] p, double[] ts, String description) {
    if (x.length != objective.dim() || p.length != objective.dim()) {
      throw new IllegalArgumentException("point or direction of the wrong length for d = " + objective.dim());
    }
    PassSums[] sums = runner.aggregate(new LadderPass(objective, x.clone(), p.clone(), ts.clone()), description);
    count(PassKind.LOSS_LADDER);
    double[] logLosses = new double[ts.length];
    for (int k = 0; k < ts.length; k++) {
      double[] point = x.clone();
      for (int j = 0; j < point.length; j++) point[j] += ts[k] * p[j];
      Evaluation e = objective.finish(sums[k], point, regularizerGram);
      logLosses[k] = e.isFinite() ? e.logLoss() : Double.POSITIVE_INFINITY;
    }
    return logLosses;
  }

  /**
   * The unit directions within span(candidates) along which the design does not move: A·v = 0 to
   * rounding (‖Av‖ ≤ 10⁻¹⁰·‖A‖_F), so that L(x + tv) = L(x) for every t — an all-zero column, two
   * equal columns. Where the ridge is positive no direction is flat and no pass is made; otherwise
   * one pass collects the k × k Gram (AV)ᵀ(AV) of an orthonormal basis V of the candidates, whose
   * eigenvectors of (relatively) zero eigenvalue give the flat directions. The last answer is
   * cached: the same candidate span asked again costs no pass.
   */
  public List<double[]> flatWithin(List<double[]> candidates, String description) {
    if (candidates.isEmpty() || objective.ridge() > 0) return List.of();
    List<double[]> basis = LinearAlgebra.orthonormalBasis(candidates);
    if (lastFlatQuery != null && LinearAlgebra.sameSpan(basis, lastFlatQuery)) return lastFlatAnswer;
    double[][] vs = basis.toArray(new double[0][]);
    double[] sums = runner.aggregate(new DesignGramPass(vs), description);
    count(PassKind.OTHER);
    int k = vs.length;
    LinearAlgebra.SymmetricEigen eigen = LinearAlgebra.symmetricEigen(java.util.Arrays.copyOf(sums, k * k), k);
    double frobenius = sums[k * k];
    List<double[]> flat = new ArrayList<>();
    for (int c = 0; c < k; c++) {
      if (!(eigen.values()[c] <= FLAT_RELATIVE * FLAT_RELATIVE * frobenius)) continue;
      double[] v = new double[objective.dim()];
      for (int a = 0; a < k; a++) {
        double coefficient = eigen.vectors()[c * k + a];
        for (int j = 0; j < v.length; j++) v[j] += coefficient * vs[a][j];
      }
      double norm = LinearAlgebra.norm(v);
      for (int j = 0; j < v.length; j++) v[j] /= norm;
      flat.add(v);
    }
    lastFlatQuery = basis;
    lastFlatAnswer = List.copyOf(flat);
    return lastFlatAnswer;
  }

  /** ‖Av‖ ≤ this·‖A‖_F: v is a direction the design does not see. */
  static final double FLAT_RELATIVE = 1e-10;
  private List<double[]> lastFlatQuery;
  private List<double[]> lastFlatAnswer;

  /** Σ_i (a_i·v_a)(a_i·v_b) for every pair of the directions, then Σ_i ‖a_i‖² (k² + 1 numbers). */
  public static final class DesignGramPass implements BlockAggregator<double[]> {
    private static final long serialVersionUID = 1L;
    private final double[][] vs;

    DesignGramPass(double[][] vs) { this.vs = vs; }

    @Override public double[] zero() { return new double[vs.length * vs.length + 1]; }

    @Override public double[] add(double[] acc, RowBlock block) {
      int n = block.rows(), k = vs.length;
      if (n == 0) return acc;
      double[][] z = new double[k][n];
      for (int a = 0; a < k; a++) block.multiply(vs[a], z[a]);
      for (int a = 0; a < k; a++) {
        for (int b = 0; b < k; b++) {
          double s = 0;
          for (int i = 0; i < n; i++) s += z[a][i] * z[b][i];
          acc[b * k + a] += s;
        }
      }
      for (double r : block.rowNormsSquared()) acc[k * k] += r;
      return acc;
    }

    @Override public double[] merge(double[] left, double[] right) {
      for (int i = 0; i < left.length; i++) left[i] += right[i];
      return left;
    }
  }

  /** The ladder pass: one loss-only {@link PassSums} per step size, from one read of each block. */
  public static final class LadderPass implements BlockAggregator<PassSums[]> {
    private static final long serialVersionUID = 1L;
    private final Objective objective;
    private final double[] x;
    private final double[] p;
    private final double[] ts;

    LadderPass(Objective objective, double[] x, double[] p, double[] ts) {
      this.objective = objective;
      this.x = x;
      this.p = p;
      this.ts = ts;
    }

    @Override public PassSums[] zero() {
      PassSums[] sums = new PassSums[ts.length];
      for (int k = 0; k < ts.length; k++) sums[k] = objective.newSums(PassRequest.lossAlone());
      return sums;
    }

    @Override public PassSums[] add(PassSums[] acc, RowBlock block) {
      int n = block.rows();
      if (n == 0) return acc;
      double[] z = new double[n];
      double[] dz = new double[n];
      block.multiply(x, z);
      block.multiply(p, dz);
      double[] zt = new double[n];
      for (int k = 0; k < ts.length; k++) {
        for (int i = 0; i < n; i++) zt[i] = z[i] + ts[k] * dz[i];
        objective.accumulateAt(block, zt, PassRequest.lossAlone(), acc[k]);
      }
      return acc;
    }

    @Override public PassSums[] merge(PassSums[] left, PassSums[] right) {
      for (int k = 0; k < left.length; k++) left[k] = left[k].merge(right[k]);
      return left;
    }
  }

  /** The pass itself: folds blocks into {@link PassSums} at a fixed point. */
  public static final class ObjectivePass implements BlockAggregator<PassSums> {
    private static final long serialVersionUID = 1L;
    private final Objective objective;
    private final double[] x;
    private final PassRequest request;

    ObjectivePass(Objective objective, double[] x, PassRequest request) {
      this.objective = objective;
      this.x = x;
      this.request = request;
    }

    /** What the pass collects (for runners that trace or meter passes). */
    public PassRequest request() { return request; }

    @Override public PassSums zero() { return objective.newSums(request); }

    @Override public PassSums add(PassSums acc, RowBlock block) {
      objective.accumulate(block, x, request, acc);
      return acc;
    }

    @Override public PassSums merge(PassSums left, PassSums right) { return left.merge(right); }
  }
}
