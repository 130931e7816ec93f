package dev.hyperreg.core.data;

import dev.hyperreg.core.InvalidProblemException;
import java.io.Serializable;
import java.util.List;

/** Two lists of blocks holding the same rows before and after a shift, passed over in this JVM. */
public final class InMemoryPairedRunner implements PairedPassRunner {
  private final InMemoryPassRunner original;
  private final InMemoryPassRunner shifted;

  public InMemoryPairedRunner(List<RowBlock> original, List<RowBlock> shifted) {
    if (original.size() != shifted.size()) {
      throw new InvalidProblemException("the shifted data have " + shifted.size() + " blocks, the original "
          + original.size());
    }
    this.original = new InMemoryPassRunner(original);
    this.shifted = new InMemoryPassRunner(shifted);
  }

  @Override public <A extends Serializable> A aggregate(PairAggregator<A> aggregator, String description) {
    A acc = aggregator.zero();
    for (int k = 0; k < original.blocks().size(); k++) {
      acc = aggregator.add(acc, original.blocks().get(k), shifted.blocks().get(k));
    }
    return acc;
  }

  @Override public PassRunner original() { return original; }

  @Override public PassRunner shifted() { return shifted; }
}
