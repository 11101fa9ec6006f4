"""Data and images: image grids, pixel values, class counts, weights, filters and feature maps."""

from __future__ import annotations

import numpy as np

from seminar_lib._validation import as_real_array, check_ndim, check_positive_int
from seminar_lib.plotting._common import CLASS_COLORS, _axes

__all__ = [
    "plot_class_counts",
    "plot_matrix",
    "plot_pixel_values",
    "plot_split_class_counts",
    "show_feature_maps",
    "show_filters",
    "show_images",
    "show_misclassified",
    "show_weights",
]


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
    ax.bar_label(bars, fontsize=10)
    ax.set_xticks(np.arange(len(counts)))
    if class_names:
        ax.set_xticklabels(class_names)
    ax.set_xlabel("クラス (ラベル)")
    ax.set_ylabel("枚数")
    ax.grid(axis="x", visible=False)
    if title:
        ax.set_title(title)
    return ax


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


def plot_matrix(
    values, ax=None, title=None, highlight=(), fmt="{:g}", cmap="Blues", fontsize: float = 11
):
    """A small 2-D array drawn as a grid with every number written in its cell.

    Parameters
    ----------
    values : array_like of shape (R, C)
    highlight : sequence of (row, col, height, width) or (row, col, height, width, color)
        Rectangles drawn around blocks of cells (e.g. the window a filter sees); red unless a
        colour is given.
    fmt : str
        Format of each number (``"{:g}"``, ``"{:.1f}"``, ...).
    fontsize : float
        Size of the numbers in points (the row and column numbers are 1 pt smaller); 11 keeps
        them at least 12 px on a 1280x720 slide when the figure is shown full width.
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
        ax.text(c, r, fmt.format(v), ha="center", va="center", fontsize=fontsize, color=color)
    for row, col, height, width, *color in highlight:
        edge = color[0] if color else "tab:red"
        rect = Rectangle((col - 0.5, row - 0.5), width, height, fill=False, lw=2.5, ec=edge)
        ax.add_patch(rect)
    ax.set_xticks(range(cols))
    ax.set_yticks(range(rows))
    ax.tick_params(length=0, labelsize=fontsize - 1)
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
