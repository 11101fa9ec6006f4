"""The command line, ``python -m tools``, run as the Makefile runs it."""

import subprocess
import sys
from pathlib import Path

import nbformat
from nbformat.v4 import new_code_cell, new_notebook
from notebook_factory import STUB

ROOT = Path(__file__).resolve().parents[2]


def run_tools(*args):
    return subprocess.run(
        [sys.executable, "-m", "tools", *args],
        cwd=ROOT,  # tools/ is not installed: it runs from the checkout
        capture_output=True,
        text=True,
        timeout=300,
    )


def test_cli_student_writes_into_the_given_folder(small_notebook, tmp_path):
    result = run_tools("student", str(small_notebook), "--out", str(tmp_path / "out"))
    assert result.returncode == 0, result.stderr
    assert STUB in nbformat.read(tmp_path / "out" / "nb.ipynb", as_version=4).cells[4].source


def test_cli_fails_loudly_on_unbalanced_markers(tmp_path):
    path = tmp_path / "bad.ipynb"
    nbformat.write(new_notebook(cells=[new_code_cell("### BEGIN SOLUTION\nx = 1")]), path)
    result = run_tools("student", str(path), "--out", str(tmp_path / "out"))
    assert result.returncode == 1
    assert "bad.ipynb: cell 0: '### BEGIN SOLUTION' without '### END SOLUTION'" in result.stderr


def test_cli_rejects_options_a_command_does_not_take(tmp_path):
    result = run_tools("corpus", "--out", str(tmp_path))
    assert result.returncode == 2
    assert "corpus always reads CORPUS_NOTEBOOKS and writes CORPUS_PATH" in result.stderr
    result = run_tools("execute", "--out", str(tmp_path))
    assert result.returncode == 2
    assert "--out is for student and slides" in result.stderr
    assert list(tmp_path.iterdir()) == []
