/**
 * The jobs behind the commands — fit, predict, shift, generate — with what each is asked to do
 * ({@link dev.hyperreg.spark.job.FitOptions} and its siblings, filled by the command line or a
 * {@code --conf-file}), their outputs (summary.json, the shift report) and exit statuses. Uses
 * {@code io}, {@code exec}, {@code lbfgs} and core.
 */
package dev.hyperreg.spark.job;
