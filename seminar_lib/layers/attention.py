r"""Attention (Bahdanau et al., 2015; Vaswani et al., 2017), forward and backward in NumPy.

- ``causal_mask``, ``padding_mask``: boolean masks, True where a query may look at a key.
- ``ScaledDotProductAttention``: :math:`\mathrm{softmax}(QK^\top / \sqrt{d_k})\,V` on arrays
  (..., T, d), any leading axes (batch, heads).
- ``MultiHeadAttention``: the layer of ``keras.layers.MultiHeadAttention`` (same weights, same
  outputs): project to ``num_heads`` heads, attend in each, concatenate, project back.

Shapes: N examples, Tq query positions, Tk key positions, D model width, h heads, d_k per head.
"""

from __future__ import annotations

import numpy as np

from seminar_lib._validation import as_real_array, check_bool, check_positive_int, check_rng
from seminar_lib.initializers import glorot_uniform
from seminar_lib.layers.base import Layer

__all__ = [
    "MultiHeadAttention",
    "ScaledDotProductAttention",
    "causal_mask",
    "padding_mask",
    "scaled_dot_product_attention",
]

# A masked score is replaced by this number (Keras does the same), so its weight is exp(-1e9) = 0.
MASKED_SCORE = -1e9


def causal_mask(T) -> np.ndarray:
    """(T, T) bool, lower triangle: position t may look at positions 0..t, never the future.

    >>> causal_mask(3).astype(int)
    array([[1, 0, 0],
           [1, 1, 0],
           [1, 1, 1]])
    """
    T = check_positive_int(T, "T")
    return np.tril(np.ones((T, T), dtype=bool))  # (T, T)


def padding_mask(lengths, T) -> np.ndarray:
    """(N, 1, T) bool: key position s of example n is real (True) when s < lengths[n].

    The middle axis of length 1 broadcasts over the queries: every query of example n ignores
    the padding at the end of example n. Combine with ``causal_mask`` by ``&``.
    """
    T = check_positive_int(T, "T")
    lengths = np.asarray(lengths)
    if lengths.ndim != 1 or lengths.dtype.kind not in "iu":
        raise ValueError(
            "Expected `lengths` as a 1-D array of integers (N,). "
            f"Received: shape={lengths.shape}, dtype={lengths.dtype}"
        )
    if lengths.size and (lengths.min() < 1 or lengths.max() > T):
        raise ValueError(
            f"Expected every length in [1, {T}]. "
            f"Received: min={lengths.min().item()}, max={lengths.max().item()}"
        )
    return (np.arange(T) < lengths[:, np.newaxis])[:, np.newaxis, :]  # (N, T) -> (N, 1, T)


def _softmax_last(scores: np.ndarray) -> np.ndarray:
    e = np.exp(scores - scores.max(axis=-1, keepdims=True))  # subtract the max: no overflow
    return e / e.sum(axis=-1, keepdims=True)


class ScaledDotProductAttention(Layer):
    r"""Attention weights :math:`A = \mathrm{softmax}(QK^\top/\sqrt{d_k})` and output :math:`AV`.

    ``forward(q, k, v, mask=None)``: q (..., Tq, d_k), k (..., Tk, d_k), v (..., Tk, d_v) with
    the same leading axes; ``mask`` bool, broadcastable to (..., Tq, Tk), True where a query may
    look at a key (a row with no True gets equal weights, as in Keras). Returns (..., Tq, d_v);
    the weights are kept in ``self.weights`` (..., Tq, Tk), each row summing to 1.

    ``backward(dout)`` returns ``(dq, dk, dv)``. No parameters.
    """

    def __init__(self):
        super().__init__()
        self.weights = None
        self.out = None

    def forward(self, q, k, v, mask=None, training=False):
        q, k, v = (as_real_array(a, name) for a, name in ((q, "q"), (k, "k"), (v, "v")))
        if q.ndim < 2 or k.shape[:-2] != q.shape[:-2] or v.shape[:-1] != k.shape[:-1]:
            raise ValueError(
                "Expected q (..., Tq, d), k (..., Tk, d), v (..., Tk, d_v) with the same leading "
                f"axes. Received: q.shape={q.shape}, k.shape={k.shape}, v.shape={v.shape}"
            )
        if q.shape[-1] != k.shape[-1]:
            raise ValueError(
                "Expected q and k with the same last axis d. "
                f"Received: q.shape={q.shape}, k.shape={k.shape}"
            )
        d_k = q.shape[-1]
        scores = q @ np.swapaxes(k, -1, -2) / d_k**0.5  # (..., Tq, d) @ (..., d, Tk)
        if mask is not None:
            mask = np.asarray(mask, dtype=bool)
            try:
                np.broadcast_shapes(mask.shape, scores.shape)
            except ValueError:
                raise ValueError(
                    f"Expected `mask` broadcastable to the scores' shape {scores.shape} "
                    f"(..., Tq, Tk). Received: mask.shape={mask.shape}"
                ) from None
            scores = np.where(mask, scores, MASKED_SCORE).astype(q.dtype, copy=False)  # -> -1e9
        self.q, self.k, self.v = q, k, v
        self.weights = _softmax_last(scores)  # (..., Tq, Tk): each row sums to 1
        self.out = self.weights @ v  # (..., Tq, Tk) @ (..., Tk, d_v) -> (..., Tq, d_v)
        return self.out

    def backward(self, dout):
        dout = self._check_dout(dout, self.out)
        A = self.weights
        dA = dout @ np.swapaxes(self.v, -1, -2)  # (..., Tq, d_v) @ (..., d_v, Tk)
        dv = np.swapaxes(A, -1, -2) @ dout  # (..., Tk, Tq) @ (..., Tq, d_v) -> (..., Tk, d_v)
        # softmax backward, row by row: dS = A * (dA - sum_j dA_j A_j); masked weights are 0
        dscores = A * (dA - (dA * A).sum(axis=-1, keepdims=True))  # (..., Tq, Tk)
        dscores /= self.q.shape[-1] ** 0.5
        dq = dscores @ self.k  # (..., Tq, Tk) @ (..., Tk, d) -> (..., Tq, d)
        dk = np.swapaxes(dscores, -1, -2) @ self.q  # (..., Tk, Tq) @ (..., Tq, d) -> (..., Tk, d)
        return dq, dk, dv


def scaled_dot_product_attention(q, k, v, mask=None):
    """Forward only: ``(output, weights)`` of ``ScaledDotProductAttention`` (shapes there)."""
    attention = ScaledDotProductAttention()
    out = attention.forward(q, k, v, mask)
    return out, attention.weights


class MultiHeadAttention(Layer):
    r"""Multi-head attention, the layer of ``keras.layers.MultiHeadAttention``.

    For each head :math:`i`: :math:`Q_i = x_q W^Q_i + b^Q_i`, likewise :math:`K_i, V_i`;
    :math:`\mathrm{head}_i = \mathrm{softmax}(Q_i K_i^\top/\sqrt{d_k}) V_i`; the heads are
    concatenated and projected: :math:`\mathrm{out} = [\mathrm{head}_1, \dots, \mathrm{head}_h]
    W^O + b^O`.

    Parameters
    ----------
    embed_dim : int
        D, the width of the inputs and of the output.
    num_heads, key_dim : int
        h and d_k (Keras's ``num_heads``, ``key_dim``); values use d_k too (Keras's default).
    rng : numpy.random.Generator
        Draws the Glorot-uniform initial weights; biases start at 0.
    dtype : float32 (training) or float64 (gradient checks)

    ``params``: ``Wq``, ``Wk``, ``Wv`` (D, h*d_k), ``bq``, ``bk``, ``bv`` (h*d_k,), ``Wo``
    (h*d_k, D), ``bo`` (D,): head i owns columns ``i*d_k:(i+1)*d_k`` (Keras keeps them as
    (D, h, d_k); ``set_keras_weights`` reshapes).

    ``forward(query, value=None, key=None, mask=None, causal=False)``: query (N, Tq, D); value
    and key (N, Tk, D) (``value=None``: self-attention on ``query``; ``key=None``: key is
    value). ``mask`` bool (Tq, Tk), (N, Tq, Tk) or (N, 1, Tk), True where a query may look;
    ``causal=True`` also hides the future. Returns (N, Tq, D); ``self.weights`` is
    (N, h, Tq, Tk).

    ``backward(dout)`` returns one gradient per distinct input: dquery (N, Tq, D) for
    self-attention (the sum over its three uses), ``(dquery, dvalue)`` when only ``value`` was
    given, ``(dquery, dvalue, dkey)`` when both were.
    """

    def __init__(self, embed_dim, num_heads, key_dim, rng, dtype=np.float32):
        super().__init__()
        self.embed_dim = check_positive_int(embed_dim, "embed_dim")
        self.num_heads = check_positive_int(num_heads, "num_heads")
        self.key_dim = check_positive_int(key_dim, "key_dim")
        check_rng(rng)
        D, HK = self.embed_dim, self.num_heads * self.key_dim
        for name in "qkv":
            self.params[f"W{name}"] = glorot_uniform((D, HK), rng, dtype)
            self.params[f"b{name}"] = np.zeros(HK, dtype=dtype)
        self.params["Wo"] = glorot_uniform((HK, D), rng, dtype)
        self.params["bo"] = np.zeros(D, dtype=dtype)
        self.grads = {name: np.zeros_like(p) for name, p in self.params.items()}
        self.attention = ScaledDotProductAttention()
        self.out = None

    @property
    def weights(self):
        """Attention weights of the last forward pass, (N, h, Tq, Tk)."""
        return self.attention.weights

    def _split_heads(self, x2, N, T):
        # (N*T, h*d_k) -> (N, T, h, d_k) -> (N, h, T, d_k): each head is one more batch axis
        return x2.reshape(N, T, self.num_heads, self.key_dim).transpose(0, 2, 1, 3)

    def _merge_heads(self, x4):
        # (N, h, T, d_k) -> (N, T, h, d_k) -> (N*T, h*d_k): heads side by side
        N, h, T, d_k = x4.shape
        return x4.transpose(0, 2, 1, 3).reshape(N * T, h * d_k)

    def _check_input(self, x, name):
        x = as_real_array(x, name)
        if x.ndim != 3 or x.shape[2] != self.embed_dim:
            raise ValueError(
                f"Expected `{name}` with 3 dims (N, T, {self.embed_dim}). "
                f"Received: {name}.shape={x.shape}"
            )
        return x

    def forward(self, query, value=None, key=None, mask=None, causal=False, training=False):
        query = self._check_input(query, "query")
        self.inputs = "self" if value is None else ("value" if key is None else "value,key")
        value = query if value is None else self._check_input(value, "value")
        key = value if key is None else self._check_input(key, "key")
        if value.shape[0] != query.shape[0] or key.shape[:2] != value.shape[:2]:
            raise ValueError(
                "Expected query (N, Tq, D) and key, value (N, Tk, D). Received: "
                f"query.shape={query.shape}, key.shape={key.shape}, value.shape={value.shape}"
            )
        N, Tq, D = query.shape
        Tk = key.shape[1]
        if check_bool(causal, "causal"):  # query t sees keys 0..t (Keras's use_causal_mask)
            lower = np.tril(np.ones((Tq, Tk), dtype=bool))  # (Tq, Tk)
            mask = lower if mask is None else np.asarray(mask, dtype=bool) & lower
        if mask is not None:
            mask = np.asarray(mask, dtype=bool)
            if mask.ndim == 3:
                mask = mask[:, np.newaxis]  # (N, Tq, Tk) -> (N, 1, Tq, Tk): the same for each head
        P = self.params
        self.x2 = {"q": query.reshape(N * Tq, D), "k": key.reshape(N * Tk, D)}
        self.x2["v"] = value.reshape(N * Tk, D)
        q = self._split_heads(self.x2["q"] @ P["Wq"] + P["bq"], N, Tq)  # (N, h, Tq, d_k)
        k = self._split_heads(self.x2["k"] @ P["Wk"] + P["bk"], N, Tk)  # (N, h, Tk, d_k)
        v = self._split_heads(self.x2["v"] @ P["Wv"] + P["bv"], N, Tk)  # (N, h, Tk, d_k)
        heads = self.attention.forward(q, k, v, mask)  # (N, h, Tq, d_k)
        self.concat = self._merge_heads(heads)  # (N*Tq, h*d_k)
        out = self.concat @ P["Wo"] + P["bo"]  # (N*Tq, h*d_k) @ (h*d_k, D) -> (N*Tq, D)
        self.out = out.reshape(N, Tq, D)
        return self.out

    def backward(self, dout):
        dout = self._check_dout(dout, self.out)
        N, Tq, D = dout.shape
        P, dout2 = self.params, dout.reshape(N * Tq, D)
        self.grads["Wo"] = self.concat.T @ dout2  # (h*d_k, N*Tq) @ (N*Tq, D)
        self.grads["bo"] = dout2.sum(axis=0)  # (D,)
        dheads = (dout2 @ P["Wo"].T).reshape(N, Tq, self.num_heads, self.key_dim)
        dq, dk, dv = self.attention.backward(dheads.transpose(0, 2, 1, 3))  # (N, h, T, d_k)
        dx = {}
        for name, d4 in (("q", dq), ("k", dk), ("v", dv)):
            d2 = self._merge_heads(d4)  # (N*T, h*d_k)
            self.grads[f"W{name}"] = self.x2[name].T @ d2  # (D, N*T) @ (N*T, h*d_k)
            self.grads[f"b{name}"] = d2.sum(axis=0)  # (h*d_k,)
            dx[name] = (d2 @ P[f"W{name}"].T).reshape(N, -1, D)  # (N*T, D) -> (N, T, D)
        if self.inputs == "self":
            return dx["q"] + dx["k"] + dx["v"]
        if self.inputs == "value":
            return dx["q"], dx["v"] + dx["k"]
        return dx["q"], dx["v"], dx["k"]

    def set_keras_weights(self, weights) -> MultiHeadAttention:
        """Copy ``keras.layers.MultiHeadAttention.get_weights()`` (query, key, value, output
        kernels and biases, in that order) into ``params``, reshaping (D, h, d_k) -> (D, h*d_k)."""
        weights = list(weights)
        D, HK = self.embed_dim, self.num_heads * self.key_dim
        shapes = [(D, HK), (HK,)] * 3 + [(HK, D), (D,)]
        names = ["Wq", "bq", "Wk", "bk", "Wv", "bv", "Wo", "bo"]
        sizes_ok = [np.size(w) == int(np.prod(s)) for w, s in zip(weights, shapes, strict=False)]
        if len(weights) != 8 or not all(sizes_ok):
            raise ValueError(
                f"Expected the 8 weights of a Keras MultiHeadAttention(num_heads={self.num_heads}, "
                f"key_dim={self.key_dim}) on width {D}. "
                f"Received shapes: {[np.shape(w) for w in weights]}"
            )
        for name, w, shape in zip(names, weights, shapes, strict=True):
            self.params[name] = np.asarray(w, dtype=self.params[name].dtype).reshape(shape)
        return self

    def __repr__(self):
        return (
            f"MultiHeadAttention(embed_dim={self.embed_dim}, num_heads={self.num_heads}, "
            f"key_dim={self.key_dim})"
        )
