r"""Layers with ``forward``/``backward`` for networks built from scratch (NumPy).

Every layer keeps what ``backward`` needs during ``forward``; parameters and their gradients
live in the dicts ``params`` and ``grads`` under the same keys (``"W"``, ``"b"``); ``backward``
never modifies its argument ``dout``. Loss layers take the targets in ``forward`` and start the
backward pass with ``backward()`` (the gradient of the mean loss).
"""

from __future__ import annotations

import numpy as np

from seminar_lib._validation import as_real_array, check_ndim, check_positive_int
from seminar_lib.functions import sigmoid
from seminar_lib.initializers import INITIALIZERS

__all__ = [
    "Affine",
    "Layer",
    "MeanSquaredError",
    "ReLU",
    "Sigmoid",
    "SigmoidBinaryCrossEntropy",
    "SoftmaxCrossEntropy",
    "Tanh",
]


class Layer:
    """Base class: no parameters, shape kept; subclasses override what differs."""

    def __init__(self):
        self.params: dict[str, np.ndarray] = {}
        self.grads: dict[str, np.ndarray] = {}

    def forward(self, x, training: bool = False) -> np.ndarray:
        raise NotImplementedError

    def backward(self, dout) -> np.ndarray:
        raise NotImplementedError

    def output_shape(self, input_shape: tuple) -> tuple:
        """Shape of one sample's output given one sample's input shape (without N)."""
        return input_shape

    def astype(self, dtype) -> Layer:
        """Convert parameters and gradients to ``dtype`` in place (for float64 gradient checks)."""
        for name in self.params:
            self.params[name] = self.params[name].astype(dtype)
            self.grads[name] = self.grads[name].astype(dtype)
        return self

    def _check_dout(self, dout, out: np.ndarray | None) -> np.ndarray:
        if out is None:
            raise RuntimeError(f"{type(self).__name__}.backward called before forward")
        dout = as_real_array(dout, "dout")
        if dout.shape != out.shape:
            raise ValueError(
                f"Expected `dout` with the forward output's shape {out.shape}. "
                f"Received: dout.shape={dout.shape}"
            )
        return dout

    def __repr__(self) -> str:
        return f"{type(self).__name__}()"


class Affine(Layer):
    r"""Dense layer :math:`y = xW + b`, the seminar's :math:`\sum_i w_{ij} S_i + \theta_j`.

    Parameters
    ----------
    in_features, out_features : int
        D and H: ``W`` is (D, H), ``b`` is (H,).
    rng : numpy.random.Generator
        Draws the initial weights.
    init : {"he", "glorot", "small"}
        Weight initialisation (``b`` starts at 0).
    dtype : float32 (training) or float64 (gradient checks).
    """

    def __init__(self, in_features, out_features, rng, init="he", dtype=np.float32):
        super().__init__()
        self.in_features = check_positive_int(in_features, "in_features")
        self.out_features = check_positive_int(out_features, "out_features")
        if not isinstance(rng, np.random.Generator):
            raise TypeError(f"Expected `rng` to be a numpy.random.Generator. Received: {type(rng)}")
        if init not in INITIALIZERS:
            raise ValueError(f"Unknown init {init!r}. Expected one of: {', '.join(INITIALIZERS)}.")
        self.init = init
        W = INITIALIZERS[init]((self.in_features, self.out_features), rng, dtype)
        self.params = {"W": W, "b": np.zeros(self.out_features, dtype=dtype)}
        self.grads = {"W": np.zeros_like(W), "b": np.zeros_like(self.params["b"])}
        self.x = None
        self.out = None

    def forward(self, x, training=False):
        x = as_real_array(x, "x")
        if x.ndim != 2 or x.shape[1] != self.in_features:
            raise ValueError(
                f"Expected `x` with 2 dims (N, {self.in_features}). Received: x.shape={x.shape}"
            )
        self.x = x
        self.out = x @ self.params["W"]  # (N, D) @ (D, H) -> (N, H)
        self.out += self.params["b"]  # + (H,), broadcast over the N rows
        return self.out

    def backward(self, dout, input_grad: bool = True):
        """Store dW and db; return dx, or None when ``input_grad`` is False (the first layer of
        a network: nobody needs the gradient of the data, and skipping it saves a third of the
        layer's work)."""
        dout = self._check_dout(dout, self.out)
        np.matmul(self.x.T, dout, out=self.grads["W"])  # (D, N) @ (N, H) -> (D, H)
        np.sum(dout, axis=0, out=self.grads["b"])  # (N, H) -> (H,)
        if not input_grad:
            return None
        return dout @ self.params["W"].T  # (N, H) @ (H, D) -> (N, D)

    def output_shape(self, input_shape):
        if tuple(input_shape) != (self.in_features,):
            raise ValueError(
                f"Expected input shape ({self.in_features},). Received: {tuple(input_shape)}"
            )
        return (self.out_features,)

    def __repr__(self):
        return f"Affine({self.in_features} -> {self.out_features}, init={self.init!r})"


class Sigmoid(Layer):
    """Sigmoid activation; ``backward`` uses the stored output: f' = f (1 - f)."""

    def __init__(self):
        super().__init__()
        self.out = None

    def forward(self, x, training=False):
        self.out = sigmoid(x)
        return self.out

    def backward(self, dout):
        dout = self._check_dout(dout, self.out)
        return dout * self.out * (1.0 - self.out)


class Tanh(Layer):
    """tanh activation; ``backward`` uses the stored output: f' = 1 - f^2."""

    def __init__(self):
        super().__init__()
        self.out = None

    def forward(self, x, training=False):
        self.out = np.tanh(as_real_array(x, "x"))
        return self.out

    def backward(self, dout):
        dout = self._check_dout(dout, self.out)
        return dout * (1.0 - self.out * self.out)


class ReLU(Layer):
    """ReLU activation; the gradient passes where the input was positive."""

    def __init__(self):
        super().__init__()
        self.out = None

    def forward(self, x, training=False):
        x = as_real_array(x, "x")
        self.out = np.maximum(x, 0)  # max(x, 0); NaN stays NaN
        return self.out

    def backward(self, dout):
        dout = self._check_dout(dout, self.out)
        return dout * (self.out > 0)  # a new array; positive output <=> positive input


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
