package dev.hyperreg.core.objective;

import dev.hyperreg.core.data.DenseRowBlock;
import dev.hyperreg.core.data.RowBlock;
import java.util.ArrayList;
import java.util.List;

/**
 * The products Aᵀc one block owes to a pass's sums (gradient pieces, and in a Hessian-vector pass
 * each Gram times the direction), gathered and computed as one Aᵀ[c₁ … c_K]: the block is read once
 * instead of once per call (dense blocks; a sparse block's products are done one by one). A pass
 * over cached rows is bound by reading them, so this is what keeps a Hessian-vector pass near the
 * cost of a gradient pass.
 */
final class TransposeBatch {
  private record Owed(double[] coefs, int count, double[] out, int offset) {}

  private final List<Owed> owed = new ArrayList<>();
  private int columns;

  /** out[offset + k·d + j] += Σ_i coefs[k·n + i]·a_ij for k &lt; count, when {@link #flush} runs. */
  void add(double[] coefs, int count, double[] out, int offset) {
    owed.add(new Owed(coefs, count, out, offset));
    columns += count;
  }

  /** Computes everything owed with one multiplication by the block's Aᵀ, and forgets it. */
  void flush(RowBlock block) {
    if (owed.isEmpty()) return;
    int n = block.rows(), d = block.cols();
    if (owed.size() == 1 || !(block instanceof DenseRowBlock)) {
      // a sparse block's product costs its non-zeros per column anyway: no gain from batching, and
      // the d × K scratch would cost more than the product at large d
      for (Owed o : owed) block.addTransposeTimes(o.coefs(), o.count(), o.out(), o.offset());
    } else {
      double[] all = new double[n * columns];
      int at = 0;
      for (Owed o : owed) {
        System.arraycopy(o.coefs(), 0, all, at * n, o.count() * n);
        at += o.count();
      }
      double[] products = new double[d * columns];
      block.addTransposeTimes(all, columns, products, 0);
      at = 0;
      for (Owed o : owed) {
        for (int k = 0; k < o.count() * d; k++) o.out()[o.offset() + k] += products[at * d + k];
        at += o.count();
      }
    }
    owed.clear();
    columns = 0;
  }
}
