"""
hyperreg for PySpark: the exp/cosh/sinh regression family (rescaled, plain, softmax) fitted with
Newton's method by the hyperreg Spark job, as a Spark ML estimator.

The whole setup::

    import hyperreg
    from pyspark.sql import SparkSession
    spark = SparkSession.builder.config("spark.jars", ",".join(hyperreg.jars())).getOrCreate()

    from hyperreg.ml import HyperbolicRegression
    estimator = HyperbolicRegression(objective="rescaled", link="exp", regWeight=0.01)
    with hyperreg.progress(estimator):      # one line per Newton iteration
        model = estimator.fit(spark.read.format("libsvm").load("test-data/rescaled-exp.libsvm"))
"""

import os
from typing import List

from hyperreg._progress import progress

__version__ = "0.1.0.dev0"

__all__ = ["jars", "progress", "__version__"]

_JARS = os.path.join(os.path.dirname(os.path.abspath(__file__)), "jars")


def jars() -> List[str]:
    """
    The absolute paths of the hyperreg application jar(s) bundled with this package (the shaded
    ``hyperreg-spark-*.jar``: hyperreg-core and the Spark job), for ``spark.jars``::

        SparkSession.builder.config("spark.jars", ",".join(hyperreg.jars()))

    ``spark.jars`` must be set before the session's JVM starts (the first SparkSession or
    SparkContext of the Python process). Raises FileNotFoundError when the package was built
    without the jar.
    """
    found = []
    if os.path.isdir(_JARS):
        found = sorted(
            os.path.join(_JARS, name) for name in os.listdir(_JARS) if name.endswith(".jar")
        )
    if not found:
        raise FileNotFoundError(
            "no hyperreg jar in %s: this installation of the package is incomplete; build it with "
            "`mvn -B package -DskipTests` then `pip install spark-driver/src/main/python`" % _JARS
        )
    return found
