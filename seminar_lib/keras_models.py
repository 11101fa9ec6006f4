"""Keras 3 model builders shared by the notebooks (the one module that imports Keras at the top).

Importing this module imports TensorFlow (through ``seminar_lib._tfenv``, which keeps the
notebooks free of TensorFlow's start-up noise); call ``setup_notebook`` first.
"""

from __future__ import annotations

import numpy as np

from seminar_lib._tfenv import import_keras
from seminar_lib._validation import check_positive_int
from seminar_lib.layers import Affine
from seminar_lib.models import Sequential

keras = import_keras()

__all__ = [
    "build_augmentation",
    "build_fashion_cnn",
    "build_mlp",
    "copy_dense_weights",
    "make_dataset",
]


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
    of ``model``, in order (Keras's kernel (D, H) is the same layout as ``Affine``'s ``W``).
    Dense layers inside nested models (an autoencoder's encoder and decoder) count, in order."""
    dense = _dense_layers(keras_model)
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


def _dense_layers(keras_model) -> list:
    """The Dense layers of ``keras_model`` in order, looking inside nested models."""
    found = []
    for layer in keras_model.layers:
        if isinstance(layer, keras.layers.Dense):
            found.append(layer)
        elif isinstance(layer, keras.Model):
            found += _dense_layers(layer)
    return found


def build_augmentation(
    flip: bool = True,
    rotation: float = 0.0,
    zoom: float = 0.0,
    translation: float = 0.0,
    seed: int = 0,
):
    """Random image transformations for training (data augmentation) as a Keras model.

    Each argument switches on one of Keras's preprocessing layers: a horizontal flip,
    a rotation by up to ``rotation`` of a full turn, a zoom by up to ``zoom`` (a fraction of the
    size) and a shift by up to ``translation`` of the height and width. Pixels that come from
    outside the image are filled with 0 (the black background of Fashion-MNIST). The layers act
    only when called with ``training=True``; at inference they pass images through unchanged.

    Returns
    -------
    keras.Sequential
        Takes and returns float images (N, H, W, C).
    """
    layers = []
    if flip:
        layers.append(keras.layers.RandomFlip("horizontal", seed=seed))
    if rotation:
        layers.append(keras.layers.RandomRotation(rotation, fill_mode="constant", seed=seed + 1))
    if zoom:
        layers.append(keras.layers.RandomZoom(zoom, fill_mode="constant", seed=seed + 2))
    if translation:
        layers.append(
            keras.layers.RandomTranslation(
                translation, translation, fill_mode="constant", seed=seed + 3
            )
        )
    if not layers:
        raise ValueError("Expected at least one augmentation. Received: all switched off")
    return keras.Sequential(layers, name="augmentation")


def build_fashion_cnn(input_shape=(28, 28, 1), num_classes: int = 10):
    """The CNN of session 4: five 3x3 convolutions with batch norm, logits out.

    Conv (32) -> Conv (32, stride 2) -> Conv (64) -> Conv (64, stride 2) -> Conv (128), each
    followed by batch norm and ReLU, then Flatten -> Dropout 0.3 -> Dense ``num_classes``.
    The stride-2 convolutions halve the height and width (28 -> 14 -> 7) in place of pooling
    layers, so the network learns how to shrink the image. Compile it with
    ``keras.losses.SparseCategoricalCrossentropy(from_logits=True)``.
    """
    L = keras.layers

    def block(filters, strides=1):  # Conv 3x3 ("same") -> BN -> ReLU
        return [
            L.Conv2D(filters, 3, strides=strides, padding="same", use_bias=False),
            L.BatchNormalization(),
            L.ReLU(),
        ]

    return keras.Sequential(
        [
            keras.Input(shape=input_shape),  # (N, 28, 28, 1)
            *block(32),  # (N, 28, 28, 32)
            *block(32, strides=2),  # (N, 14, 14, 32)
            *block(64),  # (N, 14, 14, 64)
            *block(64, strides=2),  # (N, 7, 7, 64)
            *block(128),  # (N, 7, 7, 128)
            L.Flatten(),  # (N, 6272)
            L.Dropout(0.3),
            L.Dense(num_classes),  # (N, 10) logits
        ],
        name="fashion_cnn",
    )


def make_dataset(X, y, batch_size: int = 128, shuffle: bool = False, augment=None, seed: int = 0):
    """A ``tf.data`` input pipeline: slices -> cache -> shuffle -> batch -> augment -> prefetch.

    The arrays are cut into examples, kept in memory (``cache``), shuffled every epoch when
    ``shuffle`` is true, grouped into batches, transformed by ``augment`` (a Keras model such as
    :func:`build_augmentation`, run on whole batches in parallel with training) and prefetched,
    so the next batch is ready when the model asks for it.

    Parameters
    ----------
    X : array (N, ...), float
    y : array (N,)
    batch_size : int
    shuffle : bool
    augment : keras.Model, optional
        Called as ``augment(images, training=True)`` on each batch.
    seed : int
        Seed of the shuffle.

    Returns
    -------
    tf.data.Dataset
        Yields ``(images, labels)`` batches.
    """
    import tensorflow as tf

    batch_size = check_positive_int(batch_size, "batch_size")
    X, y = np.asarray(X), np.asarray(y)
    if len(X) != len(y):
        raise ValueError(
            "Expected `X` and `y` with the same number of examples. "
            f"Received: X.shape={X.shape}, y.shape={y.shape}"
        )
    ds = tf.data.Dataset.from_tensor_slices((X, y)).cache()
    if shuffle:
        ds = ds.shuffle(len(X), seed=seed, reshuffle_each_iteration=True)
    ds = ds.batch(batch_size)
    if augment is not None:
        # One batch at a time: the random layers draw from one seed state, and calls running
        # in parallel would draw from it in a different order on every run.
        ds = ds.map(lambda images, labels: (augment(images, training=True), labels))
    return ds.prefetch(tf.data.AUTOTUNE)
