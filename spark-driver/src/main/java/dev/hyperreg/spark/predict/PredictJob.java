package dev.hyperreg.spark.predict;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.hyperreg.core.objective.Link;
import dev.hyperreg.core.objective.ObjectiveKind;
import dev.hyperreg.core.objective.Scoring;
import dev.hyperreg.ml.HyperbolicRegressionModel;
import dev.hyperreg.spark.ExitStatus;
import dev.hyperreg.spark.InputFormatException;
import dev.hyperreg.spark.NumericalFailure;
import dev.hyperreg.spark.StorageFailure;
import dev.hyperreg.spark.io.AtomicOutput;
import dev.hyperreg.spark.io.InputFiles;
import dev.hyperreg.spark.io.LibsvmInput;
import dev.hyperreg.spark.io.ParsedRow;
import dev.hyperreg.spark.io.PointFile;
import dev.hyperreg.spark.io.TableInput;
import java.io.IOException;
import java.io.InputStream;
import java.io.Serializable;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;
import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;
import org.apache.spark.storage.StorageLevel;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@code hyperreg predict}: batch scoring with a saved model (the output of {@code hyperreg fit} or
 * a saved Spark ML {@link HyperbolicRegressionModel}) over LIBSVM, CSV or Parquet on any Hadoop file
 * system. Each row gets its row id, its label when the input has one, the prediction f(a·x) and, for
 * the rescaled and softmax objectives, {@code shareOfScoredRows} = f(a·x)/Σ f(a·x) over the rows
 * scored in this run (computed with the link scaled by the largest exponent, so it never overflows).
 * The table is written as Parquet or CSV atomically (temporary directory renamed into place).
 */
public final class PredictJob {
  private static final Logger LOG = LoggerFactory.getLogger("dev.hyperreg.predict");
  /** Beyond this exponent f overflows a double (e^709.78 = Double.MAX_VALUE; cosh and sinh halve it). */
  static final double MAX_EXPONENT = Math.log(Double.MAX_VALUE);

  private final PredictOptions options;

  public PredictJob(PredictOptions options) { this.options = options; }

  /** A model to score with: its objective, link and coefficients (the intercept's last). */
  record ScoringModel(ObjectiveKind objective, Link link, double[] coefficients, boolean intercept, String source)
      implements Serializable {
    int features() { return scoring().features(); }

    /** How this model scores a row (the same computation as the Spark ML model's transform). */
    Scoring scoring() { return new Scoring(link, coefficients, intercept); }

    boolean hasShares() { return objective.predictsShares(); }

    /** Reads a `hyperreg fit` output directory or a saved Spark ML model. */
    static ScoringModel load(String dir, Configuration conf) {
      try {
        Path root = new Path(dir);
        FileSystem fs = root.getFileSystem(conf);
        if (fs.exists(new Path(root, "summary.json"))) {
          JsonNode summary;
          try (InputStream in = fs.open(new Path(root, "summary.json"))) {
            summary = new ObjectMapper().readTree(in);
          }
          for (String field : List.of("objective", "link", "intercept", "coefficients")) {
            if (!summary.has(field)) throw new InputFormatException(dir + "/summary.json: no '" + field + "'");
          }
          double[] x = PointFile.read(dir + "/coefficients.txt", conf);
          if (x.length != summary.get("coefficients").size()) {
            throw new InputFormatException(dir + "/coefficients.txt has " + x.length + " numbers, summary.json "
                + summary.get("coefficients").size());
          }
          if (!fs.exists(new Path(root, AtomicOutput.SUCCESS_MARKER))) {
            LOG.warn("--model {} has no {}: that fit did not converge ({})", dir, AtomicOutput.SUCCESS_MARKER,
                summary.path("message").asText("no message"));
          }
          return new ScoringModel(ObjectiveKind.parse(summary.get("objective").asText()),
              Link.parse(summary.get("link").asText()), x, summary.get("intercept").asBoolean(), dir);
        }
        if (fs.exists(new Path(root, "metadata"))) {
          HyperbolicRegressionModel model = HyperbolicRegressionModel.load(dir);
          return new ScoringModel(ObjectiveKind.parse(model.getObjective()), Link.parse(model.getLink()),
              model.coefficients().toArray(), false, dir);
        }
        throw new InputFormatException("--model " + dir + " is neither the output of `hyperreg fit` (summary.json,"
            + " coefficients.txt) nor a saved Spark ML model (metadata/)");
      } catch (IOException e) {
        throw StorageFailure.of("cannot read --model " + dir, e);
      }
    }
  }

  public ExitStatus run(JavaSparkContext jsc) throws IOException {
    PredictOptions o = options;
    Configuration conf = jsc.hadoopConfiguration();
    AtomicOutput output = new AtomicOutput(o.output, conf, o.overwrite);
    output.checkWritable();
    ScoringModel model = ScoringModel.load(o.model, conf);
    LOG.info("scoring with {} {} ({} features{}) from {}", model.objective().label(), model.link().label(),
        model.features(), model.intercept() ? " and an intercept" : "", o.model);

    JavaRDD<ParsedRow> rows;
    boolean hasLabel;
    InputFiles files;
    if (o.format.equals("libsvm")) {
      files = InputFiles.text(jsc, LibsvmInput.listFiles(o.input, conf));
      rows = LibsvmInput.parse(jsc, files, 0, o.partitions);
      hasLabel = true;
    } else {
      TableInput.Table table = LibsvmInput.unwrapInputErrors(
          () -> TableInput.read(jsc, o.format, o.input, o.columns(), false, o.partitions));
      if (table.width() != model.features()) {
        throw new InputFormatException(o.input + " has " + table.width() + " feature columns but the model "
            + model.features());
      }
      rows = table.rows();
      hasLabel = table.hasLabel();
      files = table.files();
    }
    rows = rows.persist(StorageLevel.MEMORY_AND_DISK());
    try {
      Scorer scorer = new Scorer(model, files);
      JavaRDD<ParsedRow> scored = rows;
      double[] sum = LibsvmInput.unwrapInputErrors(() -> scored.aggregate(Scoring.emptySum(), scorer::add,
          Scoring::mergeSums));
      long count = (long) sum[2];
      if (count == 0) throw new InputFormatException("no data rows in " + o.input);
      if (model.hasShares() && !(sum[1] != 0 && Double.isFinite(sum[1]))) {
        throw new NumericalFailure("the shares f(a·x)/Σ f(a·x) are undefined: Σ f(a·x) = 0 over the scored rows");
      }
      StructType schema = new StructType().add("rowId", DataTypes.LongType);
      if (hasLabel) schema = schema.add("label", DataTypes.DoubleType);
      schema = schema.add("prediction", DataTypes.DoubleType);
      if (model.hasShares()) schema = schema.add("shareOfScoredRows", DataTypes.DoubleType);
      boolean withLabel = hasLabel;
      JavaRDD<Row> table = rows.map(r -> scorer.row(r, withLabel, sum));
      Dataset<Row> frame = SparkSession.builder().sparkContext(jsc.sc()).getOrCreate().createDataFrame(table, schema);
      output.commitDirectory(dir -> {
        if (o.outputFormat.equals("csv")) frame.write().option("header", "true").csv(dir);
        else frame.write().parquet(dir);
      });
      LOG.info("scored {} rows; {} written to {}", count, o.outputFormat, o.output);
      return ExitStatus.SUCCESS;
    } finally {
      rows.unpersist(false);
    }
  }

  /** z = a·x per row ({@link Scoring}), checked against the model and named by file and line when it fails. */
  record Scorer(ScoringModel model, InputFiles files, Scoring scoring) implements Serializable {
    Scorer(ScoringModel model, InputFiles files) { this(model, files, model.scoring()); }

    double z(ParsedRow r) {
      for (int index : r.indices()) {
        if (index >= scoring.features()) {
          throw new InputFormatException(place(r) + ": feature " + (index + 1) + " beyond the model's "
              + scoring.features());
        }
      }
      return scoring.margin(r.indices(), r.values());
    }

    String place(ParsedRow r) { return files.describe(r.rowId()); }

    /** Adds the row to the shares' sum ({@link Scoring#addToSum}); a row whose f(a·x) overflows fails the run. */
    double[] add(double[] sum, ParsedRow r) {
      double z = z(r);
      if (!(Double.isFinite(z) && Double.isFinite(scoring.prediction(z)))) {
        throw new NumericalFailure(String.format(Locale.ROOT, "%s: a·x = %.6g, where %s overflows a double",
            place(r), z, model.link().label()));
      }
      return scoring.addToSum(sum, z);
    }

    Row row(ParsedRow r, boolean withLabel, double[] sum) {
      double z = z(r);
      List<Object> values = new ArrayList<>(4);
      values.add(r.rowId());
      if (withLabel) values.add(Double.isNaN(r.label()) ? null : r.label());
      values.add(scoring.prediction(z));
      if (model.hasShares()) values.add(scoring.share(z, sum));
      return RowFactory.create(values.toArray());
    }
  }
}
