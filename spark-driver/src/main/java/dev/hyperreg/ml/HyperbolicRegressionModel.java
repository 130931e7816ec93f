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
 * A fitted {@link HyperbolicRegression}: the coefficients x, and {@code transform}, which adds
 * f(a·x) for every row as {@code predictionCol} and, when {@code shareCol} is set (rescaled and
 * softmax), the share f(a·x)/Σ f(a·x) over the rows being transformed — it depends on which rows are
 * scored together, so it is opt-in. f(a·x) is +∞ where it exceeds the double range; the share is
 * computed in scaled form (every f multiplied by e^{−max}), so it stays finite.
 *
 * <p>Saved as Spark ML's param metadata plus the coefficients as Parquet under {@code data/}.
 */
public final class HyperbolicRegressionModel extends Model<HyperbolicRegressionModel> implements MLWritable {
  private static final long serialVersionUID = 1L;

  private final String uid;
  private final Vector coefficients;
  private final HyperbolicRegressionTrainingSummary summary;
  private final SharedParams shared;

  /**
   * An empty model (no coefficients): Spark Connect finds the estimators and models it may load
   * with a ServiceLoader (META-INF/services), which needs a public no-argument constructor.
   */
  public HyperbolicRegressionModel() {
    this(org.apache.spark.ml.util.Identifiable$.MODULE$.randomUID("hyperbolicRegModel"),
        new org.apache.spark.ml.linalg.DenseVector(new double[0]), null);
  }

  HyperbolicRegressionModel(String uid, Vector coefficients, HyperbolicRegressionTrainingSummary summary) {
    this.uid = uid;
    this.coefficients = coefficients;
    this.summary = summary;
    shared = new SharedParams(this);
    setDefault(shared.featuresCol, "features");
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

  /** The training summary; throws after a load, like Spark's models. */
  public HyperbolicRegressionTrainingSummary summary() {
    if (summary == null) throw new IllegalStateException("no training summary: this model was loaded, not fitted");
    return summary;
  }

  public Param<String> featuresCol() { return shared.featuresCol; }
  public Param<String> predictionCol() { return shared.predictionCol; }
  public Param<String> shareCol() { return shared.shareCol; }
  public Param<String> objective() { return shared.objective; }
  public Param<String> link() { return shared.link; }

  public String getFeaturesCol() { return getOrDefault(shared.featuresCol); }
  public String getPredictionCol() { return getOrDefault(shared.predictionCol); }
  public String getShareCol() { return getOrDefault(shared.shareCol); }
  public String getObjective() { return getOrDefault(shared.objective); }
  public String getLink() { return getOrDefault(shared.link); }

  public HyperbolicRegressionModel setFeaturesCol(String v) { set(shared.featuresCol, v); return this; }
  public HyperbolicRegressionModel setPredictionCol(String v) { set(shared.predictionCol, v); return this; }
  public HyperbolicRegressionModel setShareCol(String v) { set(shared.shareCol, v); return this; }

  @Override public Dataset<Row> transform(Dataset<?> dataset) {
    transformSchema(dataset.schema(), true);
    Scoring scoring = new Scoring(Link.parse(getLink()), coefficients.toArray(), false);
    UserDefinedFunction margin = functions.udf((UDF1<Vector, Double>) v -> margin(scoring, v), DataTypes.DoubleType);
    UserDefinedFunction value = functions.udf((UDF1<Double, Double>) scoring::prediction, DataTypes.DoubleType);
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
    HyperbolicRegressionModel copy = new HyperbolicRegressionModel(uid, coefficients, summary);
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
      StructType schema = new StructType().add("coefficients", new VectorUDT(), false);
      sparkSession().createDataFrame(List.of(RowFactory.create(model.coefficients)), schema).repartition(1)
          .write().parquet(new org.apache.hadoop.fs.Path(path, "data").toString());
    }
  }

  private static final class Reader extends MLReader<HyperbolicRegressionModel> {
    @Override public HyperbolicRegressionModel load(String path) {
      DefaultParamsReader.Metadata metadata = DefaultParamsReader.loadMetadata(path, sparkSession(),
          HyperbolicRegressionModel.class.getName());
      Row data = sparkSession().read().parquet(new org.apache.hadoop.fs.Path(path, "data").toString())
          .select("coefficients").head();
      HyperbolicRegressionModel model = new HyperbolicRegressionModel(metadata.uid(), (Vector) data.get(0), null);
      metadata.getAndSetParams(model, scala.Option.empty());
      return model;
    }
  }
}
