"""The leaderboard page as a person sees it: a headless Chromium screenshot of the real server.

A contest with Japanese team names and a team called ``<script>alert(1)</script>`` gets a few
submissions; ``python -m seminar_lib.contest serve`` runs as a child process and Debian's
headless ``chromium`` (driven by :mod:`tools.headless`, as ``make slidefit`` does) takes a
1280x900 screenshot of ``/`` (saved under the test's tmp_path; the path is printed).

Japanese must render, not as tofu. Tofu (the .notdef box a browser draws for a character no
font has) is not blank, so "something was drawn" proves nothing; what tofu cannot do is tell
characters apart: every missing character gets the same box. So the check crops two team names
of five kanji each (深層学習研, 画像認識班) from the screenshot and asserts that the two crops
differ. The check is shown to fail where it should: a second browser whose fontconfig knows only
DejaVu Sans (the copy matplotlib ships) draws the same page with tofu, and there the two crops
are pixel for pixel the same.

Without chromium or a Japanese font the tests are skipped, except under CI, where they fail.
"""

from __future__ import annotations

import struct
from pathlib import Path

import numpy as np
import pytest
from helpers import require
from PIL import Image, ImageChops

from seminar_lib.contest.contest import Contest
from seminar_lib.contest.local import LocalServer
from seminar_lib.contest.organizer import init_contest
from seminar_lib.contest.submission import submission_csv
from tools.headless import HeadlessChromium, chromium_problem

SCRIPT_TEAM = "<script>alert(1)</script>"
# Team ids are 1..4 in this order. The first two are five kanji each: as tofu they would be
# five identical boxes, at the same place in their table cells.
TEAMS = ["深層学習研", "画像認識班", SCRIPT_TEAM, "チームA"]
KANJI_TEAMS = TEAMS[:2]
WINDOW = (1280, 900)
TIMEOUT_S = 60  # for one answer of the browser


@pytest.fixture(scope="module")
def can_screenshot():
    """Skips (or fails under CI) without chromium or a Japanese font."""
    problem = chromium_problem()
    require(problem)


@pytest.fixture(scope="module")
def leaderboard_url(can_screenshot, tmp_path_factory):
    """A contest with six scored submissions, served by a real server; yields the URL of ``/``."""
    root = tmp_path_factory.mktemp("screenshot-contest")
    definition = root / "contest.toml"
    teams = ", ".join(f'"{name}"' for name in TEAMS)
    definition.write_text(f"teams = [{teams}]\n", encoding="utf-8")
    init_contest(definition, root / "contest")
    contest = Contest(root / "contest")
    for team_id, wrong in [(1, 5000), (2, 3000), (3, 1000), (4, 7000), (1, 2000), (2, 4000)]:
        labels = contest.y_true.copy()
        labels[:wrong] = (labels[:wrong] + 1) % 10  # `wrong` of 10,000 labels are wrong
        contest.submit(team_id, submission_csv(contest.ids, labels).encode())

    with LocalServer(root / "contest") as server:
        yield server.url + "/"


def screenshot_with_names(url: str, path: Path) -> tuple[dict[str, Image.Image], dict]:
    """Open ``url`` at 1280x900, save a screenshot to ``path``; return the crops of the kanji
    team names (grayscale, from the screenshot) and what the page's DOM says."""
    with HeadlessChromium(*WINDOW, timeout=TIMEOUT_S) as browser:
        browser.open(url)
        browser.screenshot(path)
        # The box of each name cell's text (a Range around its contents), in CSS px = image px.
        boxes = browser.evaluate(
            """Object.fromEntries(Array.from(document.querySelectorAll("td"), td => {
                const range = document.createRange();
                range.selectNodeContents(td);
                const r = range.getBoundingClientRect();
                return [td.textContent, [r.left, r.top, r.right, r.bottom]];
            }))"""
        )
        dom = browser.evaluate(
            """({
                html: document.documentElement.outerHTML,
                scripts: document.querySelectorAll("script").length,
                cells: Array.from(document.querySelectorAll("td"), td => td.textContent),
            })"""
        )
    image = Image.open(path).convert("L")
    crops = {}
    for name in KANJI_TEAMS:
        assert name in boxes, f"no table cell reads {name!r}; cells: {sorted(boxes)}"
        left, top, right, bottom = boxes[name]
        crops[name] = image.crop(
            (int(left), int(top), int(np.ceil(right)) + 1, int(np.ceil(bottom)) + 1)
        )
    return crops, dom


def has_ink(crop: Image.Image) -> bool:
    """Something dark is drawn (text is #222 on white)."""
    return int(np.asarray(crop).min()) < 128


def distinct(a: Image.Image, b: Image.Image) -> bool:
    """The two crops differ in at least one pixel (tofu: they do not)."""
    if a.size != b.size:
        return True
    return ImageChops.difference(a, b).getbbox() is not None


def test_leaderboard_screenshot_shows_japanese_and_escapes_names(leaderboard_url, tmp_path):
    path = tmp_path / "leaderboard.png"
    crops, dom = screenshot_with_names(leaderboard_url, path)
    print(f"screenshot: {path}")

    png = path.read_bytes()
    assert png[:8] == b"\x89PNG\r\n\x1a\n"
    assert struct.unpack(">II", png[16:24]) == WINDOW

    # Japanese renders: each name is drawn, and two different names are drawn differently.
    first, second = (crops[name] for name in KANJI_TEAMS)
    assert has_ink(first) and has_ink(second)
    assert distinct(first, second), (
        f"{KANJI_TEAMS[0]} and {KANJI_TEAMS[1]} look the same in {path}: tofu "
        "(no font for Japanese; Debian/Ubuntu: apt-get install fonts-noto-cjk)"
    )

    # The team named <script>alert(1)</script> is text in a cell, not an element.
    assert SCRIPT_TEAM in dom["cells"]
    assert dom["scripts"] == 0
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in dom["html"]
    assert "<script" not in dom["html"].lower()
    assert all(name in dom["cells"] for name in TEAMS)


def test_the_tofu_check_fails_without_a_japanese_font(leaderboard_url, tmp_path, monkeypatch):
    """The same page in a browser that knows one Latin font: the kanji names become tofu, and
    the check above (two different names draw differently) would fail."""
    import matplotlib

    latin = Path(matplotlib.get_data_path()) / "fonts" / "ttf" / "DejaVuSans.ttf"
    fonts = tmp_path / "fonts"
    fonts.mkdir()
    (fonts / latin.name).symlink_to(latin)
    config = tmp_path / "fonts.conf"
    config.write_text(
        '<?xml version="1.0"?>\n<!DOCTYPE fontconfig SYSTEM "fonts.dtd">\n'
        f"<fontconfig><dir>{fonts}</dir><cachedir>{tmp_path / 'cache'}</cachedir></fontconfig>\n",
        encoding="utf-8",
    )
    monkeypatch.setenv("FONTCONFIG_FILE", str(config))  # chromium inherits the environment

    path = tmp_path / "tofu.png"
    crops, _ = screenshot_with_names(leaderboard_url, path)
    print(f"tofu screenshot: {path}")
    first, second = (crops[name] for name in KANJI_TEAMS)
    assert has_ink(first) and has_ink(second)  # tofu is drawn: not blank ...
    assert not distinct(first, second)  # ... but every kanji is the same box
