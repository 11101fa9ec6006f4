"""Activation functions, softmax and losses (pure NumPy).

Every function accepts an array-like of real numbers and returns a floating-point array of the
same shape. Float32 input stays float32; integer input becomes float64.
"""

from __future__ import annotations

import numpy as np

from seminar_lib._validation import as_real_array, check_ndim, check_positive, one_hot_targets

__all__ = [
    "ACTIVATIONS",
    "binary_cross_entropy",
    "cross_entropy",
    "log_softmax",
    "logsumexp",
    "sigmoid_binary_cross_entropy",
    "softmax",
    "softmax_cross_entropy",
    "squared_error",
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


# ------------------------------------------------------------------------ output layer and losses
def _as_logits(x, name: str) -> np.ndarray:
    x = as_real_array(x, name)
    if x.ndim not in (1, 2):
        raise ValueError(
            f"Expected `{name}` with 1 dim (K,) or 2 dims (N, K). Received: {name}.shape={x.shape}"
        )
    return x


def logsumexp(logits) -> np.ndarray:
    r""":math:`\log \sum_j \exp(P_j)` over the last axis, computed without overflow.

    ``logits`` (K,) or (N, K) -> () or (N,).
    """
    logits = _as_logits(logits, "logits")
    m = logits.max(axis=-1, keepdims=True)  # (N, 1): the shift that makes every exp <= 1
    return (m + np.log(np.exp(logits - m).sum(axis=-1, keepdims=True)))[..., 0]


def log_softmax(logits) -> np.ndarray:
    r""":math:`\log O_k = P_k - \log \sum_j \exp(P_j)`, stable for any logits; shape kept."""
    logits = _as_logits(logits, "logits")
    return logits - logsumexp(logits)[..., None]


def softmax(logits) -> np.ndarray:
    r"""Softmax :math:`O_k = \exp(P_k) / \sum_j \exp(P_j)` over the last axis.

    Shifting every logit by the row maximum does not change the result (the factor cancels)
    but keeps ``exp`` from overflowing, so logits of ±1e4 are fine. (K,) or (N, K) -> same shape.
    """
    logits = _as_logits(logits, "logits")
    e = np.exp(logits - logits.max(axis=-1, keepdims=True))  # (N, K), every entry in (0, 1]
    return e / e.sum(axis=-1, keepdims=True)


def _batch(x, name: str) -> np.ndarray:
    x = as_real_array(x, name)
    check_ndim(x, 2, name, "(N, K)")
    return x


def cross_entropy(probs, y) -> float:
    r"""Cross-entropy :math:`-\frac{1}{N}\sum_n \sum_k T_{nk} \log O_{nk}` of probabilities.

    ``probs`` (N, K); ``y`` class ids (N,) or one-hot (N, K). Probabilities of exactly 0 are
    clipped at 1e-12 so a confident mistake gives a large but finite loss.
    """
    probs = _batch(probs, "probs")
    t = one_hot_targets(y, *probs.shape)
    return float(-(t * np.log(np.clip(probs, 1e-12, None))).sum() / probs.shape[0])


def softmax_cross_entropy(logits, y) -> float:
    """Cross-entropy of ``softmax(logits)`` computed from the logits (stable for any size).

    ``logits`` (N, K); ``y`` class ids (N,) or one-hot (N, K).
    """
    logits = _batch(logits, "logits")
    t = one_hot_targets(y, *logits.shape)
    return float(-(t * log_softmax(logits)).sum() / logits.shape[0])


def squared_error(y_hat, t) -> float:
    r"""The seminar's squared error :math:`E_n = \frac{1}{2}\sum_k (T_k - O_k)^2`, averaged over N.

    ``y_hat`` and ``t`` (N, K), or class ids (N,) for ``t`` (then one-hot).
    """
    y_hat = _batch(y_hat, "y_hat")
    t = one_hot_targets(t, *y_hat.shape)
    return float(0.5 * ((t - y_hat) ** 2).sum() / y_hat.shape[0])


def _column(x, name: str) -> np.ndarray:
    """A batch of scalars as (N,), accepting (N,) or (N, 1)."""
    x = as_real_array(x, name)
    if x.ndim == 2 and x.shape[1] == 1:
        x = x[:, 0]  # (N, 1) -> (N,)
    check_ndim(x, 1, name, "(N,)")
    return x


def _binary(z, t, name: str):
    z, t = _column(z, name), _column(t, "t")
    if t.shape != z.shape:
        raise ValueError(
            f"Expected `t` with shape {z.shape} like `{name}`. Received: t.shape={t.shape}"
        )
    return z, t


def binary_cross_entropy(probs, t) -> float:
    r"""Binary cross-entropy :math:`-\frac{1}{N}\sum_n [t_n \log p_n + (1-t_n)\log(1-p_n)]`.

    ``probs`` (N,) or (N, 1) in [0, 1], ``t`` 0/1 of the same length; clipped at 1e-12.
    """
    p, t = _binary(probs, t, "probs")
    p = np.clip(p, 1e-12, 1 - 1e-12)
    return float(-(t * np.log(p) + (1 - t) * np.log(1 - p)).mean())


def sigmoid_binary_cross_entropy(logits, t) -> float:
    r"""Binary cross-entropy of ``sigmoid(logits)`` computed from the logits, stable for any size:
    :math:`\max(z, 0) - z t + \log(1 + e^{-|z|})`, averaged over N."""
    z, t = _binary(logits, t, "logits")
    return float((np.maximum(z, 0) - z * t + np.log1p(np.exp(-np.abs(z)))).mean())
