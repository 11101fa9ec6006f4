"""Functions of the input: activation curves and a classifier's decision regions (sessions 1-2)."""

from __future__ import annotations

import numpy as np

from seminar_lib._validation import as_real_array, check_ndim, check_positive_int
from seminar_lib.plotting._common import CLASS_COLORS, CLASS_MARKERS, _axes

__all__ = [
    "plot_activations",
    "plot_decision_boundary",
]


def plot_activations(functions, x=None, ax=None, title=None, xlabel="入力 $X$", ylabel=None):
    """Plot activation functions (or their derivatives) against their input.

    Parameters
    ----------
    functions : dict[str, callable]
        Legend label -> element-wise function.
    x : array_like of shape (M,), optional
        Inputs; default 601 points in [-6, 6].
    """
    if not isinstance(functions, dict) or not functions:
        raise TypeError(
            "Expected `functions` to be a non-empty dict {label: function}. "
            f"Received: {type(functions).__name__}"
        )
    x = np.linspace(-6.0, 6.0, 601) if x is None else as_real_array(x, "x")
    check_ndim(x, 1, "x", "(M,)")
    ax = _axes(ax)
    for label, f in functions.items():
        ax.plot(x, f(x), label=label, linewidth=2)
    ax.axhline(0, color="black", linewidth=0.8)
    ax.axvline(0, color="black", linewidth=0.8)
    ax.set_xlabel(xlabel)
    ax.set_ylabel(ylabel if ylabel is not None else "出力 $f(X)$")
    if title:
        ax.set_title(title)
    ax.legend()
    return ax


def plot_decision_boundary(
    predict, X, y, ax=None, title=None, resolution=300, padding=0.5, class_names=None
):
    """Colour the input plane by the class a 2-input classifier predicts, and plot the samples.

    Parameters
    ----------
    predict : callable
        Maps an array (M, 2) to predicted classes (M,) (ints, or scores thresholded at 0.5).
    X : array_like of shape (N, 2)
        Samples.
    y : array_like of shape (N,)
        Their classes 0, 1, ...
    class_names : sequence of str, optional
        Legend labels per class (default "クラス 0", "クラス 1", ...).
    """
    X = as_real_array(X, "X")
    check_ndim(X, 2, "X", "(N, 2)")
    if X.shape[1] != 2:
        raise ValueError(f"Expected `X` with 2 columns (N, 2). Received: X.shape={X.shape}")
    y = np.asarray(y)
    if y.shape != (X.shape[0],):
        raise ValueError(f"Expected `y` with shape ({X.shape[0]},). Received: y.shape={y.shape}")
    resolution = check_positive_int(resolution, "resolution")
    classes = np.unique(y).astype(int)
    num_classes = max(int(classes.max()) + 1, 2)
    names = class_names or [f"クラス {k}" for k in range(num_classes)]

    (x1_min, x2_min), (x1_max, x2_max) = (
        X.min(axis=0) - padding,
        X.max(axis=0) + padding,
    )
    g1, g2 = np.meshgrid(
        np.linspace(x1_min, x1_max, resolution), np.linspace(x2_min, x2_max, resolution)
    )
    grid = np.column_stack([g1.ravel(), g2.ravel()])  # (M, 2), M = resolution**2
    z = np.asarray(predict(grid), dtype=float).reshape(g1.shape)
    if num_classes == 2 and np.all((z >= 0) & (z <= 1)):
        z = (z > 0.5).astype(float)  # scores or probabilities -> classes

    from matplotlib.colors import ListedColormap

    ax = _axes(ax)
    cmap = ListedColormap(CLASS_COLORS[:num_classes])
    levels = np.arange(num_classes + 1) - 0.5
    ax.contourf(g1, g2, z, levels=levels, cmap=cmap, alpha=0.2)
    if num_classes == 2 and z.min() != z.max():  # a line only where both classes appear
        ax.contour(g1, g2, z, levels=[0.5], colors="black", linewidths=1.5)
    for k in classes:
        mask = y == k
        ax.scatter(
            X[mask, 0],
            X[mask, 1],
            s=80,
            c=CLASS_COLORS[k % len(CLASS_COLORS)],
            marker=CLASS_MARKERS[k % len(CLASS_MARKERS)],
            edgecolors="black",
            label=names[k],
            zorder=3,
        )
    ax.set_xlim(x1_min, x1_max)
    ax.set_ylim(x2_min, x2_max)
    ax.set_xlabel("$x_1$")
    ax.set_ylabel("$x_2$")
    ax.set_aspect("equal")
    ax.grid(False)
    if title:
        ax.set_title(title)
    return ax
