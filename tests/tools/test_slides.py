"""Offline reveal.js decks: built from the vendor files of ``make setup``, never from the network.

The decks are written into the test's own folder; ``DECKS/vendor`` links to the vendor folder,
which the tests only read. Without it (no Node.js/npm on this machine) the tests are skipped,
except under CI, where they fail.
"""

import re

import nbformat
import pytest
from helpers import require
from notebook_factory import executed

from tools import slides


@pytest.fixture
def decks(tmp_path):
    """A fresh folder for decks; skips (or fails under CI) without the vendor files."""
    problem = slides.vendor_problem()
    require(problem)
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


def test_slides_hide_the_outputs_of_long_output_cells(small_notebook, decks):
    nb = nbformat.read(small_notebook, as_version=4)
    hidden = executed("training_log_marker = 1\nprint(log)", "epoch_log_marker_line", 6)
    hidden.metadata["tags"] = [slides.SLIDES_HIDE_OUTPUT_TAG]
    shown = executed("shown_marker_variable = 7\nshown_marker_variable", "shown_output_marker", 7)
    for cell in (hidden, shown):
        cell.metadata["slideshow"] = {"slide_type": "-"}
    nb.cells += [hidden, shown]
    nbformat.write(nb, small_notebook)
    html = slides.make_slides(small_notebook, decks).read_text(encoding="utf-8")
    assert "training_log_marker" in html  # its code stays
    assert "epoch_log_marker_line" not in html
    assert "shown_output_marker" in html
    assert nbformat.read(small_notebook, as_version=4).cells[6].outputs  # the notebook keeps it


def test_notes_cells_become_speaker_notes_of_their_slide(small_notebook, decks):
    nb = nbformat.read(small_notebook, as_version=4)
    nb.cells[0].metadata["slideshow"] = {"slide_type": "slide"}
    nb.cells[1].metadata["slideshow"] = {"slide_type": "notes"}
    nb.cells[1].source = "speaker_note_marker = 1"
    nb.cells[2].metadata["slideshow"] = {"slide_type": "slide"}
    nbformat.write(nb, small_notebook)
    html = slides.make_slides(small_notebook, decks).read_text(encoding="utf-8")
    sections = html.split("<section>")[1:]
    with_notes = [s for s in sections if "speaker_note_marker" in s]
    assert len(with_notes) == 1
    assert '<aside class="notes">' in with_notes[0]
    assert "小さなノートブック" in with_notes[0]  # the notes sit on the slide they follow
    assert "plugins: [RevealNotes]" in html  # reveal's speaker view, key S
    assert "vendor/node_modules/reveal.js/plugin/notes/notes.js" in html


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


def test_exercises_appear_on_slides_as_in_the_student_copy(small_notebook, decks):
    html = slides.make_slides(small_notebook, decks).read_text(encoding="utf-8")
    assert "y = x + 1" not in html  # the solution stays in the notebook
    assert "ここにコードを書いてください" in html  # the stub the students see
    assert "check_f" in html and "正解です" not in html  # no stored feedback under a stub
    assert nbformat.read(small_notebook, as_version=4).cells[2].source.count("SOLUTION") == 2


def test_nbval_markers_are_left_out_of_the_code_on_slides(small_notebook, decks):
    nb = nbformat.read(small_notebook, as_version=4)
    source = "# NBVAL_IGNORE_OUTPUT\ntimed_marker_variable = 3\ntimed_marker_variable"
    cell = executed(source, "3", 6)
    cell.metadata["slideshow"] = {"slide_type": "-"}
    nb.cells.append(cell)
    nbformat.write(nb, small_notebook)
    html = slides.make_slides(small_notebook, decks).read_text(encoding="utf-8")
    assert "timed_marker_variable" in html
    assert "NBVAL" not in html
