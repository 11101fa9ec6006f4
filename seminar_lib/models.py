"""``Sequential``: a list of layers run one after the other, with a readable summary."""

from __future__ import annotations

import copy

import numpy as np

from seminar_lib._validation import as_input_array, check_positive_int
from seminar_lib.layers import Affine, Layer

__all__ = ["Sequential"]


class Sequential:
    """Layers applied in order; the loss layer is kept separately (see ``training.fit``).

    Parameters
    ----------
    layers : list of Layer
    input_shape : tuple, optional
        Shape of one sample, for the summary; inferred from a first ``Affine`` layer if omitted
        (give it for sequences: ``(T,)`` token ids for ``Embedding``, ``(T, D)`` for ``LSTM``).

    ``params`` and ``grads`` are flat dicts keyed ``"<layer index>.<name>"`` (``"0.W"``) whose
    values are the layers' own arrays, so an optimizer updating ``params`` in place trains the
    layers.

    All parameters live side by side in one 1-D buffer, ``flat_params`` (and all gradients in
    ``flat_grads``): each layer's ``W`` and ``b`` are views into it. An optimizer then updates
    every weight of the network with one pass over one array instead of a pass per parameter,
    which matters when most parameters are small. Layers must therefore read their parameters
    through ``self.params[...]`` and write gradients in place (``out=`` or ``[...] =``).
    """

    def __init__(self, layers, input_shape=None):
        layers = list(layers)
        if not layers or not all(isinstance(layer, Layer) for layer in layers):
            raise TypeError(
                "Expected `layers` to be a non-empty list of seminar_lib.layers.Layer. "
                f"Received: {[type(layer).__name__ for layer in layers]}"
            )
        self.layers = layers
        if input_shape is None and type(layers[0]) is Affine:  # not TimeAffine (T unknown)
            input_shape = (layers[0].in_features,)
        self.input_shape = None if input_shape is None else tuple(input_shape)
        self.flat_params: np.ndarray | None = None
        self.flat_grads: np.ndarray | None = None
        self._pack()

    def __deepcopy__(self, memo):
        clone = type(self).__new__(type(self))
        memo[id(self)] = clone
        for key, value in self.__dict__.items():
            setattr(clone, key, copy.deepcopy(value, memo))
        clone._pack()  # the copied arrays no longer share a buffer: pack them again
        return clone

    def _pack(self) -> None:
        """Move every parameter and gradient into one contiguous buffer each (values kept)."""
        entries = [(layer, name) for layer in self.layers for name in layer.params]
        dtypes = {layer.params[name].dtype for layer, name in entries}
        if not entries or len(dtypes) != 1:
            self.flat_params = self.flat_grads = None  # nothing to pack, or mixed dtypes
            return
        total = sum(layer.params[name].size for layer, name in entries)
        flat_params = np.empty(total, dtype=dtypes.pop())
        flat_grads = np.zeros_like(flat_params)
        start = 0
        for layer, name in entries:
            param, grad = layer.params[name], layer.grads[name]
            stop = start + param.size
            flat_params[start:stop] = param.reshape(-1)
            flat_grads[start:stop] = grad.reshape(-1)
            layer.params[name] = flat_params[start:stop].reshape(param.shape)  # a view
            layer.grads[name] = flat_grads[start:stop].reshape(param.shape)
            start = stop
        self.flat_params, self.flat_grads = flat_params, flat_grads

    def forward(self, X, training: bool = False) -> np.ndarray:
        """Run every layer; ``training`` is passed on (dropout, batch norm)."""
        out = X
        for layer in self.layers:
            out = layer.forward(out, training=training)
        return out

    def backward(self, dout, input_grad: bool = True):
        """Backpropagate ``dout`` (the gradient of the loss w.r.t. the output); every layer stores
        its parameter gradients. Returns the gradient w.r.t. the input, or None when
        ``input_grad`` is False and the first layer can skip it (``Affine``, ``Conv2D``: training
        skips that work).
        """
        for i in range(len(self.layers) - 1, -1, -1):
            layer = self.layers[i]
            if i == 0 and not input_grad and layer.can_skip_input_grad:
                return layer.backward(dout, input_grad=False)
            dout = layer.backward(dout)
        return dout

    def predict(self, X, batch_size: int = 1000) -> np.ndarray:
        """The network's outputs (logits) for ``X``, in inference mode, a batch at a time.

        Integer ``X`` stays integer (token ids for an ``Embedding`` first layer)."""
        X = as_input_array(X, "X")
        batch_size = check_positive_int(batch_size, "batch_size")
        outs = [self.forward(X[i : i + batch_size]) for i in range(0, len(X), batch_size)]
        return np.concatenate(outs)

    @property
    def params(self) -> dict[str, np.ndarray]:
        return {
            f"{i}.{k}": v for i, layer in enumerate(self.layers) for k, v in layer.params.items()
        }

    @property
    def grads(self) -> dict[str, np.ndarray]:
        return {
            f"{i}.{k}": v for i, layer in enumerate(self.layers) for k, v in layer.grads.items()
        }

    def set_params(self, values: dict) -> Sequential:
        """Copy arrays into the parameters (e.g. weights taken from Keras), checking shapes."""
        params = self.params
        unknown = set(values) - set(params)
        if unknown:
            raise KeyError(f"Unknown parameter names {sorted(unknown)}. Known: {sorted(params)}")
        for name, value in values.items():
            value = np.asarray(value)
            if value.shape != params[name].shape:
                raise ValueError(
                    f"Expected `{name}` with shape {params[name].shape}. Received: {value.shape}"
                )
            params[name][...] = value
        return self

    def astype(self, dtype) -> Sequential:
        """Convert every layer's parameters to ``dtype`` in place."""
        for layer in self.layers:
            layer.astype(dtype)
        self._pack()
        return self

    def num_params(self) -> int:
        return sum(v.size for v in self.params.values())

    def __repr__(self) -> str:
        rows, shape = [], self.input_shape
        width = max(34, *(len(repr(layer)) for layer in self.layers))  # the layer column
        for i, layer in enumerate(self.layers):
            if shape is not None:
                shape = layer.output_shape(shape)
            count = sum(v.size for v in layer.params.values())
            out = "?" if shape is None else str((None, *shape)).replace("None", "N")
            rows.append(f"{i:>3}  {layer!r:<{width}} {out:<14} {count:>10,}")
        head = f"{'#':>3}  {'layer':<{width}} {'output shape':<14} {'params':>10}"
        line = "-" * len(head)
        body = "\n".join(rows)
        return f"Sequential\n{head}\n{line}\n{body}\n{line}\nTotal params: {self.num_params():,}"
