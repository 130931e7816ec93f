/**
 * Batch scoring ({@code hyperreg predict}): the output of a fit, or a saved Spark ML model, applied
 * to LIBSVM, CSV or Parquet rows, written atomically as Parquet or CSV. Above both the jobs and the
 * estimator, since it reads either one's model. Uses {@code dev.hyperreg.ml}, {@code io} and core.
 */
package dev.hyperreg.spark.predict;
