"""Activation functions and their derivatives (pure NumPy, element-wise).

Every function accepts an array-like of real numbers and returns a floating-point array of the
same shape. Float32 input stays float32; integer input becomes float64.
"""

from __future__ import annotations

import numpy as np

from seminar_lib._validation import as_real_array, check_positive

__all__ = [
    "ACTIVATIONS",
    "relu",
    "relu_grad",
    "sigmoid",
    "sigmoid_grad",
    "step",
    "step_grad",
    "tanh",
    "tanh_grad",
]


def step(x) -> np.ndarray:
    """Step function: 1 where ``x > 0`` (the neuron fires), else 0."""
    x = as_real_array(x, "x")
    return (x > 0).astype(x.dtype)


def step_grad(x) -> np.ndarray:
    """Derivative of :func:`step`: 0 everywhere (undefined at 0, taken as 0).

    This is why the step function cannot be trained by gradient descent.
    """
    x = as_real_array(x, "x")
    return np.zeros_like(x)


def sigmoid(x, g: float = 1.0) -> np.ndarray:
    r"""Sigmoid with gain ``g``: :math:`f(X) = 1 / (1 + \exp(-gX))`.

    Numerically stable: ``exp`` only ever sees non-positive arguments, so inputs such as
    ``±1e4`` give exactly 1 and 0 without an overflow warning.
    """
    x = as_real_array(x, "x")
    g = check_positive(g, "g")
    z = g * x
    # exp(-|z|) is in (0, 1]: no overflow for any z.
    e = np.exp(-np.abs(z))
    return np.where(z >= 0, 1.0 / (1.0 + e), e / (1.0 + e)).astype(x.dtype, copy=False)


def sigmoid_grad(x, g: float = 1.0) -> np.ndarray:
    r"""Derivative of :func:`sigmoid`: :math:`f'(X) = g\,f(X)\,(1 - f(X))`."""
    s = sigmoid(x, g)
    return (g * s * (1.0 - s)).astype(s.dtype, copy=False)


def tanh(x) -> np.ndarray:
    """Hyperbolic tangent: outputs in (-1, 1), centred on 0."""
    x = as_real_array(x, "x")
    return np.tanh(x)


def tanh_grad(x) -> np.ndarray:
    r"""Derivative of :func:`tanh`: :math:`1 - \tanh^2(X)`."""
    t = tanh(x)
    return 1.0 - t * t


def relu(x) -> np.ndarray:
    """ReLU (rectified linear unit): ``max(0, x)``."""
    x = as_real_array(x, "x")
    return np.maximum(x, 0).astype(x.dtype, copy=False)


def relu_grad(x) -> np.ndarray:
    """Derivative of :func:`relu`: 1 where ``x > 0``, else 0 (taken as 0 at 0)."""
    x = as_real_array(x, "x")
    return (x > 0).astype(x.dtype)


#: Name -> (function, derivative), in the order the course introduces them.
ACTIVATIONS = {
    "step": (step, step_grad),
    "sigmoid": (sigmoid, sigmoid_grad),
    "tanh": (tanh, tanh_grad),
    "relu": (relu, relu_grad),
}
