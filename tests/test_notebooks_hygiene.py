"""Every notebook is committed clean: run in order, no errors, slide metadata, no machine paths."""

import json
import re
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
NOTEBOOKS = sorted((ROOT / "notebooks").glob("*.ipynb"))

SLIDE_TYPES = {"slide", "subslide", "fragment", "skip", "notes", "-"}
MAX_CODE_LINES = 25
MACHINE_PATHS = ["/home/", "/root/", "/tmp/", "/work/", "C:\\", str(ROOT.parent) + "/"]
NETWORK = re.compile(
    r"urlretrieve|requests\.|urllib\.request|https?://|\.load_data\(|get_file\(", re.IGNORECASE
)
HIRAGANA = re.compile(r"[\u3041-\u309f]")
NOT_PROSE = re.compile(r"\$\$.*?\$\$|\$[^$]*\$|`[^`]*`|\]\([^)]*\)|<[^>]*>", re.DOTALL)


def load(path):
    nb = json.loads(path.read_text(encoding="utf-8"))
    for cell in nb["cells"]:
        cell["source"] = "".join(cell["source"])
    return nb


def text_values(node, key=""):
    """Every string in the notebook JSON, except image data (base64 can spell anything)."""
    if key.startswith("image/"):
        return
    if isinstance(node, str):
        yield node
    elif isinstance(node, list):
        for item in node:
            yield from text_values(item, key)
    elif isinstance(node, dict):
        for k, v in node.items():
            yield from text_values(v, k)


def code_cells(nb):
    return [c for c in nb["cells"] if c["cell_type"] == "code"]


def test_there_are_notebooks():
    assert NOTEBOOKS, f"no notebooks found in {ROOT / 'notebooks'}"


needs_notebooks = pytest.mark.parametrize("path", NOTEBOOKS, ids=[p.name for p in NOTEBOOKS])


@needs_notebooks
def test_executed_in_order_without_errors_or_stderr(path):
    cells = [c for c in code_cells(load(path)) if c["source"].strip()]
    counts = [c["execution_count"] for c in cells]
    assert counts == list(range(1, len(cells) + 1)), "re-run `make execute NB=...`"
    outputs = [(i, o) for i, c in enumerate(cells) for o in c["outputs"]]
    assert [i for i, o in outputs if o["output_type"] == "error"] == []
    stderr = [(i, o["text"]) for i, o in outputs if o.get("name") == "stderr"]
    assert stderr == [], f"stderr in code cells (index, text): {stderr}"


@needs_notebooks
def test_every_cell_has_slide_metadata(path):
    missing = [
        (i, cell["source"][:40])
        for i, cell in enumerate(load(path)["cells"])
        if cell["metadata"].get("slideshow", {}).get("slide_type") not in SLIDE_TYPES
    ]
    assert missing == [], f"cells without a valid slideshow.slide_type: {missing}"


@needs_notebooks
def test_title_first_then_setup(path):
    first, second = load(path)["cells"][:2]
    assert first["cell_type"] == "markdown" and first["source"].startswith("# ")
    assert second["cell_type"] == "code" and "setup_notebook(" in second["source"]


@needs_notebooks
def test_no_machine_paths(path):
    text = "\n".join(text_values(json.loads(path.read_text(encoding="utf-8"))))
    found = [p for p in MACHINE_PATHS if p in text]
    assert found == [], f"absolute paths of a machine in {path.name}: {found}"


@needs_notebooks
def test_no_network_access_in_code(path):
    hits = [
        (i, line)
        for i, cell in enumerate(load(path)["cells"])
        if cell["cell_type"] == "code"
        for line in cell["source"].splitlines()
        if NETWORK.search(line)
    ]
    assert hits == [], f"code that would download (cell index, line): {hits}"


@needs_notebooks
def test_markdown_prose_is_japanese(path):
    markdown = [c["source"] for c in load(path)["cells"] if c["cell_type"] == "markdown"]
    assert markdown, "no markdown cells"
    english = [
        source[:60]
        for source in markdown
        if len(re.findall(r"\w", NOT_PROSE.sub("", source))) >= 20 and not HIRAGANA.search(source)
    ]
    assert english == [], f"markdown cells without Japanese prose: {english}"


@needs_notebooks
def test_code_cells_are_short(path):
    long_cells = [
        (i, n)
        for i, cell in enumerate(load(path)["cells"])
        if cell["cell_type"] == "code" and (n := len(cell["source"].splitlines())) > MAX_CODE_LINES
    ]
    assert long_cells == [], f"code cells over {MAX_CODE_LINES} lines (index, lines): {long_cells}"


@needs_notebooks
def test_solution_markers_are_balanced(path):
    for i, cell in enumerate(code_cells(load(path))):
        markers = re.findall(r"^\s*### (BEGIN|END) SOLUTION\s*$", cell["source"], re.MULTILINE)
        assert markers == ["BEGIN", "END"] * (len(markers) // 2), f"code cell {i}: {markers}"
