"""Attention figures: ``plot_attention`` (a weight map) and ``plot_positional_encoding``."""

from __future__ import annotations

import numpy as np

from seminar_lib._validation import as_real_array, check_ndim
from seminar_lib.plotting._common import _axes


def plot_attention(
    weights, query_labels=None, key_labels=None, ax=None, title=None, annotate=False, fontsize=11
):
    """Attention weights as a map: row = a query (the position that looks), column = a key
    (the position looked at); darker = more weight. Each row sums to 1.

    Parameters
    ----------
    weights : array_like (Tq, Tk)
    query_labels, key_labels : sequence of str, optional
        Tick labels (the tokens); positions 0, 1, ... when omitted.
    annotate : bool
        Write each weight in its cell (for small maps).
    """
    weights = as_real_array(weights, "weights")
    check_ndim(weights, 2, "weights", "(Tq, Tk)")
    Tq, Tk = weights.shape
    for labels, n, name in ((query_labels, Tq, "query_labels"), (key_labels, Tk, "key_labels")):
        if labels is not None and len(labels) != n:
            raise ValueError(f"Expected {n} `{name}`. Received: {len(labels)}")
    ax = _axes(ax, figsize=(0.45 * Tk + 1.6, 0.45 * Tq + 1.0))
    image = ax.imshow(weights, cmap="Blues", vmin=0, vmax=1)
    if annotate:
        for (r, c), v in np.ndenumerate(weights):
            color = "white" if v > 0.5 else "black"
            ax.text(c, r, f"{v:.2f}", ha="center", va="center", fontsize=fontsize - 2, color=color)
    ax.set_xticks(range(Tk), key_labels if key_labels is not None else range(Tk))
    ax.set_yticks(range(Tq), query_labels if query_labels is not None else range(Tq))
    ax.tick_params(length=0, labelsize=fontsize)
    if key_labels is not None and max(len(str(label)) for label in key_labels) > 2:
        for label in ax.get_xticklabels():  # longer labels slanted, so that they do not touch
            label.set(rotation=45, ha="right", rotation_mode="anchor")
    ax.set_xlabel("キー（見られる位置）")
    ax.set_ylabel("クエリ（見る位置）")
    ax.grid(False)
    ax.figure.colorbar(image, ax=ax, shrink=0.8, label="注意の重み")
    if title:
        ax.set_title(title)
    return ax


def plot_positional_encoding(pe, ax=None, title=None):
    """The positional encoding (T, D) as an image: row = position, column = dimension."""
    pe = as_real_array(pe, "pe")
    check_ndim(pe, 2, "pe", "(T, D)")
    ax = _axes(ax, figsize=(7, 4))
    image = ax.imshow(pe, cmap="RdBu_r", vmin=-1, vmax=1, aspect="auto", interpolation="nearest")
    ax.set_xlabel("次元（列の番号）")
    ax.set_ylabel("位置 t")
    ax.grid(False)
    ax.figure.colorbar(image, ax=ax, label="値")
    if title:
        ax.set_title(title)
    return ax
