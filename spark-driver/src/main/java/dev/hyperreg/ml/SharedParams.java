package dev.hyperreg.ml;

import dev.hyperreg.core.objective.Link;
import dev.hyperreg.core.objective.ObjectiveKind;
import org.apache.spark.ml.param.Param;
import org.apache.spark.ml.param.ParamValidators;
import org.apache.spark.ml.util.Identifiable;

/**
 * The params that the estimator and its model both carry (so that {@code copyValues} hands them
 * from one to the other), created for one owner. Spark's Params are found by reflection on public
 * no-argument methods returning a Param, so each class exposes these through its own accessors.
 */
final class SharedParams {
  final Param<String> featuresCol;
  final Param<String> labelCol;
  final Param<String> predictionCol;
  final Param<String> shareCol;
  final Param<String> objective;
  final Param<String> link;

  SharedParams(Identifiable owner) {
    featuresCol = new Param<>(owner, "featuresCol", "features column name (a Spark ML Vector, dense or sparse)");
    labelCol = new Param<>(owner, "labelCol", "label column name (the targets b; the model's evaluate reads it)");
    predictionCol = new Param<>(owner, "predictionCol", "prediction column name: the label-scale prediction for"
        + " every row (plain: f(a·x); rescaled and softmax: Σb·f(a·x)/Σf(a·x), both sums over the training rows)");
    shareCol = new Param<>(owner, "shareCol", "when not empty, also f(a·x)/Σ f(a·x) over the rows being"
        + " transformed (rescaled and softmax objectives; depends on which rows are scored)");
    objective = new Param<>(owner, "objective", "objective: rescaled ½‖f(Ax) − ⟨f(Ax),1⟩b‖², plain"
        + " ½‖f(Ax) − b‖², or softmax ½‖softmax(Ax) − b‖² (each plus the regularizer)",
        ParamValidators.inArray(ObjectiveKind.labels()));
    link = new Param<>(owner, "link", "link function f: exp, cosh or sinh (softmax: exp only)",
        ParamValidators.inArray(Link.labels()));
  }
}
