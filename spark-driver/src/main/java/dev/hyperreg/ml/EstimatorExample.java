package dev.hyperreg.ml;

import java.io.IOException;
import java.io.PrintStream;
import java.util.Arrays;
import java.util.Locale;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;

/**
 * {@code hyperreg example}: the notebook walkthrough of the README as a program, on the bundled
 * softmax data — fit the estimator on a DataFrame, read the summary, save, load, transform.
 */
public final class EstimatorExample {
  private EstimatorExample() {}

  /** The LIBSVM file the walkthrough reads unless told otherwise. */
  public static final String DEFAULT_DATA = "test-data/softmax.libsvm";

  /** Where the model is saved unless told otherwise, replacing what is there. */
  public static final String DEFAULT_OUTPUT = "target/example-model";

  /** Runs the walkthrough in the given session on data, saving the model to output; returns the exit status. */
  public static int run(SparkSession spark, String data, String output, PrintStream out) throws IOException {
    Dataset<Row> frame = spark.read().format("libsvm").load(data);
    HyperbolicRegression estimator = new HyperbolicRegression()
        .setObjective("softmax").setRidge(1e-4).setSolver("sketch").setSeed(3).setShareCol("share");
    out.println(estimator.explainParams());
    HyperbolicRegressionModel model = estimator.fit(frame);
    HyperbolicRegressionTrainingSummary s = model.summary();
    out.printf(Locale.ROOT, "%n%s: %s after %d iterations and %d data passes%n", s.stopReason(), s.message(),
        s.totalIterations(), s.dataPasses());
    out.println("objective history: " + Arrays.toString(s.objectiveHistory()));
    out.println("coefficients: " + model.coefficients());
    model.write().overwrite().save(output);
    HyperbolicRegressionModel loaded = HyperbolicRegressionModel.load(output);
    out.println("saved and loaded from " + output + " (hasSummary after load: " + loaded.hasSummary() + ")");
    loaded.transform(frame).select("label", "prediction", "share").show(5, false);
    return s.converged() ? 0 : 3;
  }
}
