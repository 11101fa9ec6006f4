r"""Optimizers that update parameters in place, with Keras 3's update formulas.

Each ``update(params, grads)`` takes two dicts with the same keys (``model.params``,
``model.grads``) and changes the arrays of ``params`` in place.

State arrays (the velocity, Adam's ``m`` and ``v``) and one scratch array per parameter are
allocated at the first update and reused, so a training step allocates no new arrays.

Every update rule is elementwise, so when all parameters are consecutive views of one buffer
(as ``Sequential`` arranges them, see ``Sequential.flat_params``) and so are the gradients, the
optimizer updates that buffer in one pass: the same numbers, far fewer NumPy calls.
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
    for name, g in grads.items():
        if not isinstance(g, np.ndarray) or g.dtype.kind != "f":
            raise TypeError(
                f"Expected grads[{name!r}] to be a float numpy array (changed in place). "
                f"Received: {type(g).__name__} of dtype {getattr(g, 'dtype', None)}"
            )
    norm = float(np.sqrt(sum(float(np.vdot(g, g)) for g in grads.values())))
    if norm > max_norm:
        scale = max_norm / norm
        for g in grads.values():
            g *= scale
    return norm


def _covered_base(arrays) -> np.ndarray | None:
    """The 1-D buffer that ``arrays`` (views, in order, back to back) cover exactly, or None."""
    base = arrays[0].base if arrays else None
    if not isinstance(base, np.ndarray) or base.ndim != 1 or not base.flags.c_contiguous:
        return None
    address, itemsize = base.__array_interface__["data"][0], base.itemsize
    for a in arrays:
        if a.base is not base or a.dtype != base.dtype or not a.flags.c_contiguous:
            return None
        if a.__array_interface__["data"][0] != address:
            return None
        address += a.size * itemsize
    return base if address == base.__array_interface__["data"][0] + base.nbytes else None


class _Optimizer:
    r"""Base class: ``_state_names`` lists the per-weight arrays a subclass keeps (plus one
    scratch array ``tmp``); ``_step(p, g, **state)`` updates one parameter in place.

    ``weight_decay`` :math:`\lambda` (default 0) shrinks every parameter before each step,
    :math:`w \leftarrow w - \eta \lambda w`, as Keras 3's ``weight_decay`` does (decoupled
    weight decay: for plain SGD the same as adding :math:`\frac{\lambda}{2}\|w\|^2` to the
    loss; for Adam it is AdamW).
    """

    _state_names: tuple[str, ...] = ()

    def __init__(self, lr: float, weight_decay: float = 0.0):
        self.lr = check_positive(lr, "lr")
        if isinstance(weight_decay, bool) or not isinstance(weight_decay, numbers.Real):
            raise TypeError(
                f"Expected `weight_decay` to be a real number. Received: {weight_decay!r}"
            )
        if not 0 <= weight_decay < np.inf:
            raise ValueError(f"Expected `weight_decay` >= 0. Received: {weight_decay!r}")
        self.weight_decay = float(weight_decay)
        self.iterations = 0
        self.state: dict[str, dict[str, np.ndarray]] = {}

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
        self._prepare()
        flat = self._flat_buffers(params, grads)
        if flat is not None:
            p, g = flat
            self._decay(p)
            self._step(p, g, **self._state_for(" flat", p))
            return
        for name, p in params.items():
            g = grads[name]
            if g.dtype != p.dtype:
                g = g.astype(p.dtype)
            self._decay(p)
            self._step(p, g, **self._state_for(name, p))

    def _decay(self, p: np.ndarray) -> None:
        if self.weight_decay:
            p *= 1 - self.lr * self.weight_decay  # w <- w - lr * wd * w

    def _flat_buffers(self, params: dict, grads: dict):
        """(params buffer, grads buffer) when the arrays are consecutive views covering one
        1-D buffer each, in the same order and dtype; otherwise None."""
        arrays = (*params.values(), *(grads[name] for name in params))
        cached = getattr(self, "_flat_cache", None)
        if cached is not None and len(cached[0]) == len(arrays):
            if all(a is b for a, b in zip(cached[0], arrays, strict=True)):
                return cached[1]
        n = len(params)
        p_base, g_base = _covered_base(arrays[:n]), _covered_base(arrays[n:])
        result = None
        if p_base is not None and g_base is not None and p_base.dtype == g_base.dtype:
            if p_base.size == g_base.size:
                result = (p_base, g_base)
        self._flat_cache = (arrays, result)  # keeps the arrays alive, so ids are not reused
        return result

    def _state_for(self, name: str, p: np.ndarray) -> dict[str, np.ndarray]:
        state = self.state.get(name)
        if state is None or state["tmp"].shape != p.shape or state["tmp"].dtype != p.dtype:
            state = {k: np.zeros_like(p) for k in (*self._state_names, "tmp")}
            self.state[name] = state
        return state

    def _wd_repr(self) -> str:
        return f", weight_decay={self.weight_decay:g}" if self.weight_decay else ""

    def _prepare(self) -> None:
        """Per-update constants (Adam's bias correction), computed once for all parameters."""

    def _step(self, p: np.ndarray, g: np.ndarray, **state: np.ndarray) -> None:
        raise NotImplementedError


class SGD(_Optimizer):
    r"""Plain gradient descent: :math:`w \leftarrow w - \eta\, \partial E / \partial w`."""

    def __init__(self, lr: float = 0.01, weight_decay: float = 0.0):
        super().__init__(lr, weight_decay)

    def _step(self, p, g, tmp):
        np.multiply(g, self.lr, out=tmp)
        p -= tmp

    def __repr__(self):
        return f"SGD(lr={self.lr:g}{self._wd_repr()})"


class Momentum(_Optimizer):
    r"""Momentum SGD (``keras.optimizers.SGD(momentum=...)``):
    :math:`v \leftarrow \alpha v - \eta g`, :math:`w \leftarrow w + v`."""

    _state_names = ("velocity",)

    def __init__(self, lr: float = 0.01, momentum: float = 0.9, weight_decay: float = 0.0):
        super().__init__(lr, weight_decay)
        if isinstance(momentum, bool) or not 0 <= momentum < 1:
            raise ValueError(f"Expected 0 <= `momentum` < 1. Received: momentum={momentum!r}")
        self.momentum = float(momentum)

    def _step(self, p, g, velocity, tmp):
        velocity *= self.momentum
        np.multiply(g, self.lr, out=tmp)
        velocity -= tmp
        p += velocity

    def __repr__(self):
        return f"Momentum(lr={self.lr:g}, momentum={self.momentum:g}{self._wd_repr()})"


class Adam(_Optimizer):
    r"""Adam as Keras 3 computes it (epsilon added to :math:`\sqrt{v}`, bias correction in the
    step size): :math:`m \leftarrow m + (1-\beta_1)(g - m)`, :math:`v \leftarrow v + (1-\beta_2)
    (g^2 - v)`, :math:`w \leftarrow w - \eta \frac{\sqrt{1-\beta_2^t}}{1-\beta_1^t}
    \frac{m}{\sqrt{v} + \epsilon}`."""

    _state_names = ("m", "v")

    def __init__(self, lr=0.001, beta_1=0.9, beta_2=0.999, epsilon=1e-7, weight_decay=0.0):
        super().__init__(lr, weight_decay)
        for name, value in (("beta_1", beta_1), ("beta_2", beta_2)):
            if not 0 <= value < 1:
                raise ValueError(f"Expected 0 <= `{name}` < 1. Received: {name}={value!r}")
        self.beta_1, self.beta_2 = float(beta_1), float(beta_2)
        self.epsilon = check_positive(epsilon, "epsilon")
        self.alpha = self.lr

    def _prepare(self):
        t = self.iterations
        self.alpha = self.lr * (1 - self.beta_2**t) ** 0.5 / (1 - self.beta_1**t)  # a Python float

    def _step(self, p, g, m, v, tmp):
        # every line works in place on preallocated arrays: no temporary arrays per step
        np.subtract(g, m, out=tmp)
        tmp *= 1 - self.beta_1
        m += tmp  # m <- m + (1 - beta_1)(g - m)
        np.multiply(g, g, out=tmp)
        tmp -= v
        tmp *= 1 - self.beta_2
        v += tmp  # v <- v + (1 - beta_2)(g^2 - v)
        np.sqrt(v, out=tmp)
        tmp += self.epsilon
        np.divide(m, tmp, out=tmp)
        tmp *= self.alpha
        p -= tmp  # w <- w - alpha m / (sqrt(v) + epsilon)

    def __repr__(self):
        return (
            f"Adam(lr={self.lr:g}, beta_1={self.beta_1:g}, beta_2={self.beta_2:g}{self._wd_repr()})"
        )
