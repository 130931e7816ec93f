package dev.hyperreg.spark.exec;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.hyperreg.core.linalg.LinearAlgebra;
import dev.hyperreg.spark.SparkTestSession;
import dev.hyperreg.spark.CliRun;
import java.nio.file.Path;
import org.apache.spark.ml.regression.GeneralizedLinearRegression;
import org.apache.spark.ml.regression.GeneralizedLinearRegressionModel;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * An independent solver on the same problem: for plain exp without regularization,
 * ½‖exp(Ax) − b‖² is exactly what Spark ML's GeneralizedLinearRegression (gaussian family, log
 * link, no intercept, no regularization) minimizes, by IRLS instead of Newton.
 */
class SparkGlrAgreementTest {
  @TempDir Path dir;

  @Test
  void plainExpMatchesSparkGeneralizedLinearRegression() throws Exception {
    Path data = Path.of("..", "test-data", "plain-exp.libsvm");
    Path out = dir.resolve("fit");
    CliRun r = CliRun.run("fit", "--input", data.toString(), "--output", out.toString(),
        "--objective", "plain", "--link", "exp", "--tol", "1e-12");
    assertEquals(0, r.status(), r.err());
    JsonNode summary = new ObjectMapper().readTree(out.resolve("summary.json").toFile());

    Dataset<Row> frame = SparkTestSession.get().read().format("libsvm").load(data.toString());
    GeneralizedLinearRegressionModel glr = new GeneralizedLinearRegression()
        .setFamily("gaussian").setLink("log").setFitIntercept(false).setRegParam(0)
        .setMaxIter(100).setTol(1e-12).fit(frame);
    double[] reference = glr.coefficients().toArray();
    double[] ours = new double[reference.length];
    for (int j = 0; j < ours.length; j++) ours[j] = summary.get("coefficients").get(j).asDouble();
    double difference = LinearAlgebra.relativeDistance(ours, reference);
    assertTrue(difference < 1e-8, "relative difference to Spark's GLR: " + difference);
  }
}
