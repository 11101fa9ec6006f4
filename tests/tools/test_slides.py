"""Offline reveal.js decks: built from the vendor files of ``make setup``, never from the network.

The decks are written into the test's own folder; ``DECKS/vendor`` links to the vendor folder,
which the tests only read. Without it (no Node.js/npm on this machine) the tests are skipped,
except under CI, where they fail.
"""

import os
import re

import nbformat
import pytest
from notebook_factory import executed

from tools import slides


@pytest.fixture
def decks(tmp_path):
    """A fresh folder for decks; skips (or fails under CI) without the vendor files."""
    problem = slides.vendor_problem()
    if problem:
        if os.environ.get("CI") == "true":
            pytest.fail(problem, pytrace=False)
        pytest.skip(problem)
    return tmp_path / "decks"


def test_slides_load_only_local_files(small_notebook, decks):
    deck = slides.make_slides(small_notebook, decks)
    assert deck == decks / "nb.slides.html"
    assert (decks / "vendor").resolve() == slides.VENDOR_DIR.resolve()
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
    assert slides.make_slides(small_notebook, decks) == deck  # a rebuild keeps the link


def test_slides_hide_the_code_of_figure_only_cells(small_notebook, decks):
    nb = nbformat.read(small_notebook, as_version=4)
    hidden = executed("hidden_marker_variable = 41\nhidden_marker_variable + 1", "42", 6)
    hidden.metadata["tags"] = [slides.SLIDES_HIDE_INPUT_TAG]
    shown = executed("shown_marker_variable = 7\nshown_marker_variable", "7", 7)
    for cell in (hidden, shown):
        cell.metadata["slideshow"] = {"slide_type": "-"}
    nb.cells += [hidden, shown]
    nbformat.write(nb, small_notebook)
    html = slides.make_slides(small_notebook, decks).read_text(encoding="utf-8")
    assert "hidden_marker_variable" not in html
    assert "42" in html  # its output stays
    assert "shown_marker_variable" in html


def test_missing_vendor_files_say_to_run_make_setup(small_notebook, tmp_path):
    assert "run make setup" in slides.vendor_problem(tmp_path / "no-vendor")
    with pytest.raises(RuntimeError, match="install Node.js/npm and run make setup"):
        slides.make_slides(small_notebook, tmp_path / "decks", vendor_dir=tmp_path / "no-vendor")
    assert not (tmp_path / "decks").exists()


def test_stale_vendor_files_say_to_run_make_setup(small_notebook, tmp_path):
    vendor = tmp_path / "vendor"
    for name in slides.VENDOR_FILES:
        (vendor / "node_modules" / name).parent.mkdir(parents=True, exist_ok=True)
        (vendor / "node_modules" / name).write_text("")
    (vendor / "package-lock.json").write_text("{}")
    with pytest.raises(RuntimeError, match="older than slides/: run make setup"):
        slides.make_slides(small_notebook, tmp_path / "decks", vendor_dir=vendor)
