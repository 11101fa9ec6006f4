"""The checker cells of the instructor notebooks, shared by the tests of the session modules.

The instructor notebooks pass every checker: each checker call stored a ✅ result.
"""

import json
import re
from pathlib import Path

NOTEBOOK_DIR = Path(__file__).resolve().parents[2] / "notebooks"
CHECK_CALL = re.compile(r"^check_\w+\(", re.MULTILINE)


def _cells(name):
    nb = json.loads((NOTEBOOK_DIR / name).read_text(encoding="utf-8"))
    return nb["cells"]


def checker_cells(name):
    """The code cells of notebook ``name`` that call a checker at the start of a line."""
    return [
        c
        for c in _cells(name)
        if c["cell_type"] == "code" and CHECK_CALL.search("".join(c["source"]))
    ]


def assert_every_checker_passes(name):
    """Notebook ``name`` calls a checker if it has solutions, and every call stored a ✅ line."""
    cells = checker_cells(name)
    solutions = "".join("".join(c["source"]) for c in _cells(name))
    if "### BEGIN SOLUTION" in solutions:
        assert cells, f"{name} has solutions but no checker call"
    for cell in cells:
        texts = ["".join(o.get("data", {}).get("text/plain", "")) for o in cell["outputs"]]
        assert any(t.startswith("✅ 正解です！") for t in texts), (
            f"{name}: checker cell did not pass: {''.join(cell['source'])!r} -> {texts}"
        )
