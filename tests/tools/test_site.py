"""The course site (tools/site.py, make site): static pages and an index that work offline.

The site is built from small notebooks (and, for the browser check of the math, notebook 01)
into the test's own folder, with a copy of the vendor files of ``make setup``. Without them,
or without chromium for the browser tests, the tests are skipped, except under CI, where they
fail.
"""

import re
import struct
from pathlib import Path
from urllib.parse import quote

import nbformat
import pytest
from helpers import require
from nbformat.v4 import new_markdown_cell
from notebook_factory import write_small_notebook

from tools import site, slides
from tools.headless import HeadlessChromium, chromium_problem
from tools.notebooks import NOTEBOOK_DIR

PHONE = (390, 844)
MAX_VENDOR_BYTES = 15 * 2**20  # the full MathJax package alone is 71 MB
# Attributes that load or link a file; data: URIs, in-page anchors and web links are not files.
LOCAL_LINK = re.compile(r"""\b(?:src|href)\s*=\s*["'](?!data:|#|https?:|mailto:)([^"'#?]+)""")
MATHJAX_DONE = """new Promise((resolve, reject) => {
  setTimeout(() => reject(new Error("MathJax did not finish within 60 s")), 60000);
  MathJax.Hub.Queue(() => resolve(true));
})"""
# Files MathJax tried to load and could not (status -1) or is still waiting for.
MATHJAX_NOT_LOADED = """Object.entries(MathJax.Ajax.loaded)
  .filter(([file, status]) => status !== MathJax.Ajax.STATUS.OK).map(([file]) => file)
  .concat(Object.keys(MathJax.Ajax.loading))"""
# MathJax's web fonts (families ending in "w"; the others name locally installed fonts).
WEB_FONTS_FAILED = """document.fonts.ready.then(fonts => [...fonts]
  .filter(f => f.family.endsWith("w") && f.status === "error").map(f => f.family))"""
# Boxes whose content is wider than they are: code and text outputs must scroll (not be cut
# off), prose must wrap (long URLs too); the page itself never scrolls sideways.
TOO_WIDE = """[...document.querySelectorAll("pre, .jp-RenderedMarkdown")]
  .filter(e => e.scrollWidth > e.clientWidth + 1)
  .map(e => [e.tagName, getComputedStyle(e).overflowX, e.textContent.trim().slice(0, 40)])"""
MATH_ERRORS = """[...document.querySelectorAll(".MathJax_Error, merror, .mjx-merror")]
  .map(e => e.textContent)
  .concat([(document.getElementById("MathJax_Message") || {}).textContent || ""])
  .filter(text => text.trim())"""


@pytest.fixture(scope="module")
def vendor():
    require(slides.vendor_problem())


@pytest.fixture(scope="module")
def browser_ready(vendor):
    require(chromium_problem())


def small_session(path, heading, extra_cells=()):
    """A small executed notebook (a solution, a checker, math) whose first cell is ``heading``."""
    write_small_notebook(path)
    nb = nbformat.read(path, as_version=4)
    intro = "\n\n**この回で学ぶこと**\n\n- 一つ目の目標\n- 二つ目の目標\n\n**所要時間**: 約 30 分"
    nb.cells[0].source = heading + intro + "\n\n$$y = \\sigma(w x + b)$$"
    nb.cells += list(extra_cells)
    nbformat.write(nb, path)
    return path


@pytest.fixture(scope="module")
def small_site(vendor, tmp_path_factory):
    """The site of two small sessions (given in reverse order), 第0回 linking to 第1回."""
    folder = tmp_path_factory.mktemp("site")
    first = small_session(
        folder / "00_intro.ipynb",
        "# 第0回 準備: Python & <NumPy>",
        [new_markdown_cell("次は [第1回](01_small.ipynb#練習) です。")],
    )
    second = small_session(folder / "01_small.ipynb", "# 第1回 小さなノートブック")
    index = site.build_site(folder / "out", [second, first])
    return index.parent


def local_links(page):
    return LOCAL_LINK.findall(page.read_text(encoding="utf-8"))


# --- the files ----------------------------------------------------------------------------------


def test_index_lists_the_sessions_in_course_order(small_site):
    index = (small_site / "index.html").read_text(encoding="utf-8")
    assert '<html lang="ja">' in index
    assert "<title>深層学習ゼミ</title>" in index
    assert '<meta name="viewport" content="width=device-width, initial-scale=1">' in index
    assert '"Noto Sans CJK JP", "Hiragino Sans"' in index and "<link" not in index
    links = re.findall(r'<li><a href="([^"]+)">([^<]+)</a>', index)
    assert links == [
        ("00_intro.html", "第0回 準備: Python &amp; &lt;NumPy&gt;"),
        ("01_small.html", "第1回 小さなノートブック"),
    ]
    assert index.count("一つ目の目標 / 二つ目の目標") == 2  # the summary, from the notebook
    assert index.count("約 30 分") == 2
    assert "課題の解答は載せていません" in index and "make start" in index


def test_every_page_is_written_and_every_local_link_resolves(small_site):
    pages = sorted(p.name for p in small_site.glob("*.html"))
    assert pages == ["00_intro.html", "01_small.html", "index.html"]
    for page in small_site.glob("*.html"):
        missing = [u for u in local_links(page) if not (small_site / u).is_file()]
        assert missing == [], page.name
    intro = (small_site / "00_intro.html").read_text(encoding="utf-8")
    assert f'href="01_small.html#{quote("練習")}"' in intro  # a link to a notebook: its page
    assert "vendor/node_modules/mathjax/MathJax.js?config=TeX-AMS_CHTML-full,Safe" in intro
    assert "<title>第0回 準備: Python &amp; &lt;NumPy&gt; | 深層学習ゼミ</title>" in intro


def test_the_site_loads_nothing_from_the_network(small_site):
    for page in small_site.glob("*.html"):
        html = page.read_text(encoding="utf-8")
        assert slides.remote_urls(html) == [], page.name
        assert "mermaid" not in html and "fonts.googleapis" not in html
        assert "jupyter-widgets" not in html and "unpkg" not in html


def test_the_vendor_files_are_a_small_real_copy(small_site):
    vendor = small_site / "vendor"
    assert vendor.is_dir() and not vendor.is_symlink()
    files = [p for p in vendor.rglob("*") if not p.is_dir()]
    assert not [p for p in files if p.is_symlink()]
    assert (vendor / "node_modules/mathjax/config/Safe.js").is_file()
    assert (vendor / "node_modules/requirejs/require.js").is_file()
    assert not (vendor / "node_modules/reveal.js").exists()  # decks only
    assert sum(p.stat().st_size for p in files) < MAX_VENDOR_BYTES


def test_pages_show_exercises_as_in_the_student_copy(small_site):
    for page in small_site.glob("*.html"):
        html = page.read_text(encoding="utf-8")
        assert "BEGIN SOLUTION" not in html and "y = x + 1" not in html, page.name
    html = (small_site / "01_small.html").read_text(encoding="utf-8")
    assert "NotImplementedError" in html and "ここにコードを書いてください" in html
    assert "check_f" in html and "正解です" not in html  # no stored feedback under a stub


def test_pages_link_to_the_index_and_their_neighbours(small_site):
    def navs(name):
        html = (small_site / name).read_text(encoding="utf-8")
        return re.findall(r'<nav class="site-nav">(.*?)</nav>', html)

    first, second = navs("00_intro.html"), navs("01_small.html")
    assert len(first) == len(second) == 2  # at the top and at the bottom
    assert "<span>← 前へ</span>" in first[0] and 'href="index.html">目次' in first[0]
    assert 'href="01_small.html" rel="next"' in first[0]
    assert 'href="00_intro.html" rel="prev"' in second[0] and "<span>次へ →</span>" in second[0]


def test_a_rebuild_replaces_the_vendor_copy(small_site, tmp_path):
    out = tmp_path / "out"
    (out / "vendor").mkdir(parents=True)
    (out / "vendor" / "stale.js").write_text("")
    notebook = small_session(tmp_path / "03_again.ipynb", "# 第3回 もう一度")
    assert site.build_site(out, [notebook]) == out / "index.html"
    assert not (out / "vendor" / "stale.js").exists()
    assert (out / "vendor/node_modules/mathjax/MathJax.js").is_file()


def test_missing_vendor_files_say_to_run_make_setup(small_notebook, tmp_path):
    with pytest.raises(RuntimeError, match="install Node.js/npm and run make setup"):
        site.build_site(tmp_path / "out", [small_notebook], vendor_dir=tmp_path / "no-vendor")
    assert not (tmp_path / "out").exists()


def test_session_info_reads_the_first_cell(tmp_path):
    nb = nbformat.v4.new_notebook(cells=[new_markdown_cell("# 第2回 多層\n\n最初の段落です。")])
    assert site.session_info(tmp_path / "02_mlp.ipynb", nb) == {
        "label": "第2回 多層",
        "summary": "最初の段落です。",
        "minutes": "",
    }
    nb.cells[0].source = "# 題名\n\n" + "\n".join(f"- {'長い項目' * 5} {i}" for i in range(9))
    info = site.session_info(tmp_path / "notes.ipynb", nb)
    assert info["label"] == "題名"  # no number in the name: no 第N回
    assert info["summary"].endswith(" …") and len(info["summary"]) <= site.SUMMARY_CHARS
    # 所要時間 in a later cell; a space that only served the bold markup goes.
    nb.cells = [
        new_markdown_cell("# 第7回 生成\n\n- 確率に変える **ソフトマックス関数** と、誤差 (loss)"),
        nbformat.v4.new_code_cell("x = 1"),
        new_markdown_cell("前書き"),
        new_markdown_cell("**所要時間**: 説明に約 90 分（コードの実行は 5 分）"),
    ]
    info = site.session_info(tmp_path / "07_gen.ipynb", nb)
    assert info["summary"] == "確率に変えるソフトマックス関数と、誤差 (loss)"
    assert info["minutes"] == "説明に約 90 分"
    nb.cells.insert(1, new_markdown_cell("まだ"))  # now the fourth markdown cell: not read
    assert site.session_info(tmp_path / "07_gen.ipynb", nb)["minutes"] == ""
    with pytest.raises(ValueError, match="heading says 第2回"):
        site.session_info(
            tmp_path / "03_cnn.ipynb",
            nbformat.v4.new_notebook(cells=[new_markdown_cell("# 第2回 多層")]),
        )


# --- vendor copies for decks ----------------------------------------------------------------------


def test_copy_vendor_copies_matching_files_and_rejects_unknown_patterns(tmp_path):
    modules = tmp_path / "vendor" / "node_modules"
    for name, text in {"lib/a.js": "a", "lib/sub/b.js": "bb", "lib/c.css": "ccc"}.items():
        (modules / name).parent.mkdir(parents=True, exist_ok=True)
        (modules / name).write_text(text)
    copied = slides.copy_vendor(tmp_path / "copy", ["lib/**"], vendor_dir=tmp_path / "vendor")
    assert copied == 6
    assert (tmp_path / "copy/node_modules/lib/sub/b.js").read_text() == "bb"
    copied = slides.copy_vendor(tmp_path / "css", ["lib/*.css"], vendor_dir=tmp_path / "vendor")
    assert copied == 3 and not (tmp_path / "css/node_modules/lib/a.js").exists()
    with pytest.raises(FileNotFoundError, match="no vendor file matches 'nothing/\\*\\*'"):
        slides.copy_vendor(tmp_path / "x", ["nothing/**"], vendor_dir=tmp_path / "vendor")


@pytest.fixture
def copied_deck(vendor, small_notebook, tmp_path):
    """A deck whose ``vendor`` link is replaced by a copy of DECK_VENDOR_FILES."""
    deck = slides.make_slides(small_notebook, tmp_path / "decks")
    (deck.parent / "vendor").unlink()
    copied = slides.copy_vendor(deck.parent / "vendor", slides.DECK_VENDOR_FILES)
    assert copied < MAX_VENDOR_BYTES
    return deck


def test_a_deck_finds_every_file_in_a_copy_of_the_deck_vendor_files(copied_deck):
    html = copied_deck.read_text(encoding="utf-8")
    local = LOCAL_LINK.findall(html) + re.findall(r'"(vendor/[^"]+\.js)"', html)
    assert {u.split("/")[2] for u in local if u.startswith("vendor/")} == {
        "reveal.js",
        "mathjax",
        "requirejs",
        "jquery",
    }
    missing = [u for u in local if not (copied_deck.parent / u).is_file()]
    assert missing == []
    vendor = copied_deck.parent / "vendor" / "node_modules"
    assert [f for f in slides.VENDOR_FILES if not (vendor / f).is_file()] == []


# --- in a browser ---------------------------------------------------------------------------------


def is_png_of_size(path, size):
    data = Path(path).read_bytes()
    return data[:8] == b"\x89PNG\r\n\x1a\n" and struct.unpack(">II", data[16:24]) == size


def test_the_index_and_its_links_work_on_a_phone(small_site, browser_ready, tmp_path):
    with HeadlessChromium(*PHONE, timeout=120) as browser:
        browser.open((small_site / "index.html").as_uri())
        assert browser.evaluate("document.title") == "深層学習ゼミ"
        links = browser.evaluate("[...document.querySelectorAll('li a')].map(a => a.textContent)")
        assert links == ["第0回 準備: Python & <NumPy>", "第1回 小さなノートブック"]
        assert browser.evaluate("document.documentElement.scrollWidth") <= PHONE[0]
        browser.screenshot(tmp_path / "index.png")
        assert is_png_of_size(tmp_path / "index.png", PHONE)
        browser.open(browser.evaluate("document.querySelector('li a').href"))
        nav = browser.evaluate(
            "[...document.querySelector('nav.site-nav').children]"
            ".map(e => [e.textContent, e.getAttribute('href')])"
        )
        assert nav == [["← 前へ", None], ["目次", "index.html"], ["次へ →", "01_small.html"]]
        browser.open(browser.evaluate("document.querySelector('a[rel=next]').href"))
        assert browser.evaluate("document.title") == "第1回 小さなノートブック | 深層学習ゼミ"
        assert browser.evaluate(MATHJAX_DONE)
        assert browser.evaluate("document.querySelectorAll('.mjx-chtml').length") >= 1
        assert browser.evaluate(MATHJAX_NOT_LOADED) == []


@pytest.fixture(scope="module")
def notebook_01_site(vendor, tmp_path_factory):
    """The site of the real notebook 01 (math, figures, a widget, exercises)."""
    out = tmp_path_factory.mktemp("site-01")
    site.build_site(out, [NOTEBOOK_DIR / "01_neuron_perceptron.ipynb"])
    return out


def test_a_notebook_page_renders_its_math_and_fits_a_phone(
    notebook_01_site, browser_ready, tmp_path
):
    page = notebook_01_site / "01_neuron_perceptron.html"
    assert "BEGIN SOLUTION" not in page.read_text(encoding="utf-8")
    with HeadlessChromium(*PHONE, timeout=120) as browser:
        browser.open(page.as_uri())
        assert browser.evaluate(MATHJAX_DONE)
        assert browser.evaluate("document.querySelectorAll('.mjx-chtml').length") > 20
        assert browser.evaluate(MATH_ERRORS) == []
        assert browser.evaluate(MATHJAX_NOT_LOADED) == []
        assert browser.evaluate(WEB_FONTS_FAILED) == []
        assert browser.evaluate("document.fonts.check('16px MJXc-TeX-math-Iw')")
        width = browser.evaluate("[document.documentElement.scrollWidth, innerWidth]")
        assert width[0] <= width[1] + 1, f"the page is {width[0]} px wide on a {width[1]} px phone"
        too_wide = browser.evaluate(TOO_WIDE)
        assert [w for w in too_wide if w[0] != "PRE"] == []  # prose wraps on a phone
        assert [w for w in too_wide if w[1] != "auto"] == []  # code scrolls in its box
        assert too_wide  # and there is wide code at 390 px (the setup cell's comment)
        assert browser.evaluate("document.documentElement.lang") == "ja"
        assert (
            browser.evaluate(
                "document.querySelectorAll('nav.site-nav a[href=\"index.html\"]').length"
            )
            == 2
        )
        browser.screenshot(tmp_path / "page.png")
        assert is_png_of_size(tmp_path / "page.png", PHONE)


def test_a_deck_with_the_copied_vendor_files_works(copied_deck, browser_ready):
    with HeadlessChromium(1280, 720, timeout=120) as browser:
        browser.open(copied_deck.as_uri())
        ready = "new Promise(r => (function wait() { document.querySelector('.reveal.ready')"
        ready += " ? r(true) : setTimeout(wait, 100); })())"
        assert browser.evaluate(ready)
        assert browser.evaluate(MATHJAX_DONE)
        assert browser.evaluate("document.querySelectorAll('.mjx-chtml').length") >= 1
        assert browser.evaluate(MATHJAX_NOT_LOADED) == []
        assert browser.evaluate(WEB_FONTS_FAILED) == []
