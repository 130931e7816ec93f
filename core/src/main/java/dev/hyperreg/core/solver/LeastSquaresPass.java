package dev.hyperreg.core.solver;

import dev.hyperreg.core.data.BlockAggregator;
import dev.hyperreg.core.data.RowBlock;
import dev.hyperreg.core.objective.Link;
import java.io.Serializable;

/**
 * The matrix-free start's pass ({@link StartingPoint#matrixFree}): the setup sums, or one product
 * with the direction, of the weighted least-squares fit of f⁻¹(b) over [A 1].
 */
final class LeastSquaresPass implements BlockAggregator<LeastSquaresPass.Sums> {
  private static final long serialVersionUID = 1L;
  private final Link link;
  private final int dim;
  /** θ_x, or null for the setup pass. */
  private final double[] direction;
  /** θ_c, the constant column's entry. */
  private final double constant;

  /** @param direction θ = [θ_x; θ_c] (length d + 1), or null for the setup pass */
  LeastSquaresPass(Link link, int dim, double[] direction) {
    this.link = link;
    this.dim = dim;
    this.direction = direction == null ? null : java.util.Arrays.copyOf(direction, dim);
    this.constant = direction == null ? 0 : direction[dim];
  }

  @Override public Sums zero() { return new Sums(dim, direction == null); }

  @Override public Sums add(Sums acc, RowBlock block) {
    int n = block.rows();
    double[] weights = new double[n];
    double[] coefs = new double[n];
    double[] t = direction == null ? null : new double[n];
    if (t != null) block.multiply(direction, t);
    for (int i = 0; i < n; i++) {
      double b = block.label(i);
      double y = link.inverse(b);
      weights[i] = StartingPoint.fitWeight(link, b, y);
      if (weights[i] == 0) continue;
      double value = t == null ? y : t[i] + constant;
      coefs[i] = weights[i] * value;
      acc.products[dim] += coefs[i];
      if (t == null) {
        acc.diagonal[dim] += weights[i];
        acc.used++;
      }
    }
    block.addTransposeTimes(coefs, 1, acc.products, 0);
    if (t == null) {
      block.addWeightedSquares(weights, 1, acc.diagonal, 0);
      StartingPoint.addColumnSquares(block, acc.columnSquares);
    }
    acc.rows += n;
    return acc;
  }

  @Override public Sums merge(Sums left, Sums right) {
    for (int j = 0; j <= dim; j++) left.products[j] += right.products[j];
    if (left.diagonal != null) {
      for (int j = 0; j <= dim; j++) left.diagonal[j] += right.diagonal[j];
      for (int j = 0; j < dim; j++) left.columnSquares[j] += right.columnSquares[j];
    }
    left.used += right.used;
    left.rows += right.rows;
    return left;
  }

  /**
   * What a matrix-free start's pass collects over [A 1] with weights W: without a direction, the
   * right-hand side [AᵀWy; ΣWy] and the diagonal [Σ W a_ij²; ΣW] (and Σ a_ij² per column for cosh's
   * fallback); with a direction θ, the product [AᵀW(Aθ_x + θ_c); ΣW(Aθ_x + θ_c)].
   */
  static final class Sums implements Serializable {
    private static final long serialVersionUID = 1L;
    final double[] products;
    final double[] diagonal;
    final double[] columnSquares;
    long used;
    long rows;

    Sums(int dim, boolean setup) {
      this.products = new double[dim + 1];
      this.diagonal = setup ? new double[dim + 1] : null;
      this.columnSquares = setup ? new double[dim] : null;
    }
  }
}
