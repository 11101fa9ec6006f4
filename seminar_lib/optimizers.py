r"""Optimizers: the textbook update loops, with Keras 3's formulas.

Each optimizer has ``update(params, grads)``: two dicts with the same keys (``model.params`` and
``model.grads``, or any layer's own dicts). It changes the arrays of ``params`` in place, one
key after the other::

    for key in params:
        params[key] -= lr * grads[key]

so that a layer that keeps ``self.W`` (the same array as ``self.params["W"]``) sees the new
values. State such as the velocity or Adam's ``m`` and ``v`` is kept per key.
"""

from __future__ import annotations

import numbers

import numpy as np

from seminar_lib._validation import check_positive

__all__ = ["SGD", "Adam", "Momentum", "clip_grad_norm"]


def clip_grad_norm(grads: dict, max_norm: float) -> float:
    r"""Scale all gradients together so that their global L2 norm is at most ``max_norm``.

    :math:`\|g\| = \sqrt{\sum_k \|g_k\|^2}` over every array of ``grads``; each array is
    multiplied in place by :math:`\text{max\_norm} / \max(\|g\|, \text{max\_norm})`, as
    ``tf.clip_by_global_norm`` and Keras's ``global_clipnorm`` do: nothing changes below the
    limit, and above it the direction of the whole gradient is kept. This tames the exploding
    gradients of recurrent networks.

    Parameters
    ----------
    grads : dict of str -> ndarray (float)
        ``model.grads``; modified in place.
    max_norm : float > 0

    Returns
    -------
    float
        The global norm before clipping.
    """
    max_norm = check_positive(max_norm, "max_norm")
    if not isinstance(grads, dict):
        raise TypeError(f"Expected `grads` to be a dict of arrays. Received: {type(grads)}")
    for key, g in grads.items():
        if not isinstance(g, np.ndarray) or g.dtype.kind != "f":
            raise TypeError(
                f"Expected grads[{key!r}] to be a float numpy array (changed in place). "
                f"Received: {type(g).__name__} of dtype {getattr(g, 'dtype', None)}"
            )
    norm = float(np.sqrt(sum(float(np.sum(g * g)) for g in grads.values())))
    if norm > max_norm:
        for g in grads.values():
            g *= max_norm / norm
    return norm


class Optimizer:
    r"""What every optimizer shares: the learning rate, weight decay and the input checks.

    ``weight_decay`` :math:`\lambda` (default 0) shrinks every parameter before each step,
    :math:`w \leftarrow w - \eta \lambda w`, as Keras 3's ``weight_decay`` does (decoupled
    weight decay: for plain SGD the same as adding :math:`\frac{\lambda}{2}\|w\|^2` to the
    loss; for Adam it is AdamW). A subclass writes ``step(params, grads)``, the update rule.
    """

    def __init__(self, lr: float, weight_decay: float = 0.0):
        self.lr = check_positive(lr, "lr")
        if isinstance(weight_decay, bool) or not isinstance(weight_decay, numbers.Real):
            raise TypeError(
                f"Expected `weight_decay` to be a real number. Received: {weight_decay!r}"
            )
        if not 0 <= weight_decay < np.inf:
            raise ValueError(f"Expected `weight_decay` >= 0. Received: {weight_decay!r}")
        self.weight_decay = float(weight_decay)
        self.iterations = 0  # number of updates so far (Adam's t)

    def update(self, params: dict, grads: dict) -> None:
        """Check the two dicts, apply weight decay, then the update rule of ``step``."""
        if set(params) != set(grads):
            raise ValueError(
                "Expected `params` and `grads` with the same keys. "
                f"Received: {sorted(params)} and {sorted(grads)}"
            )
        for key in params:
            if np.shape(grads[key]) != np.shape(params[key]):
                raise ValueError(
                    f"Expected grads[{key!r}] with shape {np.shape(params[key])}. "
                    f"Received: {np.shape(grads[key])}"
                )
        self.iterations += 1
        if self.weight_decay:
            for key in params:
                params[key] -= self.lr * self.weight_decay * params[key]  # w <- w - lr wd w
        self.step(params, grads)

    def step(self, params: dict, grads: dict) -> None:
        raise NotImplementedError

    def _wd_repr(self) -> str:
        return f", weight_decay={self.weight_decay:g}" if self.weight_decay else ""


class SGD(Optimizer):
    r"""Plain gradient descent: :math:`w \leftarrow w - \eta\, \partial E / \partial w`."""

    def __init__(self, lr: float = 0.01, weight_decay: float = 0.0):
        super().__init__(lr, weight_decay)

    def step(self, params, grads):
        for key in params:
            params[key] -= self.lr * grads[key]

    def __repr__(self):
        return f"SGD(lr={self.lr:g}{self._wd_repr()})"


class Momentum(Optimizer):
    r"""Momentum SGD (``keras.optimizers.SGD(momentum=...)``):
    :math:`v \leftarrow \alpha v - \eta g`, :math:`w \leftarrow w + v`."""

    def __init__(self, lr: float = 0.01, momentum: float = 0.9, weight_decay: float = 0.0):
        super().__init__(lr, weight_decay)
        if isinstance(momentum, bool) or not 0 <= momentum < 1:
            raise ValueError(f"Expected 0 <= `momentum` < 1. Received: momentum={momentum!r}")
        self.momentum = float(momentum)
        self.v: dict[str, np.ndarray] = {}  # velocity per key, zeros at the first update

    def step(self, params, grads):
        for key in params:
            if key not in self.v:
                self.v[key] = np.zeros_like(params[key])
            self.v[key] = self.momentum * self.v[key] - self.lr * grads[key]
            params[key] += self.v[key]

    def __repr__(self):
        return f"Momentum(lr={self.lr:g}, momentum={self.momentum:g}{self._wd_repr()})"


class Adam(Optimizer):
    r"""Adam as Keras 3 computes it (epsilon added to :math:`\sqrt{v}`, the bias correction in
    the step size):

    .. math::
        m \leftarrow m + (1-\beta_1)(g - m), \quad v \leftarrow v + (1-\beta_2)(g^2 - v), \quad
        w \leftarrow w - \eta \frac{\sqrt{1-\beta_2^t}}{1-\beta_1^t} \frac{m}{\sqrt{v} + \epsilon}
    """

    def __init__(self, lr=0.001, beta_1=0.9, beta_2=0.999, epsilon=1e-7, weight_decay=0.0):
        super().__init__(lr, weight_decay)
        for name, value in (("beta_1", beta_1), ("beta_2", beta_2)):
            if not 0 <= value < 1:
                raise ValueError(f"Expected 0 <= `{name}` < 1. Received: {name}={value!r}")
        self.beta_1, self.beta_2 = float(beta_1), float(beta_2)
        self.epsilon = check_positive(epsilon, "epsilon")
        self.m: dict[str, np.ndarray] = {}  # first moment per key
        self.v: dict[str, np.ndarray] = {}  # second moment per key

    def step(self, params, grads):
        t = self.iterations
        alpha = self.lr * (1 - self.beta_2**t) ** 0.5 / (1 - self.beta_1**t)  # a Python float
        for key in params:
            if key not in self.m:
                self.m[key] = np.zeros_like(params[key])
                self.v[key] = np.zeros_like(params[key])
            g = grads[key]
            self.m[key] += (1 - self.beta_1) * (g - self.m[key])
            self.v[key] += (1 - self.beta_2) * (g * g - self.v[key])
            params[key] -= alpha * self.m[key] / (np.sqrt(self.v[key]) + self.epsilon)

    def __repr__(self):
        return (
            f"Adam(lr={self.lr:g}, beta_1={self.beta_1:g}, beta_2={self.beta_2:g}{self._wd_repr()})"
        )
