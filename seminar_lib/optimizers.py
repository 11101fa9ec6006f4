r"""Optimizers that update parameters in place, with Keras 3's update formulas.

Each ``update(params, grads)`` takes two dicts with the same keys (``model.params``,
``model.grads``) and changes the arrays of ``params`` in place.
"""

from __future__ import annotations

import numpy as np

from seminar_lib._validation import check_positive

__all__ = ["SGD", "Adam", "Momentum"]


class _Optimizer:
    def __init__(self, lr: float):
        self.lr = check_positive(lr, "lr")
        self.iterations = 0

    def update(self, params: dict, grads: dict) -> None:
        if set(params) != set(grads):
            raise ValueError(
                "Expected `params` and `grads` with the same keys. "
                f"Received: {sorted(params)} and {sorted(grads)}"
            )
        for name, p in params.items():
            if grads[name].shape != p.shape:
                raise ValueError(
                    f"Expected grads[{name!r}] with shape {p.shape}. Received: {grads[name].shape}"
                )
        self.iterations += 1
        for name, p in params.items():
            self._step(name, p, grads[name].astype(p.dtype, copy=False))

    def _step(self, name: str, p: np.ndarray, g: np.ndarray) -> None:
        raise NotImplementedError


class SGD(_Optimizer):
    r"""Plain gradient descent: :math:`w \leftarrow w - \eta\, \partial E / \partial w`."""

    def __init__(self, lr: float = 0.01):
        super().__init__(lr)

    def _step(self, name, p, g):
        p -= self.lr * g

    def __repr__(self):
        return f"SGD(lr={self.lr:g})"


class Momentum(_Optimizer):
    r"""Momentum SGD (``keras.optimizers.SGD(momentum=...)``):
    :math:`v \leftarrow \alpha v - \eta g`, :math:`w \leftarrow w + v`."""

    def __init__(self, lr: float = 0.01, momentum: float = 0.9):
        super().__init__(lr)
        if not 0 <= momentum < 1:
            raise ValueError(f"Expected 0 <= `momentum` < 1. Received: momentum={momentum!r}")
        self.momentum = float(momentum)
        self.velocity: dict[str, np.ndarray] = {}

    def _step(self, name, p, g):
        v = self.velocity.setdefault(name, np.zeros_like(p))
        v *= self.momentum
        v -= self.lr * g
        p += v

    def __repr__(self):
        return f"Momentum(lr={self.lr:g}, momentum={self.momentum:g})"


class Adam(_Optimizer):
    r"""Adam as Keras 3 computes it (epsilon added to :math:`\sqrt{v}`, bias correction in the
    step size): :math:`m \leftarrow m + (1-\beta_1)(g - m)`, :math:`v \leftarrow v + (1-\beta_2)
    (g^2 - v)`, :math:`w \leftarrow w - \eta \frac{\sqrt{1-\beta_2^t}}{1-\beta_1^t}
    \frac{m}{\sqrt{v} + \epsilon}`."""

    def __init__(self, lr=0.001, beta_1=0.9, beta_2=0.999, epsilon=1e-7):
        super().__init__(lr)
        for name, value in (("beta_1", beta_1), ("beta_2", beta_2)):
            if not 0 <= value < 1:
                raise ValueError(f"Expected 0 <= `{name}` < 1. Received: {name}={value!r}")
        self.beta_1, self.beta_2 = float(beta_1), float(beta_2)
        self.epsilon = check_positive(epsilon, "epsilon")
        self.m: dict[str, np.ndarray] = {}
        self.v: dict[str, np.ndarray] = {}

    def _step(self, name, p, g):
        m = self.m.setdefault(name, np.zeros_like(p))
        v = self.v.setdefault(name, np.zeros_like(p))
        t = self.iterations
        alpha = self.lr * np.sqrt(1 - self.beta_2**t) / (1 - self.beta_1**t)
        m += (g - m) * (1 - self.beta_1)
        v += (g * g - v) * (1 - self.beta_2)
        step = np.sqrt(v)  # the rest in place: no further temporary arrays
        step += self.epsilon
        np.divide(m, step, out=step)
        step *= alpha
        p -= step

    def __repr__(self):
        return f"Adam(lr={self.lr:g}, beta_1={self.beta_1:g}, beta_2={self.beta_2:g})"
