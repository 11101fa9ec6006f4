"""Where the notebooks are, reading and writing them, and what keeps one from being committed."""

from __future__ import annotations

import hashlib
import json
import re
import tempfile
from pathlib import Path

__all__ = [
    "BUILD_DIR",
    "NOTEBOOK_DIR",
    "ROOT",
    "list_notebooks",
    "notebook_problems",
    "read_notebook",
    "stable_widget_ids",
    "write_notebook",
]

ROOT = Path(__file__).resolve().parent.parent  # the checkout: tools/ sits in it
NOTEBOOK_DIR = ROOT / "notebooks"
BUILD_DIR = ROOT / "build"

WIDGET_STATE = "application/vnd.jupyter.widget-state+json"
WIDGET_VIEW = "application/vnd.jupyter.widget-view+json"
MODEL_REF = re.compile(r"IPY_MODEL_([0-9a-f]{32})")


def list_notebooks(paths=None) -> list[Path]:
    """Return ``paths`` as notebook paths, or every ``notebooks/*.ipynb`` (sorted) if empty."""
    if not paths:
        return sorted(NOTEBOOK_DIR.glob("*.ipynb"))
    notebooks = [Path(p) for p in paths]
    for path in notebooks:
        if path.suffix != ".ipynb" or not path.is_file():
            raise FileNotFoundError(f"Expected an existing .ipynb file. Received: {path}")
    return notebooks


def read_notebook(path: Path):
    """The notebook at ``path`` as an ``nbformat.NotebookNode`` (format version 4)."""
    import nbformat

    return nbformat.read(path, as_version=4)


def write_notebook(nb, path: Path) -> None:
    """Validate ``nb`` and write it to ``path``, creating the folder if needed."""
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


def stable_widget_ids(nb, name: str):
    """Return ``nb`` with its ipywidgets model ids replaced by ids that depend on ``name`` only.

    The kernel gives every widget a random id, so each run would rewrite the stored widget state
    and the outputs that show it. Ids are renumbered in the order the widgets are met (outputs
    in cell order, then the models each one references, depth first), so an unchanged notebook
    re-executes to an identical file. Models no output reaches keep a content-based order.
    """
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
