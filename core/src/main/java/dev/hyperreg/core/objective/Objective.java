package dev.hyperreg.core.objective;

import dev.hyperreg.core.InvalidProblemException;
import dev.hyperreg.core.data.RowBlock;
import java.io.Serializable;
import java.util.Locale;

/**
 * One member of the family: an {@link ObjectiveKind}, a {@link Link}, the ridge λ and an optional
 * intercept column (a column of ones the ridge does not penalize). The row weights w_i live in the
 * blocks.
 *
 * <p>An objective knows how to fold one block of rows into a pass's {@link PassSums}
 * ({@link #accumulate}) and how to turn the total into loss, gradient and Hessian
 * ({@link #finish}). Everything a pass needs is a sum over rows, so loss, gradient and Hessian at a
 * point come from a single pass; see the per-kind classes for the formulas.
 */
public final class Objective implements Serializable {
  private static final long serialVersionUID = 1L;

  private final ObjectiveKind kind;
  private final Link link;
  private final int dim;
  private final double ridge;
  private final int interceptColumn;
  private final ObjectiveTerms terms;

  /**
   * @param dim number of columns of A (including the intercept column, if any)
   * @param interceptColumn index of the intercept column, or −1
   */
  public Objective(ObjectiveKind kind, Link link, int dim, double ridge, int interceptColumn) {
    kind.requireLink(link);
    if (interceptColumn >= 0 && kind.interceptRefusal() != null) {
      throw new InvalidProblemException(kind.label() + " does not take an intercept: " + kind.interceptRefusal());
    }
    if (!(ridge >= 0) || Double.isInfinite(ridge)) {
      throw new InvalidProblemException("ridge must be a finite number ≥ 0, got " + ridge);
    }
    if (dim < 1) throw new InvalidProblemException("the design needs at least one column, got " + dim);
    if (interceptColumn >= dim) throw new IllegalArgumentException("intercept column outside the design");
    this.kind = kind;
    this.link = link;
    this.dim = dim;
    this.ridge = ridge;
    this.interceptColumn = interceptColumn;
    this.terms = kind.facts().terms(link, ridge > 0);
  }

  public ObjectiveKind kind() { return kind; }
  public Link link() { return link; }
  public int dim() { return dim; }
  public double ridge() { return ridge; }
  public int interceptColumn() { return interceptColumn; }

  public String describe() {
    return String.format(Locale.ROOT, "%s %s (d=%d, ridge=%s%s)", kind.label(), link.label(), dim,
        ridge, interceptColumn >= 0 ? ", intercept column " + interceptColumn : "");
  }

  /** An empty accumulator for a pass with the given request. */
  public PassSums newSums(PassRequest request) { return terms.newSums(dim, request); }

  /** Folds the block's rows, evaluated at x, into acc. */
  public void accumulate(RowBlock block, double[] x, PassRequest request, PassSums acc) {
    int n = block.rows();
    if (n == 0) return;
    double[] z = new double[n];
    block.multiply(x, z);
    if (!request.directional() || request.diagonal()) {
      accumulateAt(block, z, request, acc);
      return;
    }
    // Av by a second matrix-vector product: measured faster than one two-column product [x v]
    int directions = request.directionCount(dim);
    double[] av = new double[directions * n];
    if (directions == 1) block.multiply(request.direction(), av);
    else block.multiply(request.direction(), directions, av);
    acc.setBlockDirectionProducts(av);
    try {
      accumulateAt(block, z, request, acc);
    } finally {
      acc.setBlockDirectionProducts(null);
    }
  }

  /** Folds the block's rows with z = A·x already computed (a ladder pass forms z + t·Ap itself). */
  void accumulateAt(RowBlock block, double[] z, PassRequest request, PassSums acc) {
    int n = block.rows();
    if (n == 0) return;
    double blockExponent = Double.NEGATIVE_INFINITY;
    for (int i = 0; i < n; i++) {
      if (Double.isFinite(z[i])) blockExponent = Math.max(blockExponent, terms.exponentBound(z[i]));
      else acc.recordBadRow(block.rowId(i), z[i]);
    }
    acc.rescaleTo(terms.passExponent(blockExponent, acc, block));
    terms.accumulate(block, z, request, acc);
    acc.transposes().flush(block);
    acc.addBlock(n, block.storedEntries());
  }

  /** Loss, gradient and (when collected) Hessian at x from the pass total. */
  public Evaluation finish(PassSums sums, double[] x, double[] regularizerGram) {
    return finish(sums, x, regularizerGram, null);
  }

  /**
   * The same, and H·v from a Hessian-vector pass in direction v ({@link PassRequest#direction()};
   * null for other passes).
   */
  public Evaluation finish(PassSums sums, double[] x, double[] regularizerGram, double[] direction) {
    if (sums.badRowId() >= 0) return new Evaluation(x, sums.rows(), sums.badRowId(), sums.badRowValue());
    Evaluation e = terms.finish(sums, x, regularizerGram, this, direction);
    return sums.sample() != null ? e.withSample(sums.sample().keptRows(), sums.sample().leverageSum()) : e;
  }

  /** A^T diag(w²) A from a pass that collected it, mirrored to a full matrix. */
  public double[] regularizerGram(PassSums sums) { return terms.regularizerGram(sums); }

  /** Whether passes accumulate about a reference normalizer ({@link PassRequest#reference()}). */
  boolean accumulatesAboutReference() { return kind.facts().accumulatesAboutReference(); }

  /** Whether a sampling pass is accumulated about the reference too. */
  boolean samplesAboutReference() { return kind.facts().samplesAboutReference(); }

  /** Whether the exact Hessian keeps Aᵀdiag(w²)A as a piece of its own ({@link PassRequest#regularizerGram()}). */
  boolean keepsRegularizerApart() { return kind.facts().keepsRegularizerApart(); }

  /** ½ λ Σ_{j ≠ intercept} x_j². */
  double ridgePenalty(double[] x) {
    double s = 0;
    for (int j = 0; j < x.length; j++) if (j != interceptColumn) s += x[j] * x[j];
    return 0.5 * ridge * s;
  }

  /** g += factor·λ·x (intercept excluded). */
  void addRidgeGradient(double[] x, double factor, double[] g) {
    for (int j = 0; j < x.length; j++) if (j != interceptColumn) g[j] += factor * ridge * x[j];
  }

  /** out += factor·λ·v (intercept excluded): the ridge's part of H·v. */
  void addRidgeHessianTimes(double factor, double[] v, double[] out) {
    for (int j = 0; j < dim; j++) if (j != interceptColumn) out[j] += factor * ridge * v[j];
  }

  /** H += factor·λ·I (intercept excluded). */
  public void addRidgeHessian(double factor, double[] h) {
    for (int j = 0; j < dim; j++) if (j != interceptColumn) h[j * dim + j] += factor * ridge;
  }
}
