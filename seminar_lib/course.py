"""Course tooling: re-execute notebooks, write student copies, build offline slide decks.

Command line (run from anywhere; paths default to this repository)::

    python -m seminar_lib.course execute [NOTEBOOK ...]
    python -m seminar_lib.course student [NOTEBOOK ...] [--out DIR]   # default build/student
    python -m seminar_lib.course slides  [NOTEBOOK ...] [--out DIR]   # default build/slides
    python -m seminar_lib.course corpus                                # data/course-text/

Without NOTEBOOK arguments every ``notebooks/*.ipynb`` is processed, in sorted order.
This module needs the standard library and nbformat/nbclient/nbconvert only (imported inside
the functions that use them); it never imports TensorFlow.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import os
import re
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

__all__ = [
    "execute_notebook",
    "list_notebooks",
    "main",
    "make_slides",
    "make_student_copy",
    "notebook_problems",
    "notebook_prose",
    "stable_widget_ids",
]

ROOT = Path(__file__).resolve().parent.parent
NOTEBOOK_DIR = ROOT / "notebooks"
BUILD_DIR = ROOT / "build"
SLIDES_PACKAGE_DIR = ROOT / "slides"  # package.json + package-lock.json of the slide vendor files
#: The Japanese text corpus of session 6 (a character-level language model learns from it):
#: the prose of these notebooks, written by ``python -m seminar_lib.course corpus``.
CORPUS_NOTEBOOKS = (
    "00_python_numpy.ipynb",
    "01_neuron_perceptron.ipynb",
    "02_mlp_softmax.ipynb",
    "03_deep_cnn.ipynb",
    "04_data_cnn.ipynb",
)
CORPUS_PATH = ROOT / "data" / "course-text" / "course_text_ja.txt"

#: Environment of the kernel in :func:`execute_notebook`; the Makefile gives nbval the same.
KERNEL_ENVIRONMENT = {
    "PYTHONHASHSEED": "0",
    "SEMINAR_PROGRESS": "summary",  # training progress: one line per epoch, no live bar
    "TF_ENABLE_ONEDNN_OPTS": "0",
    "TF_CPP_MIN_LOG_LEVEL": "2",
}
CELL_TIMEOUT_S = 1800

BEGIN_SOLUTION = re.compile(r"^(?P<indent>[ \t]*)### BEGIN SOLUTION[ \t]*$")
END_SOLUTION = re.compile(r"^[ \t]*### END SOLUTION[ \t]*$")
CHECKER_CALL = re.compile(r"\bcheck_\w+\(")
STUDENT_STUB = (
    "# ここにコードを書いてください",
    'raise NotImplementedError("課題: ここを実装してください")',
)

# Files of slides/package.json that a deck loads, relative to the deck (build/slides/vendor/...).
VENDOR = "vendor/node_modules"
SLIDE_URLS = {
    "reveal_url_prefix": f"{VENDOR}/reveal.js",
    "mathjax_url": f"{VENDOR}/mathjax/MathJax.js?config=TeX-AMS_CHTML-full,Safe",
    "require_js_url": f"{VENDOR}/requirejs/require.js",
    "jquery_url": f"{VENDOR}/jquery/dist/jquery.min.js",
}
VENDOR_FILES = (
    "reveal.js/dist/reveal.js",
    "reveal.js/dist/reveal.css",
    "reveal.js/dist/theme/white.css",
    "reveal.js/plugin/notes/notes.js",
    "mathjax/MathJax.js",
    "requirejs/require.js",
    "jquery/dist/jquery.min.js",
)
# The reveal template always imports mermaid (an ES module, which browsers refuse to load from
# file:// pages); the course draws no mermaid diagrams, so the decks leave it out.
SLIDES_TEMPLATE = "seminar_slides.html.j2"
#: Cell tag: the deck shows the cell's output only (the notebook still shows the code).
SLIDES_HIDE_INPUT_TAG = "slides-hide-input"
SLIDES_TEMPLATE_SOURCE = (
    "{%- extends 'index.html.j2' -%}\n"
    "{%- block html_head_js_mermaidjs -%}{%- endblock html_head_js_mermaidjs -%}\n"
    # The white theme capitalises headings ("DEEP LEARNING の事例"); keep the author's case.
    "{%- block html_head_css -%}<style>.reveal h1, .reveal h2, .reveal h3, .reveal h4 "
    "{ text-transform: none; }</style>{%- endblock html_head_css -%}\n"
)
# A script, style sheet or module still loaded from the network makes the deck fail offline.
REMOTE_RESOURCE = re.compile(
    r"""<(?:script|link)\b[^>]*\b(?:src|href)\s*=\s*["']((?:https?:)?//[^"']+)"""
    r"""|\bimport\b[^;'"]*["']((?:https?:)?//[^"']+)"""
    r"""|@import\s+(?:url\()?["']?((?:https?:)?//[^"')\s]+)""",
    re.IGNORECASE,
)


def list_notebooks(paths=None) -> list[Path]:
    """Return ``paths`` as notebook paths, or every ``notebooks/*.ipynb`` (sorted) if empty."""
    if not paths:
        return sorted(NOTEBOOK_DIR.glob("*.ipynb"))
    notebooks = [Path(p) for p in paths]
    for path in notebooks:
        if path.suffix != ".ipynb" or not path.is_file():
            raise FileNotFoundError(f"Expected an existing .ipynb file. Received: {path}")
    return notebooks


_JAPANESE = re.compile(r"[\u3040-\u30ff\u4e00-\u9fff]")  # hiragana, katakana, kanji


def notebook_prose(paths) -> str:
    """The Japanese prose of the markdown cells of ``paths``, one paragraph or item per line.

    Display math, code blocks, HTML tags, tables and inline math are dropped; inline code and
    link texts are kept as plain text; heading, list and emphasis marks are removed. Lines
    without any Japanese character are left out.
    """
    lines = []
    for path in list_notebooks(paths):
        for cell in _read(path).cells:
            if cell.cell_type != "markdown":
                continue
            text = re.sub(r"\$\$.*?\$\$|```.*?```|<[^>]+>", "", cell.source, flags=re.S)
            for line in text.splitlines():
                line = line.strip()
                if line.startswith("|"):
                    continue  # a table row
                line = re.sub(r"\$[^$]*\$", "", line)  # inline math
                line = re.sub(r"`([^`]*)`", r"\1", line)  # inline code -> its text
                line = re.sub(r"!?\[([^\]]*)\]\([^)]*\)", r"\1", line)  # links -> their text
                line = re.sub(r"^(?:#+|[-*>]|\d+\.)\s+", "", line)  # heading, list, quote
                line = re.sub(r"\s+", " ", line.replace("*", "")).strip()
                if _JAPANESE.search(line):
                    lines.append(line)
    return "\n".join(lines) + "\n"


def _read(path: Path):
    import nbformat

    return nbformat.read(path, as_version=4)


def _write(nb, path: Path) -> None:
    import nbformat

    nbformat.validate(nb)
    path.parent.mkdir(parents=True, exist_ok=True)
    nbformat.write(nb, path)


def notebook_problems(nb) -> list[str]:
    """List what keeps an executed notebook from being committed (order, errors, stderr, paths)."""
    problems = []
    code = [c for c in nb.cells if c.cell_type == "code" and c.source.strip()]
    counts = [c.get("execution_count") for c in code]
    if counts != list(range(1, len(code) + 1)):
        problems.append(f"execution counts are {counts}, expected 1..{len(code)} in order")
    machine_paths = {str(ROOT.parent), str(Path.home()), tempfile.gettempdir()}
    for index, cell in enumerate(nb.cells):
        for output in cell.get("outputs", []):
            if output.output_type == "error":
                problems.append(f"cell {index}: error {output.ename}: {output.evalue}")
            if output.output_type == "stream" and output.name == "stderr":
                problems.append(f"cell {index}: stderr output {output.text[:300]!r}")
            text = json.dumps({k: v for k, v in output.items() if k != "data"}, ensure_ascii=False)
            text += json.dumps(output.get("data", {}).get("text/plain", ""), ensure_ascii=False)
            problems += [
                f"cell {index}: output contains the machine path {p}/"
                for p in sorted(machine_paths)
                if len(p) > 1 and p + "/" in text
            ]
    return problems


WIDGET_STATE = "application/vnd.jupyter.widget-state+json"
WIDGET_VIEW = "application/vnd.jupyter.widget-view+json"
MODEL_REF = re.compile(r"IPY_MODEL_([0-9a-f]{32})")


def stable_widget_ids(nb, name: str):
    """Return ``nb`` with its ipywidgets model ids replaced by ids that depend on ``name`` only.

    The kernel gives every widget a random id, so each run would rewrite the stored widget state
    and the outputs that show it. Ids are renumbered in the order the widgets are met (outputs
    in cell order, then the models each one references, depth first), so an unchanged notebook
    re-executes to an identical file. Models no output reaches keep a content-based order.
    """
    import hashlib

    from nbformat import reads, writes

    state = nb.metadata.get("widgets", {}).get(WIDGET_STATE, {}).get("state", {})
    if not state:
        return nb
    order: list[str] = []

    def visit(model_id: str) -> None:
        if model_id in state and model_id not in order:
            order.append(model_id)
            for ref in MODEL_REF.findall(json.dumps(state[model_id], sort_keys=True)):
                visit(ref)

    for cell in nb.cells:
        for output in cell.get("outputs", []):
            view = output.get("data", {}).get(WIDGET_VIEW)
            if view:
                visit(view["model_id"])
    rest = sorted(set(state) - set(order), key=lambda m: json.dumps(state[m], sort_keys=True))
    new_ids = {
        old: hashlib.md5(f"{name}:{n}".encode()).hexdigest() for n, old in enumerate(order + rest)
    }
    text = writes(nb)
    for old, new in new_ids.items():
        text = text.replace(old, new)
    nb = reads(text, as_version=4)
    renamed = nb.metadata["widgets"][WIDGET_STATE]["state"]
    nb.metadata["widgets"][WIDGET_STATE]["state"] = {
        new_ids[old]: renamed[new_ids[old]] for old in order + rest
    }
    return nb


def _encryption_options() -> dict:
    """Ask for an encrypted kernel connection where pyzmq can do it; ipykernel 7.3+ warns on
    every start of a kernel over plain TCP, which would otherwise clutter `make execute`."""
    import zmq
    from jupyter_client.manager import KernelManager

    if zmq.has("curve") and hasattr(KernelManager, "transport_encryption"):
        return {"transport_encryption": "auto"}
    return {}


def execute_notebook(path) -> float:
    """Re-execute the notebook at ``path`` in place, deterministically; return the wall time in s.

    The kernel (``python3``) runs in the notebook's folder with :data:`KERNEL_ENVIRONMENT` and
    matplotlib's inline backend. Timing metadata is not stored, so a rerun changes only what
    the code prints. Raises ``RuntimeError`` when a cell fails or :func:`notebook_problems`
    finds anything; the notebook is then left unchanged.
    """
    from nbclient import NotebookClient
    from nbclient.exceptions import CellExecutionError

    path = Path(path)
    nb = _read(path)
    env = {**os.environ, **KERNEL_ENVIRONMENT}
    env.pop("MPLBACKEND", None)  # the kernel's default, inline, stores figures as outputs
    client = NotebookClient(
        nb,
        timeout=CELL_TIMEOUT_S,
        kernel_name="python3",
        record_timing=False,
        resources={"metadata": {"path": str(path.parent.resolve())}},
    )
    start = time.perf_counter()
    try:
        client.execute(cwd=str(path.parent.resolve()), env=env, **_encryption_options())
    except CellExecutionError as error:
        raise RuntimeError(f"{path}: a cell failed; the notebook is unchanged.\n{error}") from None
    seconds = time.perf_counter() - start
    for cell in nb.cells:
        cell.metadata.pop("execution", None)
    nb = stable_widget_ids(nb, path.stem)
    problems = notebook_problems(nb)
    if problems:
        raise RuntimeError(f"{path}: not written, because\n- " + "\n- ".join(problems))
    _write(nb, path)
    return seconds


def _student_source(source: str, where: str) -> tuple[str, bool]:
    """Replace each ``### BEGIN/END SOLUTION`` region by the stub; return (source, replaced?)."""
    lines, indent, replaced = [], None, False
    for number, line in enumerate(source.split("\n"), start=1):
        begin = BEGIN_SOLUTION.match(line)
        if begin and indent is not None:
            raise ValueError(f"{where}: nested '### BEGIN SOLUTION' on line {number}")
        if begin:
            indent, replaced = begin["indent"], True
            lines += [indent + stub for stub in STUDENT_STUB]
        elif END_SOLUTION.match(line):
            if indent is None:
                raise ValueError(f"{where}: '### END SOLUTION' without BEGIN on line {number}")
            indent = None
        elif indent is None:
            lines.append(line)
    if indent is not None:
        raise ValueError(f"{where}: '### BEGIN SOLUTION' without '### END SOLUTION'")
    return "\n".join(lines), replaced


def make_student_copy(src, dst) -> Path:
    """Write the student copy of notebook ``src`` to ``dst`` and return ``dst``.

    In code cells each region from a ``### BEGIN SOLUTION`` line to a ``### END SOLUTION`` line
    becomes a comment and ``raise NotImplementedError(...)`` at the indentation of the BEGIN line.
    Cells that held a solution or call a checker (``check_...(``) lose their outputs and
    execution count; other cells keep theirs. Unbalanced markers raise ``ValueError``.
    """
    src, dst = Path(src), Path(dst)
    nb = _read(src)
    for index, cell in enumerate(nb.cells):
        if cell.cell_type != "code":
            continue
        cell.source, replaced = _student_source(cell.source, f"{src.name}: cell {index}")
        if replaced or CHECKER_CALL.search(cell.source):
            cell.outputs, cell.execution_count = [], None
    _write(nb, dst)
    return dst


def _install_slide_vendor(vendor_dir: Path) -> None:
    """Install the pinned JavaScript of ``slides/package-lock.json`` into ``vendor_dir`` once."""
    lock = SLIDES_PACKAGE_DIR / "package-lock.json"
    installed = vendor_dir / "package-lock.json"
    if (
        installed.is_file()
        and installed.read_bytes() == lock.read_bytes()
        and all((vendor_dir / "node_modules" / f).is_file() for f in VENDOR_FILES)
    ):
        return
    npm = shutil.which("npm")
    if npm is None:
        raise RuntimeError(
            "npm was not found. The offline slides need local copies of reveal.js and MathJax, "
            "installed with npm: install Node.js and npm (Debian/Ubuntu: `apt-get install npm`, "
            "macOS: `brew install node`), then run `make slides` again."
        )
    vendor_dir.mkdir(parents=True, exist_ok=True)
    for name in ("package.json", "package-lock.json"):
        shutil.copyfile(SLIDES_PACKAGE_DIR / name, vendor_dir / name)
    command = [npm, "ci", "--no-audit", "--no-fund", "--ignore-scripts", "--loglevel=error"]
    result = subprocess.run(command, cwd=vendor_dir, capture_output=True, text=True)
    if result.returncode != 0:
        installed.unlink(missing_ok=True)
        raise RuntimeError(f"`npm ci` failed in {vendor_dir}:\n{result.stdout}{result.stderr}")


def _inline_widget_outputs(nb) -> None:
    """Replace widget views by what their Output widgets stored, and drop the widget state.

    Rendering widgets needs @jupyter-widgets/html-manager (over 200 MB with its dependencies)
    and would show controls without a kernel anyway; the stored figure is what a slide needs.
    """
    state = nb.metadata.pop("widgets", {}).get(WIDGET_STATE, {})
    models = state.get("state", {})

    def stored_outputs(model_id: str) -> list:
        model = models.get(model_id, {})
        outputs = list(model.get("state", {}).get("outputs", []))
        for child in model.get("state", {}).get("children", []):
            outputs += stored_outputs(child.removeprefix("IPY_MODEL_"))
        return outputs

    from nbformat import from_dict

    for cell in nb.cells:
        new_outputs = []
        for output in cell.get("outputs", []):
            view = output.get("data", {}).get(WIDGET_VIEW)
            if view is None:
                new_outputs.append(output)
            else:
                new_outputs += [from_dict(o) for o in stored_outputs(view["model_id"])]
        if "outputs" in cell:
            cell.outputs = new_outputs


def make_slides(path, out_dir) -> Path:
    """Build the reveal.js deck ``out_dir/NAME.slides.html`` of a notebook; return its path.

    The deck loads reveal.js 4, MathJax 2.7.7, require.js and jQuery from ``out_dir/vendor``
    (installed with npm from ``slides/package-lock.json`` on first use), so it opens offline.
    Raises ``RuntimeError`` if the generated HTML still loads a script or style sheet remotely.
    """
    from jinja2 import DictLoader
    from nbconvert import SlidesExporter
    from nbconvert.preprocessors import TagRemovePreprocessor

    path, out_dir = Path(path), Path(out_dir)
    _install_slide_vendor(out_dir / "vendor")
    nb = _read(path)
    _inline_widget_outputs(nb)
    exporter = SlidesExporter(
        extra_loaders=[DictLoader({SLIDES_TEMPLATE: SLIDES_TEMPLATE_SOURCE})],
        template_file=SLIDES_TEMPLATE,
        reveal_theme="white",  # "simple" imports web fonts
        reveal_width="1280",
        reveal_height="720",
        reveal_scroll=True,
        exclude_input_prompt=True,
        exclude_output_prompt=True,
        language_code="ja",
        **SLIDE_URLS,
    )
    # Figure-only cells (timelines, diagrams) tagged `slides-hide-input` show just the figure.
    exporter.register_preprocessor(
        TagRemovePreprocessor(remove_input_tags={SLIDES_HIDE_INPUT_TAG}, enabled=True), enabled=True
    )
    html, _ = exporter.from_notebook_node(nb, resources={"metadata": {"name": path.stem}})
    remote = sorted({next(u for u in m.groups() if u) for m in REMOTE_RESOURCE.finditer(html)})
    if remote:
        raise RuntimeError(f"{path}: the deck would load from the network: {', '.join(remote)}")
    deck = out_dir / f"{path.stem}.slides.html"
    deck.write_text(html, encoding="utf-8")
    return deck


def main(argv=None) -> int:
    """Command line entry point; see the module docstring."""
    parser = argparse.ArgumentParser(
        prog="python -m seminar_lib.course", description=__doc__.split("\n")[0]
    )
    parser.add_argument("command", choices=["execute", "student", "slides", "corpus"])
    parser.add_argument("notebooks", nargs="*", metavar="NOTEBOOK", help="default: all")
    parser.add_argument("--out", type=Path, help="folder for student/slides (default build/...)")
    args = parser.parse_args(argv)
    if args.command == "execute" and args.out is not None:
        parser.error("execute writes the notebooks in place; --out is for student and slides")
    if args.command == "corpus":
        if args.notebooks or args.out is not None:
            parser.error("corpus always reads CORPUS_NOTEBOOKS and writes CORPUS_PATH")
        text = notebook_prose([NOTEBOOK_DIR / name for name in CORPUS_NOTEBOOKS])
        CORPUS_PATH.parent.mkdir(parents=True, exist_ok=True)
        CORPUS_PATH.write_text(text, encoding="utf-8")
        digest = hashlib.sha256(text.encode("utf-8")).hexdigest()
        print(f"{CORPUS_PATH.relative_to(ROOT)}: {len(text)} characters, SHA-256 {digest}")
        return 0
    notebooks = list_notebooks(args.notebooks)
    if not notebooks:
        parser.error(f"no notebooks found in {NOTEBOOK_DIR}")
    out = args.out or BUILD_DIR / args.command
    for path in notebooks:
        if args.command == "execute":
            print(f"{path.name}: executing ...", flush=True)
            print(f"{path.name}: executed in {execute_notebook(path):.1f} s", flush=True)
        elif args.command == "student":
            print(f"{path.name} -> {make_student_copy(path, out / path.name)}")
        else:
            print(f"{path.name} -> {make_slides(path, out)}")
    return 0


if __name__ == "__main__":
    try:
        sys.exit(main())
    except (RuntimeError, ValueError, FileNotFoundError) as error:
        print(f"error: {error}", file=sys.stderr)
        sys.exit(1)
