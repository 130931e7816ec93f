package dev.hyperreg.ml;

import dev.hyperreg.core.objective.Link;
import dev.hyperreg.core.objective.ObjectiveKind;
import dev.hyperreg.core.objective.Scoring;
import java.io.IOException;
import java.util.List;
import org.apache.spark.ml.Model;
import org.apache.spark.ml.linalg.Vector;
import org.apache.spark.ml.linalg.VectorUDT;
import org.apache.spark.ml.param.Param;
import org.apache.spark.ml.param.ParamMap;
import org.apache.spark.ml.util.DefaultParamsReader;
import org.apache.spark.ml.util.DefaultParamsWriter;
import org.apache.spark.ml.util.MLReader;
import org.apache.spark.ml.util.MLWritable;
import org.apache.spark.ml.util.MLWriter;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.api.java.UDF1;
import org.apache.spark.sql.expressions.UserDefinedFunction;
import org.apache.spark.sql.functions;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;

/**
 * A fitted {@link HyperbolicRegression}: the coefficients x, and {@code transform}, which adds for
 * every row as {@code predictionCol} the prediction on the labels' scale
 * ({@link Scoring#labelPrediction}): f(a·x) for the plain objective; Σ_T b · f(a·x)/Σ_T f(a·x) for
 * rescaled and softmax, both sums over the training rows T, which the model keeps
 * ({@link Scoring.LabelScale}) — a row's share of the training rows' Σ f, on the training labels'
 * scale. It depends on no other row being transformed, so {@code RegressionEvaluator} and
 * {@link HyperbolicRegressionEvaluator} compare it with the label directly. When {@code shareCol} is
 * set (rescaled and softmax), {@code transform} also adds the share f(a·x)/Σ f(a·x) over the rows
 * being transformed. Plain's f(a·x) is +∞ where it exceeds the double range; the shares (and the
 * label-scale predictions of the other two) are computed in scaled form (every f multiplied by
 * e^{−max}), so they stay finite.
 *
 * <p>Saved as Spark ML's param metadata plus the coefficients and the label scale as Parquet under
 * {@code data/}. A model saved by 0.1.0 has no label scale: it loads, but a rescaled or softmax one
 * refuses to transform until refitted.
 */
public final class HyperbolicRegressionModel extends Model<HyperbolicRegressionModel> implements MLWritable {
  private static final long serialVersionUID = 1L;

  private final String uid;
  private final Vector coefficients;
  private final HyperbolicRegressionTrainingSummary summary;
  private final SharedParams shared;
  /** Σb and Σ f(a·x) of the training rows (rescaled, softmax); null for plain and for a 0.1.0 model. */
  private final Scoring.LabelScale labelScale;

  /**
   * An empty model (no coefficients): Spark Connect finds the estimators and models it may load
   * with a ServiceLoader (META-INF/services), which needs a public no-argument constructor.
   */
  public HyperbolicRegressionModel() {
    this(org.apache.spark.ml.util.Identifiable$.MODULE$.randomUID("hyperbolicRegModel"),
        new org.apache.spark.ml.linalg.DenseVector(new double[0]), null, null);
  }

  HyperbolicRegressionModel(String uid, Vector coefficients, HyperbolicRegressionTrainingSummary summary,
      Scoring.LabelScale labelScale) {
    this.uid = uid;
    this.coefficients = coefficients;
    this.summary = summary;
    this.labelScale = labelScale;
    shared = new SharedParams(this);
    setDefault(shared.featuresCol, "features");
    setDefault(shared.labelCol, "label");
    setDefault(shared.predictionCol, "prediction");
    setDefault(shared.shareCol, "");
    setDefault(shared.objective, "rescaled");
    setDefault(shared.link, "exp");
  }

  @Override public String uid() { return uid; }

  /**
   * The model as JSON: uid, objective, link, coefficients and the training summary (null when there
   * is none; infinite objective values as the strings "Infinity"). A Spark Connect client may call
   * only an allow-list of methods on a server-side model, and toString is the one every model has,
   * so this is how the PySpark wrapper reads a model over Connect; doubles read back exactly.
   */
  @Override public String toString() {
    java.util.Map<String, Object> m = new java.util.LinkedHashMap<>();
    m.put("uid", uid);
    m.put("objective", getObjective());
    m.put("link", getLink());
    m.put("coefficients", coefficients.toArray());
    m.put("labelSum", labelScale == null ? null : labelScale.labelSum());
    m.put("trainingSum", labelScale == null ? null : labelScale.trainingSum());
    m.put("summary", summary);
    try {
      return new com.fasterxml.jackson.databind.ObjectMapper().writeValueAsString(m);
    } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
      throw new IllegalStateException("model " + uid + " does not serialize to JSON", e);
    }
  }

  /** x, as Spark's linear models expose theirs. */
  public Vector coefficients() { return coefficients; }

  public boolean hasSummary() { return summary != null; }

  /**
   * Σb over the training rows (rescaled and softmax: the fit fitted b/Σb and predicts on b's scale);
   * 1 for plain, NaN for a rescaled or softmax model saved by 0.1.0.
   */
  public double trainingLabelSum() {
    if (labelScale != null) return labelScale.labelSum();
    return getObjective().equals("plain") ? 1 : Double.NaN;
  }

  /**
   * The model's metrics on {@code dataset} (featuresCol and labelCol): it is transformed, and
   * {@link HyperbolicRegressionEvaluator#summarize} compares the predictions with the labels.
   */
  public HyperbolicRegressionSummary evaluate(Dataset<?> dataset) {
    String prediction = getPredictionCol();
    HyperbolicRegressionModel scorer = copy(ParamMap.empty()).setShareCol("");
    if (java.util.Arrays.asList(dataset.schema().fieldNames()).contains(prediction)) {
      // a column of the caller's keeps its name: score into a fresh one
      prediction = "prediction_" + uid;
      scorer.setPredictionCol(prediction);
    }
    Dataset<Row> predictions = scorer.transform(dataset);
    return HyperbolicRegressionEvaluator.summarize(predictions, getLabelCol(), prediction, getObjective());
  }

  /** The training summary; throws after a load, like Spark's models. */
  public HyperbolicRegressionTrainingSummary summary() {
    if (summary == null) throw new IllegalStateException("no training summary: this model was loaded, not fitted");
    return summary;
  }

  public Param<String> featuresCol() { return shared.featuresCol; }
  public Param<String> labelCol() { return shared.labelCol; }
  public Param<String> predictionCol() { return shared.predictionCol; }
  public Param<String> shareCol() { return shared.shareCol; }
  public Param<String> objective() { return shared.objective; }
  public Param<String> link() { return shared.link; }

  public String getFeaturesCol() { return getOrDefault(shared.featuresCol); }
  public String getLabelCol() { return getOrDefault(shared.labelCol); }
  public String getPredictionCol() { return getOrDefault(shared.predictionCol); }
  public String getShareCol() { return getOrDefault(shared.shareCol); }
  public String getObjective() { return getOrDefault(shared.objective); }
  public String getLink() { return getOrDefault(shared.link); }

  public HyperbolicRegressionModel setFeaturesCol(String v) { set(shared.featuresCol, v); return this; }
  public HyperbolicRegressionModel setLabelCol(String v) { set(shared.labelCol, v); return this; }
  public HyperbolicRegressionModel setPredictionCol(String v) { set(shared.predictionCol, v); return this; }
  public HyperbolicRegressionModel setShareCol(String v) { set(shared.shareCol, v); return this; }

  @Override public Dataset<Row> transform(Dataset<?> dataset) {
    transformSchema(dataset.schema(), true);
    if (labelScale == null && !getObjective().equals("plain")) {
      throw new IllegalStateException("this " + getObjective() + " model (" + uid + ") was saved by hyperreg 0.1.0,"
          + " without Σb and Σ f(a·x) of its training rows, so it cannot predict on the labels' scale: refit it");
    }
    Scoring scoring = new Scoring(Link.parse(getLink()), coefficients.toArray(), false);
    Scoring.LabelScale scale = labelScale;
    UserDefinedFunction margin = functions.udf((UDF1<Vector, Double>) v -> margin(scoring, v), DataTypes.DoubleType);
    UserDefinedFunction value = functions.udf((UDF1<Double, Double>) z -> scoring.labelPrediction(z, scale),
        DataTypes.DoubleType);
    String marginCol = "__hyperreg_margin";
    Dataset<Row> withMargin = dataset.withColumn(marginCol, margin.apply(functions.col(getFeaturesCol())));
    Dataset<Row> out = withMargin.withColumn(getPredictionCol(), value.apply(functions.col(marginCol)));
    if (!getShareCol().isEmpty()) {
      // Σ f(z)·e^{−m} over the scored rows in one job, as hyperreg predict gathers it
      double[] sum = withMargin.select(marginCol).javaRDD().aggregate(Scoring.emptySum(),
          (acc, row) -> scoring.addToSum(acc, row.getDouble(0)), Scoring::mergeSums);
      UserDefinedFunction share = functions.udf((UDF1<Double, Double>) z -> scoring.share(z, sum),
          DataTypes.DoubleType);
      out = out.withColumn(getShareCol(), share.apply(functions.col(marginCol)));
    }
    return out.drop(marginCol);
  }

  /** a·x of a Spark ML vector, which must have one entry per coefficient. */
  private static double margin(Scoring scoring, Vector v) {
    if (v.size() != scoring.features()) {
      throw new IllegalArgumentException("a feature vector of size " + v.size() + " for a model of "
          + scoring.features() + " coefficients");
    }
    if (v instanceof org.apache.spark.ml.linalg.SparseVector sparse) return scoring.margin(sparse.indices(), sparse.values());
    return scoring.margin(null, v.toArray());
  }

  @Override public StructType transformSchema(StructType schema) {
    HyperbolicRegression.requireColumn(schema, getFeaturesCol(), "a Spark ML Vector", t -> t instanceof VectorUDT);
    return outputSchema(schema, getPredictionCol(), getShareCol(), getObjective());
  }

  static StructType outputSchema(StructType schema, String predictionCol, String shareCol, String objective) {
    if (!shareCol.isEmpty() && !ObjectiveKind.parse(objective).predictsShares()) {
      throw new IllegalArgumentException("shareCol is for the rescaled and softmax objectives, whose model is a"
          + " share of Σ f(a·x); the plain objective predicts f(a·x) itself");
    }
    StructType out = schema.add(predictionCol, DataTypes.DoubleType, false);
    return shareCol.isEmpty() ? out : out.add(shareCol, DataTypes.DoubleType, false);
  }

  @Override public HyperbolicRegressionModel copy(ParamMap extra) {
    HyperbolicRegressionModel copy = new HyperbolicRegressionModel(uid, coefficients, summary, labelScale);
    return (HyperbolicRegressionModel) copyValues(copy, extra).setParent(parent());
  }

  @Override public MLWriter write() { return new Writer(this); }

  @Override public void save(String path) throws IOException { write().save(path); }

  public static MLReader<HyperbolicRegressionModel> read() { return new Reader(); }

  public static HyperbolicRegressionModel load(String path) { return read().load(path); }

  /** Params as Spark ML metadata (JSON) under the path, the coefficients as Parquet under data/. */
  private static final class Writer extends MLWriter {
    private final HyperbolicRegressionModel model;

    Writer(HyperbolicRegressionModel model) { this.model = model; }

    @Override public void saveImpl(String path) {
      DefaultParamsWriter.saveMetadata(model, path, sparkSession());
      StructType schema = new StructType().add("coefficients", new VectorUDT(), false)
          .add("labelSum", DataTypes.DoubleType, true)
          .add("trainingSum", new VectorUDT(), true); // a vector, not an array: no Spark type Kryo must know beyond Vector's
      Scoring.LabelScale scale = model.labelScale;
      Row row = RowFactory.create(model.coefficients, scale == null ? null : scale.labelSum(),
          scale == null ? null : org.apache.spark.ml.linalg.Vectors.dense(scale.trainingSum()));
      sparkSession().createDataFrame(List.of(row), schema).repartition(1)
          .write().parquet(new org.apache.hadoop.fs.Path(path, "data").toString());
    }
  }

  private static final class Reader extends MLReader<HyperbolicRegressionModel> {
    @Override public HyperbolicRegressionModel load(String path) {
      DefaultParamsReader.Metadata metadata = DefaultParamsReader.loadMetadata(path, sparkSession(),
          HyperbolicRegressionModel.class.getName());
      Dataset<Row> stored = sparkSession().read().parquet(new org.apache.hadoop.fs.Path(path, "data").toString());
      Row data = stored.head();
      Scoring.LabelScale scale = null;
      // 0.1.0 saved the coefficients only
      if (java.util.Arrays.asList(stored.columns()).contains("labelSum") && !data.isNullAt(data.fieldIndex("labelSum"))) {
        scale = new Scoring.LabelScale(data.getDouble(data.fieldIndex("labelSum")),
            ((Vector) data.get(data.fieldIndex("trainingSum"))).toArray());
      }
      HyperbolicRegressionModel model = new HyperbolicRegressionModel(metadata.uid(),
          (Vector) data.get(data.fieldIndex("coefficients")), null, scale);
      metadata.getAndSetParams(model, scala.Option.empty());
      return model;
    }
  }
}
