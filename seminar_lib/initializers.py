"""Weight initialisers; each draws from the ``rng`` it is given (float32 by default)."""

from __future__ import annotations

import numpy as np

__all__ = ["INITIALIZERS", "glorot_uniform", "he_normal", "orthogonal", "small_normal"]


def _fans(shape: tuple[int, ...]) -> tuple[int, int]:
    """(fan_in, fan_out) of a dense (D, H) or convolutional (C_out, C_in, KH, KW) weight."""
    if len(shape) == 2:
        return shape[0], shape[1]
    receptive = int(np.prod(shape[2:]))
    return shape[1] * receptive, shape[0] * receptive


def he_normal(shape, rng: np.random.Generator, dtype=np.float32) -> np.ndarray:
    r"""He initialisation for ReLU layers: :math:`\mathcal{N}(0, 2/\text{fan\_in})`."""
    fan_in, _ = _fans(tuple(shape))
    return (rng.standard_normal(shape) * np.sqrt(2.0 / fan_in)).astype(dtype)


def glorot_uniform(shape, rng: np.random.Generator, dtype=np.float32) -> np.ndarray:
    r"""Xavier/Glorot initialisation for sigmoid/tanh layers (Keras's default for Dense):
    :math:`U(-a, a)`, :math:`a = \sqrt{6 / (\text{fan\_in} + \text{fan\_out})}`."""
    fan_in, fan_out = _fans(tuple(shape))
    limit = np.sqrt(6.0 / (fan_in + fan_out))
    return rng.uniform(-limit, limit, size=shape).astype(dtype)


def small_normal(shape, rng: np.random.Generator, dtype=np.float32) -> np.ndarray:
    r""":math:`\mathcal{N}(0, 0.01^2)`: the naive choice, which stalls deep networks (session 3)."""
    return (rng.standard_normal(shape) * 0.01).astype(dtype)


def orthogonal(shape, rng: np.random.Generator, dtype=np.float32) -> np.ndarray:
    r"""A random orthogonal matrix (Keras's default for recurrent kernels, gain 1).

    The QR decomposition of a Gaussian matrix, with the signs of R's diagonal moved into Q so
    that Q is uniformly distributed. ``shape`` (rows, cols) is read as a matrix of
    ``prod(shape[:-1])`` rows, as Keras does: when rows >= cols the columns are orthonormal
    (:math:`W^\top W = I`), otherwise the rows are (:math:`W W^\top = I`; an LSTM's
    (H, 4H) recurrent kernel).
    """
    shape = tuple(shape)
    rows, cols = int(np.prod(shape[:-1])), shape[-1]
    a = rng.standard_normal((max(rows, cols), min(rows, cols)))  # a tall Gaussian matrix
    q, r = np.linalg.qr(a)  # q: (max, min), orthonormal columns
    q *= np.sign(np.diag(r))  # unique decomposition: R with a positive diagonal
    if rows < cols:
        q = q.T  # (min, max): orthonormal rows
    return q.reshape(shape).astype(dtype)


#: Name -> initialiser, for the ``init=`` argument of layers.
INITIALIZERS = {
    "he": he_normal,
    "glorot": glorot_uniform,
    "xavier": glorot_uniform,
    "small": small_normal,
    "orthogonal": orthogonal,
}
