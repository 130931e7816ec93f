package dev.hyperreg.spark.io;

import dev.hyperreg.core.data.RowBlock;
import dev.hyperreg.core.data.RowBlockBuilder;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Iterator;
import java.util.List;
import java.util.NoSuchElementException;

/**
 * The rows of one partition, one at a time, as every reader produces them: {@link #next} moves to
 * the next row and leaves it in the public fields (the arrays are reused; copy what must outlive
 * the row). Readers validate as they go and throw an InputFormatException naming the place.
 */
abstract class RowCursor {
  long rowId;
  double label;
  /** The row's own regularization weight, NaN for the job's. */
  double regWeight;
  int[] indices = new int[16];
  double[] values = new double[16];
  int nnz;

  /** Moves to the next row; false when there is none. */
  abstract boolean next();

  /** Appends a feature (0-based index, strictly increasing within a row). */
  final void addFeature(int index, double value) {
    if (nnz == indices.length) {
      indices = Arrays.copyOf(indices, 2 * nnz);
      values = Arrays.copyOf(values, 2 * nnz);
    }
    indices[nnz] = index;
    values[nnz++] = value;
  }

  final void startRow(long id) {
    rowId = id;
    label = Double.NaN;
    regWeight = Double.NaN;
    nnz = 0;
  }

  /** The current row as a {@link ParsedRow} (arrays copied). */
  final ParsedRow row() {
    return new ParsedRow(rowId, label, regWeight, Arrays.copyOf(indices, nnz), Arrays.copyOf(values, nnz));
  }

  /** The remaining rows, one {@link ParsedRow} each, pulled lazily. */
  final Iterator<ParsedRow> parsedRows() {
    return new Iterator<>() {
      private boolean ready;
      private boolean more;

      @Override public boolean hasNext() {
        if (!ready) {
          more = RowCursor.this.next();
          ready = true;
        }
        return more;
      }

      @Override public ParsedRow next() {
        if (!hasNext()) throw new NoSuchElementException();
        ready = false;
        return row();
      }
    };
  }

  /**
   * The remaining rows as blocks of about 8 MiB ({@link RowBlockBuilder#full}).
   *
   * @param features the design's feature count, or 0 when it is learned from the data: then each
   *     block is built as wide as the partition's widest row so far, the partition's earlier,
   *     narrower blocks are widened at its end, and the loader widens whole partitions narrower than
   *     the input once its width is known
   */
  final List<RowBlock> blocks(int features, boolean intercept, double regWeight) {
    List<RowBlock> blocks = new ArrayList<>();
    if (features > 0) {
      int cols = features + (intercept ? 1 : 0);
      RowBlockBuilder builder = new RowBlockBuilder(cols, intercept ? features : -1, regWeight);
      while (next()) {
        builder.add(rowId, label, this.regWeight, indices, values, nnz);
        if (builder.full()) blocks.add(builder.build());
      }
      if (builder.rows() > 0) blocks.add(builder.build());
      return blocks;
    }
    RowBlockBuilder builder = RowBlockBuilder.ofUnknownWidth(intercept, regWeight);
    int width = 0;
    while (next()) {
      builder.add(rowId, label, this.regWeight, indices, values, nnz);
      if (builder.full()) {
        width = Math.max(width, builder.width());
        blocks.addAll(builder.buildAll(width));
      }
    }
    width = Math.max(width, builder.width());
    blocks.addAll(builder.buildAll(width));
    int cols = width + (intercept ? 1 : 0);
    blocks.replaceAll(block -> block.cols() == cols ? block : block.widened(cols, intercept));
    return blocks;
  }
}
