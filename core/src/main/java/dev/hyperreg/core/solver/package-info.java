/**
 * The solvers: Newton with a line search and damping ({@link dev.hyperreg.core.solver.NewtonSolver}),
 * where the Hessian comes from ({@link dev.hyperreg.core.solver.HessianStrategy}: exact, sketched or
 * sampled, or never formed: conjugate gradients on Hessian-vector passes,
 * {@link dev.hyperreg.core.solver.NewtonCg}), the start point, the iteration records and the stop reasons a fit reports. Uses {@code
 * objective} and the packages below it.
 */
package dev.hyperreg.core.solver;
