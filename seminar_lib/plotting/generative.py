"""Figures of session 7 (generative models): a grid of images with labelled rows and columns,
and a 2-D latent space coloured by class."""

from __future__ import annotations

import numpy as np

from seminar_lib._validation import as_real_array, check_ndim
from seminar_lib.plotting._common import _axes


def show_image_grid(images, row_labels=None, col_labels=None, ax=None, title=None, cmap="gray"):
    """Show images (R, C, H, W) as R rows of C images, each row and column optionally labelled
    (for example the epochs of a GAN and its fixed noise vectors, or the steps of a diffusion
    model). Every tile shares one grey scale, from the smallest to the largest value.

    Parameters
    ----------
    images : array_like (R, C, H, W), or (R, C, H*W) for square images
    row_labels : sequence of R strings, optional
        Written left of each row.
    col_labels : sequence of C strings, optional
        Written above each column.
    """
    images = as_real_array(images, "images")
    if images.ndim == 3:  # (R, C, H*W) -> (R, C, H, W)
        side = round(np.sqrt(images.shape[2]))
        if side * side != images.shape[2]:
            raise ValueError(
                "Expected `images` with 4 dims (R, C, H, W), or 3 dims (R, C, H*W) of square "
                f"images. Received: images.shape={images.shape}"
            )
        images = images.reshape(*images.shape[:2], side, side)
    check_ndim(images, 4, "images", "(R, C, H, W)")
    R, C, H, W = images.shape
    for name, labels, n in (("row_labels", row_labels, R), ("col_labels", col_labels, C)):
        if labels is not None and len(labels) != n:
            raise ValueError(f"Expected {n} `{name}`. Received: {len(labels)}")
    pad = max(1, W // 14)
    canvas = np.full((R * (H + pad) - pad, C * (W + pad) - pad), np.nan)
    for r in range(R):
        for c in range(C):
            canvas[r * (H + pad) : r * (H + pad) + H, c * (W + pad) : c * (W + pad) + W] = images[
                r, c
            ]

    import matplotlib.pyplot as plt

    figsize = (min(0.75 * C + (1.2 if row_labels is not None else 0.2), 12), 0.75 * R + 0.5)
    ax = _axes(ax, figsize=figsize)
    ax.imshow(canvas, cmap=plt.get_cmap(cmap).with_extremes(bad="white"), interpolation="nearest")
    ax.set_xticks([c * (W + pad) + W / 2 for c in range(C)] if col_labels is not None else [])
    ax.set_yticks([r * (H + pad) + H / 2 for r in range(R)] if row_labels is not None else [])
    if col_labels is not None:
        ax.set_xticklabels([str(label) for label in col_labels])
        ax.xaxis.tick_top()
    if row_labels is not None:
        ax.set_yticklabels([str(label) for label in row_labels])
    ax.tick_params(length=0)
    ax.grid(False)
    for spine in ax.spines.values():
        spine.set_visible(False)
    if title:
        ax.set_title(title)
    return ax


def plot_latent_space(z, labels, ax=None, title=None, num_classes: int = 10):
    """Scatter 2-D latent codes z (N, 2) coloured by their class ``labels`` (N,), with a legend
    of the classes beside the plot."""
    z = as_real_array(z, "z")
    if z.ndim != 2 or z.shape[1] != 2:
        raise ValueError(f"Expected `z` with shape (N, 2). Received: z.shape={z.shape}")
    labels = np.asarray(labels)
    if labels.shape != (len(z),):
        raise ValueError(f"Expected {len(z)} labels. Received: labels.shape={labels.shape}")

    import matplotlib.pyplot as plt

    ax = _axes(ax, figsize=(5.6, 4.4))
    colors = plt.get_cmap("tab10")
    for k in range(num_classes):
        mine = labels == k
        ax.scatter(z[mine, 0], z[mine, 1], s=4, alpha=0.6, color=colors(k % 10), label=str(k))
    ax.set_xlabel("$z_1$")
    ax.set_ylabel("$z_2$")
    ax.legend(title="数字", loc="center left", bbox_to_anchor=(1.0, 0.5), markerscale=3)
    if title:
        ax.set_title(title)
    return ax
