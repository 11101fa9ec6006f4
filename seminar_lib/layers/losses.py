"""Loss layers: ``forward(inputs, targets) -> mean loss``, ``backward(dout=1.0)``.

The losses themselves are the formulas of ``seminar_lib.functions``; a layer adds the
gradient with respect to its input, which the backward pass starts from.
"""

from __future__ import annotations

import numpy as np

from seminar_lib import functions as F
from seminar_lib._validation import as_real_array, check_ndim, one_hot_targets
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


class SoftmaxCrossEntropy(_Loss):
    r"""Softmax followed by cross-entropy, averaged over the batch.

    ``logits`` P (N, K); ``y`` class ids (N,) or one-hot (N, K). The pair has the simple
    gradient :math:`\partial E / \partial P = (O - T) / N`, which is why softmax and
    cross-entropy are computed together. After ``forward``, ``probs`` holds O.
    """

    def forward(self, logits, y):
        logits = as_real_array(logits, "logits")
        check_ndim(logits, 2, "logits", "(N, K)")
        N, K = logits.shape
        t = one_hot_targets(y, N, K, logits.dtype)  # T: (N, K)
        self.probs = F.softmax(logits)  # O: (N, K)
        loss = F.softmax_cross_entropy(logits, t)  # -1/N sum T log O, from the logits (stable)
        self.grad_input = (self.probs - t) / N  # (N, K)
        return loss


class TimeSoftmaxCrossEntropy(SoftmaxCrossEntropy):
    r"""``SoftmaxCrossEntropy`` at every time step, averaged over all :math:`N \cdot T` positions.

    ``logits`` (N, T, K) float, ``y`` integer class ids (N, T). The positions are laid side by
    side as N * T rows and handed to ``SoftmaxCrossEntropy``, so the gradient is
    :math:`(O - T) / (N T)`, of shape (N, T, K); ``probs`` is (N, T, K).
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
    After ``forward``, ``probs`` holds p with the shape of ``logits``.
    """

    def forward(self, logits, t):
        logits = as_real_array(logits, "logits")
        if not (logits.ndim == 1 or (logits.ndim == 2 and logits.shape[1] == 1)):
            raise ValueError(
                f"Expected `logits` (N, 1) or (N,). Received: logits.shape={logits.shape}"
            )
        N = len(logits)
        t = as_real_array(t, "t").astype(logits.dtype, copy=False)
        if t.size != N:
            raise ValueError(f"Expected {N} targets. Received: {t.size}")
        t = t.reshape(logits.shape)  # the targets in the logits' shape
        self.probs = F.sigmoid(logits)  # p
        loss = F.sigmoid_binary_cross_entropy(logits, t)  # from the logits (stable)
        self.grad_input = (self.probs - t) / N
        return loss


class MeanSquaredError(_Loss):
    r"""The seminar's squared error :math:`E_n = \frac{1}{2}\sum_k (T_k - O_k)^2`, averaged over N.

    ``y_hat`` (N, K); targets (N, K) or class ids (N,) (then one-hot). Gradient :math:`(O - T)/N`.
    """

    def forward(self, y_hat, t):
        y_hat = as_real_array(y_hat, "y_hat")
        check_ndim(y_hat, 2, "y_hat", "(N, K)")
        N, K = y_hat.shape
        t = one_hot_targets(t, N, K, y_hat.dtype)  # (N, K)
        self.grad_input = (y_hat - t) / N
        return F.squared_error(y_hat, t)
