package dev.hyperreg.ml;

import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;

/**
 * A model's metrics on some data ({@link HyperbolicRegressionModel#evaluate}), every one on the
 * labels' scale; see {@link HyperbolicRegressionEvaluator} for what each means.
 *
 * @param predictions the data with the prediction column added
 * @param labelCol the label column compared
 * @param predictionCol the prediction column compared
 * @param objective the objective whose loss {@code loss} is
 * @param numInstances rows evaluated
 * @param loss the objective's own loss on these rows ({@link HyperbolicRegressionEvaluator})
 * @param rmse √(mean of (prediction − label)²)
 * @param r2 1 − Σ(prediction − label)²/Σ(label − mean label)²
 */
public record HyperbolicRegressionSummary(Dataset<Row> predictions, String labelCol, String predictionCol,
    String objective, long numInstances, double loss, double rmse, double r2) {}
