"""Metrics: how good the predictions are (accuracy, the confusion matrix)."""

from __future__ import annotations

import numpy as np

from seminar_lib._validation import as_real_array

__all__ = ["accuracy", "confusion_matrix"]


def confusion_matrix(y_true, y_pred, num_classes: int | None = None) -> np.ndarray:
    """Count how often each true class was predicted as each class.

    Parameters
    ----------
    y_true : array_like of shape (N,), int
        The correct classes 0..K-1.
    y_pred : array_like of shape (N,), int
        The predicted classes 0..K-1.
    num_classes : int, optional
        K; by default one more than the largest class in ``y_true`` and ``y_pred``.

    Returns
    -------
    ndarray of shape (K, K), int64
        Counts: row = true class, column = predicted class.
    """
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


def accuracy(outputs, y) -> float:
    """Fraction of correct predictions.

    ``outputs`` (N, K) scores (argmax is the class) or (N,)/(N, 1) logits of a binary task
    (class 1 when > 0); ``y`` class ids (N,) or one-hot (N, K). Sequences: ``outputs``
    (N, T, K) and ``y`` ids (N, T) (or one-hot (N, T, K)), averaged over all N * T positions.
    """
    outputs = as_real_array(outputs, "outputs")
    y = np.asarray(y)
    if outputs.ndim >= 2 and outputs.shape[-1] > 1:
        y_hat = outputs.argmax(axis=-1)  # (N, K) -> (N,), (N, T, K) -> (N, T)
        if y.ndim == outputs.ndim:
            y = y.argmax(axis=-1)  # one-hot -> ids
    else:
        y_hat = (outputs.reshape(-1) > 0).astype(np.int64)
        y = y.reshape(-1)
    if y.shape != y_hat.shape:
        if y_hat.ndim == 1:
            raise ValueError(f"Expected {len(y_hat)} targets. Received: y.shape={y.shape}")
        raise ValueError(f"Expected targets with shape {y_hat.shape}. Received: y.shape={y.shape}")
    return float((y_hat == y).mean())
