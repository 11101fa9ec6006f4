r"""Dropout and normalisation: ``Dropout`` and ``BatchNorm`` (which behave differently in training
and inference) and ``LayerNorm`` (the Transformer's normalisation, the same in both)."""

from __future__ import annotations

import numbers

import numpy as np

from seminar_lib._validation import as_real_array, check_positive, check_positive_int, check_rng
from seminar_lib.layers.base import Layer

__all__ = ["BatchNorm", "Dropout", "LayerNorm"]


class Dropout(Layer):
    r"""Inverted dropout: while training, each value is kept with probability :math:`1 - r` and
    multiplied by :math:`1 / (1 - r)` (so the expected value is unchanged), or set to 0; at
    inference the layer does nothing (``keras.layers.Dropout`` behaves the same).

    Parameters
    ----------
    rate : float in [0, 1): the fraction r of values dropped
    rng : numpy.random.Generator: draws the masks
    """

    def __init__(self, rate, rng):
        super().__init__()
        if isinstance(rate, bool) or not isinstance(rate, numbers.Real) or not 0 <= rate < 1:
            raise ValueError(f"Expected 0 <= `rate` < 1. Received: rate={rate!r}")
        check_rng(rng)
        self.rate = float(rate)
        self.rng = rng
        self.mask = None
        self.out = None

    def forward(self, x, training=False):
        x = as_real_array(x, "x")
        if training and self.rate > 0:
            keep = self.rng.random(x.shape, dtype=np.float32) >= self.rate  # True: kept
            self.mask = keep.astype(x.dtype) / (1 - self.rate)  # 0 or 1 / (1 - r)
            self.out = x * self.mask
        else:
            self.mask = None
            self.out = x
        return self.out

    def backward(self, dout):
        dout = self._check_dout(dout, self.out)
        if self.mask is None:
            return dout.copy()
        return dout * self.mask  # the dropped values get no gradient

    def __repr__(self):
        return f"Dropout(rate={self.rate:g})"


class BatchNorm(Layer):
    r"""Batch normalisation (Ioffe & Szegedy, 2015), with Keras's defaults and formulas.

    Each feature (dense input (N, D)) or channel (images (N, C, H, W)) is normalised with the
    mean and variance of the batch, then scaled and shifted by learned ``gamma`` and ``beta``:
    :math:`y = \gamma \frac{x - \mu}{\sqrt{\sigma^2 + \epsilon}} + \beta`.
    Training also updates running averages,
    :math:`\mu_{run} \leftarrow m\,\mu_{run} + (1 - m)\,\mu` (likewise the variance), which
    inference uses instead of batch statistics.

    Parameters
    ----------
    num_features : D or C
    momentum : m (Keras: 0.99); epsilon : (Keras: 1e-3)
    """

    def __init__(self, num_features, momentum=0.99, epsilon=1e-3, dtype=np.float32):
        super().__init__()
        self.num_features = check_positive_int(num_features, "num_features")
        if isinstance(momentum, bool) or not isinstance(momentum, numbers.Real):
            raise TypeError(f"Expected `momentum` to be a real number. Received: {momentum!r}")
        if not 0 <= momentum < 1:
            raise ValueError(f"Expected 0 <= `momentum` < 1. Received: momentum={momentum!r}")
        self.momentum = float(momentum)
        self.epsilon = check_positive(epsilon, "epsilon")
        D = self.num_features
        self.params = {"gamma": np.ones(D, dtype=dtype), "beta": np.zeros(D, dtype=dtype)}
        self.grads = {"gamma": np.zeros(D, dtype=dtype), "beta": np.zeros(D, dtype=dtype)}
        self.running_mean = np.zeros(D, dtype=dtype)
        self.running_var = np.ones(D, dtype=dtype)
        self.out = None

    def _axes_and_shape(self, x: np.ndarray):
        if x.ndim == 2 and x.shape[1] == self.num_features:
            return (0,), (1, self.num_features)
        if x.ndim == 4 and x.shape[1] == self.num_features:
            return (0, 2, 3), (1, self.num_features, 1, 1)
        raise ValueError(
            f"Expected `x` (N, {self.num_features}) or (N, {self.num_features}, H, W). "
            f"Received: x.shape={x.shape}"
        )

    def forward(self, x, training=False):
        x = as_real_array(x, "x")
        axes, shape = self._axes_and_shape(x)
        if training:
            mean = x.mean(axis=axes)  # (D,)
            var = x.var(axis=axes)  # (D,): biased, as Keras uses it for the running average
            m = self.momentum
            self.running_mean *= m
            self.running_mean += (1 - m) * mean
            self.running_var *= m
            self.running_var += (1 - m) * var
        else:
            mean, var = self.running_mean, self.running_var
        self.training = bool(training)
        self.axes, self.shape = axes, shape
        self.inv_std = (1.0 / np.sqrt(var + self.epsilon)).astype(x.dtype)  # (D,)
        self.x_hat = (x - mean.reshape(shape)) * self.inv_std.reshape(shape)  # x's shape
        self.out = self.params["gamma"].reshape(shape) * self.x_hat
        self.out += self.params["beta"].reshape(shape)
        return self.out

    def backward(self, dout):
        dout = self._check_dout(dout, self.out)
        axes, shape = self.axes, self.shape
        self.grads["gamma"] = (dout * self.x_hat).sum(axis=axes)  # (D,)
        self.grads["beta"] = dout.sum(axis=axes)  # (D,)
        dx_hat = dout * self.params["gamma"].reshape(shape)  # x's shape
        inv_std = self.inv_std.reshape(shape)
        if not self.training:  # mean and variance were constants
            return dx_hat * inv_std
        # the batch mean and variance depend on every x: two extra terms
        mean_dx_hat = dx_hat.mean(axis=axes, keepdims=True)
        mean_dx_hat_x_hat = (dx_hat * self.x_hat).mean(axis=axes, keepdims=True)
        return inv_std * (dx_hat - mean_dx_hat - self.x_hat * mean_dx_hat_x_hat)

    def astype(self, dtype):
        super().astype(dtype)
        self.running_mean = self.running_mean.astype(dtype)
        self.running_var = self.running_var.astype(dtype)
        return self

    def __repr__(self):
        return f"BatchNorm({self.num_features}, momentum={self.momentum:g})"


class LayerNorm(Layer):
    r"""Layer normalisation (Ba et al., 2016), ``keras.layers.LayerNormalization``.

    Each position is normalised over its own D features (not over the batch, unlike
    ``BatchNorm``), then scaled and shifted by learned ``gamma`` and ``beta`` (D,):
    :math:`y = \gamma \frac{x - \mu}{\sqrt{\sigma^2 + \epsilon}} + \beta`, with :math:`\mu`,
    :math:`\sigma^2` the mean and variance of the last axis. Training and inference compute the
    same thing, so one example gives the same output alone or in a batch.

    Parameters
    ----------
    num_features : D, the last axis of the input (..., D)
    epsilon : float (Keras: 1e-3)
    dtype : float32 (training) or float64 (gradient checks)
    """

    def __init__(self, num_features, epsilon=1e-3, dtype=np.float32):
        super().__init__()
        self.num_features = check_positive_int(num_features, "num_features")
        self.epsilon = check_positive(epsilon, "epsilon")
        D = self.num_features
        self.params = {"gamma": np.ones(D, dtype=dtype), "beta": np.zeros(D, dtype=dtype)}
        self.grads = {"gamma": np.zeros(D, dtype=dtype), "beta": np.zeros(D, dtype=dtype)}
        self.out = None

    def forward(self, x, training=False):
        x = as_real_array(x, "x")
        if x.ndim < 2 or x.shape[-1] != self.num_features:
            raise ValueError(
                f"Expected `x` with the last axis {self.num_features} (..., {self.num_features}). "
                f"Received: x.shape={x.shape}"
            )
        mean = x.mean(axis=-1, keepdims=True)  # (..., 1): one mean per position
        var = x.var(axis=-1, keepdims=True)  # (..., 1)
        self.inv_std = 1.0 / np.sqrt(var + self.epsilon)  # (..., 1)
        self.x_hat = (x - mean) * self.inv_std  # (..., D)
        self.out = self.x_hat * self.params["gamma"] + self.params["beta"]  # (..., D)
        return self.out

    def backward(self, dout):
        dout = self._check_dout(dout, self.out)
        D = self.num_features
        self.grads["gamma"] = (dout * self.x_hat).reshape(-1, D).sum(axis=0)  # (D,)
        self.grads["beta"] = dout.reshape(-1, D).sum(axis=0)  # (D,)
        dx_hat = dout * self.params["gamma"]  # (..., D)
        # the mean and variance depend on every feature of the position: two extra terms
        mean_dx_hat = dx_hat.mean(axis=-1, keepdims=True)
        mean_dx_hat_x_hat = (dx_hat * self.x_hat).mean(axis=-1, keepdims=True)
        return self.inv_std * (dx_hat - mean_dx_hat - self.x_hat * mean_dx_hat_x_hat)

    def __repr__(self):
        return f"LayerNorm({self.num_features})"
