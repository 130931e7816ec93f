"""Params of the Python estimator against the Java estimator's (no fitting)."""

import pytest

from hyperreg.ml import HyperbolicRegression
from pyspark.ml.linalg import Vectors
from pyspark.ml.tuning import ParamGridBuilder

# a value for every param, none of them the default
SAMPLE = {
    "featuresCol": "f",
    "labelCol": "y",
    "predictionCol": "p",
    "shareCol": "s",
    "regWeightCol": "w",
    "objective": "softmax",
    "link": "exp",  # the only link softmax takes; the default too, so link is checked below
    "regWeight": 0.5,
    "ridge": 0.25,
    "solver": "sample",
    "sketchSize": 400,
    "maxIter": 7,
    "tol": 1e-6,
    "seed": 42,
    "aggregationDepth": 3,
    "initialModel": [1.0, 2.0],
    "normalizeLabels": False,
}


def java_param_names(java_obj):
    return {p.name() for p in java_obj.params()}


def capitalized(name):
    return name[0].upper() + name[1:]


def test_every_java_param_is_declared_in_python(spark):
    estimator = HyperbolicRegression()
    python = {p.name for p in estimator.params}
    assert python == java_param_names(estimator._java_obj)
    assert python == set(SAMPLE)


def test_python_defaults_are_the_java_defaults(spark):
    estimator = HyperbolicRegression()
    java = estimator._java_obj  # nothing transferred yet: Java's own defaults
    for param in estimator.params:
        java_param = java.getParam(param.name)
        if not java.hasDefault(java_param):
            assert not estimator.hasDefault(param), param.name
            continue
        assert estimator.getOrDefault(param) == java.getOrDefault(java_param), param.name
    assert estimator.getInitialModel() is None
    assert java.getInitialModel() is None


def test_every_param_has_a_setter_and_a_getter(spark):
    estimator = HyperbolicRegression()
    for name, value in SAMPLE.items():
        assert getattr(estimator, "set" + capitalized(name))(value) is estimator, name
        assert getattr(estimator, "get" + capitalized(name))() == value, name
    estimator.setLink("cosh")
    assert estimator.getLink() == "cosh"


def test_init_and_set_params_are_keyword_only(spark):
    with pytest.raises(TypeError):
        HyperbolicRegression("features")
    estimator = HyperbolicRegression(**SAMPLE)
    assert {name: estimator.getOrDefault(name) for name in SAMPLE} == SAMPLE
    with pytest.raises(TypeError):
        estimator.setParams("features")
    assert estimator.setParams(maxIter=9, ridge=1) is estimator
    assert (estimator.getMaxIter(), estimator.getRidge()) == (9, 1.0)


def test_values_are_converted_to_the_java_types(spark):
    estimator = HyperbolicRegression(ridge=0, regWeight=1, tol=1e-8, maxIter=7.0, seed=2**40,
                                     objective="SOFTMAX", solver="Exact")
    assert estimator.getRidge() == 0.0 and isinstance(estimator.getRidge(), float)
    assert isinstance(estimator.getRegWeight(), float)
    assert estimator.getMaxIter() == 7 and isinstance(estimator.getMaxIter(), int)
    assert estimator.getObjective() == "softmax" and estimator.getSolver() == "exact"
    estimator.setInitialModel(Vectors.dense([1, 2]))
    assert estimator.getInitialModel() == [1.0, 2.0]

    estimator._transfer_params_to_java()
    java = estimator._java_obj
    assert java.getRidge() == 0.0
    assert java.getRegWeight() == 1.0
    assert java.getMaxIter() == 7
    assert java.getSeed() == 2**40  # a Java long
    assert java.getObjective() == "softmax"
    assert list(java.getInitialModel()) == [1.0, 2.0]
    estimator.setSeed(3)._transfer_params_to_java()  # a small int reaches Java as an Integer
    assert java.getSeed() == 3


def test_bad_values_are_refused(spark):
    with pytest.raises(TypeError, match="maxIter"):
        HyperbolicRegression().setMaxIter("many")
    with pytest.raises(TypeError, match="objective"):
        HyperbolicRegression(objective="logistic")
    with pytest.raises(TypeError, match="link"):
        HyperbolicRegression().setLink("tanh")
    with pytest.raises(TypeError, match="initialModel"):
        HyperbolicRegression().setInitialModel(["a"])
    # the Java validators: refused when the values reach the Java object
    for bad in ({"regWeight": -1.0}, {"solver": "newton"}, {"aggregationDepth": 1}, {"tol": 2.0}):
        estimator = HyperbolicRegression(**bad)
        with pytest.raises(Exception, match=next(iter(bad))):
            estimator._transfer_params_to_java()


def test_explain_params_lists_every_param(spark):
    estimator = HyperbolicRegression(ridge=0.5)
    explained = estimator.explainParams()
    for name in SAMPLE:
        assert name + ":" in explained, name
    assert "current: 0.5" in explained
    assert "ridge λ" in estimator.explainParam(estimator.ridge)


def test_extract_param_map(spark):
    estimator = HyperbolicRegression(maxIter=5)
    params = estimator.extractParamMap({estimator.ridge: 0.5})
    assert params[estimator.ridge] == 0.5
    assert params[estimator.maxIter] == 5
    assert params[estimator.objective] == "rescaled"
    assert estimator.initialModel not in params  # no default, not set
    assert len(params) == len(SAMPLE) - 1
    assert estimator.getRidge() == 0.0  # extra values stay out of the estimator


def test_copy_copies_python_and_java_params(spark):
    estimator = HyperbolicRegression(objective="softmax", maxIter=5)
    copy = estimator.copy({estimator.maxIter: 7})
    assert copy is not estimator and copy.uid == estimator.uid
    assert (copy.getMaxIter(), copy.getObjective()) == (7, "softmax")
    assert estimator.getMaxIter() == 5
    assert copy._java_obj is not estimator._java_obj
    assert copy._java_obj.uid() == estimator.uid
    assert copy._java_obj.getMaxIter() == 7 and copy._java_obj.getObjective() == "softmax"


def test_param_grid_values_are_converted_when_used(spark):
    estimator = HyperbolicRegression()
    grid = ParamGridBuilder().addGrid(estimator.ridge, [0, 1]).addGrid(estimator.maxIter, [5, 10]).build()
    assert len(grid) == 4
    ridges = sorted({estimator.copy(params).getRidge() for params in grid})
    assert ridges == [0.0, 1.0] and all(isinstance(r, float) for r in ridges)
