/**
 * The Spark side of hyperreg. This package holds the failures and exit statuses every layer of the
 * job uses, and the Kryo registrator users name in their Spark configuration (it names classes by
 * string, so it depends on no package). The layers, in the order they depend on each other:
 * {@code io}, {@code exec}, {@code lbfgs} ← {@code job} ← {@code bench}, {@code dev.hyperreg.ml}
 * ← {@code predict} ← {@code cli}; each uses only packages to its left, this one and hyperreg core
 * ({@code PackageCyclesTest} checks the built classes with jdeps).
 */
package dev.hyperreg.spark;
