package dev.hyperreg.core.objective;

import java.io.Serializable;

/**
 * What a pass over the data reads, for the cost of passes ({@code PassCost}): the rows, the entries
 * the blocks store (every entry of a dense block, the non-zeros of a sparse one) and the
 * multiply-adds of the exact Hessian's row products, Σ over blocks of entries²/rows — n·d² for
 * dense data, about Σᵢ kᵢ² (kᵢ the non-zeros of row i) for sparse.
 */
public record DataShape(long rows, double storedEntries, double gramWork) implements Serializable {}
