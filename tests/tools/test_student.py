"""Student copies: solutions become stubs, their outputs go."""

import re
from pathlib import Path

import nbformat
import pytest
from nbformat.v4 import new_code_cell, new_markdown_cell, new_notebook
from notebook_factory import STUB

from tools.student import make_student_copy

ROOT = Path(__file__).resolve().parents[2]
NOTEBOOKS = sorted((ROOT / "notebooks").glob("*.ipynb"))


def test_student_copy_replaces_solutions_and_clears_their_outputs(small_notebook, tmp_path):
    dst = make_student_copy(small_notebook, tmp_path / "student" / "nb.ipynb")
    assert dst == tmp_path / "student" / "nb.ipynb"
    cells = nbformat.read(dst, as_version=4).cells
    indented = "\n".join("    " + line for line in STUB.split("\n"))
    assert cells[2].source == f"def f(x):\n{indented}\n\n\nf(1)"
    assert cells[4].source == f"{STUB}\nw"
    for i in (2, 3, 4):  # the two solution cells and the checker cell
        assert (cells[i].outputs, cells[i].execution_count) == ([], None), i
    for i, text in ((1, "1"), (5, "2")):
        assert cells[i].execution_count == i
        assert cells[i].outputs[0]["data"]["text/plain"] == text
    assert cells[0].source.startswith("# 小さなノートブック")
    assert [c.metadata["slideshow"] for c in cells] == [{"slide_type": "-"}] * 6
    # The instructor notebook itself is untouched.
    assert "### BEGIN SOLUTION" in nbformat.read(small_notebook, as_version=4).cells[2].source


@pytest.mark.parametrize(
    ("source", "message"),
    [
        ("### BEGIN SOLUTION\nx = 1", "nb.ipynb: cell 1: '### BEGIN SOLUTION' without '### END"),
        ("x = 1\n### END SOLUTION", "nb.ipynb: cell 1: '### END SOLUTION' without BEGIN on line 2"),
        (
            "### BEGIN SOLUTION\n  ### BEGIN SOLUTION\n### END SOLUTION",
            "nb.ipynb: cell 1: nested '### BEGIN SOLUTION' on line 2",
        ),
    ],
)
def test_unbalanced_markers_raise_value_error(tmp_path, source, message):
    path = tmp_path / "nb.ipynb"
    nbformat.write(new_notebook(cells=[new_markdown_cell("# t"), new_code_cell(source)]), path)
    with pytest.raises(ValueError, match=re.escape(message)):
        make_student_copy(path, tmp_path / "out.ipynb")
    assert not (tmp_path / "out.ipynb").exists()


def solution_lines(nb):
    """Lines inside solution regions that never occur outside one (blank lines ignored)."""
    inside, outside = set(), set()
    for cell in nb.cells:
        if cell.cell_type != "code":
            continue
        in_solution = False
        for line in cell.source.splitlines():
            if line.strip() == "### BEGIN SOLUTION":
                in_solution = True
            elif line.strip() == "### END SOLUTION":
                in_solution = False
            elif line.strip():
                (inside if in_solution else outside).add(line.strip())
    return inside - outside


@pytest.mark.parametrize("path", NOTEBOOKS, ids=[p.name for p in NOTEBOOKS])
def test_student_copy_of_each_notebook_hides_every_solution(path, tmp_path):
    original = nbformat.read(path, as_version=4)
    hidden = solution_lines(original)
    student = nbformat.read(make_student_copy(path, tmp_path / path.name), as_version=4)
    nbformat.validate(student)
    code = "\n".join(c.source for c in student.cells if c.cell_type == "code")
    lines = {line.strip() for line in code.splitlines()}
    assert lines & hidden == set()
    assert "### BEGIN SOLUTION" not in "".join(c.source for c in student.cells)
    assert [c.id for c in student.cells] == [c.id for c in original.cells]
    if hidden:
        assert "raise NotImplementedError(" in "".join(c.source for c in student.cells)
