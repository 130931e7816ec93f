"""Runs walkthrough.ipynb headlessly in a Jupyter kernel of this Python and checks its outputs."""

import json
import re
import sys
from pathlib import Path

import nbformat
import pytest
from nbclient import NotebookClient

from support import DATA, cli_coefficients, read_numbers, relative_distance

NOTEBOOK = Path(__file__).with_name("walkthrough.ipynb")
KERNEL = "hyperreg-tests"


@pytest.fixture(scope="module")
def executed(tmp_path_factory):
    """The executed notebook and its output directory."""
    out = tmp_path_factory.mktemp("walkthrough")
    # a kernel spec for this interpreter, so the kernel imports the hyperreg installed here
    # whatever "python3" kernels the machine has
    jupyter = tmp_path_factory.mktemp("jupyter")
    spec = jupyter / "kernels" / KERNEL
    spec.mkdir(parents=True)
    (spec / "kernel.json").write_text(json.dumps({
        "argv": [sys.executable, "-m", "ipykernel_launcher", "-f", "{connection_file}"],
        "display_name": "hyperreg tests",
        "language": "python",
    }))
    notebook = nbformat.read(str(NOTEBOOK), as_version=4)
    client = NotebookClient(notebook, timeout=900, kernel_name=KERNEL,
                            resources={"metadata": {"path": str(NOTEBOOK.parent)}})
    with pytest.MonkeyPatch.context() as env:
        env.setenv("JUPYTER_PATH", str(jupyter))
        env.setenv("HYPERREG_TEST_DATA", str(DATA))
        env.setenv("HYPERREG_NOTEBOOK_OUT", str(out))
        client.execute()  # raises CellExecutionError, naming the cell, when a cell fails
    return notebook, out


def stdout(notebook, tag):
    cells = [c for c in notebook.cells if tag in c.get("metadata", {}).get("tags", [])]
    assert len(cells) == 1, "no single cell tagged %r" % tag
    return "".join(o.get("text", "") for o in cells[0].outputs
                   if o.output_type == "stream" and o.name == "stdout")


def test_walkthrough_outputs(executed):
    notebook, out = executed
    assert "hyperreg-spark-" in stdout(notebook, "session")
    params = stdout(notebook, "params")
    for name in ("objective:", "ridge:", "solver:", "initialModel:", "shareCol:"):
        assert name in params, name
    iterations = [int(m.group(1)) for m in re.finditer(r"iteration +(\d+):", stdout(notebook, "fit"))]
    assert iterations[:2] == [0, 1], stdout(notebook, "fit")
    summary = stdout(notebook, "summary")
    assert summary.startswith("CONVERGED"), summary
    assert "objective history: [" in summary and "coefficients: [" in summary
    loaded = stdout(notebook, "load")
    assert "hasSummary after load: False" in loaded
    assert "same coefficients: True" in loaded
    assert (out / "softmax-model" / "metadata").is_dir()
    table = stdout(notebook, "transform")
    assert re.search(r"\|\s*label\s*\|\s*prediction\s*\|\s*share\s*\|", table), table
    assert len([line for line in table.splitlines() if re.match(r"\|\s*[0-9.Ee-]+\s*\|", line)]) == 5, table
    assert "warm start:" in stdout(notebook, "warm")
    assert stdout(notebook, "cli-fit").startswith("CONVERGED")


def test_notebook_fit_equals_the_estimators_here(executed, cli_model):
    _, out = executed
    written = read_numbers(out / "coefficients.txt")
    assert relative_distance(written, cli_model.coefficients.toArray()) <= 1e-10


def test_notebook_fit_equals_the_cli_fit(executed):
    _, out = executed
    cli = cli_coefficients()  # skips without HYPERREG_CLI_FIT
    assert relative_distance(read_numbers(out / "coefficients.txt"), cli) <= 1e-10
