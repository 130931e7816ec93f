/**
 * The benchmark: the solvers side by side on generated problems, one pass's cost split into its
 * parts, and Spark ML's GLR as the baseline for plain exp. Uses {@code job} and the layers below.
 */
package dev.hyperreg.spark.bench;
