"""Numerical derivatives, to check derivatives derived by hand (always in float64)."""

from __future__ import annotations

import numpy as np

from seminar_lib._validation import as_real_array, check_positive

__all__ = ["numerical_derivative"]


def numerical_derivative(f, x, eps: float = 1e-6) -> np.ndarray:
    r"""Central difference of an element-wise function, :math:`(f(x+h) - f(x-h)) / 2h`.

    Parameters
    ----------
    f : callable
        Element-wise function of an array.
    x : array_like
        Points at which to differentiate (computed in float64).
    eps : float
        The step :math:`h`.

    Returns
    -------
    ndarray, float64, the shape of ``x``
    """
    x = as_real_array(x, "x").astype(np.float64)
    eps = check_positive(eps, "eps")
    return (np.asarray(f(x + eps), dtype=np.float64) - np.asarray(f(x - eps), dtype=np.float64)) / (
        2 * eps
    )
