r"""Recurrent layers for sequences ``(N, T, D)``: ``RNN`` and ``LSTM``, and their one-step cells.

``RNN`` and ``LSTM`` keep Keras's parameter layout (``SimpleRNN``/``LSTM``: ``kernel``,
``recurrent_kernel``, ``bias`` are our ``Wx``, ``Wh``, ``b``; the LSTM's four gates side by side
in the order input, forget, candidate, output), so weights copy between the two unchanged.

Each recurrent layer is written as in the lecture: a cell computes one time step forward and
backward (``RNNCell``, ``LSTMCell``), and the layer loops over time with one cell per step.
Backpropagation through time (BPTT) runs that loop backwards; the weights are shared by all
steps, so their gradient is the sum of every step's share.
"""

from __future__ import annotations

import numpy as np

from seminar_lib._validation import (
    as_real_array,
    check_bool,
    check_positive_int,
    check_rng,
)
from seminar_lib.functions import sigmoid
from seminar_lib.initializers import glorot_uniform, orthogonal
from seminar_lib.layers.base import Layer

__all__ = ["LSTM", "RNN", "LSTMCell", "RNNCell"]


class RNNCell:
    r"""One time step of the simple RNN: :math:`h_t = \tanh(x_t W_x + h_{t-1} W_h + b)`.

    ``forward(x, h_prev)`` keeps what ``backward`` needs; ``backward(dh)`` fills ``grads`` with
    this step's share of dWx, dWh and db and returns (dx, dh_prev). The ``RNN`` layer runs one
    cell per time step, all sharing the same ``params``.
    """

    def __init__(self, params: dict):
        self.params = params  # the layer's Wx (D, H), Wh (H, H), b (H,)
        self.grads: dict[str, np.ndarray] = {}
        self.cache = None

    def forward(self, x, h_prev):
        Wx, Wh, b = self.params["Wx"], self.params["Wh"], self.params["b"]
        a = x @ Wx + h_prev @ Wh + b  # (N, D) @ (D, H) + (N, H) @ (H, H) + (H,) -> (N, H)
        h = np.tanh(a)  # (N, H)
        self.cache = (x, h_prev, h)
        return h

    def backward(self, dh):
        x, h_prev, h = self.cache
        da = dh * (1 - h * h)  # tanh'(a) = 1 - h^2: (N, H)
        self.grads = {
            "Wx": x.T @ da,  # (D, N) @ (N, H) -> (D, H)
            "Wh": h_prev.T @ da,  # (H, N) @ (N, H) -> (H, H)
            "b": da.sum(axis=0),  # (N, H) -> (H,)
        }
        dx = da @ self.params["Wx"].T  # (N, H) @ (H, D) -> (N, D)
        dh_prev = da @ self.params["Wh"].T  # (N, H) @ (H, H) -> (N, H)
        return dx, dh_prev


class LSTMCell:
    r"""One time step of the LSTM, the gate equations of the lecture:

    .. math::
        a = x_t W_x + h_{t-1} W_h + b, \quad
        i = \sigma(a_i), \; f = \sigma(a_f), \; g = \tanh(a_g), \; o = \sigma(a_o) \\
        c_t = f \odot c_{t-1} + i \odot g, \qquad h_t = o \odot \tanh(c_t)

    The four blocks of H columns of ``a`` are the gates in Keras's order i, f, g, o.
    ``forward(x, h_prev, c_prev) -> (h, c)``; ``backward(dh, dc) -> (dx, dh_prev, dc_prev)``
    fills ``grads`` with this step's share of dWx, dWh and db.
    """

    def __init__(self, params: dict):
        self.params = params  # the layer's Wx (D, 4H), Wh (H, 4H), b (4H,)
        self.grads: dict[str, np.ndarray] = {}
        self.cache = None

    def forward(self, x, h_prev, c_prev):
        Wx, Wh, b = self.params["Wx"], self.params["Wh"], self.params["b"]
        H = h_prev.shape[1]
        a = x @ Wx + h_prev @ Wh + b  # (N, D) @ (D, 4H) + (N, H) @ (H, 4H) + (4H,) -> (N, 4H)
        i = sigmoid(a[:, :H])  # input gate: how much of g to write, (N, H)
        f = sigmoid(a[:, H : 2 * H])  # forget gate: how much of c_{t-1} to keep
        g = np.tanh(a[:, 2 * H : 3 * H])  # candidate: what to write
        o = sigmoid(a[:, 3 * H :])  # output gate: how much of the memory to show
        c = f * c_prev + i * g  # (N, H)
        tanh_c = np.tanh(c)
        h = o * tanh_c  # (N, H)
        self.cache = (x, h_prev, c_prev, i, f, g, o, tanh_c)
        return h, c

    def backward(self, dh, dc):
        x, h_prev, c_prev, i, f, g, o, tanh_c = self.cache
        dc = dc + dh * o * (1 - tanh_c * tanh_c)  # c_t reaches E directly and through h_t
        di = dc * g * i * (1 - i)  # dE/da_i, through sigma' = i (1 - i)
        df = dc * c_prev * f * (1 - f)
        dg = dc * i * (1 - g * g)  # through tanh' = 1 - g^2
        do = dh * tanh_c * o * (1 - o)
        da = np.concatenate([di, df, dg, do], axis=1)  # (N, 4H), the gates side by side
        self.grads = {
            "Wx": x.T @ da,  # (D, N) @ (N, 4H) -> (D, 4H)
            "Wh": h_prev.T @ da,  # (H, N) @ (N, 4H) -> (H, 4H)
            "b": da.sum(axis=0),  # (N, 4H) -> (4H,)
        }
        dx = da @ self.params["Wx"].T  # (N, 4H) @ (4H, D) -> (N, D)
        dh_prev = da @ self.params["Wh"].T  # (N, 4H) @ (4H, H) -> (N, H)
        dc_prev = dc * f  # (N, H)
        return dx, dh_prev, dc_prev


class _Recurrent(Layer):
    """What ``RNN`` and ``LSTM`` share: parameters, input checks, the state a stateful layer
    carries over, and the loop over time (one cell per step). ``_num_gates`` blocks of H
    columns; ``_state_names``."""

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
        self.cells = []
        self.out = None

    def _initial_bias(self, dtype) -> np.ndarray:
        return np.zeros(self._num_gates * self.hidden_size, dtype=dtype)

    def reset_state(self) -> None:
        """Start the next call from zeros again (``stateful=True``)."""
        self.state = None

    def _check_input(self, x) -> np.ndarray:
        """``x`` (N, T, D) with T >= 1, in the parameters' dtype."""
        x = as_real_array(x, "x")
        D = self.input_dim
        if x.ndim != 3 or x.shape[2] != D:
            raise ValueError(f"Expected `x` with 3 dims (N, T, {D}). Received: x.shape={x.shape}")
        if x.shape[1] == 0:
            raise ValueError(f"Expected `x` with at least 1 time step. Received: x.shape={x.shape}")
        return x.astype(self.params["Wx"].dtype, copy=False)

    def _initial_state(self, N: int, dtype) -> dict[str, np.ndarray]:
        """Zeros, or the state a stateful layer carries over (checked against N)."""
        H = self.hidden_size
        if not self.stateful or self.state is None:
            return {name: np.zeros((N, H), dtype=dtype) for name in self._state_names}
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

    def _add_step_grads(self, grads: dict, cell) -> None:
        """The weights are shared by every step: their gradient is the sum over the steps."""
        for name in grads:
            grads[name] += cell.grads[name]

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
    :math:`h_t = \tanh(x_t W_x + h_{t-1} W_h + b)`, :math:`h_0 = 0`; one ``RNNCell`` per step.

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
        x = self._check_input(x)  # (N, T, D)
        N, T, _ = x.shape
        h = self._initial_state(N, x.dtype)["h"]  # h_0: (N, H)
        self.hs = np.empty((N, T, self.hidden_size), dtype=x.dtype)
        self.cells = []
        for t in range(T):
            cell = RNNCell(self.params)
            h = cell.forward(x[:, t], h)  # (N, D), (N, H) -> (N, H)
            self.hs[:, t] = h
            self.cells.append(cell)
        if self.stateful:
            self.state = {"h": h.copy()}
        self.out = self.hs if self.return_sequences else h  # (N, T, H) or (N, H)
        return self.out

    def backward(self, dout, input_grad: bool = True):
        """Backpropagation through time: store dWx, dWh, db and ``dh0``; return dx (N, T, D)
        (or None when ``input_grad`` is False)."""
        dout = self._check_dout(dout, self.out)
        N, T, H = self.hs.shape
        grads = {name: np.zeros_like(p) for name, p in self.params.items()}
        dx = np.empty((N, T, self.input_dim), dtype=self.hs.dtype)
        dh = np.zeros((N, H), dtype=self.hs.dtype)  # dE/dh_t from the steps after t
        if not self.return_sequences:
            dh = dh + dout  # only h_T reaches the output
        for t in range(T - 1, -1, -1):
            if self.return_sequences:
                dh = dh + dout[:, t]  # h_t also went to the output directly
            dx[:, t], dh = self.cells[t].backward(dh)
            self._add_step_grads(grads, self.cells[t])
        self.grads, self.dh0 = grads, dh
        return dx if input_grad else None


class LSTM(_Recurrent):
    r"""Long short-term memory (Hochreiter & Schmidhuber, 1997), ``keras.layers.LSTM``; one
    ``LSTMCell`` per time step (see its equations).

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
    """

    _num_gates = 4
    _state_names = ("h", "c")
    GATE_NAMES = ("input", "forget", "candidate", "output")

    def _initial_bias(self, dtype):
        H = self.hidden_size
        b = np.zeros(4 * H, dtype=dtype)
        b[H : 2 * H] = 1.0  # forget gate open at the start: memory is kept by default
        return b

    def forward(self, x, training=False):
        x = self._check_input(x)  # (N, T, D)
        N, T, _ = x.shape
        state = self._initial_state(N, x.dtype)
        h, c = state["h"], state["c"]  # (N, H) each
        self.hs = np.empty((N, T, self.hidden_size), dtype=x.dtype)
        self.cs = np.empty_like(self.hs)
        self.gates = {name: np.empty_like(self.hs) for name in self.GATE_NAMES}
        self.cells = []
        for t in range(T):
            cell = LSTMCell(self.params)
            h, c = cell.forward(x[:, t], h, c)  # (N, D), (N, H), (N, H) -> (N, H), (N, H)
            self.hs[:, t], self.cs[:, t] = h, c
            for name, value in zip(self.GATE_NAMES, cell.cache[3:7], strict=True):
                self.gates[name][:, t] = value  # i, f, g, o
            self.cells.append(cell)
        if self.stateful:
            self.state = {"h": h.copy(), "c": c.copy()}
        self.out = self.hs if self.return_sequences else h  # (N, T, H) or (N, H)
        return self.out

    def backward(self, dout, input_grad: bool = True):
        """Backpropagation through time: store dWx, dWh, db, ``dh0`` and ``dc0``; return dx
        (N, T, D) (or None when ``input_grad`` is False)."""
        dout = self._check_dout(dout, self.out)
        N, T, H = self.hs.shape
        grads = {name: np.zeros_like(p) for name, p in self.params.items()}
        dx = np.empty((N, T, self.input_dim), dtype=self.hs.dtype)
        dh = np.zeros((N, H), dtype=self.hs.dtype)  # dE/dh_t from the steps after t
        dc = np.zeros((N, H), dtype=self.hs.dtype)  # dE/dc_t from the steps after t
        if not self.return_sequences:
            dh = dh + dout  # only h_T reaches the output
        for t in range(T - 1, -1, -1):
            if self.return_sequences:
                dh = dh + dout[:, t]  # h_t also went to the output directly
            dx[:, t], dh, dc = self.cells[t].backward(dh, dc)
            self._add_step_grads(grads, self.cells[t])
        self.grads, self.dh0, self.dc0 = grads, dh, dc
        return dx if input_grad else None
