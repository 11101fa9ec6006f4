"""Offline reveal.js decks of the notebooks (``make slides``).

The decks load reveal.js 4, MathJax 2.7.7, require.js and jQuery from local copies: ``make setup``
installs the versions pinned in ``slides/package-lock.json`` with ``npm ci`` into
:data:`VENDOR_DIR`, and each deck folder gets a link ``vendor`` to it. Nothing here runs npm.
Decks that leave this machine (a zip, a USB stick) need a real copy instead of the link:
:func:`copy_vendor` with :data:`DECK_VENDOR_FILES` copies what a deck loads (about 8 MB of the
80 MB installed; :data:`MATHJAX_FILES` is the part of MathJax the pages use).

Two cell tags change what a deck shows, never the notebook:

- ``slides-hide-input`` (:data:`SLIDES_HIDE_INPUT_TAG`): the slide shows the cell's output only
  (figure-only cells: timelines, diagrams);
- ``slides-hide-output`` (:data:`SLIDES_HIDE_OUTPUT_TAG`): the slide shows the cell's code only
  (long training logs, ``summary()`` tables).

Exercises appear as in the student copy (``make student``): the solution is replaced by the
stub and a checker's stored feedback is dropped. nbval's marker comments (``# NBVAL_...``) are
left out of the code on slides.

Cells of slide type ``notes`` become ``<aside class="notes">`` of their slide: reveal's notes
plugin (registered by nbconvert's template) shows them in the speaker view, key ``S``.
``make slidefit`` (:mod:`tools.slidefit`) checks that every slide fits 1280x720.
"""

from __future__ import annotations

import os
import re
import shutil
from pathlib import Path

from tools.notebooks import BUILD_DIR, ROOT, WIDGET_STATE, WIDGET_VIEW, read_notebook
from tools.student import student_cell

__all__ = [
    "DECK_VENDOR_FILES",
    "MATHJAX_FILES",
    "SLIDES_HIDE_INPUT_TAG",
    "SLIDES_HIDE_OUTPUT_TAG",
    "VENDOR_DIR",
    "copy_vendor",
    "inline_widget_outputs",
    "make_slides",
    "presenter_view",
    "remote_urls",
    "vendor_problem",
]

SLIDES_PACKAGE_DIR = ROOT / "slides"  # package.json + package-lock.json of the vendor files
#: Where ``make setup`` installs the slide vendor files (``node_modules`` and the lock file).
VENDOR_DIR = BUILD_DIR / "slides-vendor"
VENDOR_MISSING = "slides vendor files not installed: install Node.js/npm and run make setup"

# Files of slides/package.json that a deck loads, relative to the deck (DECKS/vendor/...).
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
#: Glob patterns (relative to ``node_modules``) of the MathJax 2.7.7 files that pages with the
#: configuration ``TeX-AMS_CHTML-full,Safe`` load: CommonHTML output with the TeX web fonts (woff),
#: the extensions the configuration and the context menu load, and the menu's translations.
#: About 5 MB of the 71 MB package (which also holds the HTML-CSS and SVG outputs, their fonts
#: in four formats, and an unpacked copy of everything).
MATHJAX_FILES = (
    "mathjax/MathJax.js",
    "mathjax/config/TeX-AMS_CHTML-full.js",
    "mathjax/config/Safe.js",
    "mathjax/extensions/**",
    "mathjax/jax/input/TeX/**",
    "mathjax/jax/output/CommonHTML/**",
    "mathjax/jax/element/**",
    "mathjax/fonts/HTML-CSS/TeX/woff/**",
    "mathjax/localization/**",
)
#: Glob patterns (relative to ``node_modules``) of everything a deck loads (:data:`SLIDE_URLS`).
DECK_VENDOR_FILES = (
    "reveal.js/dist/**",
    "reveal.js/plugin/notes/**",
    "requirejs/require.js",
    "jquery/dist/jquery.min.js",
    *MATHJAX_FILES,
)
# The reveal template always imports mermaid (an ES module, which browsers refuse to load from
# file:// pages); the course draws no mermaid diagrams, so the decks leave it out.
SLIDES_TEMPLATE = "seminar_slides.html.j2"
#: Cell tag: the deck shows the cell's output only (the notebook still shows the code).
SLIDES_HIDE_INPUT_TAG = "slides-hide-input"
#: Cell tag: the deck drops the cell's outputs (the notebook keeps them): long logs, tables.
SLIDES_HIDE_OUTPUT_TAG = "slides-hide-output"
SLIDES_TEMPLATE_SOURCE = (
    "{%- extends 'index.html.j2' -%}\n"
    "{%- block html_head_js_mermaidjs -%}{%- endblock html_head_js_mermaidjs -%}\n"
    # The white theme capitalises headings ("DEEP LEARNING の事例"); keep the author's case.
    # The theme's style sheet comes later in the page, so this rule needs the more specific
    # selector (`.reveal h3` alone lost: "MCCULLOCH と PITTS").
    "{%- block html_head_css -%}<style>.reveal .slides :is(h1, h2, h3, h4, h5, h6) "
    "{ text-transform: none; }</style>{%- endblock html_head_css -%}\n"
)
# nbval's marker comments (`# NBVAL_IGNORE_OUTPUT`, ...): for the test, not for the class.
NBVAL_MARKER = re.compile(r"^[ \t]*# NBVAL_[A-Z_]+[^\n]*(?:\n|$)", re.MULTILINE)
# A script, style sheet or module still loaded from the network makes the deck fail offline.
REMOTE_RESOURCE = re.compile(
    r"""<(?:script|link)\b[^>]*\b(?:src|href)\s*=\s*["']((?:https?:)?//[^"']+)"""
    r"""|\bimport\b[^;'"]*["']((?:https?:)?//[^"']+)"""
    r"""|@import\s+(?:url\()?["']?((?:https?:)?//[^"')\s]+)""",
    re.IGNORECASE,
)


def vendor_problem(vendor_dir: Path = VENDOR_DIR) -> str | None:
    """Why the vendor files in ``vendor_dir`` cannot be used, or ``None`` when they can."""
    vendor_dir = Path(vendor_dir)
    installed = vendor_dir / "package-lock.json"
    missing = [f for f in VENDOR_FILES if not (vendor_dir / "node_modules" / f).is_file()]
    if not installed.is_file() or missing:
        return f"{VENDOR_MISSING} (looked in {vendor_dir})"
    if installed.read_bytes() != (SLIDES_PACKAGE_DIR / "package-lock.json").read_bytes():
        return f"slides vendor files in {vendor_dir} are older than slides/: run make setup"
    return None


def copy_vendor(dest_dir, patterns, vendor_dir: Path = VENDOR_DIR) -> int:
    """Copy the vendor files matching ``patterns`` into ``dest_dir/node_modules``; return bytes.

    ``patterns`` are glob patterns relative to ``vendor_dir/node_modules`` (``**`` for a whole
    folder, as in :data:`DECK_VENDOR_FILES`); the files keep their paths below ``node_modules``,
    so a page's links like ``vendor/node_modules/...`` work with ``dest_dir`` as its ``vendor``.
    Files are copied, never linked: the copy can travel. Raises ``FileNotFoundError`` for a
    pattern that matches no file (a wrong pattern or a changed package).
    """
    source, dest = Path(vendor_dir) / "node_modules", Path(dest_dir) / "node_modules"
    copied = 0
    for pattern in patterns:
        # A trailing ``**`` means every file below (``glob`` alone yields only folders there).
        glob = pattern + "/*" if pattern.endswith("**") else pattern
        files = [f for f in sorted(source.glob(glob)) if f.is_file()]
        if not files:
            raise FileNotFoundError(f"no vendor file matches {pattern!r} in {source}")
        for file in files:
            target = dest / file.relative_to(source)
            target.parent.mkdir(parents=True, exist_ok=True)
            shutil.copyfile(file, target)
            copied += file.stat().st_size
    return copied


def remote_urls(html: str) -> list[str]:
    """The URLs of scripts, style sheets and modules that ``html`` loads from the network."""
    return sorted({next(u for u in m.groups() if u) for m in REMOTE_RESOURCE.finditer(html)})


def _link_vendor(out_dir: Path, vendor_dir: Path) -> None:
    """Make ``out_dir/vendor`` a link to ``vendor_dir`` (relative, so build/ can move whole)."""
    link = out_dir / "vendor"
    if link.exists() and not link.is_symlink():
        raise RuntimeError(f"{link} exists and is not a link to {vendor_dir}: remove it first")
    out_dir.mkdir(parents=True, exist_ok=True)
    target = Path(os.path.relpath(vendor_dir.resolve(), out_dir.resolve()))
    if link.is_symlink() and Path(os.readlink(link)) == target:
        return
    link.unlink(missing_ok=True)
    link.symlink_to(target, target_is_directory=True)


def inline_widget_outputs(nb) -> None:
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


def presenter_view(nb, name: str) -> None:
    """What the class sees: exercises as the student copy has them (the solution replaced by the
    stub, no stored feedback of a checker), and no nbval marker comments in the code."""
    for index, cell in enumerate(nb.cells):
        student_cell(cell, f"{name}: cell {index}")
        if cell.cell_type == "code":
            cell.source = NBVAL_MARKER.sub("", cell.source)


def make_slides(path, out_dir, vendor_dir=VENDOR_DIR) -> Path:
    """Build the reveal.js deck ``out_dir/NAME.slides.html`` of a notebook; return its path.

    The deck loads its JavaScript from ``out_dir/vendor``, a link to ``vendor_dir`` (installed
    by ``make setup``), so it opens offline. Raises ``RuntimeError`` when the vendor files are
    missing or out of date, or when the generated HTML still loads anything from the network.
    """
    from jinja2 import DictLoader
    from nbconvert import SlidesExporter
    from nbconvert.preprocessors import TagRemovePreprocessor

    path, out_dir, vendor_dir = Path(path), Path(out_dir), Path(vendor_dir)
    problem = vendor_problem(vendor_dir)
    if problem:
        raise RuntimeError(problem)
    nb = read_notebook(path)
    inline_widget_outputs(nb)
    presenter_view(nb, path.name)
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
    # Figure-only cells (timelines, diagrams) tagged `slides-hide-input` show just the figure;
    # cells with long outputs (training logs, summary() tables) tagged `slides-hide-output`
    # show just the code.
    hide = TagRemovePreprocessor(
        remove_input_tags={SLIDES_HIDE_INPUT_TAG},
        remove_all_outputs_tags={SLIDES_HIDE_OUTPUT_TAG},
        enabled=True,
    )
    exporter.register_preprocessor(hide, enabled=True)
    html, _ = exporter.from_notebook_node(nb, resources={"metadata": {"name": path.stem}})
    remote = remote_urls(html)
    if remote:
        raise RuntimeError(f"{path}: the deck would load from the network: {', '.join(remote)}")
    _link_vendor(out_dir, vendor_dir)
    deck = out_dir / f"{path.stem}.slides.html"
    deck.write_text(html, encoding="utf-8")
    return deck
