"""The course site: static HTML of every notebook and an index in course order (``make site``).

:func:`build_site` writes one page per notebook (nbconvert's ``lab`` template), ``NAME.html``,
and ``index.html``, the list of the sessions (第0回, 第1回, ...: the number is the file's prefix,
the title the notebook's first heading, the summary its list of what the session teaches). The
pages are for reading the course on a phone or without Jupyter; running the notebooks is
JupyterLab's job (``make start``).

The notebooks appear as in class (as on the slides, :mod:`tools.slides`): widgets replaced by the
figures they stored, exercises as in the student copy (the solution replaced by the stub), no
checker feedback, no nbval marker comments.

The site works offline and can be copied anywhere (a web server, a USB stick, a phone): MathJax
and require.js are loaded from ``vendor/``, a copy (not a link) of the few megabytes of the
vendor files of ``make setup`` that the pages need (:data:`SITE_VENDOR_FILES`); a page that
would load anything from the network is an error.
"""

from __future__ import annotations

import html
import re
import shutil
from pathlib import Path

from tools.notebooks import BUILD_DIR, list_notebooks, read_notebook
from tools.slides import (
    MATHJAX_FILES,
    SLIDE_URLS,
    VENDOR_DIR,
    copy_vendor,
    inline_widget_outputs,
    presenter_view,
    remote_urls,
    vendor_problem,
)

__all__ = ["SITE_DIR", "SITE_TITLE", "SITE_VENDOR_FILES", "build_site", "session_info"]

#: Where ``make site`` writes the site.
SITE_DIR = BUILD_DIR / "site"
SITE_TITLE = "深層学習ゼミ"
SITE_SUBTITLE = "渡邊研究室・修士1年の毎週のゼミ"
#: Glob patterns (relative to ``node_modules``) of the vendor files the pages load.
SITE_VENDOR_FILES = (*MATHJAX_FILES, "requirejs/require.js")
# The same relative layout as the decks: PAGE/../vendor/node_modules/...
SITE_URLS = {name: SLIDE_URLS[name] for name in ("mathjax_url", "require_js_url")}
SUMMARY_CHARS = 110  # the index shows about three lines of a phone's width per session

FONTS = '"Noto Sans CJK JP", "Hiragino Sans", "Hiragino Kaku Gothic ProN", "Yu Gothic", sans-serif'
NAV_CSS = """
.site-nav { display: flex; gap: 0.5em; justify-content: space-between; align-items: center;
  max-width: 1100px; margin: 0.5em auto; padding: 0.4em 0.6em; background: #f3f5f8;
  border-radius: 6px; font-size: 15px; }
.site-nav a, .site-nav span { padding: 0.3em 0.6em; white-space: nowrap; }
.site-nav a { color: #0b5cad; text-decoration: none; }
.site-nav a:hover { text-decoration: underline; }
.site-nav span { color: #999; }
"""
# The lab template's style sheet, adapted to a phone: the page never gets wider than the
# screen; wide code, text outputs, tables and formulas scroll inside their box instead.
PAGE_CSS = f"""
:root {{
  --jp-content-font-family: system-ui, -apple-system, "Segoe UI", {FONTS};
  --jp-ui-font-family: system-ui, -apple-system, "Segoe UI", {FONTS};
}}
body.jp-Notebook {{ max-width: 1100px; margin: 0 auto; }}
.jp-Cell, .jp-Cell-inputWrapper, .jp-Cell-outputWrapper, .jp-InputArea, .jp-OutputArea,
.jp-OutputArea-child, .jp-OutputArea-output, .jp-InputArea-editor {{ min-width: 0; }}
.jp-InputArea-editor .highlight pre, .jp-OutputArea-output pre,
.jp-OutputArea-output.jp-RenderedHTML, .jp-RenderedMarkdown table,
.jp-RenderedMarkdown pre, .MJXc-display {{ overflow-x: auto; }}
.MJXc-display {{ overflow-y: hidden; }}
.jp-RenderedMarkdown {{ overflow-wrap: break-word; }}  /* long URLs */
.jp-RenderedMarkdown table {{ display: block; max-width: max-content; }}  /* scrolls */
.jp-OutputArea-output img, .jp-RenderedMarkdown img {{ max-width: 100%; height: auto; }}
@media (max-width: 700px) {{
  body.jp-Notebook {{ padding: 4px; }}
  .jp-InputPrompt, .jp-OutputPrompt {{ display: none; }}
  .jp-Cell {{ padding: 4px 0; }}
}}
{NAV_CSS}"""
PAGE_TEMPLATE = "seminar_site.html.j2"
PAGE_TEMPLATE_SOURCE = (
    "{%- extends 'index.html.j2' -%}\n"
    # The course draws no mermaid diagrams (mermaid is an ES module loaded from a CDN), and
    # widgets are replaced by their figures (the widget manager would come from a CDN).
    "{%- block html_head_js_mermaidjs -%}{%- endblock html_head_js_mermaidjs -%}\n"
    "{%- block jupyter_widgets -%}{%- endblock jupyter_widgets -%}\n"
    "{%- block html_head_css -%}<style>{{ resources.site_css }}</style>"
    "{%- endblock html_head_css -%}\n"
    "{%- block body_header -%}{{ super() }}{{ resources.site_nav }}{%- endblock body_header -%}\n"
    "{%- block body_footer -%}{{ resources.site_nav }}{{ super() }}{%- endblock body_footer -%}\n"
)
INDEX_CSS = f"""
body {{ font-family: system-ui, -apple-system, "Segoe UI", {FONTS}; line-height: 1.6;
  color: #222; max-width: 760px; margin: 0 auto; padding: 1em; }}
h1 {{ font-size: 1.6em; margin: 0.4em 0 0; }}
.subtitle {{ color: #555; margin: 0 0 1em; }}
ol {{ list-style: none; padding: 0; }}
li {{ border-top: 1px solid #ddd; padding: 0.7em 0; }}
li a {{ color: #0b5cad; font-weight: bold; font-size: 1.1em; text-decoration: none; }}
li a:hover {{ text-decoration: underline; }}
.summary {{ color: #444; font-size: 0.92em; margin: 0.2em 0 0; overflow-wrap: anywhere; }}
.minutes {{ color: #666; font-size: 0.85em; }}
.note {{ background: #f3f5f8; border-radius: 6px; padding: 0.6em 0.9em; font-size: 0.92em; }}
code {{ background: #e8ebef; border-radius: 3px; padding: 0 0.25em; }}
"""
INDEX_TEMPLATE = """<!DOCTYPE html>
<html lang="ja">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>{title}</title>
<style>{css}</style>
</head>
<body>
<h1>{title}</h1>
<p class="subtitle">{subtitle}</p>
<ol class="sessions">
{items}
</ol>
<p class="note">課題の解答は載せていません（課題のセルには <code>NotImplementedError</code> の
ひな形が入っています）。ノートブックを実行するには、講座のフォルダで <code>make start</code>
を実行して JupyterLab で開いてください。</p>
</body>
</html>
"""
ITEM_TEMPLATE = '<li><a href="{href}">{label}</a>{minutes}\n<p class="summary">{summary}</p></li>'

SESSION_HEADING = re.compile(r"^#\s+(?:第(?P<number>\d+)回\s*)?(?P<title>.+?)\s*$", re.MULTILINE)
LIST_ITEM = re.compile(r"^\s*[-*]\s+(.+)$", re.MULTILINE)
MINUTES = re.compile(r"所要時間\**\s*[:：]\s*((?:説明に)?約\s*\d+\s*分)")
MINUTES_CELLS = 3  # 所要時間 is in the first cell or in one of the next two markdown cells
# Japanese puts no space between words; the source has spaces around **bold** only so that
# Markdown sees the markup. Once the markup is gone, a space between two CJK characters goes.
CJK = r"[\u3000-\u30ff\u3400-\u9fff\uff00-\uffef]"
CJK_SPACE = re.compile(rf"(?<={CJK}) (?={CJK})")
MARKDOWN_MARKUP = re.compile(r"\*\*|__|`|\$")
# A link to a notebook next to this one ([第2回](02_mlp_softmax.ipynb)) leads to its page.
NOTEBOOK_LINK = re.compile(r'href="(?P<stem>[^"/#?]+)\.ipynb(?P<anchor>#[^"]*)?"')


def session_info(path, nb) -> dict:
    """What the index shows of the notebook ``nb`` read from ``path``.

    A dict with ``label`` ("第1回 形式ニューロンと単純パーセプトロン": the number from the
    file name's two-digit prefix, the title from the first ``#`` heading), ``summary`` (the
    first list of the first cell, what the session teaches, as one line of at most
    :data:`SUMMARY_CHARS` characters, else its first paragraph; no space between two Japanese
    characters) and ``minutes`` ("約 90 分" or "説明に約 90 分" from the 所要時間 line of one of
    the first :data:`MINUTES_CELLS` markdown cells, or ""). Raises ``ValueError`` when the
    notebook has no heading or its 第N回 contradicts the file name.
    """
    path = Path(path)
    first = next((c.source for c in nb.cells if c.cell_type == "markdown"), "")
    heading = SESSION_HEADING.search(first)
    if heading is None:
        raise ValueError(f"{path.name}: expected a '# title' heading in the first markdown cell")
    prefix = re.match(r"(\d\d)_", path.name)
    number = prefix[1] if prefix else heading["number"]
    if heading["number"] is not None and int(heading["number"]) != int(number):
        raise ValueError(f"{path.name}: the heading says 第{heading['number']}回")
    label = heading["title"] if number is None else f"第{int(number)}回 {heading['title']}"
    body = first[heading.end() :]
    paragraphs = [p for p in body.split("\n\n") if p.strip()]
    items = LIST_ITEM.findall(body) or paragraphs[:1]
    items = [CJK_SPACE.sub("", " ".join(MARKDOWN_MARKUP.sub("", i).split())) for i in items]
    summary = items[0] if items else ""
    for item in items[1:]:  # whole items, as many as fit
        if len(summary) + len(" / ") + len(item) > SUMMARY_CHARS:
            summary += " …"
            break
        summary += " / " + item
    if len(summary) > SUMMARY_CHARS:
        summary = summary[: SUMMARY_CHARS - 1] + "…"
    markdown = [c.source for c in nb.cells if c.cell_type == "markdown"][:MINUTES_CELLS]
    minutes = next(filter(None, map(MINUTES.search, markdown)), None)
    return {"label": label, "summary": summary, "minutes": minutes[1] if minutes else ""}


def _nav(sessions: list[dict], index: int) -> str:
    """The navigation bar of page ``index``: 目次, 前へ and 次へ (greyed out at the ends)."""

    def link(other: int, text: str, rel: str) -> str:
        if not 0 <= other < len(sessions):
            return f"<span>{text}</span>"
        href, title = html.escape(sessions[other]["page"]), html.escape(sessions[other]["label"])
        return f'<a href="{href}" rel="{rel}" title="{title}">{text}</a>'

    return (
        '<nav class="site-nav">'
        + link(index - 1, "← 前へ", "prev")
        + '<a href="index.html">目次</a>'
        + link(index + 1, "次へ →", "next")
        + "</nav>"
    )


def _page_exporter():
    """nbconvert's exporter for the pages: the lab template, vendor files from ``vendor/``."""
    from jinja2 import DictLoader
    from nbconvert import HTMLExporter

    return HTMLExporter(
        extra_loaders=[DictLoader({PAGE_TEMPLATE: PAGE_TEMPLATE_SOURCE})],
        template_name="lab",
        template_file=PAGE_TEMPLATE,
        language_code="ja",
        **SITE_URLS,
    )


def _page(exporter, path: Path, nb, sessions: list[dict], index: int) -> str:
    """The HTML page of notebook ``nb`` (already in its class view), ``sessions[index]``."""
    resources = {
        "metadata": {"name": f"{sessions[index]['label']} | {SITE_TITLE}"},
        "site_css": PAGE_CSS,
        "site_nav": _nav(sessions, index),
    }
    page, _ = exporter.from_notebook_node(nb, resources=resources)
    pages = {s["page"] for s in sessions}

    def page_link(link: re.Match) -> str:
        target = f"{link['stem']}.html"
        return f'href="{target}{link["anchor"] or ""}"' if target in pages else link[0]

    page = NOTEBOOK_LINK.sub(page_link, page)
    remote = remote_urls(page)
    if remote:
        raise RuntimeError(f"{path}: the page would load from the network: {', '.join(remote)}")
    return page


def _index_page(sessions: list[dict]) -> str:
    """The HTML of ``index.html``: the sessions in course order, with links and summaries."""
    items = "\n".join(
        ITEM_TEMPLATE.format(
            href=html.escape(s["page"]),
            label=html.escape(s["label"]),
            minutes=f' <span class="minutes">{html.escape(s["minutes"])}</span>'
            if s["minutes"]
            else "",
            summary=html.escape(s["summary"]),
        )
        for s in sessions
    )
    return INDEX_TEMPLATE.format(
        title=html.escape(SITE_TITLE),
        subtitle=html.escape(SITE_SUBTITLE),
        css=INDEX_CSS,
        items=items,
    )


def build_site(out_dir=SITE_DIR, notebooks=None, vendor_dir=VENDOR_DIR) -> Path:
    """Build the site of ``notebooks`` (default: all, sorted) in ``out_dir``; return its index.

    Writes ``out_dir/NAME.html`` for each notebook, ``out_dir/index.html`` and
    ``out_dir/vendor/`` (a fresh copy of :data:`SITE_VENDOR_FILES` from ``vendor_dir``).
    Raises ``RuntimeError`` when the vendor files are missing or out of date (``make setup``),
    or when a page would load anything from the network.
    """
    out_dir, vendor_dir = Path(out_dir), Path(vendor_dir)
    problem = vendor_problem(vendor_dir)
    if problem:
        raise RuntimeError(problem)
    paths = sorted(list_notebooks(notebooks), key=lambda p: p.name)
    nbs = {path: read_notebook(path) for path in paths}
    sessions = [{**session_info(path, nb), "page": f"{path.stem}.html"} for path, nb in nbs.items()]
    out_dir.mkdir(parents=True, exist_ok=True)
    exporter = _page_exporter()
    for index, (path, nb) in enumerate(nbs.items()):
        inline_widget_outputs(nb)
        presenter_view(nb, path.name)
        page = _page(exporter, path, nb, sessions, index)
        (out_dir / sessions[index]["page"]).write_text(page, encoding="utf-8")
    vendor = out_dir / "vendor"
    if vendor.is_symlink() or vendor.is_file():
        vendor.unlink()
    elif vendor.is_dir():
        shutil.rmtree(vendor)  # a copy of an older build: start afresh
    copy_vendor(vendor, SITE_VENDOR_FILES, vendor_dir)
    index_page = out_dir / "index.html"
    index_page.write_text(_index_page(sessions), encoding="utf-8")
    return index_page
