"""Input checks shared by the public functions (messages: "Expected ... Received: ...")."""

from __future__ import annotations

import numbers

import numpy as np


def _numeric_array(x, name: str) -> np.ndarray:
    """``x`` as an array of integers or floats; raise TypeError for anything else (bools too)."""
    try:
        arr = np.asarray(x)
    except Exception as exc:  # ragged lists and the like
        raise TypeError(
            f"Expected `{name}` to be an array of real numbers. Received: {type(x).__name__}"
        ) from exc
    if arr.dtype == bool or not (
        np.issubdtype(arr.dtype, np.integer) or np.issubdtype(arr.dtype, np.floating)
    ):
        raise TypeError(
            f"Expected `{name}` to be an array of real numbers. Received: {name}.dtype={arr.dtype}"
        )
    return arr


def as_real_array(x, name: str) -> np.ndarray:
    """Return ``x`` as a floating-point array; raise TypeError for non-numeric input."""
    if type(x) is np.ndarray and x.dtype.kind == "f":
        return x  # the common case inside training loops: nothing to check or convert
    arr = _numeric_array(x, name)
    if np.issubdtype(arr.dtype, np.integer):
        arr = arr.astype(np.float64)
    return arr


def as_input_array(x, name: str) -> np.ndarray:
    """Return the input of a model as an array: floats as they are, and integer arrays kept as
    integers (token ids for an ``Embedding`` first layer; layers that need floats convert them
    themselves). Raise TypeError for non-numeric input."""
    if type(x) is np.ndarray and x.dtype.kind in "fiu":
        return x
    return _numeric_array(x, name)


def check_ndim(arr: np.ndarray, ndim: int, name: str, layout: str) -> None:
    """Raise ValueError unless ``arr`` has ``ndim`` dims; ``layout`` names them, e.g. "(N, D)"."""
    if arr.ndim != ndim:
        raise ValueError(
            f"Expected `{name}` with {ndim} dims {layout}. Received: {name}.shape={arr.shape}"
        )


def check_positive(value, name: str) -> float:
    """Return ``value`` as float; raise TypeError/ValueError unless it is a finite real > 0."""
    if isinstance(value, bool) or not isinstance(value, numbers.Real):
        raise TypeError(f"Expected `{name}` to be a real number. Received: {name}={value!r}")
    if not np.isfinite(value) or value <= 0:
        raise ValueError(f"Expected `{name}` > 0. Received: {name}={value!r}")
    return float(value)


def check_positive_int(value, name: str) -> int:
    """Return ``value`` as int; raise TypeError/ValueError unless it is an int >= 1."""
    if isinstance(value, bool) or not isinstance(value, numbers.Integral):
        raise TypeError(f"Expected `{name}` to be an int. Received: {name}={value!r}")
    if value < 1:
        raise ValueError(f"Expected `{name}` >= 1. Received: {name}={value!r}")
    return int(value)


def check_rng(rng, name: str = "rng") -> np.random.Generator:
    """Raise TypeError unless ``rng`` is a ``numpy.random.Generator``."""
    if not isinstance(rng, np.random.Generator):
        raise TypeError(f"Expected `{name}` to be a numpy.random.Generator. Received: {type(rng)}")
    return rng


def check_bool(value, name: str) -> bool:
    """Raise TypeError unless ``value`` is a bool."""
    if not isinstance(value, (bool, np.bool_)):
        raise TypeError(f"Expected `{name}` to be True or False. Received: {name}={value!r}")
    return bool(value)


def one_hot_targets(y, n: int, k: int, dtype=np.float64) -> np.ndarray:
    """Targets of a batch of ``n`` samples and ``k`` classes as one-hot (n, k) of ``dtype``,
    from integer class ids (n,) or from one-hot rows (n, k); raise TypeError/ValueError else."""
    y = np.asarray(y)
    if y.shape == (n,):
        if not np.issubdtype(y.dtype, np.integer):
            raise TypeError(f"Expected integer class ids in `y`. Received: y.dtype={y.dtype}")
        if y.size and (y.min() < 0 or y.max() >= k):
            raise ValueError(
                f"Expected class ids in [0, {k}). Received: min={y.min()}, max={y.max()}"
            )
        return np.eye(k, dtype=dtype)[y]  # (n,) -> (n, k): row y[i] of the identity
    if y.shape == (n, k):
        return as_real_array(y, "y").astype(dtype, copy=False)
    raise ValueError(
        f"Expected `y` as class ids ({n},) or one-hot ({n}, {k}). Received: y.shape={y.shape}"
    )
