"""Handouts for the lab's shared drive (``make handout``): a student zip and an instructor zip.

``dl-seminar-student.zip`` (folder ``dl-seminar/``) is everything a student needs and no solution:

- ``notebooks/``: the student copies (:mod:`tools.student`: solutions replaced by stubs, the
  checkers' stored feedback dropped);
- ``seminar_lib/``, ``data/`` (with its provenance and licences), ``tools/`` (for ``make start``),
  ``lab/`` (the Japanese JupyterLab settings), ``pyproject.toml``, ``constraints.txt``, ``LICENSE``;
- ``README.md`` and ``Makefile`` from ``handout/student/``: ``make setup``, then ``make start``.

``dl-seminar-instructor.zip`` (folder ``dl-seminar-instructor/``):

- ``notebooks/``: the full notebooks, executed, with solutions;
- ``slides/``: the offline decks (:mod:`tools.slides`) with a copy of the vendor files they load;
- ``contest-kit/``: the organiser's steps of session 5 (the README's contest section), an example
  contest definition (``seminar-contest example``) and the strong baseline with its stored result;
- ``README.md`` from ``handout/instructor/``.

The zips are deterministic: files in sorted order with a fixed time stamp, so an unchanged course
gives byte-identical zips.
"""

from __future__ import annotations

import re
import subprocess
import sys
import tempfile
import zipfile
from pathlib import Path

from tools.notebooks import BUILD_DIR, ROOT, list_notebooks
from tools.slides import DECK_VENDOR_FILES, VENDOR_DIR, copy_vendor, make_slides
from tools.student import make_student_copy

__all__ = [
    "INSTRUCTOR_ZIP",
    "STUDENT_ZIP",
    "make_handouts",
    "write_instructor_zip",
    "write_student_zip",
]

STUDENT_ZIP = "dl-seminar-student.zip"
INSTRUCTOR_ZIP = "dl-seminar-instructor.zip"
TEMPLATES = ROOT / "handout"  # README.md (and Makefile) of each zip
# Files of the checkout that the student folder needs besides the notebooks.
STUDENT_FILES = ("pyproject.toml", "constraints.txt", "LICENSE", "lab/overrides.json")
STUDENT_FOLDERS = ("seminar_lib", "tools", "data")
# Never packed: caches, and the optional datasets that data/README.md says to fetch by hand.
SKIPPED_PARTS = {"__pycache__", ".ipynb_checkpoints", "cifar-10-batches-py", "101_ObjectCategories"}
STRONG_BASELINE = (
    "bench/strong_baseline.py",
    "bench/results/strong_baseline.json",
    "bench/results/strong_baseline.png",
)
CONTEST_SECTION = re.compile(r"^## 大会の運営.*?(?=^---$|^## )", re.MULTILINE | re.DOTALL)
# The README's last lines about the notebook and its test are for maintainers.
MAINTAINER_LINES = re.compile(r"^The target score for students comes from .*\Z", re.M | re.S)
KIT_INTRO = """\
# 大会の運営キット（第5回）

手順は講座の README の「大会の運営」と同じです。コマンド（`.venv/bin/seminar-contest`）は、
講座の git リポジトリのフォルダか、学生用 zip (`dl-seminar-student.zip`) を展開したフォルダで、
`make setup` をしたあとに実行します。

- `contest.toml`: 手順 1 の見本（`seminar-contest example` の出力）です。チーム名と締め切りを
  書き換えて使えます。
- `bench/strong_baseline.py` と `bench/results/`: 主催者の強いベースラインと、その保存された
  結果です。走らせ直すときは、上のフォルダの Python で
  `<そのフォルダ>/.venv/bin/python bench/strong_baseline.py` を、このキットのフォルダで実行します
  （結果は `bench/results/` に書かれます）。

"""
ZIP_TIME = (2020, 1, 1, 0, 0, 0)  # a fixed time stamp: the same files give the same zip


def _files_under(folder: Path) -> list[Path]:
    """The files under ``folder``, sorted, without caches and optional downloads."""
    return sorted(
        p
        for p in folder.rglob("*")
        if p.is_file() and not SKIPPED_PARTS & set(p.parts) and p.suffix != ".pyc"
    )


class _Zip:
    """A zip being written (``with _Zip(path, top) as archive:``): every entry under ``top/``.

    It is written to ``NAME.part`` and renamed to ``NAME`` when the ``with`` block ends; after an
    exception the part is removed, so a failure leaves no half-written zip behind.
    """

    def __init__(self, path: Path, top: str):
        path.parent.mkdir(parents=True, exist_ok=True)
        self.path, self.top = path, top
        self._part = path.with_name(path.name + ".part")
        self._zip = zipfile.ZipFile(self._part, "w", compression=zipfile.ZIP_DEFLATED)

    def add_bytes(self, name: str, data: bytes, mode: int = 0o644) -> None:
        info = zipfile.ZipInfo(f"{self.top}/{name}", date_time=ZIP_TIME)
        info.compress_type = zipfile.ZIP_DEFLATED
        info.external_attr = (0o100000 | mode) << 16  # a regular file and its permissions
        self._zip.writestr(info, data)

    def add_file(self, name: str, path: Path) -> None:
        mode = 0o755 if path.stat().st_mode & 0o111 else 0o644
        self.add_bytes(name, path.read_bytes(), mode)

    def add_tree(self, name: str, folder: Path) -> None:
        for path in _files_under(folder):
            self.add_file(f"{name}/{path.relative_to(folder).as_posix()}", path)

    def __enter__(self) -> _Zip:
        return self

    def __exit__(self, exc_type, *exc_info) -> None:
        self._zip.close()
        if exc_type is None:
            self._part.replace(self.path)
        else:
            self._part.unlink()


def write_student_zip(path, notebooks=None) -> Path:
    """Write the student zip (see the module docstring) to ``path``; return ``path``."""
    path, notebooks = Path(path), list_notebooks(notebooks)
    with _Zip(path, "dl-seminar") as archive:
        for name in ("README.md", "Makefile"):
            archive.add_file(name, TEMPLATES / "student" / name)
        for name in STUDENT_FILES:
            archive.add_file(name, ROOT / name)
        for name in STUDENT_FOLDERS:
            archive.add_tree(name, ROOT / name)
        with tempfile.TemporaryDirectory(prefix="handout-") as scratch:
            for notebook in notebooks:
                copy = make_student_copy(notebook, Path(scratch) / notebook.name)
                archive.add_file(f"notebooks/{notebook.name}", copy)
    return path


def contest_kit_readme() -> str:
    """The organiser's steps: the contest section of the README (its heading and the line for
    maintainers left out), after a note on where the commands run."""
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    section = CONTEST_SECTION.search(readme)
    if section is None:
        raise RuntimeError("README.md has no section '## 大会の運営': the contest kit needs it")
    steps = section.group(0).split("\n", 1)[1].strip()  # without the section's own heading
    steps = MAINTAINER_LINES.sub("", steps).rstrip()
    return KIT_INTRO + steps + "\n"


def write_instructor_zip(path, notebooks=None, vendor_dir=VENDOR_DIR) -> Path:
    """Write the instructor zip (see the module docstring) to ``path``; return ``path``.

    Raises ``RuntimeError`` when the slide vendor files of ``make setup`` are missing.
    """
    path = Path(path)
    notebooks = list_notebooks(notebooks)
    example = subprocess.run(
        [sys.executable, "-m", "seminar_lib.contest", "example"],
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    with tempfile.TemporaryDirectory(prefix="handout-") as scratch:
        decks = Path(scratch) / "slides"
        for notebook in notebooks:
            make_slides(notebook, decks, vendor_dir)
        (decks / "vendor").unlink()  # a link to build/: the zip gets a copy of what decks load
        copy_vendor(decks / "vendor", DECK_VENDOR_FILES, vendor_dir)
        with _Zip(path, "dl-seminar-instructor") as archive:
            archive.add_file("README.md", TEMPLATES / "instructor" / "README.md")
            for notebook in notebooks:
                archive.add_file(f"notebooks/{notebook.name}", notebook)
            archive.add_tree("slides", decks)
            archive.add_bytes("contest-kit/README.md", contest_kit_readme().encode())
            archive.add_bytes("contest-kit/contest.toml", example.encode())
            for name in STRONG_BASELINE:
                archive.add_file(f"contest-kit/{name}", ROOT / name)
    return path


def make_handouts(out_dir=BUILD_DIR / "handout", notebooks=None) -> tuple[Path, Path]:
    """Write both zips into ``out_dir``; return (student zip, instructor zip)."""
    out_dir, notebooks = Path(out_dir), list_notebooks(notebooks)
    student = write_student_zip(out_dir / STUDENT_ZIP, notebooks)
    instructor = write_instructor_zip(out_dir / INSTRUCTOR_ZIP, notebooks)
    return student, instructor
