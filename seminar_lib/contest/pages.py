"""The server's HTML pages (Japanese, server-rendered with Jinja2, every value escaped) and the
score-over-time chart (SVG drawn here, so the page needs no script and no external file)."""

from __future__ import annotations

import datetime as dt
import re
from zoneinfo import ZoneInfo

from jinja2 import DictLoader, Environment, select_autoescape
from markupsafe import Markup, escape

__all__ = ["markdown_html", "render", "score_chart_svg"]

_BASE = """<!doctype html>
<html lang="ja"><head><meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
{% block head %}{% endblock %}
<title>{{ title }}</title>
<style>
body { font-family: "Noto Sans CJK JP", "Hiragino Sans", "Yu Gothic", sans-serif; margin: 2em auto;
       max-width: 60em; padding: 0 1em; color: #222; }
nav a { margin-right: 1.2em; }
table { border-collapse: collapse; width: 100%; margin: 1em 0; }
th, td { border-bottom: 1px solid #ddd; padding: 0.35em 0.6em; text-align: left; }
td.num, th.num { text-align: right; font-variant-numeric: tabular-nums; }
.message { padding: 0.7em 1em; border-radius: 4px; margin: 1em 0; }
.ok { background: #e6f4ea; } .error { background: #fdecea; }
.note { color: #555; font-size: 0.9em; }
.rules { line-height: 1.7; }
.projector { max-width: none; font-size: 2.2em; }
.projector table td, .projector table th { padding: 0.25em 0.6em; }
</style></head><body class="{% block body_class %}{% endblock %}">
{% block nav %}<nav><a href="/">リーダーボード</a><a href="/team">チームのページ</a>
<a href="/projector">プロジェクター表示</a><a href="/rules">ルール</a></nav>{% endblock %}
<h1>{{ title }}</h1>
{% block content %}{% endblock %}
</body></html>"""

_BOARD = """{% macro board_table(rows, score_label, private=False) %}
<table><tr><th class="num">順位</th><th>チーム</th><th class="num">{{ score_label }}</th>
{% if private %}<th class="num">その提出の public</th><th class="num">public での順位</th>
{% else %}<th class="num">提出数</th><th>最後の提出</th>{% endif %}</tr>
{% for row in rows %}<tr><td class="num">{{ row.rank }}</td><td>{{ row.team }}</td>
<td class="num">{{ "%.5f" | format(row.score) }}</td>
{% if private %}<td class="num">{{ "%.5f" | format(row.public) }}</td>
<td class="num">{{ row.public_rank }}</td>
{% else %}<td class="num">{{ row.entries }}</td><td>{{ row.last | local }}</td>{% endif %}</tr>
{% else %}<tr><td colspan="5">まだ提出はありません。</td></tr>{% endfor %}
</table>{% endmacro %}"""

_LEADERBOARD = """{% extends "base" %}{% from "board" import board_table %}
{% block content %}
<p>評価指標: {{ metric_ja }}。{{ status }}</p>
{% if board.revealed %}<h2>最終順位 (private リーダーボード)</h2>
{{ board_table(board.private, "private", private=True) }}{% endif %}
<h2>public リーダーボード</h2>
<p class="note">テスト画像の {{ public_percent }}% で計算した点数です。最終順位は残りの画像
(private) で決まります。</p>
{{ board_table(board.public, "public") }}
<h2>スコアの推移</h2>
<img src="/chart.svg" alt="各チームの public スコアの推移" width="720" height="360">
{% endblock %}"""

_PROJECTOR = """{% extends "base" %}{% from "board" import board_table %}
{% block head %}<meta http-equiv="refresh" content="{{ refresh }}">{% endblock %}
{% block body_class %}projector{% endblock %}{% block nav %}{% endblock %}
{% block content %}
<p>{{ status }}{% if remaining %} 締め切りまで、あと {{ remaining }}。{% endif %}</p>
{% if board.revealed %}<h2>最終順位 (private)</h2>
{{ board_table(board.private[:10], "private", private=True) }}
{% else %}{{ board_table(board.public[:10], "public") }}{% endif %}
<p class="note">{{ refresh }} 秒ごとに自動で更新します。</p>
{% endblock %}"""

_TEAM = """{% extends "base" %}
{% block content %}
{% if message %}<div class="message {{ message_class }}">{{ message }}</div>{% endif %}
{% if team is none %}
<form method="post" action="/login"><p>配られたトークン (token) を入力してください。</p>
<input type="password" name="token" size="30" autocomplete="off" required>
<button type="submit">ログイン</button></form>
{% else %}
<h2>{{ team.name }}</h2>
<p>今日の提出: {{ used_today }} / {{ daily_limit }} 回。{{ status }}</p>
{% if accepting %}<form method="post" action="/team/submit" enctype="multipart/form-data">
<p>提出ファイル (CSV、1 行目は id,label):</p>
<input type="file" name="file" accept=".csv,text/csv" required>
<button type="submit">提出する</button></form>{% endif %}
<h2>提出の履歴</h2>
<form method="post" action="/team/final">
<table><tr><th class="num">#</th><th>時刻</th><th class="num">public</th>
{% if revealed %}<th class="num">private</th>{% endif %}<th>最終提出</th><th>SHA-256</th></tr>
{% for s in history %}<tr><td class="num">{{ s.id }}</td><td>{{ s.created_at | local }}</td>
<td class="num">{{ "%.5f" | format(s.public) }}</td>
{% if revealed %}<td class="num">{{ "%.5f" | format(s.private) }}</td>{% endif %}
<td><input type="checkbox" name="final" value="{{ s.id }}" {% if s.final %}checked{% endif %}
 {% if revealed %}disabled{% endif %}> {% if s.chosen %}✔ 採用{% endif %}</td>
<td class="note">{{ s.sha256[:12] }}</td></tr>
{% else %}<tr><td colspan="6">まだ提出していません。</td></tr>{% endfor %}</table>
{% if history and not revealed %}<p class="note">最終提出は {{ max_final }} 件まで選べます。\
選ばない場合は、public の点数が高い {{ max_final }} 件が使われます（✔ 採用）。</p>
<button type="submit">最終提出を保存</button>{% endif %}
</form>
<form method="post" action="/logout"><button type="submit">ログアウト</button></form>
{% endif %}
{% endblock %}"""

_RULES = """{% extends "base" %}
{% block content %}<div class="rules">{{ rules }}</div>{% endblock %}"""

_MESSAGE = """{% extends "base" %}
{% block content %}<div class="message error">{{ message }}</div>
<p><a href="{{ back }}">戻る</a></p>{% endblock %}"""

_ENV = Environment(
    loader=DictLoader(
        {
            "base": _BASE,
            "board": _BOARD,
            "leaderboard": _LEADERBOARD,
            "projector": _PROJECTOR,
            "team": _TEAM,
            "rules": _RULES,
            "message": _MESSAGE,
        }
    ),
    autoescape=select_autoescape(default=True, default_for_string=True),
)


def markdown_html(text: str) -> Markup:
    """The rules' Markdown as HTML: ``##`` headings, ``-`` items, paragraphs, ``**bold**`` and
    ```code```; everything else escaped. The ``#`` title line is left out (the page has one)."""

    def inline(line: str) -> str:
        html = str(escape(line))
        html = re.sub(r"\*\*(.+?)\*\*", r"<strong>\1</strong>", html)
        return re.sub(r"`(.+?)`", r"<code>\1</code>", html)

    out, in_list = [], False
    for line in text.splitlines():
        item = line.startswith("- ")
        if in_list and not item:
            out.append("</ul>")
        if item and not in_list:
            out.append("<ul>")
        in_list = item
        if line.startswith("## "):
            out.append(f"<h2>{inline(line[3:])}</h2>")
        elif item:
            out.append(f"<li>{inline(line[2:])}</li>")
        elif line.strip() and not line.startswith("# "):
            out.append(f"<p>{inline(line)}</p>")
    if in_list:
        out.append("</ul>")
    return Markup("\n".join(out))


def render(name: str, tz: ZoneInfo, **context) -> str:
    """The page ``name`` with times shown in ``tz`` (``%m/%d %H:%M``)."""
    env = _ENV.overlay()
    env.filters["local"] = lambda iso: (
        dt.datetime.fromisoformat(iso).astimezone(tz).strftime("%m/%d %H:%M")
    )
    return env.get_template(name).render(**context)


_COLORS = (
    "#1f77b4",
    "#ff7f0e",
    "#2ca02c",
    "#d62728",
    "#9467bd",
    "#8c564b",
    "#e377c2",
    "#7f7f7f",
    "#bcbd22",
    "#17becf",
)


def score_chart_svg(
    submissions: list[dict], tz: ZoneInfo, width: int = 720, height: int = 360
) -> str:
    """Each team's best public score so far against time, as an SVG document (escaped)."""
    from xml.sax.saxutils import escape

    left, right, top, bottom = 72, 170, 20, 40
    plot_w, plot_h = width - left - right, height - top - bottom
    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" width="{width}" height="{height}" '
        'font-family="Noto Sans CJK JP, sans-serif" font-size="12">',
        f'<rect x="{left}" y="{top}" width="{plot_w}" height="{plot_h}" fill="none" '
        'stroke="#999"/>',
    ]
    if not submissions:
        parts.append(f'<text x="{left + 10}" y="{top + 30}">まだ提出はありません</text></svg>')
        return "".join(parts)
    times = [dt.datetime.fromisoformat(s["created_at"]).timestamp() for s in submissions]
    t0, t1 = min(times), max(max(times), min(times) + 60)
    low = min(s["public"] for s in submissions)
    high = max(max(s["public"] for s in submissions), low + 0.01)

    def xy(t, score):
        return (left + (t - t0) / (t1 - t0) * plot_w, top + (high - score) / (high - low) * plot_h)

    for value in (low, (low + high) / 2, high):
        y = xy(t0, value)[1]
        parts.append(f'<text x="{left - 6}" y="{y + 4:.1f}" text-anchor="end">{value:.3f}</text>')
    for t, anchor in ((t0, "start"), (t1, "end")):
        label = dt.datetime.fromtimestamp(t, tz).strftime("%H:%M")
        parts.append(
            f'<text x="{xy(t, low)[0]:.1f}" y="{top + plot_h + 16}" '
            f'text-anchor="{anchor}">{label}</text>'
        )
    parts.append(
        f'<text x="{left + plot_w / 2}" y="{height - 6}" text-anchor="middle">'
        f"時刻 ({escape(str(tz))})</text>"
    )
    middle = top + plot_h / 2
    parts.append(
        f'<text x="16" y="{middle}" text-anchor="middle" transform="rotate(-90 16 {middle})">'
        "public スコア (その時点の最高)</text>"
    )
    teams: dict[str, list[tuple[float, float]]] = {}  # team -> (time, best so far), as steps
    for t, s in zip(times, submissions, strict=True):
        steps = teams.setdefault(s["team"], [])
        if steps:
            steps.append((t, steps[-1][1]))
        steps.append((t, max(s["public"], steps[-1][1]) if steps else s["public"]))
    for k, (team, steps) in enumerate(teams.items()):
        color = _COLORS[k % len(_COLORS)]
        points = (xy(*p) for p in [*steps, (t1, steps[-1][1])])
        path = " ".join(f"{x:.1f},{y:.1f}" for x, y in points)
        parts.append(f'<polyline points="{path}" fill="none" stroke="{color}" stroke-width="2"/>')
        y = top + 14 + 16 * k
        if y < height - bottom:
            parts.append(
                f'<text x="{left + plot_w + 10}" y="{y}" fill="{color}">{escape(team[:16])}</text>'
            )
    parts.append("</svg>")
    return "".join(parts)
