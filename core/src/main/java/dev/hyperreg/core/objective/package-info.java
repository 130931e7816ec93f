/**
 * The objective family: links f ∈ {exp, cosh, sinh}, the rescaled, plain and softmax objectives
 * with their regularizer, what one pass over the rows collects for each ({@link
 * dev.hyperreg.core.objective.PassSums}) and how the driver turns the sums into loss, gradient and
 * Hessian ({@link dev.hyperreg.core.objective.Evaluation}). The per-objective formulas live in the
 * package-private {@code *Terms} classes. Uses {@code sketch}, {@code data} and {@code linalg}.
 */
package dev.hyperreg.core.objective;
