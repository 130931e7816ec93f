package dev.hyperreg.spark.lbfgs

import breeze.linalg.DenseVector
import breeze.optimize.DiffFunction

/**
 * Breeze's view of a loss: `calculate(x)` returns (L(x), ∇L(x)). Java cannot implement the
 * `DiffFunction` trait itself (its `apply` returns a primitive double where `Function1`'s returns an
 * object, and javac rejects both forms), so this small Scala class is the bridge: [[LbfgsSolver]]
 * passes the distributed loss-and-gradient pass as a Java function.
 */
final class BreezeObjective(
    pass: java.util.function.Function[DenseVector[Double], (Double, DenseVector[Double])])
    extends DiffFunction[DenseVector[Double]] {
  override def calculate(x: DenseVector[Double]): (Double, DenseVector[Double]) = pass.apply(x)
}
