package dev.hyperreg.spark.io;

import dev.hyperreg.core.data.RowBlock;
import dev.hyperreg.spark.InputFormatException;
import java.io.IOException;
import java.io.Serializable;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.Path;
import org.apache.parquet.hadoop.ParquetFileReader;
import org.apache.parquet.hadoop.util.HadoopInputFile;
import org.apache.parquet.schema.MessageType;
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
import org.apache.spark.sql.types.StructType;
import scala.Tuple2;

/**
 * CSV and Parquet input, and the Spark ML estimator's DataFrame.
 *
 * <ul>
 *   <li>CSV: a header line names the columns; the label column, an optional per-row
 *       regularization-weight column, and feature columns (the ones named, or every other column),
 *       each holding a number per row. Read as text ({@link CsvParser}), once, like LIBSVM: the
 *       headers come first (every file's must be the same), then one job parses, validates and
 *       blocks. A row's id is its file's index and its line's byte offset.
 *   <li>Parquet: a features column holding a Spark ML vector (dense or sparse) or an array of
 *       numbers, a numeric label column and an optional numeric weight column. Every file's footer
 *       is read first (a truncated file, or files whose columns differ, are refused naming them);
 *       then one Spark SQL scan of all files, where a row's id is its file's index and its
 *       {@code _metadata.row_index} — the same for any split plan.
 * </ul>
 * Missing or mistyped columns are refused before any work, naming the column and listing those
 * present; bad values name the file, line or data row, and the column.
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

  /**
   * A DataFrame with a vector (or array) features column as cached blocks: the Spark ML estimator's
   * input. A DataFrame has no files, so a row's id is its position in the DataFrame's order (one
   * job numbers the partitions).
   */
  public static BlockedData blocks(Dataset<Row> frame, String source, Columns columns, double regWeight) {
    return LibsvmInput.unwrapInputErrors(() -> {
      Selection selection = Selection.of(frame, source, columns, true);
      InputFiles input = InputFiles.table(List.of(source));
      JavaRDD<Tuple2<Row, Long>> numbered = selection.select(frame).javaRDD().zipWithIndex()
          .rdd().toJavaRDD();
      RowReader reader = selection.reader(input);
      int width = selection.width;
      JavaRDD<RowBlock> built = numbered.mapPartitions(
          (Iterator<Tuple2<Row, Long>> it) -> reader.cursor(it).blocks(width, false, regWeight).iterator());
      return LibsvmInput.cache(built, source, input, width, false);
    });
  }

  /** The data as cached blocks (see {@link LibsvmInput#cache}). */
  public static BlockedData load(JavaSparkContext jsc, String format, String path, Columns columns, boolean intercept,
      double regWeight, int minPartitions) {
    if (format.equals("csv")) {
      Csv csv = Csv.of(jsc, path, columns, true);
      int width = csv.width();
      JavaRDD<RowBlock> built = TextInput.read(jsc, csv.input, minPartitions, csv.parser,
          rows -> rows.blocks(width, intercept, regWeight).iterator());
      return LibsvmInput.cache(built, path, csv.input, width, intercept);
    }
    Parquet parquet = Parquet.of(jsc, path, columns, true, minPartitions);
    RowReader reader = parquet.reader;
    int width = parquet.width();
    JavaRDD<RowBlock> built = parquet.rows.mapPartitions(
        (Iterator<Tuple2<Row, Long>> it) -> reader.cursor(it).blocks(width, intercept, regWeight).iterator());
    return LibsvmInput.cache(built, path, parquet.input, width, intercept);
  }

  /**
   * The rows of a table with their width and the files they came from; {@code labelRequired} false
   * lets scoring read tables without a label (the label of such rows is NaN).
   */
  public record Table(JavaRDD<ParsedRow> rows, int width, boolean hasLabel, InputFiles files) {}

  /** The parsed rows (validated as they are read), for scoring. */
  public static Table read(JavaSparkContext jsc, String format, String path, Columns columns, boolean labelRequired,
      int minPartitions) {
    if (format.equals("csv")) {
      Csv csv = Csv.of(jsc, path, columns, labelRequired);
      return new Table(TextInput.read(jsc, csv.input, minPartitions, csv.parser, RowCursor::parsedRows), csv.width(),
          csv.hasLabel, csv.input);
    }
    Parquet parquet = Parquet.of(jsc, path, columns, labelRequired, minPartitions);
    RowReader reader = parquet.reader;
    JavaRDD<ParsedRow> rows = parquet.rows.mapPartitions(
        (Iterator<Tuple2<Row, Long>> it) -> reader.cursor(it).parsedRows());
    return new Table(rows, parquet.width(), reader.hasLabel(), parquet.input);
  }

  /** A CSV input: its files, the parser its header gives, and what the header holds. */
  private record Csv(InputFiles input, CsvParser parser, int width, boolean hasLabel) {
    static Csv of(JavaSparkContext jsc, String path, Columns columns, boolean labelRequired) {
      List<String> files = LibsvmInput.listFiles(path, jsc.hadoopConfiguration());
      TextInput.CsvHeader found = TextInput.csvHeader(files, jsc.hadoopConfiguration(), path);
      List<String> header = found.names();
      String where = found.file();
      Set<String> seen = new HashSet<>();
      for (String name : header) {
        if (!seen.add(name)) throw new InputFormatException(where + ":1: column '" + name + "' appears twice in the header");
      }
      int label = header.indexOf(columns.label());
      if (labelRequired && label < 0) throw missing(where, columns.label(), header, "--label-col");
      int weight = -1;
      if (columns.regWeight() != null) {
        weight = header.indexOf(columns.regWeight());
        if (weight < 0) throw missing(where, columns.regWeight(), header, "--weight-col");
      }
      List<String> features = new ArrayList<>(columns.featureColumns());
      if (features.isEmpty()) {
        for (String name : header) {
          if (!name.equals(columns.label()) && !name.equals(columns.regWeight())) features.add(name);
        }
      }
      int[] fields = new int[features.size()];
      for (int j = 0; j < fields.length; j++) {
        fields[j] = header.indexOf(features.get(j));
        if (fields[j] < 0) throw missing(where, features.get(j), header, "--features-cols");
      }
      if (fields.length == 0) throw new InputFormatException(where + ": no feature columns");
      return new Csv(InputFiles.text(jsc, files), new CsvParser(header, label, weight, fields), fields.length, label >= 0);
    }
  }

  /** A Parquet input: its files, its rows numbered by file and row index, and how to read them. */
  private record Parquet(InputFiles input, JavaRDD<Tuple2<Row, Long>> rows, RowReader reader) {
    int width() { return reader.width(); }

    static Parquet of(JavaSparkContext jsc, String path, Columns columns, boolean labelRequired, int minPartitions) {
      SparkSession spark = SparkSession.builder().sparkContext(jsc.sc()).getOrCreate();
      List<String> files = LibsvmInput.listFiles(path, jsc.hadoopConfiguration());
      Dataset<Row> frame = spark.read().parquet(files.toArray(String[]::new));
      Selection selection = Selection.of(frame, files.get(0), columns, labelRequired);
      checkFooters(files, jsc.hadoopConfiguration(), selection.columnNames());
      InputFiles input = InputFiles.table(files);
      Map<String, Integer> fileIndex = input.indexByPath();
      Dataset<Row> selected = selection.select(frame, functions.col("_metadata.file_path"),
          functions.col("_metadata.row_index"));
      JavaRDD<Row> scanned = selected.javaRDD();
      if (minPartitions > scanned.getNumPartitions()) scanned = selected.repartition(minPartitions).javaRDD();
      int idField = 2 + selection.features.size();
      JavaRDD<Tuple2<Row, Long>> rows = scanned.mapPartitions(
          (Iterator<Row> it) -> numbered(it, fileIndex, idField));
      return new Parquet(input, rows, selection.reader(input));
    }
  }

  /** Rows with their ids from the file path and row index in fields idField and idField + 1. */
  private static Iterator<Tuple2<Row, Long>> numbered(Iterator<Row> rows, Map<String, Integer> fileIndex, int idField) {
    return new Iterator<>() {
      @Override public boolean hasNext() { return rows.hasNext(); }

      @Override public Tuple2<Row, Long> next() {
        Row row = rows.next();
        Integer file = fileIndex.get(InputFiles.key(row.getString(idField)));
        if (file == null) throw new IllegalStateException("a row of an unlisted file: " + row.getString(idField));
        return new Tuple2<>(row, InputFiles.rowId(file, row.getLong(idField + 1)));
      }
    };
  }

  /**
   * Reads every file's footer: a file that is not Parquet (truncated, corrupt) is refused naming it,
   * and so is a file whose columns differ in type from the first's or that lacks one.
   */
  private static void checkFooters(List<String> files, Configuration conf, List<String> columns) {
    MessageType first = null;
    for (String file : files) {
      MessageType schema;
      try (ParquetFileReader reader = ParquetFileReader.open(HadoopInputFile.fromPath(new Path(file), conf))) {
        schema = reader.getFooter().getFileMetaData().getSchema();
      } catch (IOException | RuntimeException e) {
        throw new InputFormatException(file + ": not a readable Parquet file (truncated or corrupt?): "
            + e.getMessage());
      }
      for (String column : columns) {
        if (!schema.containsField(column)) {
          throw new InputFormatException(file + ": no column '" + column + "', which " + files.get(0) + " has");
        }
        if (first != null && !schema.getType(column).equals(first.getType(column))) {
          throw new InputFormatException(file + ": column '" + column + "' is " + schema.getType(column).toString().trim()
              + " where " + files.get(0) + " has " + first.getType(column).toString().trim());
        }
      }
      if (first == null) first = schema;
    }
  }

  /** Which columns of a frame (Parquet, a DataFrame) are read, checked against its schema before any work. */
  private record Selection(List<String> features, Columns columns, int width, boolean hasLabel) {
    /** Checks the schema; one small Spark job reads the first row's vector to learn the width. */
    static Selection of(Dataset<Row> frame, String path, Columns columns, boolean labelRequired) {
      StructType schema = frame.schema();
      boolean hasLabel = has(schema, columns.label());
      if (labelRequired && !hasLabel) throw missing(path, columns.label(), List.of(schema.fieldNames()), "--label-col");
      if (hasLabel) require(path, schema, columns.label(), "--label-col", "numeric", TableInput::numeric);
      if (columns.regWeight() != null) {
        if (!has(schema, columns.regWeight())) {
          throw missing(path, columns.regWeight(), List.of(schema.fieldNames()), "--weight-col");
        }
        require(path, schema, columns.regWeight(), "--weight-col", "numeric", TableInput::numeric);
      }
      String name = columns.featuresVector();
      if (!has(schema, name)) throw missing(path, name, List.of(schema.fieldNames()), "--features-col");
      require(path, schema, name, "--features-col", "a Spark ML vector or an array of numbers",
          t -> t instanceof VectorUDT || (t instanceof ArrayType a && a.elementType() instanceof NumericType));
      Selection unsized = new Selection(List.of(name), columns, -1, hasLabel);
      return new Selection(List.of(name), columns, vectorWidth(unsized.select(frame), path, name), hasLabel);
    }

    /** The columns the files must agree on. */
    List<String> columnNames() {
      List<String> names = new ArrayList<>();
      if (hasLabel) names.add(columns.label());
      if (columns.regWeight() != null) names.add(columns.regWeight());
      names.addAll(features);
      return names;
    }

    /** label, weight, features, then {@code more} (nulls where a column is absent). */
    Dataset<Row> select(Dataset<Row> frame, org.apache.spark.sql.Column... more) {
      List<org.apache.spark.sql.Column> selected = new ArrayList<>();
      selected.add(hasLabel ? functions.col(columns.label()) : functions.lit(null));
      selected.add(columns.regWeight() != null ? functions.col(columns.regWeight()) : functions.lit(null));
      for (String name : features) selected.add(functions.col(name));
      selected.addAll(Arrays.asList(more));
      return frame.select(selected.toArray(new org.apache.spark.sql.Column[0]));
    }

    RowReader reader(InputFiles input) { return new RowReader(features.get(0), columns, width, hasLabel, input); }
  }

  /** The length of the first non-null vector or array (all must match: checked row by row). */
  private static int vectorWidth(Dataset<Row> frame, String path, String column) {
    List<Row> first = frame.filter(functions.col(column).isNotNull()).limit(1).collectAsList();
    if (first.isEmpty()) throw new InputFormatException(path + ": no data rows with a value in column '" + column + "'");
    Object v = first.get(0).get(2);
    return v instanceof Vector vector ? vector.size() : ((scala.collection.Seq<?>) v).size();
  }

  private static boolean has(StructType schema, String name) { return Arrays.asList(schema.fieldNames()).contains(name); }

  private static InputFormatException missing(String path, String name, List<String> present, String option) {
    return new InputFormatException(path + ": column '" + name + "' (" + option + ") not found; the columns are "
        + String.join(", ", present));
  }

  private static void require(String path, StructType schema, String name, String option, String what,
      java.util.function.Predicate<DataType> ok) {
    DataType type = schema.apply(name).dataType();
    if (!ok.test(type)) {
      throw new InputFormatException(path + ": column '" + name + "' (" + option + ") must be " + what + ", not "
          + type.simpleString());
    }
  }

  private static boolean numeric(DataType t) { return t instanceof NumericType; }

  /** Turns selected rows (label, weight, features) with their ids into a {@link RowCursor}, naming bad values. */
  private record RowReader(String featuresColumn, Columns columns, int width, boolean hasLabel, InputFiles input)
      implements Serializable {
    RowCursor cursor(Iterator<Tuple2<Row, Long>> rows) {
      return new RowCursor() {
        @Override boolean next() {
          if (!rows.hasNext()) return false;
          Tuple2<Row, Long> t = rows.next();
          startRow(t._2());
          read(t._1(), this);
          return true;
        }
      };
    }

    private void read(Row row, RowCursor out) {
      if (hasLabel) out.label = number(row, 0, columns.label(), out.rowId);
      if (columns.regWeight() != null) {
        out.regWeight = number(row, 1, columns.regWeight(), out.rowId);
        if (out.regWeight < 0) {
          throw new InputFormatException(place(out.rowId) + ": column '" + columns.regWeight() + "' is " + out.regWeight
              + ": regularization weights must be ≥ 0");
        }
      }
      Object cell = row.get(2);
      if (cell == null) throw new InputFormatException(place(out.rowId) + ": column '" + featuresColumn + "' is empty");
      if (cell instanceof SparseVector s) {
        checkWidth(s.size(), out.rowId);
        for (int k = 0; k < s.indices().length; k++) {
          double v = finite(s.values()[k], featuresColumn, out.rowId);
          if (v != 0) out.addFeature(s.indices()[k], v);
        }
      } else if (cell instanceof Vector vector) {
        checkWidth(vector.size(), out.rowId);
        for (int j = 0; j < vector.size(); j++) {
          double v = finite(vector.apply(j), featuresColumn, out.rowId);
          if (v != 0) out.addFeature(j, v);
        }
      } else {
        scala.collection.Seq<?> seq = (scala.collection.Seq<?>) cell;
        checkWidth(seq.size(), out.rowId);
        for (int j = 0; j < seq.size(); j++) {
          Object e = seq.apply(j);
          if (e == null) {
            throw new InputFormatException(place(out.rowId) + ": column '" + featuresColumn + "' has an empty entry " + j);
          }
          double v = finite(((Number) e).doubleValue(), featuresColumn, out.rowId);
          if (v != 0) out.addFeature(j, v);
        }
      }
    }

    private String place(long rowId) { return input.describe(rowId); }

    private void checkWidth(int size, long rowId) {
      if (size != width) {
        throw new InputFormatException(place(rowId) + ": column '" + featuresColumn + "' has " + size + " entries where"
            + " the first row read has " + width);
      }
    }

    private double number(Row row, int field, String column, long rowId) {
      if (row.isNullAt(field)) throw new InputFormatException(place(rowId) + ": column '" + column + "' is empty");
      return finite(((Number) row.get(field)).doubleValue(), column, rowId);
    }

    private double finite(double v, String column, long rowId) {
      if (!Double.isFinite(v)) {
        throw new InputFormatException(place(rowId) + ": column '" + column + "' is " + v
            + ": NaN and infinite values are not allowed");
      }
      return v;
    }
  }
}
