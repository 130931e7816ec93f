package dev.hyperreg.ml;

import dev.hyperreg.core.objective.Link;
import dev.hyperreg.core.objective.Objective;
import dev.hyperreg.core.objective.ObjectiveKind;
import dev.hyperreg.core.objective.Scoring;
import dev.hyperreg.core.data.RowBlock;
import dev.hyperreg.core.solver.FitResult;
import dev.hyperreg.core.solver.StartingPoint;
import dev.hyperreg.spark.InputFormatException;
import dev.hyperreg.spark.UsageException;
import dev.hyperreg.spark.io.BlockedData;
import dev.hyperreg.spark.io.TableInput;
import dev.hyperreg.spark.job.FitJob;
import dev.hyperreg.spark.job.FitOptions;
import dev.hyperreg.spark.job.Solver;
import dev.hyperreg.spark.job.SolverSettings;
import java.io.IOException;
import java.util.List;
import java.util.Locale;
import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.ml.Estimator;
import org.apache.spark.ml.linalg.DenseVector;
import org.apache.spark.ml.linalg.Vector;
import org.apache.spark.ml.linalg.VectorUDT;
import org.apache.spark.ml.param.BooleanParam;
import org.apache.spark.ml.param.DoubleArrayParam;
import org.apache.spark.ml.param.DoubleParam;
import org.apache.spark.ml.param.IntParam;
import org.apache.spark.ml.param.LongParam;
import org.apache.spark.ml.param.Param;
import org.apache.spark.ml.param.ParamMap;
import org.apache.spark.ml.param.ParamValidators;
import org.apache.spark.ml.util.DefaultParamsReader;
import org.apache.spark.ml.util.DefaultParamsWriter;
import org.apache.spark.ml.util.Identifiable$;
import org.apache.spark.ml.util.MLReader;
import org.apache.spark.ml.util.MLWritable;
import org.apache.spark.ml.util.MLWriter;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.types.NumericType;
import org.apache.spark.sql.types.StructType;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Spark ML estimator for the exp/cosh/sinh regression family: {@code fit} a DataFrame of feature
 * vectors and labels, get a {@link HyperbolicRegressionModel}. It runs the same distributed Newton
 * solvers as the {@code hyperreg fit} command ({@link FitJob#fitBlocks}): one Spark job per data
 * pass, the d × d system solved on the driver.
 *
 * <p>Objectives (see the README for the traps): rescaled ½‖f(Ax) − ⟨f(Ax),1⟩b‖², plain
 * ½‖f(Ax) − b‖², softmax ½‖softmax(Ax) − b‖², each plus ½Σ w_i²(a_i·x)² + ½λ‖x‖²; w_i is
 * {@code regWeightCol} when set, else {@code regWeight}; λ is {@code ridge}. There is no intercept
 * param: append a constant feature if you want one (softmax cannot identify it).
 *
 * <p><b>Σb of the training rows.</b> Rescaled and softmax fit shares: their zero-residual point has
 * f(a_i·x) ∝ b_i with Σb = 1 (softmax's s sums to 1; rescaled's u = αb with α = Σu forces Σb = 1 unless
 * u = 0). A training set whose labels sum to something else — a cross-validation fold of shares of the
 * whole data, say — would pose a different problem, pulled towards f(Ax) → 0. So for these two the
 * estimator fits b̃ = b/Σb over the training rows (one job sums the labels), reports the objective of
 * b̃ in the summary, and keeps Σb so that the model predicts on b's own scale
 * ({@link dev.hyperreg.core.objective.Scoring#labelPrediction}); labels that sum to 0 or to a
 * non-finite number are refused, naming {@code labelCol}. {@code normalizeLabels = false} fits b as
 * given — the problem {@code hyperreg fit} solves — and predicts f(a·x)/Σ_T f(a·x), the model of b that
 * objective fits. Plain fits b as it is.
 *
 * <p>Declared in Java on {@link Estimator} directly, with the params created after the uid is set
 * (subclassing {@code Predictor} from Java breaks param ownership, SPARK-15605).
 */
public final class HyperbolicRegression extends Estimator<HyperbolicRegressionModel> implements MLWritable {
  private static final long serialVersionUID = 1L;
  private static final Logger LOG = LoggerFactory.getLogger("dev.hyperreg.ml");

  private final String uid;
  private final SharedParams shared;
  private final Param<String> regWeightCol;
  private final DoubleParam regWeight;
  private final DoubleParam ridge;
  private final Param<String> solver;
  private final IntParam sketchSize;
  private final IntParam maxIter;
  private final DoubleParam tol;
  private final LongParam seed;
  private final IntParam aggregationDepth;
  private final DoubleArrayParam initialModel;
  private final BooleanParam normalizeLabels;

  public HyperbolicRegression() { this(Identifiable$.MODULE$.randomUID("hyperbolicReg")); }

  public HyperbolicRegression(String uid) {
    this.uid = uid;
    shared = new SharedParams(this);
    regWeightCol = new Param<>(this, "regWeightCol", "column of per-row regularization weights w_i"
        + " (optional, empty: regWeight for every row); not an instance weight");
    regWeight = new DoubleParam(this, "regWeight", "w for every row when regWeightCol is empty (≥ 0)",
        ParamValidators.gtEq(0));
    ridge = new DoubleParam(this, "ridge", "ridge λ on ‖x‖² (≥ 0)", ParamValidators.gtEq(0));
    solver = new Param<>(this, "solver", "newton-cg (default: CG on exact Hessian-vector passes, d-vectors per"
        + " task, preconditioned by a row-sampled Hessian; matrix-free for any d), sketch (sketched Gauss–Newton"
        + " Hessian), sample (leverage-score sampled Hessian, two passes per iteration), exact, or lbfgs",
        ParamValidators.inArray(FitOptions.SOLVERS));
    sketchSize = new IntParam(this, "sketchSize", "rows of the sketch, or rows to sample (for sample and newton-cg's"
        + " preconditioner; 0: 20·d)",
        ParamValidators.gtEq(0));
    maxIter = new IntParam(this, "maxIter", "maximum Newton (or L-BFGS) iterations (≥ 1)", ParamValidators.gtEq(1));
    tol = new DoubleParam(this, "tol", "converged when the Newton step is ≤ tol·max(1, ‖x‖), in (0, 1)",
        ParamValidators.inRange(0, 1, false, false));
    seed = new LongParam(this, "seed", "seed of the sketches and samples (same seed, same fit)");
    aggregationDepth = new IntParam(this, "aggregationDepth", "treeAggregate depth of every pass (0: chosen"
        + " from the number of partitions, else ≥ 2)", v -> (int) v == 0 || (int) v >= 2);
    initialModel = new DoubleArrayParam(this, "initialModel", "coefficients to start from (warm start);"
        + " set from a fitted model with setInitialModel(model)");
    normalizeLabels = new BooleanParam(this, "normalizeLabels", "rescaled and softmax: fit b/Σb of the training"
        + " rows (true) or b as given, as hyperreg fit does (false); predictions are on b's scale either way");
    setDefault(normalizeLabels, true);
    setDefault(shared.featuresCol, "features");
    setDefault(shared.predictionCol, "prediction");
    setDefault(shared.shareCol, "");
    setDefault(shared.objective, "rescaled");
    setDefault(shared.link, "exp");
    setDefault(shared.labelCol, "label");
    setDefault(regWeightCol, "");
    setDefault(regWeight, 0.0);
    setDefault(ridge, 0.0);
    setDefault(solver, "newton-cg");
    setDefault(sketchSize, 0);
    setDefault(maxIter, 100);
    setDefault(tol, 1e-10);
    setDefault(seed, 0L);
    setDefault(aggregationDepth, 0);
  }

  @Override public String uid() { return uid; }

  public Param<String> featuresCol() { return shared.featuresCol; }
  public Param<String> predictionCol() { return shared.predictionCol; }
  public Param<String> shareCol() { return shared.shareCol; }
  public Param<String> objective() { return shared.objective; }
  public Param<String> link() { return shared.link; }
  public Param<String> labelCol() { return shared.labelCol; }
  public Param<String> regWeightCol() { return regWeightCol; }
  public DoubleParam regWeight() { return regWeight; }
  public DoubleParam ridge() { return ridge; }
  public Param<String> solver() { return solver; }
  public IntParam sketchSize() { return sketchSize; }
  public IntParam maxIter() { return maxIter; }
  public DoubleParam tol() { return tol; }
  public LongParam seed() { return seed; }
  public IntParam aggregationDepth() { return aggregationDepth; }
  public DoubleArrayParam initialModel() { return initialModel; }
  public BooleanParam normalizeLabels() { return normalizeLabels; }
  public boolean getNormalizeLabels() { return (Boolean) getOrDefault(normalizeLabels); }
  public HyperbolicRegression setNormalizeLabels(boolean v) { set(normalizeLabels, v); return this; }

  public String getFeaturesCol() { return getOrDefault(shared.featuresCol); }
  public String getPredictionCol() { return getOrDefault(shared.predictionCol); }
  public String getShareCol() { return getOrDefault(shared.shareCol); }
  public String getObjective() { return getOrDefault(shared.objective); }
  public String getLink() { return getOrDefault(shared.link); }
  public String getLabelCol() { return getOrDefault(shared.labelCol); }
  public String getRegWeightCol() { return getOrDefault(regWeightCol); }
  public double getRegWeight() { return (Double) getOrDefault(regWeight); }
  public double getRidge() { return (Double) getOrDefault(ridge); }
  public String getSolver() { return getOrDefault(solver); }
  public int getSketchSize() { return (Integer) getOrDefault(sketchSize); }
  public int getMaxIter() { return (Integer) getOrDefault(maxIter); }
  public double getTol() { return (Double) getOrDefault(tol); }
  public long getSeed() { return (Long) getOrDefault(seed); }
  public int getAggregationDepth() { return (Integer) getOrDefault(aggregationDepth); }
  /** The warm-start coefficients, or null. */
  public double[] getInitialModel() { return isDefined(initialModel) ? getOrDefault(initialModel) : null; }

  public HyperbolicRegression setFeaturesCol(String v) { set(shared.featuresCol, v); return this; }
  public HyperbolicRegression setPredictionCol(String v) { set(shared.predictionCol, v); return this; }
  public HyperbolicRegression setShareCol(String v) { set(shared.shareCol, v); return this; }
  public HyperbolicRegression setObjective(String v) { set(shared.objective, v.toLowerCase(Locale.ROOT)); return this; }
  public HyperbolicRegression setLink(String v) { set(shared.link, v.toLowerCase(Locale.ROOT)); return this; }
  public HyperbolicRegression setLabelCol(String v) { set(shared.labelCol, v); return this; }
  public HyperbolicRegression setRegWeightCol(String v) { set(regWeightCol, v); return this; }
  public HyperbolicRegression setRegWeight(double v) { set(regWeight, v); return this; }
  public HyperbolicRegression setRidge(double v) { set(ridge, v); return this; }
  public HyperbolicRegression setSolver(String v) { set(solver, v.toLowerCase(Locale.ROOT)); return this; }
  public HyperbolicRegression setSketchSize(int v) { set(sketchSize, v); return this; }
  public HyperbolicRegression setMaxIter(int v) { set(maxIter, v); return this; }
  public HyperbolicRegression setTol(double v) { set(tol, v); return this; }
  public HyperbolicRegression setSeed(long v) { set(seed, v); return this; }
  public HyperbolicRegression setAggregationDepth(int v) { set(aggregationDepth, v); return this; }
  public HyperbolicRegression setInitialModel(double[] coefficients) { set(initialModel, coefficients.clone()); return this; }
  public HyperbolicRegression setInitialModel(HyperbolicRegressionModel model) {
    return setInitialModel(model.coefficients().toArray());
  }

  @Override public HyperbolicRegressionModel fit(Dataset<?> dataset) {
    transformSchema(dataset.schema(), true);
    ObjectiveKind kind = ObjectiveKind.parse(getObjective());
    Link f = Link.parse(getLink());
    JavaSparkContext jsc = JavaSparkContext.fromSparkContext(dataset.sparkSession().sparkContext());
    BlockedData data;
    try {
      data = blocks(dataset);
    } catch (InputFormatException e) {
      // a bad value or an empty DataFrame: the message names the row and column; the caller's data
      throw new IllegalArgumentException(e.getMessage(), e);
    }
    try {
      Objective objective = new Objective(kind, f, data.dim(), getRidge(), -1);
      double[] x0 = getInitialModel();
      if (x0 != null && x0.length != data.dim()) {
        throw new IllegalArgumentException("initialModel has " + x0.length + " coefficients but the features have "
            + data.dim() + " columns");
      }
      SolverSettings settings = new SolverSettings(Solver.named(getSolver()),
          getSketchSize() > 0 ? getSketchSize() : null, getSeed(), getMaxIter(), getTol(), 0, getAggregationDepth());
      LOG.info("{}: fitting {} rows × {} features", uid, data.rows(), data.dim());
      // rescaled and softmax fit the shares b/Σb of the training rows (see the class comment)
      boolean normalise = kind != ObjectiveKind.PLAIN && getNormalizeLabels();
      double labelSum = normalise ? labelSum(data) : 1;
      JavaRDD<RowBlock> blocks = normalise ? data.blocks().map(b -> b.withLabelsDividedBy(labelSum)) : data.blocks();
      FitJob.Fitted fitted;
      try {
        fitted = FitJob.fitBlocks(jsc, blocks, objective, settings,
            x0 == null ? null : new StartingPoint(x0, "initialModel"), "hyperreg-ml " + uid,
            r -> {
              String line = FitJob.describe(r);
              LOG.info("{} {}", uid, line);
              FitProgress.publish(uid, line);
            });
      } catch (UsageException | InputFormatException e) {
        // the driver's limits (d × d matrices, spark.driver.maxResultSize): the caller's settings
        throw new IllegalArgumentException(e.getMessage(), e);
      }
      FitResult fit = fitted.fit();
      FitProgress.publish(uid, String.format(java.util.Locale.ROOT, "%s%s after %d iterations, %d data passes",
          fit.converged() ? "" : "NOT CONVERGED (" + fit.stopReason() + "): ", fit.message(), fit.iterationCount(),
          fitted.passes()));
      if (fit.converged()) {
        LOG.info("{}: {} after {} iterations, {} data passes", uid, fit.message(), fit.iterationCount(), fitted.passes());
      } else {
        LOG.warn("{}: NOT CONVERGED ({}): {}. Raise maxIter, add regularization (regWeight, ridge) or start"
            + " elsewhere (initialModel); the model holds the last iterate.", uid, fit.stopReason(), fit.message());
      }
      Scoring.LabelScale scale = kind == ObjectiveKind.PLAIN ? null
          : new Scoring.LabelScale(labelSum, trainingSum(data.blocks(), new Scoring(f, fit.coefficients(), false)));
      HyperbolicRegressionModel model = new HyperbolicRegressionModel(uid,
          new DenseVector(fit.coefficients()), HyperbolicRegressionTrainingSummary.of(fit, fitted.passes()), scale);
      copyValues(model, ParamMap.empty());
      return (HyperbolicRegressionModel) model.setParent(this);
    } finally {
      data.release();
    }
  }

  /** Σb over the training rows, refused (naming labelCol) when it is 0 or not finite. */
  private double labelSum(BlockedData data) {
    double sum = data.blocks().map(b -> {
      double s = 0;
      for (int i = 0; i < b.rows(); i++) s += b.label(i);
      return s;
    }).fold(0.0, Double::sum);
    if (!(sum != 0 && Double.isFinite(sum))) {
      throw new IllegalArgumentException("the labels (labelCol '" + getLabelCol() + "') sum to " + sum + " over the "
          + data.rows() + " training rows: the " + getObjective() + " objective fits the shares b/Σb of the"
          + " training rows, which need a finite, non-zero Σb");
    }
    return sum;
  }

  /** The scaled Σ f(a·x) over the training rows at the fitted x ({@link Scoring#addToSum}), one job. */
  static double[] trainingSum(JavaRDD<RowBlock> blocks, Scoring scoring) {
    double[] x = scoring.coefficients();
    return blocks.aggregate(Scoring.emptySum(), (acc, block) -> {
      double[] z = new double[block.rows()];
      block.multiply(x, z);
      for (double zi : z) scoring.addToSum(acc, zi);
      return acc;
    }, Scoring::mergeSums);
  }

  /** The dataset as cached row blocks: row ids are the rows' positions, as for CSV and Parquet input. */
  private BlockedData blocks(Dataset<?> dataset) {
    String weights = getRegWeightCol();
    TableInput.Columns columns = new TableInput.Columns(getLabelCol(), weights.isEmpty() ? null : weights, List.of(),
        getFeaturesCol());
    return TableInput.blocks(dataset.toDF(), "the DataFrame", columns, getRegWeight());
  }

  @Override public StructType transformSchema(StructType schema) {
    requireColumn(schema, getFeaturesCol(), "a Spark ML Vector", t -> t instanceof VectorUDT);
    requireColumn(schema, getLabelCol(), "numeric", t -> t instanceof NumericType);
    if (!getRegWeightCol().isEmpty()) requireColumn(schema, getRegWeightCol(), "numeric", t -> t instanceof NumericType);
    ObjectiveKind.parse(getObjective()).requireLink(Link.parse(getLink()));
    return HyperbolicRegressionModel.outputSchema(schema, getPredictionCol(), getShareCol(), getObjective());
  }

  static void requireColumn(StructType schema, String name, String what,
      java.util.function.Predicate<org.apache.spark.sql.types.DataType> ok) {
    if (!java.util.Arrays.asList(schema.fieldNames()).contains(name)) {
      throw new IllegalArgumentException("column '" + name + "' not found; the DataFrame has "
          + String.join(", ", schema.fieldNames()));
    }
    if (!ok.test(schema.apply(name).dataType())) {
      throw new IllegalArgumentException("column '" + name + "' must be " + what + ", not "
          + schema.apply(name).dataType().simpleString());
    }
  }

  @Override public HyperbolicRegression copy(ParamMap extra) { return (HyperbolicRegression) defaultCopy(extra); }

  @Override public MLWriter write() { return new DefaultParamsWriter(this); }

  @Override public void save(String path) throws IOException { write().save(path); }

  public static MLReader<HyperbolicRegression> read() { return new DefaultParamsReader<>(); }

  public static HyperbolicRegression load(String path) { return read().load(path); }
}
