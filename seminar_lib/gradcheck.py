"""Numerical derivatives and gradients, to check what was derived by hand (in float64)."""

from __future__ import annotations

import numpy as np

from seminar_lib._validation import as_input_array, as_real_array, check_positive

__all__ = ["check_gradients", "numerical_derivative", "numerical_gradient", "relative_error"]


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


def numerical_gradient(f, x: np.ndarray, eps: float = 1e-6) -> np.ndarray:
    r"""Central-difference gradient of a scalar function ``f()`` w.r.t. the array ``x``.

    ``x`` is perturbed in place one element at a time (and restored), so ``f`` may read it from
    anywhere (for example a layer's ``params["W"]``). Use float64 arrays: in float32 the
    differences drown in rounding error.
    """
    if not isinstance(x, np.ndarray) or x.dtype != np.float64:
        raise TypeError(
            "Expected `x` to be a float64 numpy array (gradient checks need float64). "
            f"Received: {type(x).__name__} of dtype {getattr(x, 'dtype', None)}"
        )
    eps = check_positive(eps, "eps")
    grad = np.zeros_like(x)
    for i in np.ndindex(x.shape):
        original = x[i]
        x[i] = original + eps
        f_plus = float(f())
        x[i] = original - eps
        f_minus = float(f())
        x[i] = original
        grad[i] = (f_plus - f_minus) / (2 * eps)
    return grad


def relative_error(a, b) -> float:
    r"""Largest element-wise :math:`|a - b| / \max(|a| + |b|, 10^{-12})`: below 1e-6 means
    the two gradients agree to about six significant digits."""
    a, b = np.asarray(a, dtype=np.float64), np.asarray(b, dtype=np.float64)
    if a.shape != b.shape:
        raise ValueError(f"Expected arrays of one shape. Received: {a.shape} and {b.shape}")
    return float((np.abs(a - b) / np.maximum(np.abs(a) + np.abs(b), 1e-12)).max(initial=0.0))


def check_gradients(model, loss, X, y, eps: float = 1e-6) -> dict[str, float]:
    """Compare backpropagation with numerical gradients for every parameter of ``model``.

    Works on a float64 deep copy of ``model`` and ``loss`` (the originals are untouched).
    Integer ``X`` (token ids for an ``Embedding`` first layer) is passed on as it is; ``y`` may
    be anything ``loss`` takes (sequence targets (N, T) for ``TimeSoftmaxCrossEntropy``).

    Returns
    -------
    dict
        Parameter name (``"0.W"``, ...) and ``"input"`` -> relative error. ``"input"`` is left
        out when the model has no gradient for its input (token ids).
    """
    import copy

    model = copy.deepcopy(model).astype(np.float64)
    loss = copy.deepcopy(loss)
    X = as_input_array(X, "X")
    X = X.astype(np.float64) if X.dtype.kind == "f" else X.copy()
    inputs = {"X": X}  # the objective reads X from here (a float copy for the input gradient)

    def objective():
        return loss.forward(model.forward(inputs["X"], training=False), y)

    objective()
    dX = model.backward(loss.backward())
    analytic = {name: g.copy() for name, g in model.grads.items()}
    errors = {
        name: relative_error(analytic[name], numerical_gradient(objective, p, eps))
        for name, p in model.params.items()
    }
    if dX is not None:
        inputs["X"] = X.astype(np.float64, copy=False)  # integer data read as numbers
        errors["input"] = relative_error(dX, numerical_gradient(objective, inputs["X"], eps))
    return errors
