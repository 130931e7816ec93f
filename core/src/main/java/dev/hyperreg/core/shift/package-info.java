/**
 * How the minimizer of the rescaled objective moves when the data move: the first-order response,
 * its operator norms, a bound with its radius, the worst directions, and a weight step written as a
 * data shift. {@link dev.hyperreg.core.shift.ShiftAnalysis} is the entry point. Uses {@code solver}
 * and every package below it.
 */
package dev.hyperreg.core.shift;
