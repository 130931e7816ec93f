"""
The estimator, its model and its training summary: ``from hyperreg.ml import HyperbolicRegression``.

The classes are defined in :mod:`dev.hyperreg.ml`, the Python twin of the Java package
``dev.hyperreg.ml``: PySpark derives a wrapper's Java class from its Python module and a Java
stage's Python class from its Java class ("org.apache.spark" ↔ "pyspark", anything else as it is)
when it loads models and pipelines, over py4j and over Spark Connect alike, and has no hook to
change that. So they live where it looks, and this module is their short name.
"""

from dev.hyperreg.ml import *  # noqa: F401,F403 (the names dev.hyperreg.ml exports)
from dev.hyperreg.ml import __all__  # noqa: F401
