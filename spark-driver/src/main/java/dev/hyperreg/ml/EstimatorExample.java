package dev.hyperreg.ml;

import dev.hyperreg.spark.UsageException;
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

  public static final String USAGE = String.join("\n",
      "usage: hyperreg example [--data FILE] [--output DIR]",
      "",
      "  --data FILE    a LIBSVM file (default test-data/softmax.libsvm)",
      "  --output DIR   where the model is saved, replacing what is there (default target/example-model)");

  /** Runs the walkthrough in the given session; returns the exit status. */
  public static int run(SparkSession spark, String[] args, PrintStream out) throws IOException {
    String data = "test-data/softmax.libsvm";
    String output = "target/example-model";
    for (int i = 0; i < args.length; i++) {
      switch (args[i]) {
        case "--data" -> data = args[++i];
        case "--output" -> output = args[++i];
        case "--help" -> {
          out.println(USAGE);
          return 0;
        }
        default -> throw new UsageException("unknown option " + args[i] + " for example (see --help)");
      }
    }
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
