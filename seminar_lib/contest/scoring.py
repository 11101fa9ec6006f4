"""The contest's metrics and the public/private split of the answer key.

``accuracy`` is the share of correct labels; ``macro_f1`` the mean over classes of
F1 = 2TP / (2TP + FP + FN), over the classes that occur in the answers or the predictions
(as ``sklearn.metrics.f1_score(average="macro")``). The Codabench scoring program
(:mod:`seminar_lib.contest.codabench`) computes the same numbers without this package.
"""

from __future__ import annotations

import numpy as np

__all__ = ["METRIC_NAMES_JA", "accuracy", "macro_f1", "score"]

METRIC_NAMES_JA = {"accuracy": "正解率 (accuracy)", "macro_f1": "マクロ F1 (macro-F1)"}


def _labels(y_true, y_pred) -> tuple[np.ndarray, np.ndarray]:
    y_true, y_pred = np.asarray(y_true), np.asarray(y_pred)
    if y_true.ndim != 1 or y_true.shape != y_pred.shape or len(y_true) == 0:
        raise ValueError(
            "Expected `y_true` and `y_pred` with 1 dim (N,), the same N > 0. "
            f"Received: y_true.shape={y_true.shape}, y_pred.shape={y_pred.shape}"
        )
    return y_true, y_pred


def accuracy(y_true, y_pred) -> float:
    """Share of ``y_pred`` equal to ``y_true`` (both (N,) integer labels)."""
    y_true, y_pred = _labels(y_true, y_pred)
    return float(np.mean(y_true == y_pred))


def macro_f1(y_true, y_pred) -> float:
    """Mean F1 over the classes present in ``y_true`` or ``y_pred`` (both (N,) labels)."""
    y_true, y_pred = _labels(y_true, y_pred)
    f1s = []
    for c in np.union1d(y_true, y_pred):
        tp = np.sum((y_pred == c) & (y_true == c))
        fp = np.sum((y_pred == c) & (y_true != c))
        fn = np.sum((y_pred != c) & (y_true == c))
        f1s.append(2 * tp / (2 * tp + fp + fn))
    return float(np.mean(f1s))


_METRICS = {"accuracy": accuracy, "macro_f1": macro_f1}


def score(metric: str, y_true, y_pred) -> float:
    """``metric`` ("accuracy" or "macro_f1") of the predictions."""
    if metric not in _METRICS:
        raise ValueError(f"Expected `metric` in {tuple(_METRICS)}. Received: metric={metric!r}")
    return _METRICS[metric](y_true, y_pred)
