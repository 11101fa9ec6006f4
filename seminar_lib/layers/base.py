"""``Layer``: the base class of every layer (forward/backward, params/grads dicts)."""

from __future__ import annotations

import numpy as np

from seminar_lib._validation import as_real_array


class Layer:
    """Base class: no parameters, shape kept; subclasses override what differs.

    ``can_skip_input_grad``: True for layers whose ``backward(dout, input_grad=False)`` can skip
    the gradient of their input (``Affine``, ``Conv2D``); training sets it for the first layer.
    """

    can_skip_input_grad = False

    def __init__(self):
        self.params: dict[str, np.ndarray] = {}
        self.grads: dict[str, np.ndarray] = {}

    def forward(self, x, training: bool = False) -> np.ndarray:
        raise NotImplementedError

    def backward(self, dout) -> np.ndarray:
        raise NotImplementedError

    def output_shape(self, input_shape: tuple) -> tuple:
        """Shape of one sample's output given one sample's input shape (without N)."""
        return input_shape

    def astype(self, dtype) -> Layer:
        """Convert parameters and gradients to ``dtype`` in place (for float64 gradient checks)."""
        for name in self.params:
            self.params[name] = self.params[name].astype(dtype)
            self.grads[name] = self.grads[name].astype(dtype)
        return self

    def _check_dout(self, dout, out: np.ndarray | None) -> np.ndarray:
        if out is None:
            raise RuntimeError(f"{type(self).__name__}.backward called before forward")
        dout = as_real_array(dout, "dout")
        if dout.shape != out.shape:
            raise ValueError(
                f"Expected `dout` with the forward output's shape {out.shape}. "
                f"Received: dout.shape={dout.shape}"
            )
        return dout

    def __repr__(self) -> str:
        return f"{type(self).__name__}()"
