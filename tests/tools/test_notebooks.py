"""Listing notebooks, what keeps one from being committed, stable widget ids."""

import subprocess
import sys
from pathlib import Path

import nbformat
import pytest
from nbformat.v4 import new_notebook, new_output

from tools.notebooks import (
    WIDGET_STATE,
    WIDGET_VIEW,
    list_notebooks,
    notebook_problems,
    stable_widget_ids,
)

ROOT = Path(__file__).resolve().parents[2]
NOTEBOOKS = sorted((ROOT / "notebooks").glob("*.ipynb"))


def test_list_notebooks_defaults_to_every_course_notebook_sorted():
    assert list_notebooks() == NOTEBOOKS
    assert list_notebooks([str(p) for p in NOTEBOOKS]) == NOTEBOOKS
    with pytest.raises(FileNotFoundError, match="Expected an existing .ipynb file"):
        list_notebooks(["notebooks/missing.ipynb"])


def test_notebook_problems_reports_order_errors_stderr_and_paths(small_notebook):
    nb = nbformat.read(small_notebook, as_version=4)
    assert notebook_problems(nb) == []
    nb.cells[2].execution_count = 7
    nb.cells[1].outputs.append(new_output("stream", name="stderr", text="W0000 warning\n"))
    nb.cells[5].outputs = [new_output("error", ename="ValueError", evalue="bad", traceback=[])]
    nb.cells[5].outputs.append(new_output("stream", name="stdout", text=f"{Path.home()}/x\n"))
    assert notebook_problems(nb) == [
        "execution counts are [1, 7, 3, 4, 5], expected 1..5 in order",
        "cell 1: stderr output 'W0000 warning\\n'",
        "cell 5: error ValueError: bad",
        f"cell 5: output contains the machine path {Path.home()}/",
    ]


def test_importing_the_tooling_does_not_import_tensorflow():
    code = (
        "import sys, tools.__main__, tools.corpus, tools.execute, tools.slides, tools.student\n"
        "assert 'tensorflow' not in sys.modules and 'keras' not in sys.modules"
    )
    result = subprocess.run(
        [sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True, timeout=300
    )
    assert result.returncode == 0, result.stderr


def widget_notebook(ids):
    """A notebook whose output shows widget ids[0], which references ids[1] (its layout)."""
    view, layout = ids
    cell = nbformat.v4.new_code_cell("interact(f)", execution_count=1, id="cell-1")
    cell.outputs = [
        nbformat.v4.new_output(
            "display_data", data={WIDGET_VIEW: {"model_id": view, "version_major": 2}}
        )
    ]
    state = {
        layout: {"model_name": "LayoutModel", "state": {}},
        view: {"model_name": "VBoxModel", "state": {"layout": f"IPY_MODEL_{layout}"}},
    }
    nb = new_notebook(cells=[cell])
    nb.metadata["widgets"] = {WIDGET_STATE: {"state": state, "version_major": 2}}
    return nb


def test_widget_ids_become_stable_so_reruns_give_identical_files():
    first = stable_widget_ids(widget_notebook(["a" * 32, "b" * 32]), "nb")
    second = stable_widget_ids(widget_notebook(["c" * 32, "d" * 32]), "nb")
    assert nbformat.writes(first) == nbformat.writes(second)
    state = first.metadata["widgets"][WIDGET_STATE]["state"]
    view_id = first.cells[0].outputs[0]["data"][WIDGET_VIEW]["model_id"]
    assert list(state) == [view_id, state[view_id]["state"]["layout"].removeprefix("IPY_MODEL_")]
    assert "a" * 32 not in nbformat.writes(first)
    plain = new_notebook(cells=[nbformat.v4.new_code_cell("1")])
    assert stable_widget_ids(plain, "nb") is plain  # no widgets: untouched
