"""JupyterLab for the course (``make start``, ``make lab``): Japanese, quiet, settings kept here.

- :func:`install_lab_settings` copies ``lab/overrides.json`` of the checkout into the
  environment's JupyterLab settings folder (``<sys.prefix>/share/jupyter/lab/settings``), where
  JupyterLab reads the defaults of every setting: the Japanese language pack
  (``jupyterlab-language-pack-ja-JP``, a dependency of the course) selected, the "Jupyter news"
  question and the update check off. They stay defaults: a user may still change them in
  JupyterLab's settings.
- :func:`lab_command` runs JupyterLab with the user settings and workspaces under ``build/lab/``
  of the checkout, not in the user's home, so a setting changed in another course or an older
  JupyterLab cannot override the course's defaults.
- :func:`start_student_copies` (``make start``) writes the student copies a student does not have
  yet into ``my-notebooks/`` and never overwrites one: a student's edits are never lost.
  ``my-notebooks/.course-copies.json`` records a hash of each copy's cells (types and sources,
  not outputs: running a notebook is not editing it, and re-executing the course is not a new
  version) as written, so the message can say which kept copies the student edited and which
  ones the course has changed since.
"""

from __future__ import annotations

import hashlib
import json
import os
import shutil
import sys
import tempfile
from dataclasses import dataclass, field
from pathlib import Path

from tools.notebooks import BUILD_DIR, ROOT, list_notebooks
from tools.student import make_student_copy

__all__ = [
    "LAB_SETTINGS",
    "STUDENT_DIR",
    "StartReport",
    "install_lab_settings",
    "lab_command",
    "main",
    "start_student_copies",
]

#: The course's JupyterLab defaults (Japanese, no news), kept in the checkout.
LAB_SETTINGS = ROOT / "lab" / "overrides.json"
#: Where ``make start`` writes the student's own copies (ignored by git, kept by make clean).
STUDENT_DIR = ROOT / "my-notebooks"
USER_SETTINGS_DIR = BUILD_DIR / "lab" / "user-settings"
WORKSPACES_DIR = BUILD_DIR / "lab" / "workspaces"
MANIFEST = ".course-copies.json"


def install_lab_settings(prefix=sys.prefix, settings: Path = LAB_SETTINGS) -> Path:
    """Copy ``settings`` to ``prefix/share/jupyter/lab/settings/overrides.json``; return its path.

    The file is rewritten only when its content differs.
    """
    target = Path(prefix) / "share" / "jupyter" / "lab" / "settings" / "overrides.json"
    text = Path(settings).read_text(encoding="utf-8")
    json.loads(text)  # a broken file would make JupyterLab ignore every override
    if not target.is_file() or target.read_text(encoding="utf-8") != text:
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_text(text, encoding="utf-8")
    return target


def lab_command(notebook_dir, extra_args=()) -> list[str]:
    """The command line that starts JupyterLab on ``notebook_dir`` with the course's settings.

    Run as root (containers, CI machines), it adds ``--allow-root``, which JupyterLab needs there.
    """
    command = [
        sys.executable,
        "-m",
        "jupyterlab",
        f"--notebook-dir={Path(notebook_dir)}",
        f"--LabApp.user_settings_dir={USER_SETTINGS_DIR}",
        f"--LabApp.workspaces_dir={WORKSPACES_DIR}",
    ]
    if hasattr(os, "geteuid") and os.geteuid() == 0:
        command.append("--allow-root")
    return command + list(extra_args)


def _cells_hash(path: Path) -> str:
    """SHA-256 of a notebook's cell types and sources (outputs and metadata left out)."""
    cells = json.loads(Path(path).read_text(encoding="utf-8"))["cells"]
    content = [[cell["cell_type"], "".join(cell["source"])] for cell in cells]
    return hashlib.sha256(json.dumps(content, ensure_ascii=False).encode()).hexdigest()


@dataclass
class StartReport:
    """What :func:`start_student_copies` did: notebook file names in course order."""

    folder: Path
    created: list[str] = field(default_factory=list)
    kept: list[str] = field(default_factory=list)
    edited: list[str] = field(default_factory=list)  # kept copies whose cells the student changed
    newer_in_course: list[str] = field(default_factory=list)  # kept; the course changed since

    def message(self) -> str:
        """The report for the student, in Japanese."""
        folder = self.folder.name + "/"
        if not self.created and not self.kept:
            return f"{folder}: 講座のノートブックが見つかりませんでした"
        lines = []
        if self.created:
            lines.append(f"{folder} に {len(self.created)} 冊の学生用ノートブックを作りました:")
            lines += [f"  {name}" for name in self.created]
        if self.kept:
            what = "新しい回はありません。" if not self.created else ""
            lines.append(
                f"{what}{folder} にすでにある {len(self.kept)} 冊は、そのまま使います"
                "（上書きはしません）。"
            )
        for name in self.newer_in_course:
            edited = "編集済み、" if name in self.edited else ""
            lines.append(f"  {name}（{edited}講座の版が更新されています）")
        if self.newer_in_course:
            example = self.newer_in_course[0].replace(".ipynb", "_old.ipynb")
            lines.append(
                "新しい版を使うときは、JupyterLab のファイル一覧で自分のファイルの名前を変え"
                f"（例: {example}）、このターミナルで Ctrl+C を押して JupyterLab を止めてから、"
                "make start をもう一度実行してください。"
            )
        return "\n".join(lines)


def start_student_copies(notebooks=None, folder=STUDENT_DIR) -> StartReport:
    """Write into ``folder`` the student copy of each notebook the student does not have yet.

    A notebook already in ``folder`` is never touched. ``notebooks`` defaults to every
    ``notebooks/*.ipynb``.
    """
    folder = Path(folder)
    folder.mkdir(parents=True, exist_ok=True)
    manifest_path = folder / MANIFEST
    written = json.loads(manifest_path.read_text()) if manifest_path.is_file() else {}
    report = StartReport(folder)
    with tempfile.TemporaryDirectory(prefix="student-copies-") as scratch:
        for path in list_notebooks(notebooks):
            fresh = make_student_copy(path, Path(scratch) / path.name)
            target = folder / path.name
            if target.exists():
                report.kept.append(path.name)
                if path.name in written and _cells_hash(target) != written[path.name]:
                    report.edited.append(path.name)
                if path.name in written and _cells_hash(fresh) != written[path.name]:
                    report.newer_in_course.append(path.name)
                continue
            shutil.copyfile(fresh, target)
            written[path.name] = _cells_hash(target)
            report.created.append(path.name)
    manifest_path.write_text(json.dumps(written, indent=1, sort_keys=True) + "\n")
    return report


def main(argv) -> int:
    """``python -m tools lab|start [JUPYTERLAB OPTIONS ...]``: set up, then run JupyterLab."""
    command, extra = argv[0], argv[1:]
    if command == "start":
        report = start_student_copies()
        print(report.message(), flush=True)
        notebook_dir = report.folder
    else:
        notebook_dir = ROOT / "notebooks"
    install_lab_settings()
    args = lab_command(notebook_dir, extra)
    print("JupyterLab:", " ".join(args[3:]))
    print(
        "ブラウザで JupyterLab が開きます。開かないときは、下に表示される "
        "http://127.0.0.1:（番号）/lab?token=... のアドレスをブラウザに貼り付けてください。"
        "終わるときは、このターミナルで Ctrl+C を押します。",
        flush=True,
    )
    os.execv(args[0], args)
    return 0  # not reached
