"""Does every slide fit its 1280x720 screen? Measured in headless Chromium (``make slidefit``).

For each notebook, :func:`check_notebook` builds the deck with :func:`tools.slides.make_slides`,
writes a copy (``NAME.slidefit.html``, next to the deck) with ``tools/slidefit.js`` appended and
the kernel's figure text sizes on the images, and opens that copy in Debian's headless
``chromium`` at 1280x720 (:mod:`tools.headless`). The script shows every slide (horizontal and
vertical, all fragments shown) once reveal.js and MathJax are ready and measures it in reveal's
logical 1280x720 coordinates (layout sizes, before the scale reveal applies to fit the window).
Reported per slide (h/v as in the deck's URL ``#/h/v``, with the notebook's cell indices on it
and its heading or first words):

- **too tall**: the content is taller than :data:`MAX_HEIGHT_PX` (the deck would scroll);
- **small text**: HTML text (markdown, code, text outputs) under :data:`MIN_TEXT_PX`;
- **small figure text**: a PNG figure whose smallest text, at the width the image is shown,
  is under :data:`MIN_FIGURE_TEXT_PX`. The kernel records that size with each figure
  (``seminar_lib.setup_notebook``; see ``seminar_lib/_figure_text.py``); figures of notebooks
  executed before that have none and are listed as unknown.

``--screenshots`` also writes one 1280x720 PNG per slide (``<out>/<notebook>/<h>-<v>.png``),
all fragments shown, as a presenter sees it on a 1280x720 screen (an overlong slide cut off).
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass, field
from pathlib import Path

from seminar_lib._figure_text import TEXT_SIZE_KEY
from tools.headless import HeadlessChromium, chromium_problem
from tools.notebooks import BUILD_DIR, read_notebook
from tools.slides import SLIDE_URLS, VENDOR_DIR, inline_widget_outputs, make_slides

__all__ = [
    "MAX_HEIGHT_PX",
    "MIN_FIGURE_TEXT_PX",
    "MIN_TEXT_PX",
    "DeckReport",
    "Problem",
    "check_notebook",
    "chromium_problem",
    "format_reports",
    "measure_deck",
]

#: The decks' logical size (tools.slides: reveal_width/reveal_height); reveal scales it to fit.
SLIDE_SIZE = (1280, 720)
MAX_HEIGHT_PX = SLIDE_SIZE[1]
# Readability floor, in px of the 1280x720 slide: 12 px is 1/60 of the slide height, the size
# of a 9-pt font on a 7.5-inch (540-pt) high presentation slide, below what presenters' guides
# accept even for axis labels. The decks' own text is well above it (measured: prose 20 px,
# code and text outputs 19 px), and so are figures in the course style (11-pt labels at
# figure.dpi 100 are 15.3 px) shown at their natural width; it catches figures shrunk to fit
# the slide (a 1533-px wide figure shown 1193 px wide: 11.9 px) and explicitly tiny fonts
# (7-pt labels: 9.7 px). A floor, not a target: 18-20 px is what a slide should aim for.
MIN_TEXT_PX = 12
MIN_FIGURE_TEXT_PX = 12

DEFAULT_OUT = BUILD_DIR / "slidefit"
MEASURE_SCRIPT = Path(__file__).with_name("slidefit.js")
REVEAL_MODULE = f"{SLIDE_URLS['reveal_url_prefix']}/dist/reveal.js"  # as the deck requires it
TIMEOUT_S = 300  # for one answer of the browser (the whole deck's measurement is one)
PNG_IMG = re.compile(r"<img\b[^>]*?\bsrc=\"data:image/png;base64,([^\"]*)\"[^>]*>")


@dataclass(frozen=True)
class Problem:
    """One finding on one slide (or, with ``h`` < 0, on the whole deck)."""

    kind: str  # "too tall", "small text", "small figure text", "figure text unknown", ...
    h: int
    v: int
    cells: tuple[int | str, ...]
    title: str
    detail: str

    def __str__(self) -> str:
        where = "deck" if self.h < 0 else f"{self.h}/{self.v}"
        title = self.title if len(self.title) <= 40 else self.title[:39] + "…"
        return f"{where:<5} {self.kind}: {self.detail} | {_cell_list(self.cells)} | {title}"


@dataclass
class DeckReport:
    """The measurements of one deck and what is wrong with it."""

    notebook: str
    deck: Path
    slides: list[dict]
    notes_plugin: bool
    problems: list[Problem] = field(default_factory=list)

    def of_kind(self, *kinds: str) -> list[Problem]:
        return [p for p in self.problems if p.kind in kinds]

    @property
    def too_tall(self) -> list[Problem]:
        return self.of_kind("too tall")

    @property
    def small_text(self) -> list[Problem]:
        return self.of_kind("small text", "small figure text")

    def summary(self) -> str:
        unknown = sum(len(p.cells) for p in self.of_kind("figure text unknown"))
        return (
            f"{self.notebook}: {len(self.slides)} slides, {len(self.too_tall)} too tall, "
            f"{len(self.small_text)} with small text, {unknown} figure(s) of unknown text size"
        )

    def format(self) -> str:
        """The report of this deck: a heading, one line per problem, the summary."""
        lines = [f"== {self.notebook} ({self.deck})"]
        lines += [f"  {p}" for p in self.problems]
        return "\n".join([*lines, f"  summary: {self.summary()}"])


def _cell_list(cells) -> str:
    """``(3, 4, 5, 9)`` -> ``'cells 3-5,9'``; a cell the notebook does not name is ``?``."""
    runs = []
    for cell in cells:
        if (
            runs
            and isinstance(cell, int)
            and isinstance(runs[-1][1], int)
            and cell == runs[-1][1] + 1
        ):
            runs[-1][1] = cell
        else:
            runs.append([cell, cell])
    text = ",".join(str(a) if a == b else f"{a}-{b}" for a, b in runs)
    return ("cell " if len(cells) == 1 else "cells ") + text if cells else "-"


def _figure_text_sizes(nb) -> dict[str, float]:
    """``{png base64 (no whitespace): smallest text px}`` of the figures the kernel measured."""
    sizes = {}
    for cell in nb.cells:
        for output in cell.get("outputs", []):
            png = output.get("data", {}).get("image/png")
            px = output.get("metadata", {}).get("image/png", {}).get(TEXT_SIZE_KEY)
            if isinstance(png, str) and px is not None:
                sizes["".join(png.split())] = float(px)
    return sizes


def _measuring_copy(deck: Path, nb) -> Path:
    """Write ``deck`` with the figure text sizes and the measuring script; return its path."""
    sizes = _figure_text_sizes(nb)

    def mark(match: re.Match) -> str:
        px = sizes.get("".join(match[1].split()))
        tag = match[0]
        return tag if px is None else f'{tag[:-1]} data-slidefit-text-px="{px}">'

    page = PNG_IMG.sub(mark, deck.read_text(encoding="utf-8"))
    config = json.dumps({"revealModule": REVEAL_MODULE, "minTextPx": MIN_TEXT_PX})
    script = MEASURE_SCRIPT.read_text(encoding="utf-8")
    # Fragments appear at once (their fade would be half done in a screenshot).
    injected = (
        "<style>.reveal .slides section .fragment { transition: none !important; }</style>\n"
        f"<script>window.SLIDEFIT = {config};</script>\n<script>\n{script}</script>\n"
    )
    end = page.rindex("</html>")
    copy = deck.with_name(deck.name.replace(".slides.html", ".slidefit.html"))
    copy.write_text(page[:end] + injected + page[end:], encoding="utf-8")
    return copy


def measure_deck(page: Path, screenshots: Path | None = None) -> dict:
    """Open ``page`` (a deck with the measuring script) in Chromium; return the measurements.

    With ``screenshots`` (a folder), also write ``<h>-<v>.png`` there for every slide.
    """
    with HeadlessChromium(*SLIDE_SIZE, timeout=TIMEOUT_S) as browser:
        browser.open(page.resolve().as_uri())
        try:
            measured = browser.evaluate("window.slidefit.measured")
        except RuntimeError as error:
            try:
                errors = browser.evaluate("window.slidefit ? window.slidefit.errors : []")
            except RuntimeError:
                errors = []
            page_errors = "".join(f"\n  page error: {e}" for e in errors)
            raise RuntimeError(
                f"{page}: the slides were not measured: {error}{page_errors}"
            ) from None
        if len(measured["slides"]) != measured["totalSlides"]:
            raise RuntimeError(
                f"{page}: measured {len(measured['slides'])} of {measured['totalSlides']} slides"
            )
        if screenshots is not None:
            screenshots.mkdir(parents=True, exist_ok=True)
            for s in measured["slides"]:
                browser.evaluate(f"window.slidefit.show({s['h']:d}, {s['v']:d})")
                browser.screenshot(screenshots / f"{s['h']}-{s['v']}.png")
    return measured


def _problems(slides: list[dict], cell_index: dict[str, int]) -> list[Problem]:
    def cells(ids) -> tuple:
        return tuple(dict.fromkeys(cell_index.get(i, "?") for i in ids if i is not None))

    problems, unknown = [], []
    for s in slides:
        where = (s["h"], s["v"])
        if s["height"] > MAX_HEIGHT_PX:
            detail = f"{s['height']} px tall (> {MAX_HEIGHT_PX})"
            problems.append(Problem("too tall", *where, cells(s["cells"]), s["title"], detail))
        if s["smallTexts"]:
            small = s["smallTexts"]
            detail = f"{small[0]['px']:g} px text (< {MIN_TEXT_PX}): {small[0]['text']!r}"
            detail += f" and {len(small) - 1} more" if len(small) > 1 else ""
            problem = Problem(
                "small text", *where, cells(t["cell"] for t in small), s["title"], detail
            )
            problems.append(problem)
        for f in s["figures"]:
            if f["textPx"] is None:
                unknown.append((where, cells([f["cell"]])))
            elif f["textPx"] < MIN_FIGURE_TEXT_PX:
                detail = (
                    f"{f['textPx']:.1f} px figure text (< {MIN_FIGURE_TEXT_PX}); "
                    f"figure shown {f['shownWidth']} px wide, drawn {f['naturalWidth']} px"
                )
                figure = Problem(
                    "small figure text", *where, cells([f["cell"]]), s["title"], detail
                )
                problems.append(figure)
    if unknown:
        slides_text = " ".join(dict.fromkeys(f"{h}/{v}" for (h, v), _ in unknown))
        figure_cells = tuple(dict.fromkeys(c for _, cs in unknown for c in cs))
        detail = f"on slides {slides_text} (re-execute the notebook: make execute)"
        problems.append(Problem("figure text unknown", -1, 0, figure_cells, "figures", detail))
    return problems


def check_notebook(path, out_dir=DEFAULT_OUT, *, screenshots=False, vendor_dir=VENDOR_DIR):
    """Build the deck of the notebook at ``path`` into ``out_dir``, measure it; a DeckReport.

    With ``screenshots``, also write ``out_dir/<notebook>/<h>-<v>.png`` for every slide.
    Raises ``RuntimeError`` without chromium or the slide vendor files (``make setup``).
    """
    path, out_dir = Path(path), Path(out_dir)
    problem = chromium_problem()
    if problem:
        raise RuntimeError(problem)
    deck = make_slides(path, out_dir, vendor_dir=vendor_dir)
    nb = read_notebook(path)
    inline_widget_outputs(nb)  # as make_slides does: their figures are on the slides too
    shots = out_dir / path.stem if screenshots else None
    measured = measure_deck(_measuring_copy(deck, nb), shots)
    # Cells without an id (nbformat < 4.5) have no id in the deck either: shown as "?".
    cell_index = {cell.get("id"): index for index, cell in enumerate(nb.cells) if cell.get("id")}
    report = DeckReport(path.name, deck, measured["slides"], measured["notesPlugin"])
    report.problems = _problems(measured["slides"], cell_index)
    if any(s["notes"] for s in measured["slides"]) and not measured["notesPlugin"]:
        detail = "the deck has notes cells, but reveal's notes plugin (key S) is not registered"
        report.problems.append(Problem("speaker notes", -1, 0, (), "deck", detail))
    return report


def format_reports(reports: list[DeckReport]) -> str:
    """The full report: each deck's problems, then one summary line per deck."""
    blocks = [r.format() for r in reports]
    total = "\n".join(f"  {r.summary()}" for r in reports)
    return "\n\n".join(
        [
            *blocks,
            f"== summary (limits: height {MAX_HEIGHT_PX} px, text "
            f"{MIN_TEXT_PX} px, figure text {MIN_FIGURE_TEXT_PX} px)\n{total}",
        ]
    )
