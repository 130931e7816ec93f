"""
Tuning picks the model nearest the truth (issue 24, item 1): on data planted around a known x*,
CrossValidator over regWeight with HyperbolicRegressionEvaluator chooses the regWeight whose fit
on the whole data lies nearest x* — found here by fitting each value and measuring ‖x − x*‖,
independently of any evaluator. Also: the model's label-scale predictions and evaluate().
"""

import math

import numpy as np
import pytest
from pyspark.ml.evaluation import RegressionEvaluator
from pyspark.ml.linalg import Vectors
from pyspark.ml.tuning import CrossValidator, ParamGridBuilder

from hyperreg.ml import HyperbolicRegression, HyperbolicRegressionEvaluator

REG_WEIGHTS = [0.01, 0.1, 1.0, 10.0]
X_STAR = np.array([0.8, -0.5, 0.3, 1.1])


def planted(spark, objective, n=None, noise=0.01, seed=11):
    """Rows a_i ~ N(0, 1/d), z = A x*, labels with 1% multiplicative noise: plain e^z itself,
    rescaled and softmax the shares e^z/Σe^z of all n rows (so Σb = 1 over the whole data and a
    cross-validation fold's labels sum to less). Softmax's loss ½‖s − b‖² is of order 1/n while
    the regularizer ½Σw²z² grows with n, so on 600 rows even w = 0.01 outweighs the data and every
    grid value lands far from x*; 40 rows keep the grid's smaller weights informative."""
    if n is None:
        n = 40 if objective == "softmax" else 600
    rng = np.random.default_rng(seed)
    d = X_STAR.size
    a = rng.normal(0.0, 1.0 / math.sqrt(d), size=(n, d))
    f = np.exp(a @ X_STAR) * (1 + noise * rng.standard_normal(n))
    b = f if objective == "plain" else f / f.sum()
    rows = [(float(b[i]), Vectors.dense(a[i])) for i in range(n)]
    return spark.createDataFrame(rows, ["label", "features"]).repartition(2).cache(), a, b


def estimator(objective):
    return HyperbolicRegression(objective=objective, link="exp", solver="exact", seed=1)


@pytest.mark.parametrize("objective", ["rescaled", "softmax", "plain"])
def test_cross_validation_picks_the_regweight_nearest_the_planted_x(spark, objective):
    data, _, _ = planted(spark, objective)
    est = estimator(objective)
    # the truth, independently of any evaluator: fit every regWeight on all rows, measure ‖x − x*‖
    distances = []
    for w in REG_WEIGHTS:
        model = est.copy().setRegWeight(w).fit(data)
        assert model.summary.converged, model.summary.message
        distances.append(float(np.linalg.norm(model.coefficients.toArray() - X_STAR)))
    nearest = REG_WEIGHTS[int(np.argmin(distances))]
    assert max(distances) > 2 * min(distances), "the grid should separate the fits: %s" % distances

    grid = ParamGridBuilder().addGrid(est.regWeight, REG_WEIGHTS).build()
    for evaluator in (
        HyperbolicRegressionEvaluator(objective=objective),                       # loss
        HyperbolicRegressionEvaluator(objective=objective, metricName="rmse"),
        RegressionEvaluator(metricName="rmse"),      # Spark's own, now that predictions are on b's scale
    ):
        assert not evaluator.isLargerBetter()
        cv = CrossValidator(estimator=est, estimatorParamMaps=grid, evaluator=evaluator, numFolds=3, seed=5)
        cv_model = cv.fit(data)
        metrics = cv_model.avgMetrics
        assert all(math.isfinite(m) for m in metrics), metrics
        chosen = REG_WEIGHTS[int(np.argmin(metrics))]
        assert chosen == nearest, "%s chose regWeight %s (metrics %s); nearest x* is %s (distances %s)" % (
            evaluator.__class__.__name__, chosen, metrics, nearest, distances)
        assert cv_model.bestModel.getOrDefault("predictionCol") == "prediction"


def test_predictions_are_on_the_labels_scale(spark):
    """softmax fitted on a third of the rows (labels summing to about 1/3): a new row's prediction is
    Σ_T b · e^{a·x}/Σ_T e^{a·x} (T the training rows), computed here with numpy from the
    coefficients, and close to its label."""
    data, a, b = planted(spark, "softmax")
    train_idx = np.arange(0, a.shape[0], 3)
    train = spark.createDataFrame([(float(b[i]), Vectors.dense(a[i])) for i in train_idx], ["label", "features"])
    model = estimator("softmax").setRegWeight(0.01).fit(train)
    x = model.coefficients.toArray()
    expected = b[train_idx].sum() * np.exp(a @ x) / np.exp(a[train_idx] @ x).sum()
    rows = model.transform(data).select("prediction").collect()
    # the DataFrame was repartitioned: compare the sorted values, not the rows' order
    predicted = np.sort([r.prediction for r in rows])
    np.testing.assert_allclose(predicted, np.sort(expected), rtol=1e-10)
    np.testing.assert_allclose(np.sort(predicted), np.sort(b), rtol=0.1)


def test_evaluate_returns_metrics_on_new_data(spark):
    data, a, b = planted(spark, "rescaled")
    model = estimator("rescaled").setRegWeight(0.01).fit(data)
    summary = model.evaluate(data)
    assert summary.numInstances == a.shape[0]
    p = np.array([r.prediction for r in summary.predictions.select("prediction").collect()])
    labels = np.array([r.label for r in summary.predictions.select("label").collect()])
    assert summary.rmse == pytest.approx(math.sqrt(np.mean((p - labels) ** 2)), rel=1e-9)
    assert summary.loss == pytest.approx(0.5 * np.sum((p / p.sum() - labels / labels.sum()) ** 2), rel=1e-9)
    assert summary.r2 == pytest.approx(1 - np.sum((p - labels) ** 2) / np.sum((labels - labels.mean()) ** 2),
                                       rel=1e-9)
    assert summary.r2 > 0.9
    evaluator = HyperbolicRegressionEvaluator(objective="rescaled", metricName="rmse")
    assert evaluator.evaluate(model.transform(data)) == pytest.approx(summary.rmse, rel=1e-12)


def test_evaluator_saves_and_loads(tmp_path):
    evaluator = HyperbolicRegressionEvaluator(objective="softmax", metricName="rmse")
    evaluator.save(str(tmp_path / "ev"))
    loaded = HyperbolicRegressionEvaluator.load(str(tmp_path / "ev"))
    assert (loaded.getObjective(), loaded.getMetricName()) == ("softmax", "rmse")
