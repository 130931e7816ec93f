#!/usr/bin/env bash
# The PySpark tests against the real PySpark from PyPI: builds a venv in target/pyenv from the pinned
# requirements, installs the hyperreg package (with the application jar `mvn package` built), fits
# the README's demo with the command line for the comparison, and runs pytest (the notebook included).
# Needs a built checkout (mvn -B package -DskipTests, or the mvn -B verify before it) and PyPI.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/../../../.."
venv=target/pyenv
if [ ! -x "$venv/bin/python" ]; then python3 -m venv "$venv"; fi
"$venv/bin/pip" install -q --disable-pip-version-check -r spark-driver/src/test/python/requirements.txt
# --no-deps: the requirements pin pyspark and numpy; a rebuilt jar needs the package reinstalled
"$venv/bin/pip" install -q --disable-pip-version-check --no-deps --force-reinstall ./spark-driver/src/main/python
deploy/hyperreg fit --input test-data/rescaled-exp.libsvm --objective rescaled --link exp --reg-weight 0.01 \
  --output target/python-tests/cli-fit --overwrite > target/python-tests-cli-fit.log 2>&1 \
  || { cat target/python-tests-cli-fit.log; exit 1; }
export HYPERREG_CLI_FIT=target/python-tests/cli-fit
"$venv/bin/pytest" spark-driver/src/test/python --ignore=spark-driver/src/test/python/connect "$@"
# the Spark Connect client in a process of its own (see connect/conftest.py)
"$venv/bin/pytest" spark-driver/src/test/python/connect "$@"
