"""Training curves and diagnostics: learning curves, the confusion matrix, histograms per
layer and parameter counts.
"""

from __future__ import annotations

import numpy as np

from seminar_lib._validation import as_real_array, check_positive_int
from seminar_lib.metrics import confusion_matrix
from seminar_lib.plotting._common import CLASS_COLORS, _axes

__all__ = [
    "plot_confusion_matrix",
    "plot_layer_histograms",
    "plot_learning_curves",
    "plot_param_counts",
]


def plot_learning_curves(histories, metric="loss", ax=None, title=None, val_label="テスト"):
    """Learning curves: ``metric`` per epoch for one or more training histories.

    Parameters
    ----------
    histories : dict
        Either one history (``{"loss": [...], "val_loss": [...]}``, as returned by
        ``training.fit`` or ``keras.Model.fit(...).history``) or several: ``{label: history}``.
    metric : {"loss", "accuracy"}
        Plotted for training (solid) and, when present, validation (dashed, ``"val_" + metric``).
    val_label : str
        Legend name of the ``"val_"`` curves: what was passed as validation data ("検証" for a
        validation split held out from the training data).
    """
    if not isinstance(histories, dict) or not histories:
        raise TypeError(f"Expected `histories` to be a non-empty dict. Received: {histories!r}")
    if metric in histories:  # a single history
        histories = {"": histories}
    ax = _axes(ax)
    names = {"loss": "誤差 (loss)", "accuracy": "正解率"}
    for i, (label, history) in enumerate(histories.items()):
        if metric not in history:
            raise KeyError(f"History {label!r} has no {metric!r}. It has: {sorted(history)}")
        color = CLASS_COLORS[i % len(CLASS_COLORS)]
        epochs = np.arange(1, len(history[metric]) + 1)
        prefix = f"{label} " if label else ""
        ax.plot(epochs, history[metric], "-o", color=color, markersize=3, label=f"{prefix}訓練")
        if f"val_{metric}" in history:
            ax.plot(
                epochs,
                history[f"val_{metric}"],
                "--s",
                color=color,
                markersize=3,
                label=f"{prefix}{val_label}",
            )
    from matplotlib.ticker import MaxNLocator

    ax.xaxis.set_major_locator(MaxNLocator(integer=True))  # epochs are whole numbers
    ax.set_xlabel("エポック")
    ax.set_ylabel(names.get(metric, metric))
    ax.legend()
    if title:
        ax.set_title(title)
    return ax


def plot_confusion_matrix(y_true, y_pred, class_names=None, ax=None, title=None, fontsize=7):
    """Heatmap of the confusion matrix with the count in every cell, written at ``fontsize``
    points (11 or more reads on a slide; give the figure room, e.g. ``figsize=(8, 7)``)."""
    k = len(class_names) if class_names else None
    counts = confusion_matrix(y_true, y_pred, k)
    names = class_names or [str(i) for i in range(len(counts))]
    ax = _axes(ax, figsize=(6.4, 5.6))
    im = ax.imshow(counts, cmap="Blues")
    ax.figure.colorbar(im, ax=ax, label="枚数")
    for (r, c), v in np.ndenumerate(counts):
        color = "white" if v > counts.max() / 2 else "black"
        ax.text(c, r, str(v), ha="center", va="center", fontsize=fontsize, color=color)
    ax.set_xticks(
        range(len(names)),
        names,
        rotation=45 if class_names else 0,
        ha="right" if class_names else "center",
    )
    ax.set_yticks(range(len(names)), names)
    ax.set_xlabel("予測したクラス")
    ax.set_ylabel("正解のクラス")
    ax.grid(False)
    if title:
        ax.set_title(title)
    return ax


def plot_layer_histograms(
    values,
    ax=None,
    title=None,
    bins=40,
    value_range=None,
    log_abs=False,
    labels=None,
    xlabel=None,
    ylabel=None,
):
    """One histogram per layer, stacked from top (layer 1) to bottom: how the values that flow
    through a deep network (activations, gradients) spread out or collapse layer by layer.

    Parameters
    ----------
    values : sequence of array_like
        One array per layer, any shape (flattened).
    bins : int
        Bins shared by every layer.
    value_range : (low, high), optional
        Range of the bins (default: the smallest and largest value over all layers).
    log_abs : bool
        Histogram of :math:`\\log_{10}|v|` instead of :math:`v` (zeros are left out): for
        gradients whose size changes by orders of magnitude from layer to layer.
    labels : sequence of str, optional
        One name per layer (default "層 1", "層 2", ...), written as the y tick labels.
    xlabel, ylabel : str, optional
        Axis labels (default: "値" or "log10 |値|", and none, the tick labels naming the layers).

    Each histogram is scaled to its own peak, so the shape is compared, not the counts.
    """
    arrays = [as_real_array(v, f"values[{i}]").ravel() for i, v in enumerate(values)]
    if not arrays:
        raise ValueError("Expected at least one layer's values. Received: none")
    bins = check_positive_int(bins, "bins")
    if log_abs:
        arrays = [np.log10(np.abs(a[a != 0])) for a in arrays]
    if labels is None:
        labels = [f"層 {i + 1}" for i in range(len(arrays))]
    if len(labels) != len(arrays):
        raise ValueError(f"Expected {len(arrays)} labels. Received: {len(labels)} labels")
    nonempty = [a for a in arrays if a.size]
    if value_range is None:
        if not nonempty:
            raise ValueError("Every layer's values are empty (or all zero with log_abs=True).")
        value_range = (min(a.min() for a in nonempty), max(a.max() for a in nonempty))
    low, high = (float(v) for v in value_range)
    if not low < high:
        low, high = low - 0.5, high + 0.5  # every value equal: a range around it
    edges = np.linspace(low, high, bins + 1)
    ax = _axes(ax, figsize=(4.5, 0.7 * len(arrays) + 1.2))
    num = len(arrays)
    for i, a in enumerate(arrays):
        counts, _ = np.histogram(a, bins=edges)
        height = counts / counts.max() * 0.9 if counts.max() > 0 else counts.astype(float)
        base = num - 1 - i  # layer 1 on top
        color = CLASS_COLORS[i % len(CLASS_COLORS)]
        ax.stairs(base + height, edges, baseline=base, fill=True, color=color, alpha=0.6)
        ax.stairs(base + height, edges, baseline=base, color=color, linewidth=1)
    ax.set_yticks(np.arange(num) + 0.35, labels[::-1])
    ax.set_ylim(-0.1, num)
    ax.set_xlim(low, high)
    ax.set_xlabel(xlabel or ("$\\log_{10}$ |値|" if log_abs else "値"))
    if ylabel:
        ax.set_ylabel(ylabel)
    ax.grid(axis="y", visible=False)
    if title:
        ax.set_title(title)
    return ax


def plot_param_counts(counts, ax=None, title=None, notes=None):
    """Horizontal bars of the number of parameters of several models, on a log scale, with
    each count written next to its bar.

    Parameters
    ----------
    counts : dict[str, int]
        Model name -> number of parameters (drawn top to bottom in the dict's order).
    notes : dict[str, str], optional
        A short remark after the count of some models (e.g. "論文の値").
    """
    if not isinstance(counts, dict) or not counts:
        raise TypeError(f"Expected `counts` to be a non-empty dict. Received: {counts!r}")
    names = list(counts)
    values = np.array([counts[name] for name in names], dtype=float)
    if not np.all(values >= 1):
        raise ValueError(f"Expected every count >= 1. Received: {counts}")
    notes = notes or {}
    ax = _axes(ax, figsize=(8, 0.55 * len(names) + 1.4))
    bars = ax.barh(names, values, color=[CLASS_COLORS[i % 6] for i in range(len(names))])
    texts = [
        f"{int(v):,}" + (f"（{notes[n]}）" if n in notes else "")
        for n, v in zip(names, values, strict=True)
    ]
    ax.bar_label(bars, labels=texts, padding=4, fontsize=9)
    ax.set_xscale("log")
    ax.set_xlim(values.min() / 3, values.max() * 20)  # room for the labels on the right
    ax.invert_yaxis()  # the first model on top
    ax.set_xlabel("パラメータの数（対数目盛）")
    ax.set_ylabel("モデル")
    ax.grid(axis="y", visible=False)
    if title:
        ax.set_title(title)
    return ax
