/**
 * Breeze's L-BFGS (the optimizer Spark ML's regressors use) driven by the same distributed
 * loss-and-gradient pass as the Newton solvers; the one Scala class adapts Breeze's DiffFunction
 * trait, which Java cannot implement. Uses core's {@code objective} and {@code solver}.
 */
package dev.hyperreg.spark.lbfgs;
