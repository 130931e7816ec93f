package dev.hyperreg.core.shift;

import dev.hyperreg.core.data.BlockAggregator;
import dev.hyperreg.core.data.DenseRowBlock;
import dev.hyperreg.core.data.PairAggregator;
import dev.hyperreg.core.data.PairedPassRunner;
import dev.hyperreg.core.data.PassRunner;
import dev.hyperreg.core.data.RowBlock;
import java.io.Serializable;

/** A shift of the data computed block by block: the shifted rows of an original block. */
@FunctionalInterface
public interface DataShift extends Serializable {
  /** The block's rows after the shift: same ids, order and width. */
  RowBlock apply(RowBlock original);

  /** The data of {@code base} and its shift by this, each shifted block computed where it is read. */
  default PairedPassRunner over(PassRunner base) { return new ShiftedPasses(base, this); }

  /**
   * The rows a + t·(a' − a) (or, with {@code differenceOnly}, t·(a' − a)) of two blocks holding the
   * same rows, as a dense block written out entry by entry; targets likewise, weights the original's.
   */
  static RowBlock between(RowBlock original, RowBlock shifted, double t, boolean differenceOnly) {
    double[] labels = new double[original.rows()];
    for (int i = 0; i < labels.length; i++) {
      double labelShift = t * (shifted.label(i) - original.label(i));
      labels[i] = differenceOnly ? labelShift : original.label(i) + labelShift;
    }
    return DenseRowBlock.ofRows(original, (i, row) -> {
      shifted.addRow(i, t, row, 0);
      original.addRow(i, -t, row, 0);
      if (!differenceOnly) original.addRow(i, 1, row, 0);
    }, labels);
  }

  /** Passes over a base runner's blocks and their shifts, the shifted blocks made inside the pass. */
  final class ShiftedPasses implements PairedPassRunner {
    private final PassRunner base;
    private final DataShift shift;

    ShiftedPasses(PassRunner base, DataShift shift) {
      this.base = base;
      this.shift = shift;
    }

    @Override public <A extends Serializable> A aggregate(PairAggregator<A> aggregator, String description) {
      return base.aggregate(new Paired<>(aggregator, shift), description);
    }

    @Override public PassRunner original() { return base; }

    @Override public PassRunner shifted() {
      return new PassRunner() {
        @Override public <A extends Serializable> A aggregate(BlockAggregator<A> aggregator, String description) {
          return base.aggregate(new ShiftedOnly<>(aggregator, shift), description);
        }
      };
    }
  }

  /** Hands each block and its shift to a pair aggregator. */
  record Paired<A extends Serializable>(PairAggregator<A> aggregator, DataShift shift) implements BlockAggregator<A> {
    @Override public A zero() { return aggregator.zero(); }

    @Override public A add(A acc, RowBlock block) { return aggregator.add(acc, block, shift.apply(block)); }

    @Override public A merge(A left, A right) { return aggregator.merge(left, right); }
  }

  /** Hands each block's shift to an aggregator. */
  record ShiftedOnly<A extends Serializable>(BlockAggregator<A> aggregator, DataShift shift)
      implements BlockAggregator<A> {
    @Override public A zero() { return aggregator.zero(); }

    @Override public A add(A acc, RowBlock block) { return aggregator.add(acc, shift.apply(block)); }

    @Override public A merge(A left, A right) { return aggregator.merge(left, right); }
  }
}
