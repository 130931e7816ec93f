package dev.hyperreg.core.objective;

import dev.hyperreg.core.sketch.RowSampling;
import dev.hyperreg.core.sketch.SketchSpec;
import java.io.Serializable;

/**
 * What one pass over the rows must collect besides loss and gradient.
 *
 * @param hessian the exact Hessian's pieces (d × d matrices)
 * @param regularizerGram A^T diag(w²) A on its own (unscaled), for Hessians that cannot fold it into
 *     their pieces (softmax's exact one, every sketched one); it does not depend on x, so it is
 *     collected once and kept
 * @param sketch when not null, a sketch of the Gauss–Newton factor instead (see
 *     {@link ObjectiveTerms}): m × d matrices whose Gram approximates the Hessian
 * @param sample when not null, the Hessian's row-wise part from a leverage-score sample of the rows
 *     instead, the low-rank part exact (see {@link RowSampling})
 * @param reference when not null, {value, exponent}: a nearby point's normalizer (the rescaled
 *     objective's α) that the pass accumulates residuals about, so that a small loss is not lost to
 *     cancellation (see {@link RescaledTerms}); null: about 0
 * @param lossOnly the loss and nothing else (no gradient): the points of a line-search ladder
 * @param direction when not null (with {@code hessian}), the product of every d × d piece of the
 *     exact Hessian with this vector instead of the piece itself: Aᵀdiag(W)(Av), a d-vector, so the
 *     pass yields H·v (Newton–CG's Hessian-vector product) and ships d-vectors only; k·d values:
 *     k directions one after the other, and k products per piece
 * @param diagonal with {@code direction} = 1: each piece's diagonal instead of its product, so the
 *     pass yields diag(H) (a Jacobi preconditioner where no d × d matrix fits)
 */
public record PassRequest(boolean hessian, boolean regularizerGram, SketchSpec sketch, RowSampling sample,
    double[] reference, boolean lossOnly, double[] direction, boolean diagonal) implements Serializable {
  public PassRequest(boolean hessian, boolean regularizerGram, SketchSpec sketch, RowSampling sample) {
    this(hessian, regularizerGram, sketch, sample, null, false, null, false);
  }

  /** The loss alone. */
  public static PassRequest lossAlone() { return new PassRequest(false, false, null, null, null, true, null, false); }

  /**
   * The row sums' part of the exact H·v (and the loss; no gradient: its low-rank part comes from
   * the evaluation at the same point, {@link LowRankPart}). The regularizer's piece Aᵀdiag(w²)A is multiplied with v like
   * the others where the objective keeps it apart (softmax), so no d × d matrix is formed anywhere.
   */
  public static PassRequest hessianTimes(double[] v, boolean regularizerApart) {
    return hessianTimes(new double[][] {v}, regularizerApart);
  }

  /**
   * The same for a block of directions v₁ … v_k in one pass (stored one after the other): the
   * pass ships k d-vectors per piece and reads the block once for all of them (A·[v₁ … v_k] is one
   * matrix product).
   */
  public static PassRequest hessianTimes(double[][] vs, boolean regularizerApart) {
    int d = vs[0].length;
    double[] all = new double[vs.length * d];
    for (int j = 0; j < vs.length; j++) System.arraycopy(vs[j], 0, all, j * d, d);
    return new PassRequest(true, regularizerApart, null, null, null, true, all, false);
  }

  /** How many directions a directional pass multiplies with (1 for the diagonal's), 0 for other passes. */
  public int directionCount(int dim) {
    return direction == null ? 0 : diagonal ? 1 : direction.length / dim;
  }

  /** The row sums' part of diag(H), each d × d piece reduced to its diagonal as the pass goes. */
  public static PassRequest hessianDiagonal(int dim, boolean regularizerApart) {
    double[] ones = new double[dim];
    java.util.Arrays.fill(ones, 1);
    return new PassRequest(true, regularizerApart, null, null, null, true, ones, true);
  }

  /**
   * Whether the Hessian's pieces are reduced to d-vectors (multiplied with {@link #direction()}, or
   * their diagonals) instead of collected.
   */
  public boolean directional() { return direction != null; }

  public static PassRequest sketched(SketchSpec sketch) { return new PassRequest(false, false, sketch, null); }

  public static PassRequest sampled(RowSampling sample) { return new PassRequest(false, false, null, sample); }

  /** The same request, accumulated about the given reference. */
  public PassRequest withReference(double[] newReference) {
    return new PassRequest(hessian, regularizerGram, sketch, sample, newReference, lossOnly, direction, diagonal);
  }
}
