"""The instructor notebooks pass every checker: each checker call stored a ✅ result."""

import json
import re
from pathlib import Path

import pytest

NOTEBOOKS = sorted((Path(__file__).resolve().parent.parent / "notebooks").glob("*.ipynb"))
CHECK_CALL = re.compile(r"^check_\w+\(", re.MULTILINE)


def checker_cells(path):
    nb = json.loads(path.read_text(encoding="utf-8"))
    return [
        c
        for c in nb["cells"]
        if c["cell_type"] == "code" and CHECK_CALL.search("".join(c["source"]))
    ]


@pytest.mark.parametrize("path", NOTEBOOKS, ids=[p.name for p in NOTEBOOKS])
def test_every_checker_passes_in_the_instructor_notebook(path):
    cells = checker_cells(path)
    solutions = "".join("".join(c["source"]) for c in json.loads(path.read_text())["cells"])
    if "### BEGIN SOLUTION" in solutions:
        assert cells, f"{path.name} has solutions but no checker call"
    for cell in cells:
        texts = ["".join(o.get("data", {}).get("text/plain", "")) for o in cell["outputs"]]
        assert any(t.startswith("✅ 正解です！") for t in texts), (
            f"{path.name}: checker cell did not pass: {''.join(cell['source'])!r} -> {texts}"
        )


def test_notebook_01_has_at_least_three_checked_exercises():
    cells = checker_cells(Path(NOTEBOOKS[0]).parent / "01_neuron_perceptron.ipynb")
    assert len(cells) >= 3


def test_notebook_03_has_at_least_three_checked_exercises():
    cells = checker_cells(Path(NOTEBOOKS[0]).parent / "03_deep_cnn.ipynb")
    assert len(cells) >= 3


def test_notebook_04_has_at_least_three_checked_exercises():
    cells = checker_cells(Path(NOTEBOOKS[0]).parent / "04_data_cnn.ipynb")
    assert len(cells) >= 3


def test_notebook_06_has_at_least_three_checked_exercises():
    cells = checker_cells(Path(NOTEBOOKS[0]).parent / "06_rnn_lstm.ipynb")
    assert len(cells) >= 3
