"""Every slide fits 1280x720, measured in headless Chromium (tools/slidefit.py, make slidefit).

The unit tests measure one synthetic deck; then each notebook in notebooks/ is built and measured
once per test session (shared between the xdist workers through a cache file) for two checks:
no slide taller than 720 px, and no text below the readable size. Without chromium or the slide
vendor files the tests are skipped, except under CI, where they fail.
"""

import os
import pickle
import struct
import subprocess
import sys
from contextlib import contextmanager
from functools import cache, partial
from pathlib import Path

import nbformat
import pytest
from helpers import require
from nbformat.v4 import new_code_cell, new_markdown_cell, new_notebook, new_output

from tools import slidefit, slides
from tools.notebooks import NOTEBOOK_DIR, list_notebooks

ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture(scope="session")
def can_measure():
    """Skips (or fails under CI) without chromium or the slide vendor files of make setup."""
    problem = slides.vendor_problem() or slidefit.chromium_problem()
    require(problem)


# --- the measurement, on a synthetic deck -----------------------------------------------------


def figure_output(fontsize):
    """A display_data output as a kernel with ``setup_notebook`` leaves it for a small figure."""
    from IPython.core.pylabtools import print_figure
    from matplotlib.figure import Figure

    from seminar_lib._figure_text import _PngWithTextSize

    fig = Figure(figsize=(4, 3), dpi=100)  # the inline PNG's dpi is figure.dpi
    ax = fig.add_subplot()
    ax.plot([0, 1], [0, 1])
    ax.set_xlabel("label", fontsize=fontsize)
    ax.tick_params(labelsize=fontsize)
    data, metadata = _PngWithTextSize(partial(print_figure, fmt="png", base64=True))(fig)
    data = {"image/png": data, "text/plain": "<Figure size 400x300 with 1 Axes>"}
    return new_output("display_data", data=data, metadata={"image/png": metadata})


def slide(cell, slide_type="slide"):
    cell.metadata["slideshow"] = {"slide_type": slide_type}
    return cell


def code(source, *outputs):
    cell = new_code_cell(source, execution_count=1)
    cell.outputs = list(outputs)
    return cell


LONG_LOG = "".join(f"epoch {i}: loss 0.{i:03d}\n" for i in range(60))


@cache
def synthetic_cells():
    """Six slides (h = 0..5) of ten cells; made once, as the figures take a moment."""
    cells = [
        slide(new_markdown_cell("# 短いスライド\n\n一行だけです。")),  # 0
        slide(new_markdown_cell("## 長いスライド\n\n" + "\n".join(f"- 行 {i}" for i in range(40)))),
        slide(new_markdown_cell("## 小さい文字の図")),  # 2
        slide(code("plot(fontsize=7)", figure_output(7)), "-"),  # 3
        slide(new_markdown_cell("発表者メモ: ここで質問を受けます。"), "notes"),  # 4
        slide(new_markdown_cell("## 読める大きさの図")),  # 5
        slide(code("plot(fontsize=11)", figure_output(11)), "-"),  # 6
        slide(
            new_markdown_cell('## 小さい HTML\n\n<span style="font-size: 9px">小さな注記</span>')
        ),
        slide(new_markdown_cell("## 長い学習ログ")),  # 8
        slide(code("fit(verbose=2)", new_output("stream", name="stdout", text=LONG_LOG)), "-"),  # 9
    ]
    cells[9].metadata["tags"] = [slides.SLIDES_HIDE_OUTPUT_TAG]
    return cells


def write_synthetic(path, cells):
    nbformat.write(new_notebook(cells=cells), path)
    return path


@pytest.fixture(scope="module")
def synthetic(can_measure, tmp_path_factory):
    folder = tmp_path_factory.mktemp("slidefit-synthetic")
    notebook = write_synthetic(folder / "synthetic.ipynb", synthetic_cells())
    return slidefit.check_notebook(notebook, folder / "out")


def slide_at(report, h, v=0):
    return next(s for s in report.slides if (s["h"], s["v"]) == (h, v))


def test_an_overlong_slide_is_reported_with_its_cells(synthetic):
    assert [(p.h, p.v, p.cells) for p in synthetic.too_tall] == [(1, 0, (1,))]
    assert synthetic.too_tall[0].title == "長いスライド"
    assert slide_at(synthetic, 1)["height"] > 40 * 20  # 40 lines of 20-px text
    assert slide_at(synthetic, 0)["height"] < 300  # a short one is not reported


def test_a_hidden_long_log_leaves_its_slide_short(synthetic):
    log_slide = slide_at(synthetic, 5)  # 60 lines of output: over 1000 px if shown
    assert log_slide["cells"] == [c.id for c in synthetic_cells()[8:10]]
    assert log_slide["height"] < 400


def test_small_text_in_figures_and_html_is_reported(synthetic):
    small = {(p.kind, p.h, p.cells): p for p in synthetic.small_text}
    assert set(small) == {("small figure text", 2, (3,)), ("small text", 4, (7,))}
    figure = slide_at(synthetic, 2)["figures"][0]
    assert figure["naturalWidth"] == figure["shownWidth"]  # shown at its natural size
    assert figure["textPx"] == pytest.approx(7 * 100 / 72, abs=0.01)
    assert slide_at(synthetic, 3)["figures"][0]["textPx"] == pytest.approx(11 * 100 / 72, abs=0.01)
    assert "9 px text (< 12): '小さな注記'" in small[("small text", 4, (7,))].detail


def test_notes_reach_the_speaker_view(synthetic):
    assert synthetic.notes_plugin  # reveal's notes plugin is registered: key S opens the view
    assert slide_at(synthetic, 2)["notes"] == "発表者メモ: ここで質問を受けます。"
    assert slide_at(synthetic, 2)["cells"] == [c.id for c in synthetic_cells()[2:4]]  # not 4
    assert [s["notes"] for s in synthetic.slides if s["h"] != 2] == [""] * 5


def test_figures_without_a_recorded_text_size_are_unknown_not_failures(can_measure, tmp_path):
    figure = figure_output(7)
    del figure.metadata["image/png"]  # executed before setup_notebook recorded text sizes
    cells = [slide(new_markdown_cell("## 図")), slide(code("plot()", figure), "-")]
    report = slidefit.check_notebook(write_synthetic(tmp_path / "old.ipynb", cells), tmp_path)
    assert report.small_text == [] and report.too_tall == []
    (unknown,) = report.of_kind("figure text unknown")
    assert unknown.cells == (1,) and "re-execute the notebook" in unknown.detail


def test_cli_reports_and_fails_on_a_slide_that_is_too_tall(can_measure, tmp_path):
    notebook = write_synthetic(tmp_path / "cli.ipynb", synthetic_cells()[:2])
    out = tmp_path / "out"
    result = subprocess.run(
        [sys.executable, "-m", "tools", "slidefit", str(notebook), "--out", str(out)]
        + ["--screenshots"],
        cwd=ROOT,  # tools/ is not installed: it runs from the checkout
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert result.returncode == 1, result.stderr
    assert "1/0   too tall: " in result.stdout and "| cell 1 | 長いスライド" in result.stdout
    assert "cli.ipynb: 2 slides, 1 too tall, 0 with small text" in result.stdout
    shots = sorted(p.name for p in (out / "cli").iterdir())
    assert shots == ["0-0.png", "1-0.png"]
    png = (out / "cli" / "0-0.png").read_bytes()
    assert struct.unpack(">II", png[16:24]) == (1280, 720)


# --- the notebooks ------------------------------------------------------------------------------


@contextmanager
def locked(path):
    """Hold an exclusive lock on ``path`` (no lock where fcntl is missing)."""
    try:
        import fcntl
    except ImportError:
        yield
        return
    with open(path, "w") as handle:
        fcntl.flock(handle, fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(handle, fcntl.LOCK_UN)


@pytest.fixture(scope="session")
def notebook_report(can_measure, tmp_path_factory):
    """``report(path)``: the notebook's deck measured once per session, for all xdist workers."""
    own = tmp_path_factory.getbasetemp()
    shared = own.parent if os.environ.get("PYTEST_XDIST_WORKER") else own  # one session's folder
    cache = shared / "slidefit-reports"
    cache.mkdir(exist_ok=True)

    def report(path):
        stored = cache / f"{path.stem}.pickle"
        with locked(cache / f"{path.stem}.lock"):
            if not stored.is_file():
                measured = slidefit.check_notebook(path, own / "slidefit")
                stored.write_bytes(pickle.dumps(measured))
        return pickle.loads(stored.read_bytes())

    return report


NOTEBOOKS = list_notebooks()


def test_the_notebooks_are_checked():
    assert len(NOTEBOOKS) >= 6, NOTEBOOK_DIR


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.stem)
def test_every_slide_fits_1280x720(path, notebook_report):
    report = notebook_report(path)
    if report.too_tall:
        pytest.fail(report.format(), pytrace=False)
    print(report.format())  # shown with -rA


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.stem)
def test_slide_text_is_large_enough_to_read(path, notebook_report):
    report = notebook_report(path)
    if report.small_text:
        pytest.fail(report.format(), pytrace=False)
    print(report.format())  # shown with -rA; figures of unknown text size never fail
