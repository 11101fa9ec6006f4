"""Keras 3 model builders shared by the notebooks (the one module that imports Keras at the top).

Importing this module imports TensorFlow (through ``seminar_lib._tfenv``, which keeps the
notebooks free of TensorFlow's start-up noise); call ``setup_notebook`` first.
"""

from __future__ import annotations

import numpy as np

from seminar_lib._tfenv import import_keras
from seminar_lib.layers import Affine
from seminar_lib.models import Sequential

keras = import_keras()

__all__ = ["build_mlp", "copy_dense_weights"]


def build_mlp(input_dim: int, hidden_units, num_classes: int, activation: str = "relu"):
    """The Keras twin of a from-scratch MLP: Dense layers with ``activation``, logits out.

    Compile it with ``keras.losses.SparseCategoricalCrossentropy(from_logits=True)`` so that the
    softmax sits in the loss, exactly as ``SoftmaxCrossEntropy`` does.
    """
    layers = [keras.Input(shape=(input_dim,))]
    layers += [keras.layers.Dense(h, activation=activation) for h in hidden_units]
    layers.append(keras.layers.Dense(num_classes))
    return keras.Sequential(layers, name="mlp")


def copy_dense_weights(keras_model, model: Sequential) -> Sequential:
    """Copy the kernels and biases of ``keras_model``'s Dense layers into the ``Affine`` layers
    of ``model``, in order (Keras's kernel (D, H) is the same layout as ``Affine``'s ``W``)."""
    dense = [layer for layer in keras_model.layers if isinstance(layer, keras.layers.Dense)]
    affine = [i for i, layer in enumerate(model.layers) if isinstance(layer, Affine)]
    if len(dense) != len(affine):
        raise ValueError(
            f"Expected as many Dense layers as Affine layers. Received: {len(dense)} Dense, "
            f"{len(affine)} Affine"
        )
    values = {}
    for layer, i in zip(dense, affine, strict=True):
        kernel, bias = (np.asarray(w) for w in layer.get_weights())
        values[f"{i}.W"], values[f"{i}.b"] = kernel, bias
    return model.set_params(values)
