r"""Layers for sequences ``(N, T, D)``: ``Embedding``, ``RNN``, ``LSTM`` and ``TimeAffine``.

``RNN`` and ``LSTM`` keep Keras's parameter layout (``SimpleRNN``/``LSTM``: ``kernel``,
``recurrent_kernel``, ``bias`` are our ``Wx``, ``Wh``, ``b``; the LSTM's four gates side by side
in the order input, forget, candidate, output), so weights copy between the two unchanged.

Backpropagation through time (BPTT) runs the time loop backwards. Only the recurrent part needs
a loop: the input's contribution :math:`x_t W_x` to every step is one matrix product before the
loop, and :math:`\partial E / \partial W_x`, :math:`\partial E / \partial W_h` one product each
after it.

Memory layout is an implementation detail: inside a layer the time axis comes first
(``(T, N, H)``: one step is one contiguous block); arrays that the layer hands out (``hs``,
``cs``, ``gates``, the outputs and ``dx``) have the documented shapes (N, T, ...), some as
transposed views.
"""

from __future__ import annotations

import numpy as np

from seminar_lib._validation import (
    as_real_array,
    check_bool,
    check_positive_int,
    check_rng,
)
from seminar_lib.initializers import glorot_uniform, orthogonal
from seminar_lib.layers.base import Layer
from seminar_lib.layers.dense import Affine

__all__ = ["LSTM", "RNN", "Embedding", "TimeAffine"]


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
        dW = self.grads["W"]
        dW[...] = 0
        np.add.at(dW, self.ids.reshape(-1), dout.reshape(-1, self.embed_dim))  # (N*T, E) rows
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
        out = self.x2 @ self.params["W"]  # (N*T, D) @ (D, H) -> (N*T, H)
        out += self.params["b"]
        self.out = out.reshape(N, T, self.out_features)  # (N*T, H) -> (N, T, H)
        return self.out

    def backward(self, dout, input_grad: bool = True):
        """Store dW and db (summed over N and T); return dx (N, T, D), or None when
        ``input_grad`` is False."""
        dout = self._check_dout(dout, self.out)
        N, T, H = dout.shape
        dout2 = dout.reshape(N * T, H)  # (N, T, H) -> (N*T, H)
        np.matmul(self.x2.T, dout2, out=self.grads["W"])  # (D, N*T) @ (N*T, H) -> (D, H)
        np.sum(dout2, axis=0, out=self.grads["b"])  # (N*T, H) -> (H,)
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


class _Recurrent(Layer):
    """What ``RNN`` and ``LSTM`` share: parameters, input checks, state, and the matrix products
    before and after the time loop. ``_num_gates`` blocks of H columns; ``_state_names``."""

    can_skip_input_grad = True
    _num_gates = 1
    _state_names: tuple[str, ...] = ("h",)

    def __init__(
        self,
        input_dim,
        hidden_size,
        rng,
        return_sequences=False,
        stateful=False,
        dtype=np.float32,
    ):
        super().__init__()
        self.input_dim = check_positive_int(input_dim, "input_dim")
        self.hidden_size = check_positive_int(hidden_size, "hidden_size")
        check_rng(rng)
        self.return_sequences = check_bool(return_sequences, "return_sequences")
        self.stateful = check_bool(stateful, "stateful")
        D, H, G = self.input_dim, self.hidden_size, self._num_gates
        Wx = glorot_uniform((D, G * H), rng, dtype)  # Keras: kernel, glorot uniform
        Wh = orthogonal((H, G * H), rng, dtype)  # Keras: recurrent_kernel, orthogonal
        self.params = {"Wx": Wx, "Wh": Wh, "b": self._initial_bias(dtype)}
        self.grads = {name: np.zeros_like(p) for name, p in self.params.items()}
        self.state: dict[str, np.ndarray] | None = None
        self.out = None

    def _initial_bias(self, dtype) -> np.ndarray:
        return np.zeros(self._num_gates * self.hidden_size, dtype=dtype)

    def reset_state(self) -> None:
        """Start the next call from zeros again (``stateful=True``)."""
        self.state = None

    def _time_major(self, x) -> tuple[np.ndarray, int, int]:
        """Check ``x`` (N, T, D); return it time-major as (T*N, D) in the parameters' dtype."""
        x = as_real_array(x, "x")
        D = self.input_dim
        if x.ndim != 3 or x.shape[2] != D:
            raise ValueError(f"Expected `x` with 3 dims (N, T, {D}). Received: x.shape={x.shape}")
        N, T, _ = x.shape
        if T == 0:
            raise ValueError(f"Expected `x` with at least 1 time step. Received: x.shape={x.shape}")
        xs = np.empty((T, N, D), dtype=self.params["Wx"].dtype)
        xs[...] = x.transpose(1, 0, 2)  # (N, T, D) -> (T, N, D), one copy
        return xs.reshape(T * N, D), N, T  # (T*N, D): row t*N + n is sample n at step t

    def _initial_state(self, N: int) -> dict[str, np.ndarray] | None:
        """The state a stateful layer carries over (None: zeros), checked against N."""
        if not self.stateful or self.state is None:
            return None
        H = self.hidden_size
        for name in self._state_names:
            shape = self.state[name].shape
            if shape[1:] != (H,) or len(shape) != 2:
                raise ValueError(f"Expected state[{name!r}] with shape (N, {H}). Received: {shape}")
            if shape[0] != N:
                raise ValueError(
                    f"Expected `x` with batch size {shape[0]}, the batch size of the state "
                    "this stateful layer carries over; call reset_state() to start over with "
                    f"another batch size. Received: x.shape[0]={N}"
                )
        return self.state

    def _param_gradients(self, dA, xs, hprev, input_grad):
        """dWx, dWh, db from the gradients of the pre-activations ``dA`` (T, N, G*H), one matrix
        product each; return dx (N, T, D) or None."""
        T, N, GH = dA.shape
        dA2 = dA.reshape(T * N, GH)  # (T, N, GH) -> (T*N, GH)
        np.matmul(xs.T, dA2, out=self.grads["Wx"])  # (D, T*N) @ (T*N, GH) -> (D, GH)
        h2 = hprev.reshape(T * N, self.hidden_size)  # h_{t-1} of every step: (T*N, H)
        np.matmul(h2.T, dA2, out=self.grads["Wh"])  # (H, T*N) @ (T*N, GH) -> (H, GH)
        np.sum(dA2, axis=0, out=self.grads["b"])  # (T*N, GH) -> (GH,)
        if not input_grad:
            return None
        dxs = dA2 @ self.params["Wx"].T  # (T*N, GH) @ (GH, D) -> (T*N, D)
        return dxs.reshape(T, N, self.input_dim).transpose(1, 0, 2)  # (N, T, D), a view

    def output_shape(self, input_shape):
        if len(input_shape) != 2 or input_shape[1] != self.input_dim:
            raise ValueError(
                f"Expected input shape (T, {self.input_dim}). Received: {tuple(input_shape)}"
            )
        H = self.hidden_size
        return (input_shape[0], H) if self.return_sequences else (H,)

    def __repr__(self):
        stateful = ", stateful=True" if self.stateful else ""
        return (
            f"{type(self).__name__}({self.input_dim} -> {self.hidden_size}, "
            f"return_sequences={self.return_sequences}{stateful})"
        )


class RNN(_Recurrent):
    r"""Simple (Elman) recurrent layer, ``keras.layers.SimpleRNN``:
    :math:`h_t = \tanh(x_t W_x + h_{t-1} W_h + b)`, :math:`h_0 = 0`.

    Parameters
    ----------
    input_dim, hidden_size : int
        D and H: ``Wx`` (D, H) glorot uniform, ``Wh`` (H, H) orthogonal, ``b`` (H,) zeros.
    rng : numpy.random.Generator
    return_sequences : bool
        Output every hidden state (N, T, H), or only the last one (N, H).
    stateful : bool
        The last state of one call is the first state of the next (generating text one step at
        a time); gradients stop at the call boundary. ``reset_state()`` goes back to zeros.
    dtype : float32 (training) or float64 (gradient checks)

    After ``forward``: ``hs`` (N, T, H), every hidden state. After ``backward``: ``dh0``
    (N, H), the gradient w.r.t. the initial state (how much the start still matters: the
    vanishing gradient).
    """

    def forward(self, x, training=False):
        xs, N, T = self._time_major(x)  # (T*N, D)
        H = self.hidden_size
        state = self._initial_state(N)
        Wh = self.params["Wh"]
        A = xs @ self.params["Wx"]  # (T*N, D) @ (D, H) -> (T*N, H): x_t Wx of every step
        A += self.params["b"]
        A = A.reshape(T, N, H)  # (T*N, H) -> (T, N, H)
        hbuf = np.empty((T + 1, N, H), dtype=A.dtype)  # h_0, h_1, ..., h_T
        hbuf[0] = 0 if state is None else state["h"]
        tmp = np.empty((N, H), dtype=A.dtype)
        for t in range(T):
            np.matmul(hbuf[t], Wh, out=tmp)  # (N, H) @ (H, H) -> (N, H)
            np.add(A[t], tmp, out=hbuf[t + 1])
            np.tanh(hbuf[t + 1], out=hbuf[t + 1])  # h_t
        self.xs, self.hbuf = xs, hbuf
        self.hs = hbuf[1:].transpose(1, 0, 2)  # (T, N, H) -> (N, T, H), a view
        if self.stateful:
            self.state = {"h": hbuf[T].copy()}
        self.out = self.hs if self.return_sequences else hbuf[T]  # (N, T, H) or (N, H)
        return self.out

    def backward(self, dout, input_grad: bool = True):
        """Backpropagation through time: store dWx, dWh, db and ``dh0``; return dx (N, T, D),
        or None when ``input_grad`` is False."""
        dout = self._check_dout(dout, self.out)
        hbuf, Wh = self.hbuf, self.params["Wh"]
        T, N, H = hbuf.shape[0] - 1, hbuf.shape[1], self.hidden_size
        hs = hbuf[1:]  # (T, N, H)
        dA = np.multiply(hs, hs)  # (T, N, H)
        np.subtract(1, dA, out=dA)  # tanh' = 1 - h_t^2, for every step at once
        dh = np.zeros((N, H), dtype=dA.dtype)  # dE/dh_t from the steps after t
        if self.return_sequences:
            dout_tm = dout.transpose(1, 0, 2)  # (N, T, H) -> (T, N, H), a view
        else:
            dh[...] = dout  # only h_T reaches the output
        for t in range(T - 1, -1, -1):
            if self.return_sequences:
                dh += dout_tm[t]  # h_t also went to the output directly
            dA[t] *= dh  # da_t = dh_t * (1 - h_t^2): (N, H)
            np.matmul(dA[t], Wh.T, out=dh)  # dh_{t-1} = da_t Wh^T: (N, H) @ (H, H) -> (N, H)
        self.dh0 = dh
        return self._param_gradients(dA, self.xs, hbuf[:-1], input_grad)


class LSTM(_Recurrent):
    r"""Long short-term memory (Hochreiter & Schmidhuber, 1997), ``keras.layers.LSTM``.

    .. math::
        a = x_t W_x + h_{t-1} W_h + b, \quad
        i, f, o = \sigma(a_i), \sigma(a_f), \sigma(a_o), \quad g = \tanh(a_g) \\
        c_t = f \odot c_{t-1} + i \odot g, \qquad h_t = o \odot \tanh(c_t)

    Parameters
    ----------
    input_dim, hidden_size : int
        D and H: ``Wx`` (D, 4H) glorot uniform, ``Wh`` (H, 4H) orthogonal, ``b`` (4H,) zeros
        except 1 for the forget gate (Keras's ``unit_forget_bias``). The four blocks of H
        columns are the gates in Keras's order: input i, forget f, candidate g, output o.
    rng : numpy.random.Generator
    return_sequences : bool
        Output every hidden state (N, T, H), or only the last one (N, H).
    stateful : bool
        The last (h, c) of one call is the first of the next; ``reset_state()`` zeros them.
    dtype : float32 (training) or float64 (gradient checks)

    After ``forward``: ``hs`` and ``cs`` (N, T, H), and ``gates``, a dict of the activations
    ``"input"``, ``"forget"``, ``"candidate"``, ``"output"``, each (N, T, H). After
    ``backward``: ``dh0`` and ``dc0`` (N, H), the gradients w.r.t. the initial state.

    The sigmoid is computed as :math:`\sigma(a) = \frac12 \tanh(a/2) + \frac12` (the same
    function, exact sigmoid as Keras 3's default), so that one ``tanh`` call per step covers
    all four gates.
    """

    _num_gates = 4
    _state_names = ("h", "c")

    def _initial_bias(self, dtype):
        H = self.hidden_size
        b = np.zeros(4 * H, dtype=dtype)
        b[H : 2 * H] = 1.0  # forget gate open at the start: memory is kept by default
        return b

    def _gate_scale(self, dtype) -> np.ndarray:
        """(4H,): 1/2 for the sigmoid gates i, f, o, 1 for the candidate g."""
        H = self.hidden_size
        scale = np.full(4 * H, 0.5, dtype=dtype)
        scale[2 * H : 3 * H] = 1.0
        return scale

    def forward(self, x, training=False):
        xs, N, T = self._time_major(x)  # (T*N, D)
        H = self.hidden_size
        state = self._initial_state(N)
        dtype = xs.dtype
        scale = self._gate_scale(dtype)  # (4H,)
        shift = 1 - scale  # (4H,): 1/2 for i, f, o, 0 for g
        Wh_s = self.params["Wh"] * scale  # (H, 4H), the sigmoid columns halved
        G = xs @ self.params["Wx"]  # (T*N, D) @ (D, 4H) -> (T*N, 4H): x_t Wx of every step
        G += self.params["b"]
        G *= scale  # the argument of tanh: a/2 for i, f, o; a for g
        G = G.reshape(T, N, 4 * H)  # (T*N, 4H) -> (T, N, 4H); becomes the gate activations
        hbuf = np.empty((T + 1, N, H), dtype=dtype)  # h_0 ... h_T
        cbuf = np.empty((T + 1, N, H), dtype=dtype)  # c_0 ... c_T
        tanh_c = np.empty((T, N, H), dtype=dtype)  # tanh(c_t), kept for backward
        hbuf[0] = 0 if state is None else state["h"]
        cbuf[0] = 0 if state is None else state["c"]
        tmp4 = np.empty((N, 4 * H), dtype=dtype)
        tmp = np.empty((N, H), dtype=dtype)
        i, f, g, o = (G[:, :, k * H : (k + 1) * H] for k in range(4))  # views, each (T, N, H)
        for t in range(T):
            gates = G[t]  # (N, 4H)
            np.matmul(hbuf[t], Wh_s, out=tmp4)  # (N, H) @ (H, 4H) -> (N, 4H)
            gates += tmp4
            np.tanh(gates, out=gates)
            gates *= scale
            gates += shift  # i, f, o = tanh(a/2)/2 + 1/2 = sigmoid(a); g = tanh(a)
            np.multiply(f[t], cbuf[t], out=cbuf[t + 1])
            np.multiply(i[t], g[t], out=tmp)
            cbuf[t + 1] += tmp  # c_t = f c_{t-1} + i g
            np.tanh(cbuf[t + 1], out=tanh_c[t])
            np.multiply(o[t], tanh_c[t], out=hbuf[t + 1])  # h_t = o tanh(c_t)
        self.xs, self.G, self.hbuf, self.cbuf, self.tanh_c = xs, G, hbuf, cbuf, tanh_c
        self.hs = hbuf[1:].transpose(1, 0, 2)  # (T, N, H) -> (N, T, H), a view
        self.cs = cbuf[1:].transpose(1, 0, 2)
        names = ("input", "forget", "candidate", "output")
        self.gates = {
            name: gate.transpose(1, 0, 2) for name, gate in zip(names, (i, f, g, o), strict=True)
        }  # each (T, N, H) -> (N, T, H), a view
        if self.stateful:
            self.state = {"h": hbuf[T].copy(), "c": cbuf[T].copy()}
        self.out = self.hs if self.return_sequences else hbuf[T]  # (N, T, H) or (N, H)
        return self.out

    def backward(self, dout, input_grad: bool = True):
        """Backpropagation through time: store dWx, dWh, db, ``dh0`` and ``dc0``; return dx
        (N, T, D), or None when ``input_grad`` is False."""
        dout = self._check_dout(dout, self.out)
        G, cbuf, tanh_c, Wh = self.G, self.cbuf, self.tanh_c, self.params["Wh"]
        T, N, H = tanh_c.shape
        i, f, g, o = (G[:, :, k * H : (k + 1) * H] for k in range(4))  # each (T, N, H)
        # Everything that does not depend on the incoming gradient, for all steps at once:
        # da_i = dc g i(1-i), da_f = dc c_{t-1} f(1-f), da_g = dc i (1-g^2),
        # da_o = dh tanh(c_t) o(1-o), and dc_t gets dh o (1 - tanh(c_t)^2).
        coef = np.empty((T, N, 3, H), dtype=G.dtype)  # (T, N, 3, H): the factors of dc
        np.multiply(g, i * (1 - i), out=coef[:, :, 0])
        np.multiply(cbuf[:-1], f * (1 - f), out=coef[:, :, 1])
        np.multiply(i, 1 - g * g, out=coef[:, :, 2])
        coef_o = tanh_c * o * (1 - o)  # (T, N, H): the factor of dh in da_o
        coef_c = o * (1 - tanh_c * tanh_c)  # (T, N, H): the factor of dh in dc_t
        dA = np.empty((T, N, 4, H), dtype=G.dtype)  # dE/da of every step, gates side by side
        dh = np.zeros((N, H), dtype=G.dtype)  # dE/dh_t from the steps after t
        dc = np.zeros((N, H), dtype=G.dtype)  # dE/dc_t from the steps after t
        tmp = np.empty((N, H), dtype=G.dtype)
        if self.return_sequences:
            dout_tm = dout.transpose(1, 0, 2)  # (N, T, H) -> (T, N, H), a view
        else:
            dh[...] = dout  # only h_T reaches the output
        for t in range(T - 1, -1, -1):
            if self.return_sequences:
                dh += dout_tm[t]  # h_t also went to the output directly
            np.multiply(dh, coef_o[t], out=dA[t, :, 3])  # da_o
            np.multiply(dh, coef_c[t], out=tmp)
            dc += tmp  # dc_t = dc from step t+1 + dh o (1 - tanh(c_t)^2)
            np.multiply(dc[:, None, :], coef[t], out=dA[t, :, :3])  # da_i, da_f, da_g
            dc *= f[t]  # dc_{t-1} = dc_t f
            np.matmul(dA[t].reshape(N, 4 * H), Wh.T, out=dh)  # dh_{t-1}: (N, 4H) @ (4H, H)
        self.dh0, self.dc0 = dh, dc
        dA = dA.reshape(T, N, 4 * H)  # (T, N, 4, H) -> (T, N, 4H)
        return self._param_gradients(dA, self.xs, self.hbuf[:-1], input_grad)
