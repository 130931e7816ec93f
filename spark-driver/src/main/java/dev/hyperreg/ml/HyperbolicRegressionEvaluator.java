package dev.hyperreg.ml;

import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.count;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.pow;
import static org.apache.spark.sql.functions.sum;

import java.io.IOException;
import java.util.List;
import org.apache.spark.ml.evaluation.Evaluator;
import org.apache.spark.ml.param.Param;
import org.apache.spark.ml.param.ParamMap;
import org.apache.spark.ml.param.ParamValidators;
import org.apache.spark.ml.util.DefaultParamsReader;
import org.apache.spark.ml.util.DefaultParamsWriter;
import org.apache.spark.ml.util.Identifiable$;
import org.apache.spark.ml.util.MLReader;
import org.apache.spark.ml.util.MLWritable;
import org.apache.spark.ml.util.MLWriter;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;

/**
 * Scores a {@link HyperbolicRegressionModel}'s predictions (on the labels' scale) against the labels,
 * smaller being better for both metrics, so that {@code CrossValidator} and
 * {@code TrainValidationSplit} keep the model nearest the truth:
 *
 * <ul>
 *   <li>{@code rmse}: √(Σ(p_i − b_i)²/n) over the evaluated rows, p the prediction, b the label.
 *   <li>{@code loss} (default): the objective's own data loss on the evaluated rows, without the
 *       regularizer (which depends on the model's params, not on how well it fits). Plain:
 *       ½Σ(p_i − b_i)², its loss as it is. Softmax: ½Σ(s_i − b̃_i)² with s = p/Σp (= the softmax of
 *       a·x over the evaluated rows, since p ∝ exp(a·x)) and b̃ = b/Σb, the labels normalised over the
 *       evaluated rows as the estimator normalises its training rows. Rescaled: the same ½Σ(p_i/Σp −
 *       b̃_i)², which is the rescaled loss ½‖u − αb̃‖² (u = f(a·x), α = Σu) divided by α²: that loss
 *       grows with the square of f's scale, so compared as it is it would favour the model with the
 *       smallest f(a·x) rather than the best fit; divided by α² it depends on the shares u/α only.
 * </ul>
 *
 * Set {@code objective} to the fitted model's. A label or prediction column that sums to 0 (rescaled,
 * softmax) has no shares and is refused with an {@code IllegalArgumentException}.
 */
public final class HyperbolicRegressionEvaluator extends Evaluator implements MLWritable {
  private static final long serialVersionUID = 1L;

  private final String uid;
  private final Param<String> labelCol;
  private final Param<String> predictionCol;
  private final Param<String> metricName;
  private final Param<String> objective;

  public HyperbolicRegressionEvaluator() { this(Identifiable$.MODULE$.randomUID("hyperbolicRegEval")); }

  public HyperbolicRegressionEvaluator(String uid) {
    this.uid = uid;
    labelCol = new Param<>(this, "labelCol", "label column name");
    predictionCol = new Param<>(this, "predictionCol", "prediction column name (the model's, on the labels' scale)");
    metricName = new Param<>(this, "metricName", "loss (the objective's own data loss, label shares for rescaled"
        + " and softmax) or rmse (on the labels' scale); smaller is better for both",
        ParamValidators.inArray(List.of("loss", "rmse")));
    objective = new Param<>(this, "objective", "the fitted model's objective: rescaled, plain or softmax",
        ParamValidators.inArray(List.of("rescaled", "plain", "softmax")));
    setDefault(labelCol, "label");
    setDefault(predictionCol, "prediction");
    setDefault(metricName, "loss");
    setDefault(objective, "rescaled");
  }

  @Override public String uid() { return uid; }

  public Param<String> labelCol() { return labelCol; }
  public Param<String> predictionCol() { return predictionCol; }
  public Param<String> metricName() { return metricName; }
  public Param<String> objective() { return objective; }

  public String getLabelCol() { return getOrDefault(labelCol); }
  public String getPredictionCol() { return getOrDefault(predictionCol); }
  public String getMetricName() { return getOrDefault(metricName); }
  public String getObjective() { return getOrDefault(objective); }

  public HyperbolicRegressionEvaluator setLabelCol(String v) { set(labelCol, v); return this; }
  public HyperbolicRegressionEvaluator setPredictionCol(String v) { set(predictionCol, v); return this; }
  public HyperbolicRegressionEvaluator setMetricName(String v) { set(metricName, v); return this; }
  public HyperbolicRegressionEvaluator setObjective(String v) { set(objective, v); return this; }

  @Override public double evaluate(Dataset<?> dataset) {
    HyperbolicRegressionSummary s = summarize(dataset.toDF(), getLabelCol(), getPredictionCol(), getObjective());
    return getMetricName().equals("rmse") ? s.rmse() : s.loss();
  }

  /** Both metrics are losses. */
  @Override public boolean isLargerBetter() { return false; }

  /**
   * Every metric of predictions against labels in two jobs: the first sums n, Σp and Σb, the second
   * the squares, with the shares and the mean taken from the first (summing squares of differences
   * rather than expanding them keeps small losses accurate).
   */
  static HyperbolicRegressionSummary summarize(Dataset<Row> predictions, String labelCol, String predictionCol,
      String objective) {
    for (String name : List.of(labelCol, predictionCol)) {
      HyperbolicRegression.requireColumn(predictions.schema(), name, "numeric",
          t -> t instanceof org.apache.spark.sql.types.NumericType);
    }
    Column b = col(labelCol).cast("double");
    Column p = col(predictionCol).cast("double");
    Row first = predictions.agg(count(lit(1)), sum(p), sum(b)).head();
    long n = first.getLong(0);
    if (n == 0) throw new IllegalArgumentException("no rows to evaluate");
    double predictionSum = first.getDouble(1);
    double labelSum = first.getDouble(2);
    boolean shares = !objective.equals("plain");
    if (shares) {
      if (!(labelSum != 0 && Double.isFinite(labelSum))) {
        throw new IllegalArgumentException("the labels (column '" + labelCol + "') sum to " + labelSum
            + ": the " + objective + " loss compares shares b/Σb, which need a finite, non-zero Σb");
      }
      if (!(predictionSum != 0 && Double.isFinite(predictionSum))) {
        throw new IllegalArgumentException("the predictions (column '" + predictionCol + "') sum to "
            + predictionSum + ": the " + objective + " loss compares shares p/Σp, which need a finite, non-zero Σp");
      }
    }
    double mean = labelSum / n;
    Column lossTerm = shares ? pow(p.divide(lit(predictionSum)).minus(b.divide(lit(labelSum))), 2)
        : pow(p.minus(b), 2);
    Row second = predictions.agg(sum(pow(p.minus(b), 2)), sum(lossTerm), sum(pow(b.minus(lit(mean)), 2))).head();
    double squares = second.getDouble(0);
    double loss = 0.5 * second.getDouble(1);
    double total = second.getDouble(2);
    return new HyperbolicRegressionSummary(predictions, labelCol, predictionCol, objective, n, loss,
        Math.sqrt(squares / n), 1 - squares / total);
  }

  @Override public HyperbolicRegressionEvaluator copy(ParamMap extra) {
    return (HyperbolicRegressionEvaluator) defaultCopy(extra);
  }

  @Override public MLWriter write() { return new DefaultParamsWriter(this); }

  @Override public void save(String path) throws IOException { write().save(path); }

  public static MLReader<HyperbolicRegressionEvaluator> read() { return new DefaultParamsReader<>(); }

  public static HyperbolicRegressionEvaluator load(String path) { return read().load(path); }
}
