/**
 * How passes run on Spark: a {@link dev.hyperreg.core.data.PassRunner} over a cached RDD of row
 * blocks (broadcast the aggregator, treeAggregate, release), the paired runner of the shift
 * analysis, and the session the commands run in. Uses core only.
 */
package dev.hyperreg.spark.exec;
