"""Fully connected layer and activation layers."""

from __future__ import annotations

import numpy as np

from seminar_lib._validation import as_real_array, check_positive_int, check_rng
from seminar_lib.functions import sigmoid
from seminar_lib.initializers import INITIALIZERS
from seminar_lib.layers.base import Layer


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

    can_skip_input_grad = True

    def __init__(self, in_features, out_features, rng, init="he", dtype=np.float32):
        super().__init__()
        self.in_features = check_positive_int(in_features, "in_features")
        self.out_features = check_positive_int(out_features, "out_features")
        check_rng(rng)
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
        self.out = x @ self.params["W"] + self.params["b"]  # (N, D) @ (D, H) + (H,) -> (N, H)
        return self.out

    def backward(self, dout, input_grad: bool = True):
        """Store dW and db; return dx, or None when ``input_grad`` is False (the first layer of
        a network: nobody needs the gradient of the data, and skipping it saves a third of the
        layer's work)."""
        dout = self._check_dout(dout, self.out)
        self.grads["W"] = self.x.T @ dout  # (D, N) @ (N, H) -> (D, H)
        self.grads["b"] = dout.sum(axis=0)  # (N, H) -> (H,)
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
