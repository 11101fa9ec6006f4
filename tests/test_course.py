"""Course tooling: student copies, the command line and offline slide decks."""

import re
import shutil
import subprocess
import sys
from pathlib import Path

import nbformat
import pytest
from nbformat.v4 import new_code_cell, new_markdown_cell, new_notebook, new_output

from seminar_lib import course

ROOT = Path(__file__).resolve().parent.parent
NOTEBOOKS = sorted((ROOT / "notebooks").glob("*.ipynb"))
STUB = '# ここにコードを書いてください\nraise NotImplementedError("課題: ここを実装してください")'


def executed(source, text, count):
    cell = new_code_cell(source, execution_count=count)
    cell.outputs = [new_output("execute_result", {"text/plain": text}, execution_count=count)]
    return cell


@pytest.fixture
def small_notebook(tmp_path):
    nb = new_notebook(
        cells=[
            new_markdown_cell("# 小さなノートブック\n\n$y = f(\\sum_i w_i x_i)$ を計算します。"),
            executed("x = 1\nx", "1", 1),
            executed(
                "def f(x):\n    ### BEGIN SOLUTION\n    y = x + 1\n    return y\n"
                "    ### END SOLUTION\n\n\nf(1)",
                "2",
                2,
            ),
            executed("check_f(f)", "'✅ 正解です！'", 3),
            executed("### BEGIN SOLUTION\nw = 0.5\n### END SOLUTION\nw", "0.5", 4),
            executed("x + 1", "2", 5),
        ]
    )
    for cell in nb.cells:
        cell.metadata["slideshow"] = {"slide_type": "-"}
    path = tmp_path / "nb.ipynb"
    nbformat.write(nb, path)
    return path


def test_student_copy_replaces_solutions_and_clears_their_outputs(small_notebook, tmp_path):
    dst = course.make_student_copy(small_notebook, tmp_path / "student" / "nb.ipynb")
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
        course.make_student_copy(path, tmp_path / "out.ipynb")
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
    student = nbformat.read(course.make_student_copy(path, tmp_path / path.name), as_version=4)
    nbformat.validate(student)
    code = "\n".join(c.source for c in student.cells if c.cell_type == "code")
    lines = {line.strip() for line in code.splitlines()}
    assert lines & hidden == set()
    assert "### BEGIN SOLUTION" not in "".join(c.source for c in student.cells)
    assert [c.id for c in student.cells] == [c.id for c in original.cells]
    if hidden:
        assert "raise NotImplementedError(" in "".join(c.source for c in student.cells)


def run_course(*args):
    return subprocess.run(
        [sys.executable, "-m", "seminar_lib.course", *args],
        capture_output=True,
        text=True,
        timeout=300,
    )


def test_cli_student_writes_into_the_given_folder(small_notebook, tmp_path):
    result = run_course("student", str(small_notebook), "--out", str(tmp_path / "out"))
    assert result.returncode == 0, result.stderr
    assert STUB in nbformat.read(tmp_path / "out" / "nb.ipynb", as_version=4).cells[4].source


def test_cli_fails_loudly_on_unbalanced_markers(tmp_path):
    path = tmp_path / "bad.ipynb"
    nbformat.write(new_notebook(cells=[new_code_cell("### BEGIN SOLUTION\nx = 1")]), path)
    result = run_course("student", str(path), "--out", str(tmp_path / "out"))
    assert result.returncode == 1
    assert "bad.ipynb: cell 0: '### BEGIN SOLUTION' without '### END SOLUTION'" in result.stderr


def test_list_notebooks_defaults_to_every_course_notebook_sorted():
    assert course.list_notebooks() == NOTEBOOKS
    assert course.list_notebooks([str(p) for p in NOTEBOOKS]) == NOTEBOOKS
    with pytest.raises(FileNotFoundError, match="Expected an existing .ipynb file"):
        course.list_notebooks(["notebooks/missing.ipynb"])


def test_notebook_problems_reports_order_errors_stderr_and_paths(small_notebook):
    nb = nbformat.read(small_notebook, as_version=4)
    assert course.notebook_problems(nb) == []
    nb.cells[2].execution_count = 7
    nb.cells[1].outputs.append(new_output("stream", name="stderr", text="W0000 warning\n"))
    nb.cells[5].outputs = [new_output("error", ename="ValueError", evalue="bad", traceback=[])]
    nb.cells[5].outputs.append(new_output("stream", name="stdout", text=f"{Path.home()}/x\n"))
    assert course.notebook_problems(nb) == [
        "execution counts are [1, 7, 3, 4, 5], expected 1..5 in order",
        "cell 1: stderr output 'W0000 warning\\n'",
        "cell 5: error ValueError: bad",
        f"cell 5: output contains the machine path {Path.home()}/",
    ]


def test_importing_course_does_not_import_tensorflow():
    code = "import seminar_lib.course, sys; assert 'tensorflow' not in sys.modules"
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True)
    assert result.returncode == 0, result.stderr


def test_course_and_makefile_give_nbval_the_same_kernel_environment():
    makefile = (ROOT / "Makefile").read_text(encoding="utf-8")
    nb_env = re.search(r"^NB_ENV := (.*)$", makefile, re.MULTILINE)[1]
    assert dict(item.split("=") for item in nb_env.split()) == course.KERNEL_ENVIRONMENT


@pytest.mark.skipif(
    shutil.which("npm") is None
    and not (ROOT / "build" / "slides" / "vendor" / "node_modules").is_dir(),
    reason="npm is not installed: the offline slides need it once to install reveal.js/MathJax",
)
def test_slides_load_only_local_files(small_notebook, tmp_path):
    # Share the npm install with `make slides` (build/slides/vendor) instead of one per test run.
    vendor = ROOT / "build" / "slides" / "vendor"
    vendor.mkdir(parents=True, exist_ok=True)
    (tmp_path / "decks").mkdir()
    (tmp_path / "decks" / "vendor").symlink_to(vendor, target_is_directory=True)
    deck = course.make_slides(small_notebook, tmp_path / "decks")
    assert deck == tmp_path / "decks" / "nb.slides.html"
    html = deck.read_text(encoding="utf-8")
    assert '<html lang="ja">' in html
    assert "小さなノートブック" in html
    assert "width: 1280" in html and "height: 720" in html
    assert "var scroll = true" in html
    assert "mermaid" not in html
    assert "text-transform: none" in html
    local = re.findall(r'(?:src|href)="(vendor/[^"?]+)', html)
    local += re.findall(r'"(vendor/[^"]+\.js)"', html)
    assert {u.split("/")[2] for u in local} == {"reveal.js", "mathjax", "requirejs", "jquery"}
    assert "vendor/node_modules/reveal.js/dist/theme/white.css" in local
    missing = [u for u in local if not (deck.parent / u).is_file()]
    assert missing == []
    assert not re.search(r"<(?:script|link)\b[^>]*(?:src|href)=\"(?:https?:)?//", html)


def test_slides_hide_the_code_of_figure_only_cells(small_notebook, tmp_path):
    nb = nbformat.read(small_notebook, as_version=4)
    hidden = executed("hidden_marker_variable = 41\nhidden_marker_variable + 1", "42", 6)
    hidden.metadata["tags"] = [course.SLIDES_HIDE_INPUT_TAG]
    shown = executed("shown_marker_variable = 7\nshown_marker_variable", "7", 7)
    for cell in (hidden, shown):
        cell.metadata["slideshow"] = {"slide_type": "-"}
    nb.cells += [hidden, shown]
    nbformat.write(nb, small_notebook)
    vendor = ROOT / "build" / "slides" / "vendor"
    vendor.mkdir(parents=True, exist_ok=True)
    (tmp_path / "decks").mkdir()
    (tmp_path / "decks" / "vendor").symlink_to(vendor, target_is_directory=True)
    html = course.make_slides(small_notebook, tmp_path / "decks").read_text(encoding="utf-8")
    assert "hidden_marker_variable" not in html
    assert "42" in html  # its output stays
    assert "shown_marker_variable" in html


def widget_notebook(ids):
    """A notebook whose output shows widget ids[0], which references ids[1] (its layout)."""
    view, layout = ids
    cell = nbformat.v4.new_code_cell("interact(f)", execution_count=1, id="cell-1")
    cell.outputs = [
        nbformat.v4.new_output(
            "display_data", data={course.WIDGET_VIEW: {"model_id": view, "version_major": 2}}
        )
    ]
    state = {
        layout: {"model_name": "LayoutModel", "state": {}},
        view: {"model_name": "VBoxModel", "state": {"layout": f"IPY_MODEL_{layout}"}},
    }
    nb = new_notebook(cells=[cell])
    nb.metadata["widgets"] = {course.WIDGET_STATE: {"state": state, "version_major": 2}}
    return nb


def test_widget_ids_become_stable_so_reruns_give_identical_files():
    first = course.stable_widget_ids(widget_notebook(["a" * 32, "b" * 32]), "nb")
    second = course.stable_widget_ids(widget_notebook(["c" * 32, "d" * 32]), "nb")
    assert nbformat.writes(first) == nbformat.writes(second)
    state = first.metadata["widgets"][course.WIDGET_STATE]["state"]
    view_id = first.cells[0].outputs[0]["data"][course.WIDGET_VIEW]["model_id"]
    assert list(state) == [view_id, state[view_id]["state"]["layout"].removeprefix("IPY_MODEL_")]
    assert "a" * 32 not in nbformat.writes(first)
    plain = new_notebook(cells=[nbformat.v4.new_code_cell("1")])
    assert course.stable_widget_ids(plain, "nb") is plain  # no widgets: untouched
