"""Functions of the input: activation curves and a classifier's decision regions (sessions 1-2)."""

from __future__ import annotations

from functools import partial

import numpy as np

from seminar_lib._validation import as_real_array, check_ndim, check_positive_int
from seminar_lib.plotting._common import CLASS_COLORS, CLASS_MARKERS, _axes

__all__ = [
    "plot_activations",
    "plot_decision_boundary",
    "plot_perceptron_epochs",
]

ERROR_COLOR = "#d62728"  # the red ring around a sample the drawn boundary misclassifies


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


def _classes(predicted, num_classes):
    """Predictions as class numbers: two-class scores or probabilities in [0, 1] cut at 0.5."""
    z = np.asarray(predicted, dtype=float)
    if num_classes == 2 and np.all((z >= 0) & (z <= 1)):
        z = (z > 0.5).astype(float)  # scores or probabilities -> classes
    return z


def plot_decision_boundary(
    predict,
    X,
    y,
    ax=None,
    title=None,
    resolution=300,
    padding=0.5,
    class_names=None,
    mark_errors=False,
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
    mark_errors : bool
        Circle in red the samples that this classifier misclassifies.
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
    z = _classes(predict(grid), num_classes).reshape(g1.shape)

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
    if mark_errors:
        wrong = _classes(predict(X), num_classes) != y  # (N,)
        ax.scatter(
            X[wrong, 0],
            X[wrong, 1],
            s=340,
            facecolors="none",
            edgecolors=ERROR_COLOR,
            linewidths=2.5,
            label="誤る点",
            zorder=4,
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


def plot_perceptron_epochs(perceptron, X, y, axes, name=None):
    r"""One panel per epoch of a trained :class:`~seminar_lib.perceptron.Perceptron`: the
    decision boundary **after** epoch :math:`e`, the samples that boundary misclassifies circled
    in red, and in the title the number of errors met **during** epoch :math:`e` (one weight
    update each, so the boundary moved that many times within the epoch).

    Parameters
    ----------
    perceptron : Perceptron
        Trained with :meth:`~seminar_lib.perceptron.Perceptron.fit` (its ``history``).
    X : array_like of shape (N, 2)
    y : array_like of shape (N,)
    axes : sequence of Axes
        One per epoch; extra Axes are hidden.
    name : str, optional
        Written on the first panel's vertical axis (e.g. the logic gate).

    Returns
    -------
    list of Axes
        The panels drawn.
    """
    from seminar_lib.perceptron import formal_neuron

    history = perceptron.history
    num_epochs = len(history["errors"])
    if num_epochs == 0:
        raise ValueError("Expected a trained perceptron (call fit first). Received: no epochs")
    axes = list(np.ravel(axes))
    drawn = []
    for epoch, ax in zip(range(1, num_epochs + 1), axes, strict=False):
        # the boundary after epoch e, the errors met during epoch e
        neuron = partial(formal_neuron, w=history["w"][epoch], theta=history["theta"][epoch])
        num_errors = history["errors"][epoch - 1]
        title = f"エポック {epoch} 終了後の境界\nエポック {epoch} 中の誤り: {num_errors} 個"
        plot_decision_boundary(neuron, X, y, ax=ax, padding=0.4, title=title, mark_errors=True)
        drawn.append(ax)
    if name is not None and drawn:
        drawn[0].set_ylabel(f"{name}\n$x_2$")
    for ax in axes[num_epochs:]:
        ax.set_visible(False)  # the perceptron stopped earlier: no such epoch
    return drawn
