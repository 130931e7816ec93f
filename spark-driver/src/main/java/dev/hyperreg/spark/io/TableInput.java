package dev.hyperreg.spark.io;

import dev.hyperreg.spark.InputFormatException;
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
 * present; bad values name the file, data row and column. Files are read one by one in sorted order
 * and a row's id is its file's index·2⁴⁰ plus its position in the file (Spark reads a file's splits
 * in offset order), so the ids — which hash the sketches — do not depend on the cluster.
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
      Table table = fromFrame(frame, source, columns, true);
      return LibsvmInput.blocked(table.rows(), source, table.files(), false, table.width(), false, regWeight);
    });
  }

  /** The data as cached blocks (see {@link LibsvmInput#blocked}). */
  public static BlockedData load(JavaSparkContext jsc, String format, String path, Columns columns, boolean intercept,
      double regWeight, int minPartitions) {
    Table table = read(jsc, format, path, columns, true, minPartitions);
    return LibsvmInput.blocked(table.rows(), path, table.files(), false, table.width(), intercept, regWeight);
  }

  /**
   * The rows of a table with their width and the files they came from; {@code labelRequired} false
   * lets scoring read tables without a label (the label of such rows is NaN).
   */
  public record Table(JavaRDD<ParsedRow> rows, int width, boolean hasLabel, List<String> files) {}

  /**
   * Reads every file of the path on its own, in sorted order, so that a row's id is its file's index
   * (·2⁴⁰, as for LIBSVM) plus its position among that file's rows — the same ids on any cluster.
   */
  public static Table read(JavaSparkContext jsc, String format, String path, Columns columns, boolean labelRequired,
      int minPartitions) {
    SparkSession spark = SparkSession.builder().sparkContext(jsc.sc()).getOrCreate();
    List<String> files = LibsvmInput.listFiles(path, jsc.hadoopConfiguration());
    boolean csv = format.equals("csv");
    JavaRDD<Tuple2<Row, Long>> numbered = null;
    Selection selection = null;
    for (int f = 0; f < files.size(); f++) {
      Dataset<Row> frame = csv ? spark.read().option("header", "true").option("mode", "FAILFAST").csv(files.get(f))
          : spark.read().parquet(files.get(f));
      // the first file's vector width serves the others: every row's width is checked as it is read
      Selection s = Selection.of(frame, csv, files.get(f), columns, labelRequired,
          selection == null ? -1 : selection.width);
      if (selection == null) selection = s;
      else selection.checkSameAs(s, files.get(f));
      JavaRDD<Tuple2<Row, Long>> rows = number(s.select(frame), f);
      numbered = numbered == null ? rows : numbered.union(rows);
    }
    return table(numbered, selection, files, minPartitions);
  }

  /**
   * The rows of a DataFrame (the Spark ML estimator's input): {@code source} names it in messages;
   * row ids are positions in the DataFrame's order.
   */
  static Table fromFrame(Dataset<Row> frame, String source, Columns columns, boolean labelRequired) {
    Selection selection = Selection.of(frame, false, source, columns, labelRequired, -1);
    return table(number(selection.select(frame), 0), selection, List.of(source), 0);
  }

  /** (row, fileIndex·2⁴⁰ + position) — positions in the frame's partition order. */
  private static JavaRDD<Tuple2<Row, Long>> number(Dataset<Row> selected, int fileIndex) {
    long base = (long) fileIndex << BlockedData.FILE_SHIFT;
    return selected.javaRDD().zipWithIndex().map(t -> new Tuple2<>(t._1(), base + t._2()));
  }

  private static Table table(JavaRDD<Tuple2<Row, Long>> numbered, Selection selection, List<String> files,
      int minPartitions) {
    RowReader reader = new RowReader(selection.csv, selection.features, selection.columns, selection.width,
        selection.hasLabel, files);
    JavaRDD<ParsedRow> rows = numbered.mapPartitions((Iterator<Tuple2<Row, Long>> it) -> reader.read(it));
    // numbered and parsed before spreading: more partitions change no row's id, and the shuffle moves
    // ParsedRows (registered with Kryo), not Spark SQL rows
    if (minPartitions > rows.getNumPartitions()) rows = rows.repartition(minPartitions);
    return new Table(rows, selection.width, selection.hasLabel, files);
  }

  /** Which columns of a frame are read, checked against its schema before any work. */
  private record Selection(boolean csv, List<String> features, Columns columns, int width, boolean hasLabel) {
    /** @param knownWidth the features vector's width if already known, else −1 (one Spark job finds it) */
    static Selection of(Dataset<Row> frame, boolean csv, String path, Columns columns, boolean labelRequired,
        int knownWidth) {
      String format = csv ? "csv" : "parquet";
      StructType schema = frame.schema();
      boolean hasLabel = has(schema, columns.label());
      if (labelRequired && !hasLabel) throw missing(path, columns.label(), schema, "--label-col");
      if (hasLabel) require(path, schema, columns.label(), "--label-col", "numeric", csvOr(format, TableInput::numeric));
      if (columns.regWeight() != null) {
        if (!has(schema, columns.regWeight())) throw missing(path, columns.regWeight(), schema, "--weight-col");
        require(path, schema, columns.regWeight(), "--weight-col", "numeric", csvOr(format, TableInput::numeric));
      }
      if (csv) {
        List<String> features = new ArrayList<>(columns.featureColumns());
        if (features.isEmpty()) {
          for (String name : schema.fieldNames()) {
            if (!name.equals(columns.label()) && !name.equals(columns.regWeight())) features.add(name);
          }
        }
        for (String name : features) {
          if (!has(schema, name)) throw missing(path, name, schema, "--features-cols");
        }
        if (features.isEmpty()) throw new InputFormatException(path + ": no feature columns");
        return new Selection(true, features, columns, features.size(), hasLabel);
      }
      String name = columns.featuresVector();
      if (!has(schema, name)) throw missing(path, name, schema, "--features-col");
      require(path, schema, name, "--features-col", "a Spark ML vector or an array of numbers",
          t -> t instanceof VectorUDT || (t instanceof ArrayType a && a.elementType() instanceof NumericType));
      Selection unsized = new Selection(false, List.of(name), columns, -1, hasLabel);
      int width = knownWidth >= 0 ? knownWidth : vectorWidth(unsized.select(frame), path, name);
      return new Selection(false, List.of(name), columns, width, hasLabel);
    }

    /** label, weight, features… (nulls where a column is absent). */
    Dataset<Row> select(Dataset<Row> frame) {
      List<org.apache.spark.sql.Column> selected = new ArrayList<>();
      selected.add(hasLabel ? functions.col(columns.label()) : functions.lit(null));
      selected.add(columns.regWeight() != null ? functions.col(columns.regWeight()) : functions.lit(null));
      for (String name : features) selected.add(functions.col(name));
      return frame.select(selected.toArray(new org.apache.spark.sql.Column[0]));
    }

    void checkSameAs(Selection other, String path) {
      if (!features.equals(other.features) || hasLabel != other.hasLabel) {
        throw new InputFormatException(path + ": its columns differ from the first file's (" + features
            + (hasLabel ? ", labelled" : "") + ")");
      }
    }
  }

  /** The length of the first non-null vector or array (all must match: checked row by row). */
  private static int vectorWidth(Dataset<Row> frame, String path, String column) {
    List<Row> first = frame.filter(functions.col(column).isNotNull()).limit(1).collectAsList();
    if (first.isEmpty()) throw new InputFormatException(path + ": no data rows with a value in column '" + column + "'");
    Object v = first.get(0).get(2);
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
      List<String> files) implements Serializable {
    Iterator<ParsedRow> read(Iterator<Tuple2<Row, Long>> rows) {
      List<ParsedRow> out = new ArrayList<>();
      int[] indices = new int[width];
      double[] values = new double[width];
      while (rows.hasNext()) {
        Tuple2<Row, Long> t = rows.next();
        Row row = t._1();
        long id = t._2();
        String place = BlockedData.describeRow(files, id, false);
        double label = hasLabel ? number(row, 0, columns.label(), place) : Double.NaN;
        double weight = columns.regWeight() != null ? number(row, 1, columns.regWeight(), place) : Double.NaN;
        if (columns.regWeight() != null && weight < 0) {
          throw new InputFormatException(place + ": column '" + columns.regWeight() + "' is " + weight
              + ": regularization weights must be ≥ 0");
        }
        int nnz = 0;
        if (csv) {
          for (int j = 0; j < width; j++) {
            double v = number(row, 2 + j, features.get(j), place);
            if (v != 0) {
              indices[nnz] = j;
              values[nnz++] = v;
            }
          }
        } else {
          Object cell = row.get(2);
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
