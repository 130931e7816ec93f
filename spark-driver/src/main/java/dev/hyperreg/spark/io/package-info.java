/**
 * Input and output: LIBSVM, CSV and Parquet readers that validate, number and block the rows
 * ({@link dev.hyperreg.spark.io.BlockedData}), start points and coefficient files, checkpoints, and
 * output directories written atomically ({@link dev.hyperreg.spark.io.AtomicOutput}). Uses core's
 * {@code data} layer and the failures of {@code dev.hyperreg.spark}.
 */
package dev.hyperreg.spark.io;
