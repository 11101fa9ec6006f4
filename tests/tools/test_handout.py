"""make handout: the student zip runs where it is unpacked and holds no solution; the instructor zip
holds the full notebooks, offline decks and the contest kit.

The instructor zip needs the slide vendor files of make setup: without them its tests are
skipped, except under CI, where they fail.
"""

import json
import os
import re
import subprocess
import sys
import zipfile
from pathlib import Path

import nbformat
import pytest
from helpers import require

from tools import handout, slides
from tools.execute import KERNEL_ENVIRONMENT
from tools.notebooks import NOTEBOOK_DIR, list_notebooks
from tools.student import BEGIN_SOLUTION, END_SOLUTION

STUDENT_TOP = "dl-seminar"
RUN_NOTEBOOK = "03_deep_cnn.ipynb"  # its 4th code cell loads MNIST from data/ and prints shapes
RUN_CELLS = 4


@pytest.fixture(scope="module")
def student_zip(tmp_path_factory):
    return handout.write_student_zip(tmp_path_factory.mktemp("handout") / handout.STUDENT_ZIP)


@pytest.fixture(scope="module")
def unpacked(student_zip, tmp_path_factory):
    """The student zip unpacked into an empty folder; the path of its top folder."""
    folder = tmp_path_factory.mktemp("student-drive")
    assert list(folder.iterdir()) == []
    with zipfile.ZipFile(student_zip) as archive:
        archive.extractall(folder)
    return folder / STUDENT_TOP


def _solution_lines() -> set[str]:
    """Every line inside a solution region of the course notebooks, except lines that also occur
    outside one (``return out``, ``plt.show()``): those give nothing away."""
    inside, outside = set(), set()
    for path in list_notebooks():
        for cell in nbformat.read(path, as_version=4).cells:
            in_solution = False
            for line in cell.source.split("\n") if cell.cell_type == "code" else []:
                if BEGIN_SOLUTION.match(line) or END_SOLUTION.match(line):
                    in_solution = bool(BEGIN_SOLUTION.match(line))
                    continue
                (inside if in_solution else outside).add(line.strip())
    return inside - outside - {""}


def test_student_zip_has_what_make_start_needs(student_zip):
    with zipfile.ZipFile(student_zip) as archive:
        names = archive.namelist()
    assert all(name.startswith(f"{STUDENT_TOP}/") for name in names)
    files = {name.removeprefix(f"{STUDENT_TOP}/") for name in names}
    for name in (
        "README.md",
        "Makefile",
        "pyproject.toml",
        "constraints.txt",
        "LICENSE",
        "lab/overrides.json",
        "seminar_lib/__init__.py",
        "seminar_lib/paths.py",
        "tools/lab.py",
        "tools/student.py",
        "data/README.md",
        "data/mnist/train-images-idx3-ubyte.gz",
        "data/fashion-mnist/t10k-labels-idx1-ubyte.gz",
    ):
        assert name in files, name
    notebooks = sorted(n for n in files if n.startswith("notebooks/"))
    assert notebooks == [f"notebooks/{p.name}" for p in list_notebooks()]
    assert not [n for n in files if "__pycache__" in n or n.endswith(".pyc")]
    assert not [n for n in files if n.split("/")[0] in ("tests", "bench", "build", ".venv")]


def test_student_zip_contains_no_solution(student_zip):
    solutions = _solution_lines()
    assert len(solutions) > 100  # the course's 課題 across all sessions
    with zipfile.ZipFile(student_zip) as archive:
        for name in archive.namelist():
            data = archive.read(name)
            if name.endswith(".gz"):
                continue
            text = data.decode()
            if name.endswith(".ipynb"):
                text = "\n".join(cell.source for cell in nbformat.reads(text, as_version=4).cells)
            markers = [line for line in text.split("\n") if BEGIN_SOLUTION.match(line)]
            assert markers == [], name
            if not name.endswith(".ipynb"):
                continue
            nb = nbformat.reads(data.decode(), as_version=4)
            lines = {line.strip() for cell in nb.cells for line in cell.source.split("\n")}
            assert not lines & solutions, (name, sorted(lines & solutions)[:5])
            for cell in nb.cells:  # a solution cell's stored output would show the answer
                if cell.cell_type == "code" and "NotImplementedError" in cell.source:
                    assert cell.outputs == [], (name, cell.source[:80])


def test_student_readme_gives_the_two_commands(unpacked):
    readme = (unpacked / "README.md").read_text(encoding="utf-8")
    commands = re.findall(r"^make (\w+)", readme, re.MULTILINE)
    assert commands == ["setup", "start"]
    assert "上書きしません" in readme
    # As a student runs it: not as a sub-make of `make test` (MAKEFLAGS would add
    # "Entering directory" lines and pass the outer make's options on).
    env = {k: v for k, v in os.environ.items() if k not in ("MAKEFLAGS", "MAKELEVEL", "MFLAGS")}
    dry_run = subprocess.run(
        ["make", "-n", "start"], cwd=unpacked, capture_output=True, text=True, timeout=60, env=env
    )
    assert dry_run.returncode == 0, dry_run.stderr
    assert "pip install" in dry_run.stdout and "-c constraints.txt" in dry_run.stdout
    assert "-e '.[tools,contest]'" in dry_run.stdout  # contest: notebook 05's local server
    assert dry_run.stdout.rstrip().endswith("-m tools start")


def test_student_zip_runs_the_first_cells_where_it_is_unpacked(unpacked):
    """The first cells of a student notebook, run in the unpacked folder with its own library
    and data (the kernel imports seminar_lib from the zip, not from this checkout)."""
    from nbclient import NotebookClient

    path = unpacked / "notebooks" / RUN_NOTEBOOK
    nb = nbformat.read(path, as_version=4)
    code = [cell for cell in nb.cells if cell.cell_type == "code"][:RUN_CELLS]
    probe = nbformat.v4.new_code_cell(
        "import seminar_lib\nfrom seminar_lib.paths import data_dir\n"
        "print(seminar_lib.__file__)\nprint(data_dir())"
    )
    nb.cells = [*code, probe]
    env = {**os.environ, **KERNEL_ENVIRONMENT, "PYTHONPATH": str(unpacked)}
    env.pop("MPLBACKEND", None)
    env.pop("SEMINAR_DATA_DIR", None)
    client = NotebookClient(nb, timeout=600, kernel_name="python3")
    client.execute(cwd=str(path.parent), env=env)
    library, data = nb.cells[-1].outputs[0]["text"].split()
    assert Path(library) == unpacked / "seminar_lib" / "__init__.py"
    assert Path(data) == unpacked / "data"
    stored = nbformat.read(NOTEBOOK_DIR / RUN_NOTEBOOK, as_version=4)
    stored_code = [cell for cell in stored.cells if cell.cell_type == "code"][:RUN_CELLS]
    assert nb.cells[RUN_CELLS - 1].outputs[0]["text"] == stored_code[-1].outputs[0]["text"]
    assert "(50000, 784)" in nb.cells[RUN_CELLS - 1].outputs[0]["text"]
    assert [o.output_type for o in nb.cells[1].outputs] == ["display_data"]  # the figure
    errors = [o for cell in nb.cells for o in cell.outputs if o.output_type == "error"]
    assert errors == []


@pytest.fixture(scope="module")
def instructor(tmp_path_factory):
    """The instructor zip of two notebooks, unpacked; skips (CI: fails) without vendor files."""
    problem = slides.vendor_problem()
    require(problem)
    folder = tmp_path_factory.mktemp("instructor")
    notebooks = [NOTEBOOK_DIR / "01_neuron_perceptron.ipynb", NOTEBOOK_DIR / "05_contest.ipynb"]
    path = handout.write_instructor_zip(folder / handout.INSTRUCTOR_ZIP, notebooks)
    with zipfile.ZipFile(path) as archive:
        archive.extractall(folder)
    return folder / "dl-seminar-instructor"


def test_instructor_zip_has_full_notebooks_offline_decks_and_the_contest_kit(instructor):
    for name in ("01_neuron_perceptron", "05_contest"):
        full = (instructor / "notebooks" / f"{name}.ipynb").read_bytes()
        assert full == (NOTEBOOK_DIR / f"{name}.ipynb").read_bytes()
        deck = instructor / "slides" / f"{name}.slides.html"
        html = deck.read_text(encoding="utf-8")
        local = re.findall(r'(?:src|href)="(vendor/[^"?#]+)', html)
        local += re.findall(r'"(vendor/[^"?]+\.js)"', html)
        assert len(local) >= 6
        assert [u for u in local if not (deck.parent / u).is_file()] == []
    assert "### BEGIN SOLUTION" in (instructor / "notebooks/05_contest.ipynb").read_text()
    assert not (instructor / "slides" / "vendor").is_symlink()
    kit = instructor / "contest-kit"
    readme = (kit / "README.md").read_text(encoding="utf-8")
    assert readme.startswith("# 大会の運営キット（第5回）")
    assert "seminar-contest init contest.toml contest-2026/" in readme
    assert "seminar-contest reveal" in readme
    assert "## 大会の運営" not in readme  # the kit's own title replaces the README's heading
    assert "a test checks" not in readme  # the README's line for maintainers
    assert readme.rstrip().endswith("epoch and TTA chosen on validation.")
    assert "teams" in (kit / "contest.toml").read_text(encoding="utf-8")
    result = json.loads((kit / "bench/results/strong_baseline.json").read_text())
    assert result["test_accuracy"] >= 0.94
    assert (kit / "bench/strong_baseline.py").is_file()
    assert "学生には渡さないでください" in (instructor / "README.md").read_text(encoding="utf-8")


def test_cli_handout_rejects_a_missing_notebook(tmp_path):
    result = subprocess.run(
        [sys.executable, "-m", "tools", "handout", "missing.ipynb", "--out", str(tmp_path)],
        cwd=NOTEBOOK_DIR.parent,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == 1
    assert "Expected an existing .ipynb file. Received: missing.ipynb" in result.stderr
    assert list(tmp_path.iterdir()) == []


def test_a_failure_leaves_no_zip_behind(tmp_path):
    """A notebook that cannot become a student copy stops the zip half-way: nothing is left."""
    broken = tmp_path / "09_broken.ipynb"
    nb = nbformat.v4.new_notebook(cells=[nbformat.v4.new_code_cell("### BEGIN SOLUTION\nx = 1")])
    nbformat.write(nb, broken)
    out = tmp_path / "out"
    with pytest.raises(ValueError, match="without '### END SOLUTION'"):
        handout.write_student_zip(out / handout.STUDENT_ZIP, [broken])
    assert list(out.iterdir()) == []  # neither the zip nor its .part
