package dev.hyperreg.core.data;

import java.io.Serializable;
import java.util.List;

/** Passes over a list of blocks in this JVM, block by block: the reference the Spark path must match. */
public final class InMemoryPassRunner implements PassRunner {
  private final List<RowBlock> blocks;

  public InMemoryPassRunner(List<RowBlock> blocks) { this.blocks = List.copyOf(blocks); }

  public List<RowBlock> blocks() { return blocks; }

  @Override public <A extends Serializable> A aggregate(BlockAggregator<A> aggregator, String description) {
    A acc = aggregator.zero();
    for (RowBlock block : blocks) acc = aggregator.add(acc, block);
    return acc;
  }
}
