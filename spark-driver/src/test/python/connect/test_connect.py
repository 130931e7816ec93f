"""The estimator and model from a Spark Connect client: fit, transform, summary, save, load."""

import pytest
from pyspark.sql import is_remote

from hyperreg.ml import HyperbolicRegression, HyperbolicRegressionModel
from support import DATA, cli_coefficients, cli_estimator, relative_distance


@pytest.fixture(scope="module")
def rescaled(spark):
    return spark.read.format("libsvm").load(str(DATA / "rescaled-exp.libsvm"))


@pytest.fixture(scope="module")
def model(rescaled):
    assert is_remote()
    return cli_estimator().fit(rescaled)


def test_fit_over_connect_equals_the_cli_fit(model):
    assert model.summary.converged, model.summary.message
    assert relative_distance(model.coefficients.toArray(), cli_coefficients()) <= 1e-10


def test_summary_over_connect(model):
    s = model.summary
    assert model.hasSummary
    assert s.stopReason == "CONVERGED"
    assert len(s.objectiveHistory) == len(s.gradientNormHistory) == s.totalIterations + 1
    assert s.gradientNormHistory[-1] < 1e-6 * s.gradientNormHistory[0]
    assert s.dataPasses > s.totalIterations


def test_transform_over_connect(model, rescaled):
    import math

    rows = model.transform(rescaled).select("features", "label", "prediction").collect()
    x = model.coefficients.toArray()
    # the model's training rows, fitted as given (normalizeLabels=False, as the CLI): the
    # prediction is the share e^{a·x}/Σ e^{a·x} that the rescaled objective fits to b
    exp_sum = sum(math.exp(row.features.dot(x)) for row in rows)
    for row in rows[:5]:
        assert row.prediction == pytest.approx(math.exp(row.features.dot(x)) / exp_sum, rel=1e-12)


def test_softmax_with_params_over_connect(spark):
    data = spark.read.format("libsvm").load(str(DATA / "softmax.libsvm"))
    estimator = HyperbolicRegression(objective="softmax", ridge=0, seed=3, shareCol="share", maxIter=50)
    fitted = estimator.fit(data)
    assert fitted.summary.converged, fitted.summary.message
    assert fitted.getObjective() == "softmax"
    shares = [r.share for r in fitted.transform(data).select("share").collect()]
    assert sum(shares) == pytest.approx(1.0, rel=1e-9)


def test_save_and_load_over_connect(model, rescaled, tmp_path):
    path = str(tmp_path / "model")
    model.write().overwrite().save(path)
    loaded = HyperbolicRegressionModel.load(path)
    assert not loaded.hasSummary
    assert list(loaded.coefficients.toArray()) == list(model.coefficients.toArray())
    estimator = cli_estimator().setMaxIter(7)
    estimator.write().overwrite().save(str(tmp_path / "estimator"))
    again = HyperbolicRegression.load(str(tmp_path / "estimator"))
    assert again.getMaxIter() == 7 and again.getRegWeight() == 0.01
