"""Shared by the plot helpers: the class colours and markers, and the Axes to draw on."""

from __future__ import annotations

#: Colours of classes 0 and 1 (colour-blind safe blue and orange) and of further classes.
CLASS_COLORS = ("#1f77b4", "#ff7f0e", "#2ca02c", "#d62728", "#9467bd", "#8c564b")
CLASS_MARKERS = ("o", "s", "^", "D", "v", "P")


def _axes(ax, figsize=None):
    import matplotlib.pyplot as plt

    if ax is None:
        _, ax = plt.subplots(figsize=figsize)
    return ax
