"""Shaping data for training: stratified splits, one-hot labels and standardisation.

Pure NumPy. Randomness is passed in as ``rng`` (a ``numpy.random.Generator``), so the same seed
gives the same split.
"""

from __future__ import annotations

import numbers

import numpy as np

from seminar_lib._validation import check_positive, one_hot_targets

__all__ = ["Standardizer", "one_hot", "train_val_test_split"]


def _check_rng(rng) -> np.random.Generator:
    if not isinstance(rng, np.random.Generator):
        raise TypeError(
            "Expected `rng` to be a numpy.random.Generator (e.g. np.random.default_rng(0)). "
            f"Received: {type(rng).__name__}"
        )
    return rng


def _class_ids(y, name: str = "y") -> np.ndarray:
    """Return ``y`` as an int64 vector of class ids >= 0; raise TypeError/ValueError otherwise."""
    arr = np.asarray(y)
    if arr.dtype.kind == "f" and np.all(np.isfinite(arr)) and np.all(arr == np.round(arr)):
        arr = arr.astype(np.int64)  # whole numbers stored as floats, e.g. 3.0
    if arr.dtype.kind not in "iu":  # not bool, str, object or fractional floats
        raise TypeError(
            f"Expected `{name}` to hold integer class ids. Received: {name}.dtype={arr.dtype}"
        )
    if arr.ndim != 1:
        raise ValueError(
            f"Expected `{name}` with 1 dim (N,) of class ids. Received: {name}.shape={arr.shape}"
        )
    if arr.size and arr.min() < 0:
        raise ValueError(f"Expected class ids >= 0 in `{name}`. Received: min={arr.min()}")
    return arr.astype(np.int64, copy=False)


def _fraction(value, name: str) -> float:
    if isinstance(value, bool) or not isinstance(value, numbers.Real):
        raise TypeError(f"Expected `{name}` to be a fraction such as 0.1. Received: {value!r}")
    if not 0 <= value < 1:
        raise ValueError(f"Expected 0 <= `{name}` < 1. Received: {name}={value!r}")
    return float(value)


def train_val_test_split(X, y, val_size=0.1, test_size=0.1, *, rng, stratify: bool = True):
    """Split ``(X, y)`` into training, validation and test sets, keeping class proportions.

    With ``stratify=True`` each class is shuffled and cut on its own: a class with ``n_c``
    examples gives ``round(n_c * test_size)`` to the test set and ``round(n_c * val_size)`` to
    the validation set, so every split has (almost exactly) the class proportions of ``y``.
    Each split is then shuffled, so the classes are mixed. ``stratify=False`` cuts one shuffled
    order of all examples instead.

    Parameters
    ----------
    X : array of shape (N, ...)
        Examples (images, feature vectors...).
    y : array of shape (N,), int
        Class ids.
    val_size, test_size : float
        Fractions in [0, 1) with ``val_size + test_size < 1``.
    rng : numpy.random.Generator
        Source of the shuffles (keyword only): the same seed gives the same split.
    stratify : bool
        Cut each class separately (default) or all examples together.

    Returns
    -------
    (X_train, y_train), (X_val, y_val), (X_test, y_test)
        Copies of the selected rows of ``X`` and ``y``.
    """
    X = np.asarray(X)
    y = _class_ids(y)
    if X.ndim < 1 or len(X) != len(y):
        raise ValueError(
            "Expected `X` and `y` with the same number of examples. "
            f"Received: X.shape={X.shape}, y.shape={y.shape}"
        )
    val_size, test_size = _fraction(val_size, "val_size"), _fraction(test_size, "test_size")
    if val_size + test_size >= 1:
        raise ValueError(
            "Expected `val_size + test_size` < 1 (something must be left for training). "
            f"Received: val_size={val_size}, test_size={test_size}"
        )
    _check_rng(rng)
    if not isinstance(stratify, (bool, np.bool_)):
        raise TypeError(f"Expected `stratify` to be True or False. Received: {stratify!r}")
    groups = [np.flatnonzero(y == c) for c in np.unique(y)] if stratify else [np.arange(len(y))]
    train, val, test = [], [], []
    for idx in groups:
        idx = rng.permutation(idx)
        n_test = int(np.round(len(idx) * test_size))
        n_val = int(np.round(len(idx) * val_size))
        test.append(idx[:n_test])
        val.append(idx[n_test : n_test + n_val])
        train.append(idx[n_test + n_val :])
    splits = []
    for parts in (train, val, test):
        idx = rng.permutation(np.concatenate(parts))  # mix the classes
        splits.append((X[idx], y[idx]))
    return tuple(splits)


def one_hot(y, num_classes: int | None = None, dtype=np.float32) -> np.ndarray:
    """One-hot encode class ids: ``y[i] = k`` becomes a row with 1 at column ``k``, 0 elsewhere.

    Parameters
    ----------
    y : array of shape (N,), int
        Class ids in ``0 .. num_classes - 1``.
    num_classes : int, optional
        Number of columns; by default ``max(y) + 1``.
    dtype : numpy dtype
        Output dtype (float32, as the training code uses).

    Returns
    -------
    ndarray of shape (N, num_classes)
    """
    y = _class_ids(y)
    if num_classes is None:
        num_classes = int(y.max()) + 1 if y.size else 0
    elif isinstance(num_classes, bool) or not isinstance(num_classes, numbers.Integral):
        raise TypeError(f"Expected `num_classes` to be an int. Received: {num_classes!r}")
    elif y.size and y.max() >= num_classes:
        raise ValueError(
            f"Expected class ids < num_classes={num_classes}. Received: max(y)={y.max()}"
        )
    return one_hot_targets(y, len(y), int(num_classes), dtype)  # (N,) -> (N, K)


class Standardizer:
    """Shift and scale features to mean 0 and standard deviation 1, with training statistics.

    ``fit`` computes the mean and the standard deviation over ``axis`` of the **training** data
    only; ``transform`` applies those same numbers to any split. Computing them on all the data
    would let the validation and test sets leak into training (data leakage). A feature with
    standard deviation 0 is only shifted.

    Parameters
    ----------
    axis : int or tuple of int
        Axes to average over. ``0`` (default) gives one mean per feature of (N, D) data;
        ``(0, 1, 2)`` gives one mean per channel of (N, H, W, C) images; ``None`` one number.
    eps : float
        Standard deviations below ``eps`` are treated as 0 (scale 1).

    Attributes
    ----------
    mean_, scale_ : ndarray (float64), set by ``fit``
        Shaped to broadcast against the data (the averaged axes have size 1).
    """

    def __init__(self, axis=0, eps: float = 1e-8):
        ints = axis if isinstance(axis, tuple) else (axis,)
        if axis is not None and not all(
            isinstance(a, (int, np.integer)) and not isinstance(a, bool) for a in ints
        ):
            raise TypeError(
                f"Expected `axis` to be an int, a tuple of ints or None. Received: axis={axis!r}"
            )
        self.axis = axis
        self.eps = check_positive(eps, "eps")
        self.mean_ = None
        self.scale_ = None
        self._shape = None  # the fitted data's shape, 1 on the averaged axes
        self._axes = ()

    def _array(self, X, name="X") -> np.ndarray:
        arr = np.asarray(X)
        if arr.dtype == bool or not (
            np.issubdtype(arr.dtype, np.integer) or np.issubdtype(arr.dtype, np.floating)
        ):
            raise TypeError(
                f"Expected `{name}` to be an array of real numbers. "
                f"Received: {name}.dtype={arr.dtype}"
            )
        return arr

    def fit(self, X) -> Standardizer:
        """Compute the mean and standard deviation of ``X`` (the training split) over ``axis``."""
        X = self._array(X)
        raw = tuple(range(X.ndim)) if self.axis is None else np.atleast_1d(self.axis).tolist()
        if not all(-X.ndim <= a < X.ndim for a in raw) or len({a % X.ndim for a in raw}) < len(raw):
            raise ValueError(
                f"Expected `axis` within the {X.ndim} dims of X, each once. "
                f"Received: axis={self.axis}, X.shape={X.shape}"
            )
        axes = tuple(sorted(a % X.ndim for a in raw))
        if any(X.shape[a] == 0 for a in axes):
            raise ValueError(f"Expected non-empty `X` to fit. Received: X.shape={X.shape}")
        values = X.astype(np.float64)
        self.mean_ = values.mean(axis=axes, keepdims=True)
        std = values.std(axis=axes, keepdims=True)
        self.scale_ = np.where(std < self.eps, 1.0, std)
        self._shape = tuple(1 if a in axes else n for a, n in enumerate(X.shape))
        self._axes = axes
        return self

    def _check_fitted(self, X, name="X") -> np.ndarray:
        if self.mean_ is None:
            raise ValueError("This Standardizer is not fitted yet: call fit(X_train) first.")
        X = self._array(X, name)
        kept = [(a, n) for a, n in enumerate(self._shape) if a not in self._axes]
        if X.ndim != len(self._shape) or any(X.shape[a] != n for a, n in kept):
            expected = tuple("*" if a in self._axes else n for a, n in enumerate(self._shape))
            raise ValueError(
                f"Expected `{name}` shaped like the fitted data {expected}. "
                f"Received: {name}.shape={X.shape}"
            )
        return X

    def transform(self, X) -> np.ndarray:
        """``(X - mean_) / scale_`` as float32 (float64 stays float64); ``X`` is not modified."""
        X = self._check_fitted(X)
        dtype = np.float64 if X.dtype == np.float64 else np.float32
        return ((X - self.mean_) / self.scale_).astype(dtype)

    def fit_transform(self, X) -> np.ndarray:
        """``fit(X)`` then ``transform(X)``: use it on the training split only."""
        return self.fit(X).transform(X)

    def inverse_transform(self, Z) -> np.ndarray:
        """Undo :meth:`transform`: ``Z * scale_ + mean_``."""
        Z = self._check_fitted(Z, "Z")
        dtype = np.float64 if Z.dtype == np.float64 else np.float32
        return (Z * self.scale_ + self.mean_).astype(dtype)

    def __repr__(self) -> str:
        state = "not fitted" if self.mean_ is None else f"mean_.shape={self.mean_.shape}"
        return f"Standardizer(axis={self.axis}, {state})"
