"""Diagrams and history: network drawings, the timeline of the field, nested sets, and the
recurrent networks of session 6.
"""

from __future__ import annotations

import itertools

import numpy as np

from seminar_lib._validation import check_positive_int
from seminar_lib.plotting._common import CLASS_COLORS, _axes

__all__ = [
    "draw_lstm_cell",
    "draw_network",
    "draw_unrolled_rnn",
    "plot_nested_sets",
    "plot_timeline",
]


def draw_network(layer_sizes, ax=None, layer_names=None, title=None):
    """Draw a fully connected network: one column of neurons per layer, every pair linked.

    Parameters
    ----------
    layer_sizes : sequence of int
        Neurons per layer, input layer first.
    layer_names : sequence of str, optional
        A caption under each column.
    """
    sizes = [check_positive_int(s, "layer_sizes[i]") for s in layer_sizes]
    if len(sizes) < 2:
        raise ValueError(f"Expected at least 2 layers. Received: layer_sizes={list(layer_sizes)}")
    if layer_names is not None and len(layer_names) != len(sizes):
        raise ValueError(f"Expected {len(sizes)} layer names. Received: {len(layer_names)} names")
    ax = _axes(ax)
    top = max(sizes)
    pos = [[(i, (s - 1) / 2 - j) for j in range(s)] for i, s in enumerate(sizes)]
    for left, right in itertools.pairwise(pos):
        for x0, y0 in left:
            for x1, y1 in right:
                ax.plot([x0, x1], [y0, y1], color="gray", linewidth=0.6, alpha=0.6, zorder=1)
    for i, layer in enumerate(pos):
        color = CLASS_COLORS[0] if i == 0 else CLASS_COLORS[1] if i == len(pos) - 1 else "#2ca02c"
        xs, ys = zip(*layer, strict=True)
        ax.scatter(xs, ys, s=220, color=color, edgecolors="black", zorder=2)
    if layer_names is not None:
        for i, name in enumerate(layer_names):
            ax.text(i, -(top - 1) / 2 - 0.45, name, ha="center", va="top", fontsize=10)
    ax.set_xlim(-0.5, len(sizes) - 0.5)
    ax.set_ylim(-(top - 1) / 2 - (1.0 if layer_names is not None else 0.5), (top - 1) / 2 + 0.5)
    ax.set_axis_off()
    if title:
        ax.set_title(title)
    return ax


def plot_timeline(events, eras=(), ax=None, title=None, xlim=None, fontsize=12):
    """A timeline: shaded eras (booms and winters) and labelled milestone years.

    Parameters
    ----------
    events : sequence of (year, label)
        Milestones; labels take turns on four levels, above and below the axis, to avoid overlap.
    eras : sequence of (start_year, end_year, label, color)
        Shaded spans with a caption. An ``end_year`` of None means "still going on": the span
        runs to the right edge and the time axis ends in an arrow.
    xlim : (float, float), optional
        Years at the left and right edges (default: 3 years around the events and eras).
    fontsize : float
        Size of the milestone labels; era captions are 1 point larger.
    """
    events = sorted(events)
    if not events:
        raise ValueError("Expected at least one (year, label) event. Received: none")
    years = [year for year, _ in events] + [e for era in eras for e in era[:2] if e is not None]
    left, right = xlim if xlim is not None else (min(years) - 3, max(years) + 3)
    ax = _axes(ax, figsize=(12, 5.6))
    ongoing = False
    for start, end, label, color in eras:
        ongoing = ongoing or end is None
        end = right if end is None else end
        ax.axvspan(start, end, color=color, alpha=0.25, linewidth=0)
        ax.text((start + end) / 2, 4.5, label, ha="center", va="center", fontsize=fontsize + 1)
    if ongoing:  # time goes on: the axis ends in an arrow
        ax.annotate(
            "",
            xy=(right, 0),
            xytext=(left, 0),
            arrowprops={"arrowstyle": "-|>", "color": "black", "linewidth": 1.2},
        )
    else:
        ax.axhline(0, color="black", linewidth=1.2)
    heights = (1.2, -1.2, 2.7, -2.7)
    for i, (year, label) in enumerate(events):
        h = heights[i % len(heights)]
        ax.plot([year, year], [0, h], color="gray", linewidth=0.8)
        ax.scatter([year], [0], color="black", s=20, zorder=3)
        va = "bottom" if h > 0 else "top"
        ax.text(
            year,
            h,
            f"{label}\n({year})" if h > 0 else f"({year})\n{label}",
            ha="center",
            va=va,
            fontsize=fontsize,
        )
    ax.set_xlim(left, right)
    ax.set_ylim(-4.6, 5.0)
    ax.set_yticks([])
    ax.set_xlabel("年")
    ax.grid(False)
    ax.spines["left"].set_visible(False)
    if title:
        ax.set_title(title)
    return ax


def plot_nested_sets(labels, ax=None, title=None, notes=None):
    """Nested ellipses, outermost first: how broader and narrower terms contain each other.

    Parameters
    ----------
    labels : sequence of str
        Outermost set first (e.g. AI, machine learning, deep learning).
    notes : sequence of str, optional
        A smaller line of explanation under each label.
    """
    from matplotlib.patches import Ellipse

    labels = list(labels)
    if not labels:
        raise ValueError("Expected at least one label. Received: none")
    ax = _axes(ax, figsize=(6.4, 4.6))
    k = len(labels)
    for i, label in enumerate(labels):
        width, height = 10 - 2.6 * i, 7 - 2.0 * i
        cy = -0.9 * i
        ax.add_patch(
            Ellipse(
                (0, cy),
                width,
                height,
                facecolor=CLASS_COLORS[i % 6],
                alpha=0.25,
                edgecolor="black",
            )
        )
        y_text = cy + height / 2 - (0.55 if i < k - 1 else height / 2)
        ax.text(0, y_text, label, ha="center", va="center", fontsize=13)
        if notes:
            ax.text(0, y_text - 0.45, notes[i], ha="center", va="center", fontsize=11)
    ax.set_xlim(-5.2, 5.2)
    ax.set_ylim(-3.7, 3.7)
    ax.set_aspect("equal")
    ax.set_axis_off()
    if title:
        ax.set_title(title)
    return ax


def _box(ax, xy, text, width=0.8, height=0.6, color="#dbe9f6", fontsize=12):
    """A rounded box centred at ``xy`` with ``text`` in it (diagrams of recurrent networks)."""
    from matplotlib.patches import FancyBboxPatch

    x, y = xy
    ax.add_patch(
        FancyBboxPatch(
            (x - width / 2, y - height / 2),
            width,
            height,
            boxstyle="round,pad=0.02,rounding_size=0.08",
            facecolor=color,
            edgecolor="black",
            linewidth=1.2,
            zorder=2,
        )
    )
    ax.text(x, y, text, ha="center", va="center", fontsize=fontsize, zorder=3)


def _arrow(ax, start, end, text=None, text_offset=(0.0, 0.12), color="black", **kwargs):
    """An arrow from ``start`` to ``end``, with an optional label near its middle."""
    ax.annotate(
        "",
        xy=end,
        xytext=start,
        arrowprops={"arrowstyle": "-|>", "color": color, "linewidth": 1.3, **kwargs},
        zorder=1,
    )
    if text:
        mid = ((start[0] + end[0]) / 2 + text_offset[0], (start[1] + end[1]) / 2 + text_offset[1])
        ax.text(*mid, text, ha="center", va="center", fontsize=10, color=color)


def draw_unrolled_rnn(num_steps: int = 4, ax=None, title=None):
    r"""The recurrent network folded (one box with a loop) and unrolled over ``num_steps`` steps.

    Each step reads :math:`x_t` through :math:`W_x` and the previous state :math:`h_{t-1}`
    through :math:`W_h`; the same weights appear at every step.
    """
    num_steps = check_positive_int(num_steps, "num_steps")
    ax = _axes(ax, figsize=(2.2 + 1.6 * num_steps, 3.2))
    _box(ax, (0, 0), "RNN")  # the folded network
    _arrow(ax, (0, -1.1), (0, -0.3), "$W_x$", text_offset=(0.25, 0))
    ax.text(0, -1.3, "$x_t$", ha="center", va="center", fontsize=12)
    _arrow(ax, (0, 0.3), (0, 1.1))
    ax.text(0, 1.3, "$h_t$", ha="center", va="center", fontsize=12)
    ax.annotate(  # the loop: h_t goes back in as h_{t-1}
        "",
        xy=(0.4, -0.12),
        xytext=(0.4, 0.12),
        arrowprops={"arrowstyle": "-|>", "connectionstyle": "arc3,rad=-2.2", "linewidth": 1.3},
    )
    ax.text(0.75, 0.45, "$W_h$", ha="center", va="center", fontsize=10)
    ax.text(1.5, 0, "=", ha="center", va="center", fontsize=20)
    xs = 3.4 + 1.6 * np.arange(num_steps)
    _arrow(ax, (xs[0] - 1.0, 0), (xs[0] - 0.4, 0))
    ax.text(xs[0] - 1.05, 0, "$h_0$", ha="right", va="center", fontsize=12)
    for t, x in enumerate(xs, start=1):
        _box(ax, (x, 0), f"$h_{t}$" if t < num_steps else "$h_T$")
        _arrow(ax, (x, -1.1), (x, -0.3), "$W_x$", text_offset=(0.25, 0))
        ax.text(x, -1.3, f"$x_{t}$" if t < num_steps else "$x_T$", ha="center", fontsize=12)
        _arrow(ax, (x, 0.3), (x, 1.1))
        ax.text(x, 1.3, "出力", ha="center", va="center", fontsize=10)
        if t < num_steps:
            _arrow(ax, (x + 0.4, 0), (x + 1.2, 0), "$W_h$")
    ax.set_xlim(-0.7, xs[-1] + 0.7)
    ax.set_ylim(-1.6, 1.6)
    ax.set_aspect("equal")
    ax.set_axis_off()
    if title:
        ax.set_title(title)
    return ax


def draw_lstm_cell(ax=None, title=None):
    r"""One LSTM step: the cell state :math:`c` runs along the top, changed only by the forget
    gate (multiplication) and the input gate times the candidate (addition); the output gate
    decides how much of :math:`\tanh(c_t)` becomes :math:`h_t`.
    """
    ax = _axes(ax, figsize=(8.4, 4.6))
    from matplotlib.patches import Circle, FancyBboxPatch

    ax.add_patch(
        FancyBboxPatch(
            (0.4, -1.0),
            7.1,
            4.3,
            boxstyle="round,pad=0.02,rounding_size=0.2",
            facecolor="#f7f7f7",
            edgecolor="gray",
            zorder=0,
        )
    )
    top, bottom = 2.8, 0.2
    gates = [  # (x, symbol, name, colour)
        (1.6, r"$\sigma$", "忘却ゲート $f_t$", "#fde0c5"),
        (3.0, r"$\sigma$", "入力ゲート $i_t$", "#fde0c5"),
        (4.2, r"$\tanh$", "候補 $g_t$", "#d5f0d5"),
        (5.6, r"$\sigma$", "出力ゲート $o_t$", "#fde0c5"),
    ]
    ax.plot([0.0, 8.0], [top, top], color="black", linewidth=2.2, zorder=1)  # cell state
    ax.plot([0.0, 5.6], [bottom - 0.5, bottom - 0.5], color="black", linewidth=1.3, zorder=1)
    ax.text(-0.1, top, "$c_{t-1}$", ha="right", va="center", fontsize=12)
    ax.text(8.1, top, "$c_t$", ha="left", va="center", fontsize=12)
    ax.text(-0.1, bottom - 0.5, "$h_{t-1}$", ha="right", va="center", fontsize=12)
    ax.text(0.9, -1.5, "$x_t$", ha="center", va="center", fontsize=12)
    ax.plot([0.9, 0.9], [-1.3, bottom - 0.5], color="black", linewidth=1.3, zorder=1)
    for x, symbol, name, color in gates:
        ax.plot([x, x], [bottom - 0.5, bottom], color="black", linewidth=1.3, zorder=1)
        _box(ax, (x, bottom + 0.25), symbol, width=0.75, height=0.5, color=color)
        ax.text(x, bottom - 0.75, name, ha="center", va="top", fontsize=10)

    def op(xy, symbol):
        ax.add_patch(Circle(xy, 0.22, facecolor="white", edgecolor="black", zorder=2))
        ax.text(*xy, symbol, ha="center", va="center", fontsize=13, zorder=3)

    op((1.6, top), "×")  # forget: c_{t-1} * f_t
    _arrow(ax, (1.6, bottom + 0.5), (1.6, top - 0.22))
    op((3.6, 1.5), "×")  # i_t * g_t
    _arrow(ax, (3.0, bottom + 0.5), (3.45, 1.35))
    _arrow(ax, (4.2, bottom + 0.5), (3.75, 1.35))
    op((3.6, top), "+")
    _arrow(ax, (3.6, 1.72), (3.6, top - 0.22))
    _box(ax, (6.6, 1.9), r"$\tanh$", width=0.75, height=0.45, color="#d5f0d5")
    ax.plot([6.6, 6.6], [top, 2.12], color="black", linewidth=1.3, zorder=1)
    op((6.6, 1.0), "×")  # h_t = o_t * tanh(c_t)
    _arrow(ax, (6.6, 1.67), (6.6, 1.22))
    _arrow(ax, (5.6, bottom + 0.5), (6.4, 0.9))
    _arrow(ax, (6.82, 1.0), (8.0, 1.0))
    ax.text(8.1, 1.0, "$h_t$", ha="left", va="center", fontsize=12)
    ax.text(5.1, top + 0.2, "セル状態（記憶の通り道）", ha="center", va="bottom", fontsize=10)
    ax.set_xlim(-0.9, 8.7)
    ax.set_ylim(-1.75, 3.5)
    ax.set_aspect("equal")
    ax.set_axis_off()
    if title:
        ax.set_title(title)
    return ax
