"""
Alias of :mod:`hyperreg.ml` under the Java package name, so that pyspark can load pipelines that
hold hyperreg stages.

Why it exists: pyspark finds the Python class of a saved or Java-side stage from its Java class
name alone. ``JavaParams._from_java`` (Pipeline/PipelineModel read through Java) and
``DefaultParamsReader.loadParamsInstance`` (Pipeline.load, PipelineModel.load) take the
class name, replace "org.apache.spark" with "pyspark" and ``__import__`` the result — for
``dev.hyperreg.ml.HyperbolicRegression`` the module ``dev.hyperreg.ml``. pyspark 4.2 has no
registry or other hook for that lookup (pyspark/ml/wrapper.py, pyspark/ml/util.py), so the
module has to exist. Patching pyspark at import time would only work after ``import hyperreg``;
this alias works as soon as the package is installed.

``dev`` and ``dev.hyperreg`` are namespace packages (no ``__init__.py``, PEP 420), so they
merge with any other distribution's ``dev.*`` namespace instead of shadowing it; only this
module is a regular package.
"""

from hyperreg.ml import (
    HyperbolicRegression,
    HyperbolicRegressionModel,
    HyperbolicRegressionTrainingSummary,
)

__all__ = [
    "HyperbolicRegression",
    "HyperbolicRegressionModel",
    "HyperbolicRegressionTrainingSummary",
]
