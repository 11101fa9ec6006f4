r"""Layers for sequences of tokens: ``Embedding`` (token ids -> vectors), ``TimeAffine`` (the same
``Affine`` at each step, (N, T, D) -> (N, T, H)) and ``PositionalEncoding`` (adds each position's
sinusoidal code, ``sinusoidal_positional_encoding``, so that attention can tell positions apart).
"""

from __future__ import annotations

import numpy as np

from seminar_lib._validation import as_real_array, check_positive_int, check_rng
from seminar_lib.layers.base import Layer
from seminar_lib.layers.dense import Affine

__all__ = ["Embedding", "PositionalEncoding", "TimeAffine", "sinusoidal_positional_encoding"]


def _as_ids(ids, vocab_size: int, name: str = "ids") -> np.ndarray:
    """Token ids as an integer array, checked against ``[0, vocab_size)``.

    Integer arrays pass as they are; float arrays are accepted when every value is a whole
    number (data sets are often stored as floats) and converted to ``np.intp``.
    """
    try:
        arr = np.asarray(ids)
    except Exception as exc:  # ragged lists and the like
        raise TypeError(
            f"Expected `{name}` to be an array of integer token ids. Received: {type(ids).__name__}"
        ) from exc
    if arr.dtype == bool or not (
        np.issubdtype(arr.dtype, np.integer) or np.issubdtype(arr.dtype, np.floating)
    ):
        raise TypeError(
            f"Expected `{name}` to be an array of integer token ids. "
            f"Received: {name}.dtype={arr.dtype}"
        )
    if arr.ndim == 0:
        raise ValueError(
            f"Expected `{name}` with a batch axis (N,) or (N, T). Received: {name}.shape=()"
        )
    if arr.dtype.kind == "f":
        bad = ~np.isfinite(arr) | (arr != np.floor(arr))
        if bad.any():
            raise ValueError(
                f"Expected whole-number token ids in `{name}`. "
                f"Received: {name}.dtype={arr.dtype} with the value {arr[bad][0].item()!r}"
            )
    if arr.size:
        low, high = arr.min(), arr.max()
        if low < 0 or high >= vocab_size:
            raise ValueError(
                f"Expected token ids in [0, {vocab_size}). "
                f"Received: min={low.item()!r}, max={high.item()!r}"
            )
    return arr.astype(np.intp, copy=False) if arr.dtype.kind == "f" else arr


class Embedding(Layer):
    r"""Look-up table: token id :math:`k` -> row :math:`k` of ``W`` (``keras.layers.Embedding``).

    Parameters
    ----------
    vocab_size, embed_dim : int
        V and E: ``W`` is (V, E), drawn from U(-0.05, 0.05) as Keras's default.
    rng : numpy.random.Generator
    dtype : float32 (training) or float64 (gradient checks)

    ``forward(ids)``: integer ids of any shape with a batch axis, (N, T) or (N,) -> (N, T, E) or
    (N, E). Float arrays of whole numbers are accepted too. ``backward(dout)`` stores ``dW``
    (rows of repeated ids add up) and returns None: ids have no gradient.
    """

    can_skip_input_grad = True

    def __init__(self, vocab_size, embed_dim, rng, dtype=np.float32):
        super().__init__()
        self.vocab_size = check_positive_int(vocab_size, "vocab_size")
        self.embed_dim = check_positive_int(embed_dim, "embed_dim")
        check_rng(rng)
        W = rng.uniform(-0.05, 0.05, size=(self.vocab_size, self.embed_dim)).astype(dtype)
        self.params = {"W": W}
        self.grads = {"W": np.zeros_like(W)}
        self.ids = None
        self.out = None

    def forward(self, ids, training=False):
        self.ids = _as_ids(ids, self.vocab_size)
        self.out = self.params["W"][self.ids]  # (N, T) -> (N, T, E), a copy of the rows
        return self.out

    def backward(self, dout, input_grad: bool = True):
        """Store dW (V, E): row k is the sum of ``dout`` over every position holding id k."""
        dout = self._check_dout(dout, self.out)
        dW = np.zeros_like(self.params["W"])  # (V, E)
        np.add.at(dW, self.ids.reshape(-1), dout.reshape(-1, self.embed_dim))  # (N*T, E) rows
        self.grads["W"] = dW
        return None

    def output_shape(self, input_shape):
        return (*input_shape, self.embed_dim)

    def __repr__(self):
        return f"Embedding(vocab_size={self.vocab_size}, embed_dim={self.embed_dim})"


class TimeAffine(Affine):
    r"""The same ``Affine`` :math:`y_t = x_t W + b` at every time step: (N, T, D) -> (N, T, H).

    ``W`` is (D, H), ``b`` is (H,): the layout of ``keras.layers.Dense`` applied to a 3-D input.

    Parameters
    ----------
    in_features, out_features : int
        D and H.
    rng : numpy.random.Generator
    init : {"glorot", "he", "small", "orthogonal"}
        Weight initialisation (Keras's Dense uses glorot); ``b`` starts at 0.
    dtype : float32 (training) or float64 (gradient checks)
    """

    def __init__(self, in_features, out_features, rng, init="glorot", dtype=np.float32):
        super().__init__(in_features, out_features, rng, init=init, dtype=dtype)
        self.x2 = None

    def forward(self, x, training=False):
        x = as_real_array(x, "x")
        D = self.in_features
        if x.ndim != 3 or x.shape[2] != D:
            raise ValueError(f"Expected `x` with 3 dims (N, T, {D}). Received: x.shape={x.shape}")
        N, T, _ = x.shape
        self.x2 = x.reshape(N * T, D)  # (N, T, D) -> (N*T, D): every step is one more row
        out = self.x2 @ self.params["W"] + self.params["b"]  # (N*T, D) @ (D, H) -> (N*T, H)
        self.out = out.reshape(N, T, self.out_features)  # (N*T, H) -> (N, T, H)
        return self.out

    def backward(self, dout, input_grad: bool = True):
        """Store dW and db (summed over N and T); return dx (N, T, D), or None when
        ``input_grad`` is False."""
        dout = self._check_dout(dout, self.out)
        N, T, H = dout.shape
        dout2 = dout.reshape(N * T, H)  # (N, T, H) -> (N*T, H)
        self.grads["W"] = self.x2.T @ dout2  # (D, N*T) @ (N*T, H) -> (D, H)
        self.grads["b"] = dout2.sum(axis=0)  # (N*T, H) -> (H,)
        if not input_grad:
            return None
        dx2 = dout2 @ self.params["W"].T  # (N*T, H) @ (H, D) -> (N*T, D)
        return dx2.reshape(N, T, self.in_features)  # (N*T, D) -> (N, T, D)

    def output_shape(self, input_shape):
        if len(input_shape) != 2 or input_shape[1] != self.in_features:
            raise ValueError(
                f"Expected input shape (T, {self.in_features}). Received: {tuple(input_shape)}"
            )
        return (input_shape[0], self.out_features)

    def __repr__(self):
        return f"TimeAffine({self.in_features} -> {self.out_features}, init={self.init!r})"


def sinusoidal_positional_encoding(T, D, base=10000.0, dtype=np.float32) -> np.ndarray:
    r"""The positional encoding of Vaswani et al. (2017), (T, D).

    Column pair :math:`(2i, 2i+1)` is a sine and a cosine of the position :math:`t` at the
    angular frequency :math:`\omega_i = 1 / \text{base}^{2i/D}`:
    :math:`PE_{t, 2i} = \sin(\omega_i t)`, :math:`PE_{t, 2i+1} = \cos(\omega_i t)`. The first
    columns turn fast (period :math:`2\pi`), the last ones slowly (period up to
    :math:`2\pi \cdot \text{base}`). ``D`` must be even.
    """
    T, D = check_positive_int(T, "T"), check_positive_int(D, "D")
    if D % 2:
        raise ValueError(f"Expected an even `D` (sine and cosine pairs). Received: D={D}")
    base = float(base)
    if not base > 1:
        raise ValueError(f"Expected `base` > 1. Received: base={base!r}")
    t = np.arange(T)[:, np.newaxis]  # (T, 1)
    omega = base ** (-np.arange(0, D, 2) / D)  # (D/2,): frequencies, fast to slow
    pe = np.empty((T, D))
    pe[:, 0::2] = np.sin(t * omega)  # (T, 1) * (D/2,) -> (T, D/2)
    pe[:, 1::2] = np.cos(t * omega)
    return pe.astype(dtype)


class PositionalEncoding(Layer):
    r"""Adds the sinusoidal positional encoding: (N, T, D) -> (N, T, D), :math:`x_t + PE_t`.

    Attention alone treats its input as a set (shuffle the positions and the outputs shuffle
    the same way); the added code tells it where each token is. No parameters; the gradient
    passes through unchanged.

    Parameters
    ----------
    max_len : int
        The longest sequence (T <= max_len); the table ``pe`` is (max_len, D).
    embed_dim : int
        D, even.
    """

    def __init__(self, max_len, embed_dim, dtype=np.float32):
        super().__init__()
        self.max_len = check_positive_int(max_len, "max_len")
        self.embed_dim = check_positive_int(embed_dim, "embed_dim")
        self.pe = sinusoidal_positional_encoding(self.max_len, self.embed_dim, dtype=dtype)
        self.out = None

    def forward(self, x, training=False):
        x = as_real_array(x, "x")
        if x.ndim != 3 or x.shape[2] != self.embed_dim or x.shape[1] > self.max_len:
            raise ValueError(
                f"Expected `x` with 3 dims (N, T, {self.embed_dim}) and T <= {self.max_len}. "
                f"Received: x.shape={x.shape}"
            )
        self.out = x + self.pe[: x.shape[1]]  # (N, T, D) + (T, D)
        return self.out

    def backward(self, dout):
        return self._check_dout(dout, self.out).copy()  # d(x + PE)/dx = 1

    def astype(self, dtype):
        self.pe = self.pe.astype(dtype)
        return self

    def __repr__(self):
        return f"PositionalEncoding(max_len={self.max_len}, embed_dim={self.embed_dim})"
