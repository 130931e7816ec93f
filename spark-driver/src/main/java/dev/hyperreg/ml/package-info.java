/**
 * The Spark ML estimator for notebooks and pipelines: {@link dev.hyperreg.ml.HyperbolicRegression}
 * fits a {@link dev.hyperreg.ml.HyperbolicRegressionModel} on a DataFrame with the CLI's solvers,
 * and the model saves, loads and transforms. Uses {@code dev.hyperreg.spark.job} and the layers below.
 */
package dev.hyperreg.ml;
