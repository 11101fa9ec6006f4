"""``Sequential``: a list of layers run one after the other, with a readable summary."""

from __future__ import annotations

import inspect

import numpy as np

from seminar_lib._validation import as_input_array, check_positive_int
from seminar_lib.layers import Affine

__all__ = ["Sequential"]


def _takes_training(layer) -> bool:
    """Whether ``layer.forward`` accepts ``training=`` (a textbook layer's ``forward(x)`` does
    not; it is then called without it)."""
    parameters = inspect.signature(layer.forward).parameters.values()
    return any(p.name == "training" or p.kind is p.VAR_KEYWORD for p in parameters)


class Sequential:
    """Layers applied in order; the loss layer is kept separately (see ``training.fit``).

    Parameters
    ----------
    layers : list of layers
        Library layers or your own: any object with ``forward(x)`` (or
        ``forward(x, training=False)``) and ``backward(dout)``. A layer with parameters keeps
        them in a dict ``params`` and, after ``backward``, their gradients in a dict ``grads``
        with the same keys and shapes (``self.grads["W"] = self.x.T @ dout`` is fine).
    input_shape : tuple, optional
        Shape of one sample, for the summary; inferred from a first ``Affine`` layer if omitted
        (give it for sequences: ``(T,)`` token ids for ``Embedding``, ``(T, D)`` for ``LSTM``).

    ``params`` and ``grads`` are dicts keyed ``"<layer index>.<name>"`` (``"0.W"``), built from
    the layers' own dicts each time they are read: an optimizer that updates ``params`` in
    place trains the layers.
    """

    def __init__(self, layers, input_shape=None):
        layers = list(layers)
        bad = [
            type(layer).__name__
            for layer in layers
            if not all(callable(getattr(layer, name, None)) for name in ("forward", "backward"))
        ]
        if not layers or bad:
            raise TypeError(
                "Expected `layers` to be a non-empty list of layers (objects with forward and "
                f"backward methods). Received: {[type(layer).__name__ for layer in layers]}"
            )
        self.layers = layers
        if input_shape is None and type(layers[0]) is Affine:  # not TimeAffine (T unknown)
            input_shape = (layers[0].in_features,)
        self.input_shape = None if input_shape is None else tuple(input_shape)

    def forward(self, X, training: bool = False) -> np.ndarray:
        """Run every layer; ``training`` is passed on (dropout, batch norm)."""
        out = X
        for layer in self.layers:
            if _takes_training(layer):
                out = layer.forward(out, training=training)
            else:
                out = layer.forward(out)
        return out

    def backward(self, dout, input_grad: bool = True):
        """Backpropagate ``dout`` (the gradient of the loss w.r.t. the output); every layer stores
        its parameter gradients. Returns the gradient w.r.t. the input, or None when
        ``input_grad`` is False and the first layer can skip it (``Affine``, ``Conv2D``: training
        skips that work, since nobody needs the gradient of the data).
        """
        for i in range(len(self.layers) - 1, -1, -1):
            layer = self.layers[i]
            if i == 0 and not input_grad and getattr(layer, "can_skip_input_grad", False):
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
        """Every layer's parameters, keyed ``"<layer index>.<name>"``; the arrays themselves."""
        return {
            f"{i}.{k}": v
            for i, layer in enumerate(self.layers)
            for k, v in getattr(layer, "params", {}).items()
        }

    @property
    def grads(self) -> dict[str, np.ndarray]:
        """Every layer's gradients, keyed like ``params``, after checking that each layer has a
        gradient of the right shape for each of its parameters."""
        grads = {}
        for i, layer in enumerate(self.layers):
            params, layer_grads = getattr(layer, "params", {}), getattr(layer, "grads", {})
            where = f"Layer {i} ({type(layer).__name__})"
            for k, p in params.items():
                g = layer_grads.get(k)
                if g is None:
                    raise ValueError(
                        f"{where} has no gradient for its parameter params[{k!r}]: its backward "
                        f"must set self.grads[{k!r}], an array of shape {np.shape(p)}. "
                        f"Received: grads keys {sorted(layer_grads)}"
                    )
                if np.shape(g) != np.shape(p):
                    raise ValueError(
                        f"{where}: expected grads[{k!r}] with the shape of params[{k!r}] "
                        f"{np.shape(p)}. Received: grads[{k!r}].shape={np.shape(g)}"
                    )
                grads[f"{i}.{k}"] = g
        return grads

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
        """Convert every layer's parameters to ``dtype`` in place (float64 for gradient checks).

        A layer of your own without an ``astype`` method must already hold ``dtype`` arrays."""
        for i, layer in enumerate(self.layers):
            if hasattr(layer, "astype"):
                layer.astype(dtype)
                continue
            for k, p in getattr(layer, "params", {}).items():
                if np.asarray(p).dtype != dtype:
                    raise TypeError(
                        f"Layer {i} ({type(layer).__name__}) has no astype method: create its "
                        f"params[{k!r}] as {np.dtype(dtype).name} yourself. "
                        f"Received: params[{k!r}].dtype={np.asarray(p).dtype}"
                    )
        return self

    def num_params(self) -> int:
        return sum(v.size for v in self.params.values())

    def __repr__(self) -> str:
        rows, shape = [], self.input_shape
        width = max(34, *(len(repr(layer)) for layer in self.layers))  # the layer column
        for i, layer in enumerate(self.layers):
            if shape is not None:
                output_shape = getattr(layer, "output_shape", None)
                shape = None if output_shape is None else output_shape(shape)
            count = sum(v.size for v in getattr(layer, "params", {}).values())
            out = "?" if shape is None else str((None, *shape)).replace("None", "N")
            rows.append(f"{i:>3}  {layer!r:<{width}} {out:<14} {count:>10,}")
        head = f"{'#':>3}  {'layer':<{width}} {'output shape':<14} {'params':>10}"
        line = "-" * len(head)
        body = "\n".join(rows)
        return f"Sequential\n{head}\n{line}\n{body}\n{line}\nTotal params: {self.num_params():,}"
