"""Helpers of the PySpark tests (fixtures are in conftest.py)."""

import os
from pathlib import Path
from typing import List

import numpy as np
import pytest

REPO = Path(__file__).resolve().parents[4]
DATA = Path(os.environ.get("HYPERREG_TEST_DATA", REPO / "test-data")).resolve()

CLI_FIT_ENV = "HYPERREG_CLI_FIT"
CLI_COMMAND = (
    "deploy/hyperreg fit --input test-data/rescaled-exp.libsvm --objective rescaled --link exp "
    "--reg-weight 0.01 --output DIR"
)


def libsvm(spark, name: str):
    return spark.read.format("libsvm").load(str(DATA / name))


def cli_estimator():
    """The estimator with the options of the CLI command in .ci/run (CLI_COMMAND): --objective
    rescaled --link exp --reg-weight 0.01 is objective/link/regWeight, and normalizeLabels=False
    fits the labels as given, as the CLI does (their Σb is 1.0005, not 1); everything else is the
    default of both (solver newton-cg, seed 0, maxIter 100, tol 1e-10, ridge 0, no x0)."""
    from hyperreg.ml import HyperbolicRegression

    return HyperbolicRegression(objective="rescaled", link="exp", regWeight=0.01, normalizeLabels=False)


def softmax_estimator():
    """The Java tests' softmax estimator (HyperbolicRegressionTest.softmaxEstimator)."""
    from hyperreg.ml import HyperbolicRegression

    return HyperbolicRegression(objective="softmax", ridge=1e-4, seed=3)


def read_numbers(path: Path) -> List[float]:
    """coefficients.txt: one number per line (blank lines ignored)."""
    return [float(line) for line in Path(path).read_text().splitlines() if line.strip()]


def cli_coefficients() -> List[float]:
    """The coefficients of the CLI's fit; skips the test when HYPERREG_CLI_FIT is unset."""
    directory = os.environ.get(CLI_FIT_ENV)
    if not directory:
        pytest.skip(
            "%s is not set: point it at the output directory of `%s` to compare with the CLI"
            % (CLI_FIT_ENV, CLI_COMMAND)
        )
    path = Path(directory) / "coefficients.txt"
    assert path.is_file(), "%s=%s has no coefficients.txt" % (CLI_FIT_ENV, directory)
    return read_numbers(path)


def relative_distance(actual, expected) -> float:
    """‖actual − expected‖ / ‖expected‖, as LinearAlgebra.relativeDistance in the Java tests."""
    actual = np.asarray(actual, dtype=float)
    expected = np.asarray(expected, dtype=float)
    assert actual.shape == expected.shape, "%s coefficients, expected %s" % (actual.shape, expected.shape)
    return float(np.linalg.norm(actual - expected) / np.linalg.norm(expected))


def column(frame, name: str) -> List[float]:
    return [row[0] for row in frame.select(name).collect()]
