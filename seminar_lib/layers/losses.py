"""Loss layers: ``forward(inputs, targets) -> mean loss``, ``backward(dout=1.0)``."""

from __future__ import annotations

import numpy as np

from seminar_lib._validation import as_real_array, check_ndim
from seminar_lib.functions import sigmoid
from seminar_lib.layers.base import Layer


class _Loss(Layer):
    """A loss layer: ``forward(inputs, targets) -> mean loss``, ``backward(dout=1.0)``."""

    def __init__(self):
        super().__init__()
        self.grad_input = None

    def backward(self, dout=1.0):
        if self.grad_input is None:
            raise RuntimeError(f"{type(self).__name__}.backward called before forward")
        return self.grad_input * dout


def _class_targets(y, logits: np.ndarray) -> np.ndarray:
    """Targets as one-hot of the logits' dtype, from ids (N,) or one-hot (N, K)."""
    n, k = logits.shape
    y = np.asarray(y)
    if y.shape == (n,) and np.issubdtype(y.dtype, np.integer):
        if y.size and (y.min() < 0 or y.max() >= k):
            raise ValueError(
                f"Expected class ids in [0, {k}). Received: min={y.min()}, max={y.max()}"
            )
        return np.eye(k, dtype=logits.dtype)[y]  # (N,) -> (N, K)
    if y.shape == (n, k):
        return as_real_array(y, "y").astype(logits.dtype, copy=False)
    raise ValueError(
        f"Expected `y` as integer class ids ({n},) or one-hot ({n}, {k}). "
        f"Received: y.shape={y.shape}, y.dtype={y.dtype}"
    )


class SoftmaxCrossEntropy(_Loss):
    r"""Softmax followed by cross-entropy, averaged over the batch.

    The pair has the simple gradient :math:`\partial E / \partial P = (O - T) / N`, which is why
    softmax and cross-entropy are computed together. After ``forward``, ``probs`` holds O.
    """

    def forward(self, logits, y):
        logits = as_real_array(logits, "logits")
        check_ndim(logits, 2, "logits", "(N, K)")
        n = len(logits)
        shifted = logits - logits.max(axis=1, keepdims=True)  # (N, K), every entry <= 0
        exp = np.exp(shifted)  # (N, K), no overflow
        total = exp.sum(axis=1, keepdims=True)  # (N, 1), >= 1
        self.probs = exp / total  # softmax O, computed once
        y = np.asarray(y)
        if y.shape == (n,) and np.issubdtype(y.dtype, np.integer):  # class ids: no one-hot needed
            k = logits.shape[1]
            if n and (y.min() < 0 or y.max() >= k):
                raise ValueError(
                    f"Expected class ids in [0, {k}). Received: min={y.min()}, max={y.max()}"
                )
            rows = np.arange(n)
            loss = (np.log(total[:, 0]) - shifted[rows, y]).sum() / n  # mean of -log O_y
            grad = self.probs.copy()
            grad[rows, y] -= 1.0  # O - T
        else:
            t = _class_targets(y, logits)
            loss = -(t * (shifted - np.log(total))).sum() / n  # log O = shifted - log sum
            grad = self.probs - t
        grad /= n
        self.grad_input = grad
        return float(loss)


class TimeSoftmaxCrossEntropy(SoftmaxCrossEntropy):
    r"""``SoftmaxCrossEntropy`` at every time step, averaged over all :math:`N \cdot T` positions.

    ``logits`` (N, T, K) float, ``y`` integer class ids (N, T). The positions are laid side by
    side as N * T rows and handed to ``SoftmaxCrossEntropy`` (the same stable log-sum-exp), so
    the gradient is :math:`(O - T) / (N T)`, of shape (N, T, K); ``probs`` is (N, T, K).
    """

    def forward(self, logits, y):
        logits = as_real_array(logits, "logits")
        check_ndim(logits, 3, "logits", "(N, T, K)")
        N, T, K = logits.shape
        y = np.asarray(y)
        if y.shape != (N, T):
            raise ValueError(
                f"Expected `y` with shape ({N}, {T}) like `logits` (N, T, K). "
                f"Received: y.shape={y.shape}"
            )
        if not np.issubdtype(y.dtype, np.integer):
            raise TypeError(f"Expected integer class ids in `y`. Received: y.dtype={y.dtype}")
        loss = super().forward(logits.reshape(N * T, K), y.reshape(N * T))  # (N*T, K), (N*T,)
        self.probs = self.probs.reshape(N, T, K)  # (N*T, K) -> (N, T, K)
        self.grad_input = self.grad_input.reshape(N, T, K)
        return loss


class SigmoidBinaryCrossEntropy(_Loss):
    r"""Sigmoid followed by binary cross-entropy (logistic regression), averaged over the batch.

    ``logits`` (N, 1) or (N,), targets 0/1 of the same length; gradient :math:`(p - t) / N`.
    """

    def forward(self, logits, t):
        logits = as_real_array(logits, "logits")
        shape = logits.shape  # the gradient keeps the caller's shape
        if logits.ndim == 1:
            logits = logits[:, None]  # (N,) -> (N, 1)
        if logits.ndim != 2 or logits.shape[1] != 1:
            raise ValueError(
                f"Expected `logits` (N, 1) or (N,). Received: logits.shape={logits.shape}"
            )
        t = as_real_array(t, "t").reshape(-1, 1).astype(logits.dtype, copy=False)
        if len(t) != len(logits):
            raise ValueError(f"Expected {len(logits)} targets. Received: {len(t)}")
        z = logits
        self.probs = sigmoid(z)  # (N, 1)
        loss = (np.maximum(z, 0) - z * t + np.log1p(np.exp(-np.abs(z)))).mean()
        self.grad_input = ((self.probs - t) / len(z)).reshape(shape)
        return float(loss)


class MeanSquaredError(_Loss):
    r"""The seminar's squared error :math:`E_n = \frac{1}{2}\sum_k (T_k - O_k)^2`, averaged over N.

    ``y_hat`` (N, K); targets (N, K) or class ids (N,) (then one-hot). Gradient :math:`(O - T)/N`.
    """

    def forward(self, y_hat, t):
        y_hat = as_real_array(y_hat, "y_hat")
        check_ndim(y_hat, 2, "y_hat", "(N, K)")
        t = _class_targets(t, y_hat)
        diff = y_hat - t  # (N, K)
        self.grad_input = diff / len(y_hat)
        return float(0.5 * (diff * diff).sum() / len(y_hat))
