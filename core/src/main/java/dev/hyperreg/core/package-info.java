/**
 * hyperreg core: the exp/cosh/sinh regression family and its Newton solvers, usable without a
 * cluster. This package holds only the failures every layer may raise ({@link
 * dev.hyperreg.core.InvalidProblemException}, {@link dev.hyperreg.core.OverflowException}); the
 * layers below it, in the order they depend on each other:
 * {@code linalg} ← {@code data} ← {@code sketch} ← {@code objective} ← {@code solver} ← {@code shift}.
 * Each uses only the packages to its left (and this one).
 */
package dev.hyperreg.core;
