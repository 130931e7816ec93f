"""Fitting, summaries, persistence, pipelines, tuning and progress from Python."""

import io
import math
import re

import numpy as np
import pytest

import hyperreg
from hyperreg.ml import (
    HyperbolicRegression,
    HyperbolicRegressionModel,
    HyperbolicRegressionTrainingSummary,
)
from pyspark.ml import Pipeline, PipelineModel
from pyspark.ml.evaluation import RegressionEvaluator
from pyspark.ml.feature import SQLTransformer
from pyspark.ml.linalg import DenseVector
from pyspark.ml.tuning import CrossValidator, CrossValidatorModel, ParamGridBuilder
from support import (
    DATA,
    cli_coefficients,
    cli_estimator,
    column,
    libsvm,
    read_numbers,
    relative_distance,
    softmax_estimator,
)


@pytest.fixture(scope="module")
def softmax_model(softmax_data):
    return softmax_estimator().setShareCol("share").fit(softmax_data)


def test_softmax_fit_and_summary(softmax_model):
    model = softmax_model
    assert isinstance(model, HyperbolicRegressionModel)
    assert isinstance(model.coefficients, DenseVector)
    assert model.coefficients.size == 6
    assert np.all(np.isfinite(model.coefficients.toArray()))
    assert model.hasSummary
    s = model.summary
    assert isinstance(s, HyperbolicRegressionTrainingSummary)
    assert s.converged, s.message
    assert s.stopReason == "CONVERGED"
    assert "converged" in s.message
    n = s.totalIterations + 1
    assert s.totalIterations >= 1
    assert len(s.objectiveHistory) == n
    assert len(s.logObjectiveHistory) == n
    assert len(s.gradientNormHistory) == n
    assert len(s.iterationSeconds) == n
    for k in range(1, n):
        assert s.logObjectiveHistory[k] <= s.logObjectiveHistory[k - 1] + 1e-12, "objective rose at %d" % k
    assert s.gradientNormHistory[-1] < 1e-6 * s.gradientNormHistory[0]
    assert isinstance(s.dataPasses, int) and s.dataPasses > s.totalIterations


def test_model_params_come_from_the_estimator(softmax_model):
    model = softmax_model
    java = {p.name() for p in model._java_obj.params()}
    assert {p.name for p in model.params} == java == {
        "featuresCol", "labelCol", "predictionCol", "shareCol", "objective", "link"}
    # declared in Python with converters, not made up from the Java object (SPARK-10931)
    assert not any(getattr(p, "created_from_java_param", False) for p in model.params)
    assert (model.getObjective(), model.getLink(), model.getShareCol()) == ("softmax", "exp", "share")
    assert model.uid == model._java_obj.uid()


def test_transform_adds_prediction_and_share(softmax_model, softmax_data):
    rows = softmax_model.transform(softmax_data).select("features", "label", "prediction", "share").collect()
    x = softmax_model.coefficients.toArray()
    assert len(rows) == 1000
    # scored on its training rows: Σb · e^{a·x}/Σ e^{a·x}
    label_sum = sum(row.label for row in rows)
    exp_sum = sum(math.exp(float(row.features.dot(x))) for row in rows)
    for row in rows[:20]:
        expected = label_sum * math.exp(float(row.features.dot(x))) / exp_sum
        assert row.prediction == pytest.approx(expected, rel=1e-12)
    assert sum(row.share for row in rows) == pytest.approx(1.0, abs=1e-12)
    renamed = softmax_model.copy().setPredictionCol("fx").setShareCol("").transform(softmax_data)
    assert "fx" in renamed.columns and "share" not in renamed.columns


def test_rescaled_fit_converges(cli_model):
    s = cli_model.summary
    assert s.converged and s.stopReason == "CONVERGED", s.message
    assert cli_model.coefficients.size == 6
    assert (cli_model.getObjective(), cli_model.getLink()) == ("rescaled", "exp")


def test_coefficients_equal_the_cli_fit(cli_model):
    cli = cli_coefficients()  # skips without HYPERREG_CLI_FIT
    assert relative_distance(cli_model.coefficients.toArray(), cli) <= 1e-10


def test_fit_with_a_param_map_leaves_the_estimator_alone(rescaled_data):
    estimator = cli_estimator()
    model = estimator.fit(rescaled_data, {estimator.maxIter: 1})
    assert model.summary.totalIterations == 1
    assert model.summary.stopReason == "MAX_ITERATIONS"
    assert not model.summary.converged
    assert estimator.getMaxIter() == 100
    models = estimator.fit(rescaled_data, [{estimator.maxIter: 1}, {estimator.maxIter: 2}])
    assert [m.summary.totalIterations for m in models] == [1, 2]


def test_estimator_saves_and_loads(spark, tmp_path):
    estimator = HyperbolicRegression(objective="softmax", ridge=0.25, solver="sample", sketchSize=400,
                                     maxIter=7, tol=1e-6, seed=2**40, aggregationDepth=3,
                                     regWeightCol="w", shareCol="s", initialModel=[1, 2])
    path = str(tmp_path / "estimator")
    estimator.save(path)
    with pytest.raises(Exception):
        estimator.save(path)  # no overwrite without asking
    estimator.write().overwrite().save(path)
    for loaded in (HyperbolicRegression.load(path), HyperbolicRegression.read().load(path)):
        assert type(loaded) is HyperbolicRegression
        assert loaded.uid == estimator.uid
        assert loaded.extractParamMap() == {
            loaded.getParam(p.name): v for p, v in estimator.extractParamMap().items()}
        assert loaded.getInitialModel() == [1.0, 2.0]
        assert loaded.getSeed() == 2**40


def test_model_saves_and_loads(softmax_model, softmax_data, tmp_path):
    path = str(tmp_path / "model")
    softmax_model.write().overwrite().save(path)
    loaded = HyperbolicRegressionModel.load(path)
    assert type(loaded) is HyperbolicRegressionModel
    assert loaded.uid == softmax_model.uid
    assert not loaded.hasSummary
    with pytest.raises(RuntimeError, match="No training summary"):
        loaded.summary
    assert loaded.coefficients == softmax_model.coefficients
    assert (loaded.getObjective(), loaded.getShareCol()) == ("softmax", "share")
    assert column(loaded.transform(softmax_data), "prediction") == column(
        softmax_model.transform(softmax_data), "prediction")


def test_pipeline_saves_and_loads(spark, rescaled_data, tmp_path):
    rename = SQLTransformer(statement="SELECT *, label AS target FROM __THIS__")
    estimator = HyperbolicRegression(labelCol="target", regWeight=0.01, seed=1)
    pipeline = Pipeline(stages=[rename, estimator])
    pipeline.write().overwrite().save(str(tmp_path / "pipeline"))
    reloaded = Pipeline.load(str(tmp_path / "pipeline"))
    stages = reloaded.getStages()
    assert [type(s) for s in stages] == [SQLTransformer, HyperbolicRegression]
    assert stages[1].uid == estimator.uid
    assert (stages[1].getRegWeight(), stages[1].getLabelCol(), stages[1].getSeed()) == (0.01, "target", 1)

    fitted = reloaded.fit(rescaled_data)
    fitted.write().overwrite().save(str(tmp_path / "fitted"))
    loaded = PipelineModel.load(str(tmp_path / "fitted"))
    assert isinstance(loaded.stages[-1], HyperbolicRegressionModel)
    assert loaded.stages[-1].coefficients == fitted.stages[-1].coefficients
    assert fitted.stages[-1].summary.converged, fitted.stages[-1].summary.message
    assert column(loaded.transform(rescaled_data), "prediction") == column(
        fitted.transform(rescaled_data), "prediction")


def test_cross_validation_over_ridge(rescaled_data):
    estimator = cli_estimator()
    grid = ParamGridBuilder().addGrid(estimator.ridge, [0, 1]).build()
    cv = CrossValidator(estimator=estimator, estimatorParamMaps=grid,
                        evaluator=RegressionEvaluator(metricName="rmse"), numFolds=2, seed=7)
    cv_model = cv.fit(rescaled_data)
    assert isinstance(cv_model, CrossValidatorModel)
    metrics = cv_model.avgMetrics
    assert len(metrics) == 2 and all(math.isfinite(m) for m in metrics)
    assert metrics[0] != metrics[1], "ridge 0 and 1 scored the same: was ridge passed to Java?"
    best = cv_model.bestModel
    assert isinstance(best, HyperbolicRegressionModel)
    assert best.coefficients.size == 6 and best.hasSummary


def truth(name, scale):
    return [scale * v for v in read_numbers(DATA / name)]


def test_warm_start_from_a_model(spark):
    # HyperbolicRegressionTest.warmStartNeedsFewerIterations, from Python
    data = libsvm(spark, "rescaled-cosh.libsvm")
    estimator = HyperbolicRegression(link="cosh", regWeight=0.01, seed=5, solver="exact",
                                     initialModel=truth("rescaled-cosh.libsvm.truth", 0.7))
    cold = estimator.fit(data)
    warm_estimator = estimator.copy().setInitialModel(cold)
    assert warm_estimator.getInitialModel() == cold.coefficients.toArray().tolist()
    warm = warm_estimator.fit(data)
    assert cold.summary.converged and warm.summary.converged
    assert warm.summary.totalIterations < cold.summary.totalIterations
    assert warm.summary.dataPasses < cold.summary.dataPasses
    assert relative_distance(warm.coefficients.toArray(), cold.coefficients.toArray()) <= 1e-9
    # the Java model object works too, and the value is an ordinary param
    from_java = estimator.copy().setInitialModel(cold._java_obj)
    assert from_java.getInitialModel() == cold.coefficients.toArray().tolist()
    with pytest.raises(Exception, match="initialModel has 2 coefficients"):
        estimator.copy().setInitialModel([1.0, 2.0]).fit(data)


ITERATION = re.compile(r"^(\S+) iteration +(\d+):")


def test_progress_prints_one_line_per_iteration(rescaled_data):
    estimator = cli_estimator()
    out = io.StringIO()
    with hyperreg.progress(estimator, interval=0.1, file=out):
        model = estimator.fit(rescaled_data)
    lines = [line for line in out.getvalue().splitlines() if ITERATION.match(line)]
    assert lines, "no iteration lines in:\n" + out.getvalue()
    assert {ITERATION.match(line).group(1) for line in lines} == {estimator.uid}
    seen = [int(ITERATION.match(line).group(2)) for line in lines]
    n = model.summary.totalIterations
    # every iteration once, the start's included, then the outcome
    assert seen == list(range(n + 1))
    assert out.getvalue().splitlines()[-1].startswith(estimator.uid + " converged"), out.getvalue()
    # a second block sees only its own fits
    again = io.StringIO()
    with hyperreg.progress(estimator, interval=0.1, file=again):
        estimator.fit(rescaled_data, {estimator.maxIter: 1})
    assert [int(ITERATION.match(l).group(2)) for l in again.getvalue().splitlines()
            if ITERATION.match(l)][:1] == [0]
    assert len([l for l in again.getvalue().splitlines() if ITERATION.match(l)]) <= 3
