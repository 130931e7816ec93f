package dev.hyperreg.spark;

import java.io.Serializable;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Iterator;
import java.util.List;
import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.ml.linalg.SparseVector;
import org.apache.spark.ml.linalg.Vector;
import org.apache.spark.ml.linalg.VectorUDT;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.functions;
import org.apache.spark.sql.types.ArrayType;
import org.apache.spark.sql.types.DataType;
import org.apache.spark.sql.types.NumericType;
import org.apache.spark.sql.types.StringType;
import org.apache.spark.sql.types.StructType;
import scala.Tuple2;

/**
 * CSV and Parquet input, read through Spark SQL from any Hadoop file system.
 *
 * <ul>
 *   <li>CSV: a header line names the columns; the label column, an optional per-row
 *       regularization-weight column, and feature columns (the ones named, or every other column),
 *       each holding a number per row. Zeros are dropped, so a mostly-zero table becomes sparse rows.
 *   <li>Parquet: a features column holding a Spark ML vector (dense or sparse) or an array of
 *       numbers, a numeric label column and an optional numeric weight column.
 * </ul>
 * Missing or mistyped columns are refused before any work, naming the column and listing those
 * present; bad values name the file, data row and column. Row ids are positions 0, 1, 2, … in the
 * order Spark reads the files (deterministic for the same input), which hash the sketches.
 */
public final class TableInput {
  private TableInput() {}

  /**
   * Which columns to read.
   *
   * @param label the target b (required for fitting; for scoring it is copied when present)
   * @param regWeight per-row w_i, or null for the job's --reg-weight
   * @param featureColumns CSV: the feature columns in order, empty for every column but label and weight
   * @param featuresVector Parquet: the vector or array column
   */
  public record Columns(String label, String regWeight, List<String> featureColumns, String featuresVector)
      implements Serializable {}

  /** A DataFrame with a vector (or array) features column as cached blocks: the Spark ML estimator's input. */
  public static BlockedData blocks(Dataset<Row> frame, String source, Columns columns, double regWeight) {
    return LibsvmInput.unwrapInputErrors(() -> {
      Table table = fromFrame(frame, false, source, columns, true, 0);
      return LibsvmInput.blocked(table.rows(), source, List.of(source), false, table.width(), false, regWeight);
    });
  }

  /** The data as cached blocks (see {@link LibsvmInput#blocked}). */
  static BlockedData load(JavaSparkContext jsc, String format, String path, Columns columns, boolean intercept,
      double regWeight, int minPartitions) {
    Table table = read(jsc, format, path, columns, true, minPartitions);
    return LibsvmInput.blocked(table.rows(), path, List.of(path), false, table.width(), intercept, regWeight);
  }

  /**
   * The rows of a table with their width; {@code labelRequired} false lets scoring read tables
   * without a label (the label of such rows is NaN).
   */
  record Table(JavaRDD<ParsedRow> rows, int width, boolean hasLabel) {}

  static Table read(JavaSparkContext jsc, String format, String path, Columns columns, boolean labelRequired,
      int minPartitions) {
    SparkSession spark = SparkSession.builder().sparkContext(jsc.sc()).getOrCreate();
    LibsvmInput.listFiles(path, jsc.hadoopConfiguration());   // "input not found: …" before Spark's own message
    Dataset<Row> frame = switch (format) {
      case "csv" -> spark.read().option("header", "true").option("mode", "FAILFAST").csv(path);
      case "parquet" -> spark.read().parquet(path);
      default -> throw new IllegalArgumentException(format);
    };
    return fromFrame(frame, format.equals("csv"), path, columns, labelRequired, minPartitions);
  }

  /**
   * The rows of a DataFrame (files read by {@link #read}, or a user's DataFrame handed to the Spark ML
   * estimator): {@code csvText} says the columns hold text to parse (CSV) rather than typed values.
   *
   * @param source what the rows are called in messages when they do not come from a file
   * @param minPartitions at least this many partitions (the rows are numbered first, so their ids
   *     keep the order of the files)
   */
  static Table fromFrame(Dataset<Row> frame, boolean csvText, String source, Columns columns, boolean labelRequired,
      int minPartitions) {
    String format = csvText ? "csv" : "parquet";
    String path = source;
    StructType schema = frame.schema();
    boolean hasLabel = has(schema, columns.label());
    if (labelRequired && !hasLabel) throw missing(path, columns.label(), schema, "--label-col");
    if (hasLabel) require(path, schema, columns.label(), "--label-col", "numeric", csvOr(format, TableInput::numeric));
    if (columns.regWeight() != null) {
      if (!has(schema, columns.regWeight())) throw missing(path, columns.regWeight(), schema, "--weight-col");
      require(path, schema, columns.regWeight(), "--weight-col", "numeric", csvOr(format, TableInput::numeric));
    }
    List<String> features;
    int width;
    if (format.equals("csv")) {
      features = new ArrayList<>(columns.featureColumns());
      if (features.isEmpty()) {
        for (String name : schema.fieldNames()) {
          if (!name.equals(columns.label()) && !name.equals(columns.regWeight())) features.add(name);
        }
      }
      for (String name : features) {
        if (!has(schema, name)) throw missing(path, name, schema, "--features-cols");
      }
      if (features.isEmpty()) throw new InputFormatException(path + ": no feature columns");
      width = features.size();
    } else {
      String name = columns.featuresVector();
      if (!has(schema, name)) throw missing(path, name, schema, "--features-col");
      require(path, schema, name, "--features-col", "a Spark ML vector or an array of numbers",
          t -> t instanceof VectorUDT || (t instanceof ArrayType a && a.elementType() instanceof NumericType));
      features = List.of(name);
      width = -1;
    }

    List<org.apache.spark.sql.Column> selected = new ArrayList<>();
    selected.add(functions.input_file_name());
    selected.add(hasLabel ? functions.col(columns.label()) : functions.lit(null));
    selected.add(columns.regWeight() != null ? functions.col(columns.regWeight()) : functions.lit(null));
    for (String name : features) selected.add(functions.col(name));
    Dataset<Row> frameOfColumns = frame.select(selected.toArray(new org.apache.spark.sql.Column[0]));
    if (width < 0) width = vectorWidth(frameOfColumns, path, columns.featuresVector());
    RowReader reader = new RowReader(csvText, features, columns, width, hasLabel, source);
    JavaRDD<Tuple2<Row, Long>> numbered = frameOfColumns.javaRDD().zipWithIndex().map(t -> t);
    if (minPartitions > numbered.getNumPartitions()) numbered = numbered.repartition(minPartitions);
    JavaRDD<ParsedRow> rows = numbered.mapPartitions((Iterator<Tuple2<Row, Long>> it) -> reader.read(it));
    return new Table(rows, width, hasLabel);
  }

  /** The length of the first non-null vector or array (all must match: checked row by row). */
  private static int vectorWidth(Dataset<Row> frame, String path, String column) {
    List<Row> first = frame.filter(functions.col(column).isNotNull()).limit(1).collectAsList();
    if (first.isEmpty()) throw new InputFormatException(path + ": no data rows with a value in column '" + column + "'");
    Object v = first.get(0).get(3);
    return v instanceof Vector vector ? vector.size() : ((scala.collection.Seq<?>) v).size();
  }

  private static boolean has(StructType schema, String name) { return Arrays.asList(schema.fieldNames()).contains(name); }

  private static InputFormatException missing(String path, String name, StructType schema, String option) {
    return new InputFormatException(path + ": column '" + name + "' (" + option + ") not found; the columns are "
        + String.join(", ", schema.fieldNames()));
  }

  private static void require(String path, StructType schema, String name, String option, String what,
      java.util.function.Predicate<DataType> ok) {
    DataType type = schema.apply(name).dataType();
    if (!ok.test(type)) {
      throw new InputFormatException(path + ": column '" + name + "' (" + option + ") must be " + what + ", not "
          + type.simpleString());
    }
  }

  /** CSV columns are read as text and parsed row by row, so only Parquet's types are checked up front. */
  private static java.util.function.Predicate<DataType> csvOr(String format, java.util.function.Predicate<DataType> ok) {
    return t -> format.equals("csv") ? t instanceof StringType : ok.test(t);
  }

  private static boolean numeric(DataType t) { return t instanceof NumericType; }

  /** Turns selected rows (file, label, weight, features…) into {@link ParsedRow}s, naming bad values. */
  private record RowReader(boolean csv, List<String> features, Columns columns, int width, boolean hasLabel,
      String source) implements Serializable {
    Iterator<ParsedRow> read(Iterator<Tuple2<Row, Long>> rows) {
      List<ParsedRow> out = new ArrayList<>();
      int[] indices = new int[width];
      double[] values = new double[width];
      while (rows.hasNext()) {
        Tuple2<Row, Long> t = rows.next();
        Row row = t._1();
        long id = t._2();
        String file = row.getString(0);
        String place = (file == null || file.isEmpty() ? source : file) + " data row " + (id + 1);
        double label = hasLabel ? number(row, 1, columns.label(), place) : Double.NaN;
        double weight = columns.regWeight() != null ? number(row, 2, columns.regWeight(), place) : Double.NaN;
        if (columns.regWeight() != null && weight < 0) {
          throw new InputFormatException(place + ": column '" + columns.regWeight() + "' is " + weight
              + ": regularization weights must be ≥ 0");
        }
        int nnz = 0;
        if (csv) {
          for (int j = 0; j < width; j++) {
            double v = number(row, 3 + j, features.get(j), place);
            if (v != 0) {
              indices[nnz] = j;
              values[nnz++] = v;
            }
          }
        } else {
          Object cell = row.get(3);
          if (cell == null) throw new InputFormatException(place + ": column '" + features.get(0) + "' is empty");
          if (cell instanceof SparseVector s) {
            checkWidth(s.size(), place);
            for (int k = 0; k < s.indices().length; k++) {
              double v = finite(s.values()[k], features.get(0), place);
              if (v != 0) {
                indices[nnz] = s.indices()[k];
                values[nnz++] = v;
              }
            }
          } else {
            double[] dense = cell instanceof Vector v ? v.toArray() : toDoubles((scala.collection.Seq<?>) cell, place);
            checkWidth(dense.length, place);
            for (int j = 0; j < dense.length; j++) {
              double v = finite(dense[j], features.get(0), place);
              if (v != 0) {
                indices[nnz] = j;
                values[nnz++] = v;
              }
            }
          }
        }
        out.add(new ParsedRow(id, label, weight, Arrays.copyOf(indices, nnz), Arrays.copyOf(values, nnz)));
      }
      return out.iterator();
    }

    private void checkWidth(int size, String place) {
      if (size != width) {
        throw new InputFormatException(place + ": column '" + features.get(0) + "' has " + size + " entries where"
            + " the first row has " + width);
      }
    }

    private double[] toDoubles(scala.collection.Seq<?> seq, String place) {
      double[] out = new double[seq.size()];
      for (int j = 0; j < out.length; j++) {
        Object e = seq.apply(j);
        if (e == null) throw new InputFormatException(place + ": column '" + features.get(0) + "' has an empty entry " + j);
        out[j] = ((Number) e).doubleValue();
      }
      return out;
    }

    private double number(Row row, int field, String column, String place) {
      if (row.isNullAt(field)) throw new InputFormatException(place + ": column '" + column + "' is empty");
      Object cell = row.get(field);
      double v;
      if (cell instanceof Number n) {
        v = n.doubleValue();
      } else {
        try {
          v = Double.parseDouble(cell.toString().trim());
        } catch (NumberFormatException e) {
          throw new InputFormatException(place + ": column '" + column + "': '" + cell + "' is not a number");
        }
      }
      return finite(v, column, place);
    }

    private static double finite(double v, String column, String place) {
      if (!Double.isFinite(v)) {
        throw new InputFormatException(place + ": column '" + column + "' is " + v
            + ": NaN and infinite values are not allowed");
      }
      return v;
    }
  }
}
