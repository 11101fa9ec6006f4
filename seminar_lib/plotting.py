"""Figure helpers of the course.

Every helper takes ``ax=None``, draws on that Axes (a new figure when it is None) and returns
the Axes; none calls ``plt.show()``. Call :func:`seminar_lib.setup_notebook` first so that
Japanese text renders with IPAexGothic.
"""

from __future__ import annotations

import itertools

import numpy as np

from seminar_lib._validation import as_real_array, check_ndim, check_positive_int

__all__ = [
    "confusion_matrix",
    "draw_lstm_cell",
    "draw_network",
    "draw_unrolled_rnn",
    "plot_activations",
    "plot_class_counts",
    "plot_confusion_matrix",
    "plot_decision_boundary",
    "plot_layer_histograms",
    "plot_learning_curves",
    "plot_matrix",
    "plot_nested_sets",
    "plot_param_counts",
    "plot_pixel_values",
    "plot_split_class_counts",
    "plot_timeline",
    "show_feature_maps",
    "show_filters",
    "show_images",
    "show_misclassified",
    "show_weights",
]

#: Colours of classes 0 and 1 (colour-blind safe blue and orange) and of further classes.
CLASS_COLORS = ("#1f77b4", "#ff7f0e", "#2ca02c", "#d62728", "#9467bd", "#8c564b")
CLASS_MARKERS = ("o", "s", "^", "D", "v", "P")


def _axes(ax, figsize=None):
    import matplotlib.pyplot as plt

    if ax is None:
        _, ax = plt.subplots(figsize=figsize)
    return ax


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


def show_images(images, labels=None, ncols=10, ax=None, title=None, cmap="gray"):
    """Show a batch of images as one tiled grid, each with its label above it.

    Parameters
    ----------
    images : array_like of shape (N, H, W), or (N, H*W) for square images
    labels : sequence of length N, optional
        Shown above each image (ints or strings).
    ncols : int
        Images per row.
    """
    images = as_real_array(images, "images")
    if images.ndim == 2:  # (N, H*W) -> (N, H, W) for square images
        side = round(np.sqrt(images.shape[1]))
        if side * side != images.shape[1]:
            raise ValueError(
                "Expected `images` with 3 dims (N, H, W), or 2 dims (N, H*W) of square images. "
                f"Received: images.shape={images.shape}"
            )
        images = images.reshape(-1, side, side)
    check_ndim(images, 3, "images", "(N, H, W)")
    n, h, w = images.shape
    if labels is not None and len(labels) != n:
        raise ValueError(f"Expected {n} labels, one per image. Received: {len(labels)} labels")
    ncols = min(check_positive_int(ncols, "ncols"), n)
    nrows = -(-n // ncols)
    pad = max(1, w // 14)
    top = int(h * 0.45) if labels is not None else pad  # room for the label above each tile
    cell_h, cell_w = h + top, w + pad
    canvas = np.full((nrows * cell_h, ncols * cell_w - pad), np.nan)
    for i, img in enumerate(images):
        r, c = divmod(i, ncols)
        canvas[r * cell_h + top : r * cell_h + top + h, c * cell_w : c * cell_w + w] = img

    import matplotlib.pyplot as plt

    if ax is None:
        _, ax = plt.subplots(figsize=(min(1.0 * ncols, 12), 1.25 * nrows + 0.3))
    cm = plt.get_cmap(cmap).with_extremes(bad="white")
    ax.imshow(canvas, cmap=cm, interpolation="nearest")
    if labels is not None:
        for i, label in enumerate(labels):
            r, c = divmod(i, ncols)
            ax.text(
                c * cell_w + w / 2,
                r * cell_h + top * 0.55,
                str(label),
                ha="center",
                va="center",
                fontsize=10,
            )
    ax.set_axis_off()
    if title:
        ax.set_title(title)
    return ax


def plot_pixel_values(image, ax=None, title=None, annotate=False):
    """Show one grayscale image as a heatmap of its pixel values, with a colour bar.

    Parameters
    ----------
    image : array_like of shape (H, W)
    annotate : bool
        Write each non-zero value in its pixel (readable for small images or large figures).
    """
    image = as_real_array(image, "image")
    check_ndim(image, 2, "image", "(H, W)")
    ax = _axes(ax, figsize=(6, 5))
    im = ax.imshow(image, cmap="gray_r", interpolation="nearest")
    ax.figure.colorbar(im, ax=ax, label="画素値")
    if annotate:
        vmax = image.max() if image.size else 0
        for (r, c), v in np.ndenumerate(image):
            if v:
                color = "white" if v > vmax / 2 else "black"
                ax.text(c, r, f"{v:g}", ha="center", va="center", fontsize=5, color=color)
    ax.set_xlabel("列 (横方向の位置)")
    ax.set_ylabel("行 (縦方向の位置)")
    ax.grid(False)
    if title:
        ax.set_title(title)
    return ax


def plot_class_counts(y, class_names=None, ax=None, title=None):
    """Bar chart of how many samples each class has, with the counts written on the bars.

    Parameters
    ----------
    y : array_like of shape (N,)
        Integer class labels 0..K-1.
    class_names : sequence of str, optional
        Tick labels (default: the class ids).
    """
    y = np.asarray(y)
    if y.ndim != 1 or not np.issubdtype(y.dtype, np.integer):
        raise ValueError(
            f"Expected `y` with 1 dim (N,) of integer labels. Received: y.shape={y.shape}, "
            f"y.dtype={y.dtype}"
        )
    counts = np.bincount(y, minlength=len(class_names) if class_names else 0)
    ax = _axes(ax)
    bars = ax.bar(np.arange(len(counts)), counts, color=CLASS_COLORS[0])
    ax.bar_label(bars, fontsize=8)
    ax.set_xticks(np.arange(len(counts)))
    if class_names:
        ax.set_xticklabels(class_names)
    ax.set_xlabel("クラス (ラベル)")
    ax.set_ylabel("枚数")
    ax.grid(axis="x", visible=False)
    if title:
        ax.set_title(title)
    return ax


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


def plot_timeline(events, eras=(), ax=None, title=None):
    """A timeline: shaded eras (booms and winters) and labelled milestone years.

    Parameters
    ----------
    events : sequence of (year, label)
        Milestones; labels alternate above and below the axis to avoid overlap.
    eras : sequence of (start_year, end_year, label, color)
        Shaded spans with a caption.
    """
    events = sorted(events)
    if not events:
        raise ValueError("Expected at least one (year, label) event. Received: none")
    ax = _axes(ax, figsize=(11, 4.6))
    for start, end, label, color in eras:
        ax.axvspan(start, end, color=color, alpha=0.25, linewidth=0)
        ax.text((start + end) / 2, 3.55, label, ha="center", va="center", fontsize=10)
    ax.axhline(0, color="black", linewidth=1.2)
    heights = (1.2, -1.2, 2.4, -2.4)
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
            fontsize=8.5,
        )
    years = [year for year, _ in events] + [e for era in eras for e in era[:2]]
    ax.set_xlim(min(years) - 3, max(years) + 3)
    ax.set_ylim(-4.2, 4.0)
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
            ax.text(0, y_text - 0.45, notes[i], ha="center", va="center", fontsize=9)
    ax.set_xlim(-5.2, 5.2)
    ax.set_ylim(-3.7, 3.7)
    ax.set_aspect("equal")
    ax.set_axis_off()
    if title:
        ax.set_title(title)
    return ax


def plot_learning_curves(histories, metric="loss", ax=None, title=None):
    """Learning curves: ``metric`` per epoch for one or more training histories.

    Parameters
    ----------
    histories : dict
        Either one history (``{"loss": [...], "val_loss": [...]}``, as returned by
        ``training.fit`` or ``keras.Model.fit(...).history``) or several: ``{label: history}``.
    metric : {"loss", "accuracy"}
        Plotted for training (solid) and, when present, validation (dashed, ``"val_" + metric``).
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
                label=f"{prefix}テスト",
            )
    from matplotlib.ticker import MaxNLocator

    ax.xaxis.set_major_locator(MaxNLocator(integer=True))  # epochs are whole numbers
    ax.set_xlabel("エポック")
    ax.set_ylabel(names.get(metric, metric))
    ax.legend()
    if title:
        ax.set_title(title)
    return ax


def confusion_matrix(y_true, y_pred, num_classes: int | None = None) -> np.ndarray:
    """Counts (K, K): row = true class, column = predicted class."""
    y_true, y_pred = np.asarray(y_true), np.asarray(y_pred)
    if y_true.shape != y_pred.shape or y_true.ndim != 1:
        raise ValueError(
            "Expected `y_true` and `y_pred` of one shape (N,). "
            f"Received: {y_true.shape} and {y_pred.shape}"
        )
    k = num_classes or int(max(y_true.max(), y_pred.max())) + 1
    counts = np.zeros((k, k), dtype=np.int64)
    np.add.at(counts, (y_true, y_pred), 1)
    return counts


def plot_confusion_matrix(y_true, y_pred, class_names=None, ax=None, title=None):
    """Heatmap of the confusion matrix with the count in every cell."""
    k = len(class_names) if class_names else None
    counts = confusion_matrix(y_true, y_pred, k)
    names = class_names or [str(i) for i in range(len(counts))]
    ax = _axes(ax, figsize=(6.4, 5.6))
    im = ax.imshow(counts, cmap="Blues")
    ax.figure.colorbar(im, ax=ax, label="枚数")
    for (r, c), v in np.ndenumerate(counts):
        color = "white" if v > counts.max() / 2 else "black"
        ax.text(c, r, str(v), ha="center", va="center", fontsize=7, color=color)
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


def show_misclassified(images, y_true, y_pred, num=20, ncols=10, ax=None, title=None):
    """The first ``num`` misclassified images, each labelled "正解→予測"."""
    y_true, y_pred = np.asarray(y_true), np.asarray(y_pred)
    wrong = np.flatnonzero(y_true != y_pred)[:num]
    if len(wrong) == 0:
        raise ValueError("No misclassified images: every prediction is correct.")
    labels = [f"{y_true[i]}→{y_pred[i]}" for i in wrong]
    return show_images(np.asarray(images)[wrong], labels, ncols=ncols, ax=ax, title=title)


def show_weights(W, num=32, ncols=8, ax=None, title=None):
    """First-layer weights as images: column j of ``W`` (D, H) is unit j's input pattern.

    Each image is scaled to its own range (red positive, blue negative, white 0)."""
    W = as_real_array(W, "W")
    check_ndim(W, 2, "W", "(D, H)")
    side = round(np.sqrt(W.shape[0]))
    if side * side != W.shape[0]:
        raise ValueError(f"Expected D to be a square (784 = 28x28). Received: W.shape={W.shape}")
    cols = W[:, :num].T  # (num, D)
    scale = np.abs(cols).max(axis=1, keepdims=True)
    tiles = (cols / np.where(scale == 0, 1, scale)).reshape(-1, side, side)  # in [-1, 1]
    ax = show_images(tiles, ncols=ncols, ax=ax, title=title, cmap="bwr")
    ax.get_images()[0].set_clim(-1, 1)
    return ax


# ------------------------------------------------------------------------------- session 3
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


def plot_matrix(values, ax=None, title=None, highlight=(), fmt="{:g}", cmap="Blues"):
    """A small 2-D array drawn as a grid with every number written in its cell.

    Parameters
    ----------
    values : array_like of shape (R, C)
    highlight : sequence of (row, col, height, width) or (row, col, height, width, color)
        Rectangles drawn around blocks of cells (e.g. the window a filter sees); red unless a
        colour is given.
    fmt : str
        Format of each number (``"{:g}"``, ``"{:.1f}"``, ...).
    """
    values = as_real_array(values, "values")
    if values.ndim == 1:
        values = values[None, :]  # a row vector
    check_ndim(values, 2, "values", "(R, C)")
    from matplotlib.patches import Rectangle

    rows, cols = values.shape
    ax = _axes(ax, figsize=(0.5 * cols + 1, 0.5 * rows + 0.8))
    finite = values[np.isfinite(values)]
    vmin, vmax = (finite.min(), finite.max()) if finite.size else (0.0, 1.0)
    ax.imshow(values, cmap=cmap, vmin=vmin, vmax=vmax if vmax > vmin else vmin + 1)
    middle = (vmin + vmax) / 2
    for (r, c), v in np.ndenumerate(values):
        color = "white" if v > middle and vmax > vmin else "black"
        ax.text(c, r, fmt.format(v), ha="center", va="center", fontsize=9, color=color)
    for row, col, height, width, *color in highlight:
        edge = color[0] if color else "tab:red"
        rect = Rectangle((col - 0.5, row - 0.5), width, height, fill=False, lw=2.5, ec=edge)
        ax.add_patch(rect)
    ax.set_xticks(range(cols))
    ax.set_yticks(range(rows))
    ax.tick_params(length=0, labelsize=8)
    ax.set_xlabel("列")
    ax.set_ylabel("行")
    ax.grid(False)
    for spine in ax.spines.values():
        spine.set_visible(False)
    if title:
        ax.set_title(title)
    return ax


def show_filters(kernels, ncols=8, ax=None, title=None, labels=None):
    """Convolution filters as small images, each scaled to its own range (red positive,
    blue negative, white 0).

    Parameters
    ----------
    kernels : array_like of shape (F, KH, KW)
        One 2-D filter per image: for a first layer on grayscale images, ``W[:, 0]`` of a
        ``Conv2D`` (F, 1, KH, KW), or ``kernel[:, :, 0, :].transpose(2, 0, 1)`` of a Keras
        ``Conv2D`` (KH, KW, 1, F).
    """
    kernels = as_real_array(kernels, "kernels")
    check_ndim(kernels, 3, "kernels", "(F, KH, KW)")
    scale = np.abs(kernels).max(axis=(1, 2), keepdims=True)
    tiles = kernels / np.where(scale == 0, 1, scale)  # each filter in [-1, 1]
    ax = show_images(tiles, labels=labels, ncols=ncols, ax=ax, title=title, cmap="bwr")
    ax.get_images()[0].set_clim(-1, 1)
    return ax


def show_feature_maps(maps, ncols=8, ax=None, title=None, labels=None, cmap="viridis"):
    """Feature maps (the output channels of a convolution for one image), each scaled to its
    own range [min, max] so that every map uses the whole colour scale.

    Parameters
    ----------
    maps : array_like of shape (F, H, W)
        For example ``out[0]`` of a ``Conv2D`` output (N, F, H, W), or
        ``out[0].transpose(2, 0, 1)`` of a Keras output (N, H, W, F).
    """
    maps = as_real_array(maps, "maps")
    check_ndim(maps, 3, "maps", "(F, H, W)")
    low = maps.min(axis=(1, 2), keepdims=True)
    span = maps.max(axis=(1, 2), keepdims=True) - low
    tiles = (maps - low) / np.where(span == 0, 1, span)  # each map in [0, 1]
    ax = show_images(tiles, labels=labels, ncols=ncols, ax=ax, title=title, cmap=cmap)
    ax.get_images()[0].set_clim(0, 1)
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


# ------------------------------------------------------------------------------- session 4
def plot_split_class_counts(splits, class_names=None, proportion=True, ax=None, title=None):
    """Grouped bars: the share (or the number) of each class in each split of a data set, so
    that a stratified split shows as bars of equal height within every class.

    Parameters
    ----------
    splits : dict[str, array_like of shape (N_s,)]
        Split name -> its integer class labels 0..K-1, e.g.
        ``{"訓練": y_train, "検証": y_val, "テスト": y_test}``.
    class_names : sequence of str, optional
        Tick labels (default: the class ids).
    proportion : bool
        Show the percentage of each split's examples (default) instead of counts.
    """
    if not isinstance(splits, dict) or not splits:
        raise TypeError(
            f"Expected `splits` to be a non-empty dict {{name: y}}. Received: {splits!r}"
        )
    labels = {}
    for name, y in splits.items():
        y = np.asarray(y)
        if y.ndim != 1 or not np.issubdtype(y.dtype, np.integer) or (y.size and y.min() < 0):
            raise ValueError(
                f"Expected the labels of split {name!r} with 1 dim (N,) of integers >= 0. "
                f"Received: shape={y.shape}, dtype={y.dtype}"
            )
        labels[name] = y
    num_classes = max([int(y.max()) + 1 for y in labels.values() if y.size], default=0)
    if class_names is not None:
        if len(class_names) < num_classes:
            raise ValueError(
                f"Expected at least {num_classes} class names. Received: {len(class_names)} names"
            )
        num_classes = len(class_names)
    ax = _axes(ax, figsize=(10, 3.8))
    x = np.arange(num_classes)
    width = 0.8 / len(labels)
    for i, (name, y) in enumerate(labels.items()):
        counts = np.bincount(y, minlength=num_classes)
        values = 100 * counts / max(len(y), 1) if proportion else counts
        offset = (i - (len(labels) - 1) / 2) * width
        color = CLASS_COLORS[i % len(CLASS_COLORS)]
        ax.bar(x + offset, values, width, color=color, label=f"{name} ({len(y)} 枚)")
    ax.set_xticks(x)
    if class_names is not None:
        long_names = max(len(str(n)) for n in class_names) > 4
        ax.set_xticklabels(
            class_names, rotation=30 if long_names else 0, ha="right" if long_names else "center"
        )
    ax.set_xlabel("クラス")
    ax.set_ylabel("割合 (%)" if proportion else "枚数")
    ax.grid(axis="x", visible=False)
    ax.legend(ncols=len(labels), loc="lower center", bbox_to_anchor=(0.5, 1.0))
    if title:
        ax.set_title(title, pad=28)
    return ax


# ------------------------------------------------------------------------------- session 6
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
