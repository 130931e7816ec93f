"""
Fixtures of the PySpark tests: one local[2] session for the whole run, started the way users are
told to start it (spark.jars = hyperreg.jars(), nothing else), and the bundled data.

Environment:
  HYPERREG_CLI_FIT    output directory of the README's demo fit (deploy/hyperreg fit --input
                      test-data/rescaled-exp.libsvm --objective rescaled --link exp
                      --reg-weight 0.01 --output DIR); the CLI comparisons skip without it
  HYPERREG_TEST_DATA  the test-data directory (default: the repository's)
"""

import pytest

import hyperreg
from support import cli_estimator, libsvm


@pytest.fixture(scope="session")
def spark():
    from pyspark.sql import SparkSession

    session = (
        SparkSession.builder.master("local[2]")
        .appName("hyperreg-pytest")
        .config("spark.jars", ",".join(hyperreg.jars()))
        .config("spark.ui.enabled", "false")
        .config("spark.ui.showConsoleProgress", "false")
        .config("spark.sql.shuffle.partitions", "2")
        .getOrCreate()
    )
    yield session
    session.stop()


@pytest.fixture(scope="session")
def softmax_data(spark):
    return libsvm(spark, "softmax.libsvm").cache()


@pytest.fixture(scope="session")
def rescaled_data(spark):
    return libsvm(spark, "rescaled-exp.libsvm").cache()


@pytest.fixture(scope="session")
def cli_model(rescaled_data):
    """The fit of the CLI command in .ci/run, made by the estimator."""
    model = cli_estimator().fit(rescaled_data)
    assert model.summary.converged, model.summary.message
    return model
