/**
 * How the rows of A live: row blocks (dense or CSR) carrying b_i, w_i² and a stable global row id,
 * and the pass abstraction — a fold of every block into one accumulator ({@link
 * dev.hyperreg.core.data.BlockAggregator}) run by a {@link dev.hyperreg.core.data.PassRunner}, in
 * memory here or as a Spark treeAggregate in the Spark driver. Uses {@code linalg} only.
 */
package dev.hyperreg.core.data;
