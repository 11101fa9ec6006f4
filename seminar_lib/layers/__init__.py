r"""Layers with ``forward``/``backward`` for networks built from scratch (NumPy).

Every layer keeps what ``backward`` needs during ``forward``; parameters and their gradients
live in the dicts ``params`` and ``grads`` under the same keys (``"W"``, ``"b"``); ``backward``
never modifies its argument ``dout``. Loss layers take the targets in ``forward`` and start the
backward pass with ``backward()`` (the gradient of the mean loss).

Modules: ``base`` (``Layer``), ``dense`` (``Affine`` and activations), ``losses``, ``conv``
(``im2col``, convolution, pooling, ``Flatten``), ``regularization`` (``Dropout``,
``BatchNorm``), ``sequence`` (``Embedding``, ``TimeAffine``: every step of (N, T, D) alike),
``recurrent`` (``RNNCell``, ``LSTMCell``: one time step; ``RNN``, ``LSTM``: the loop over time;
their loss is ``TimeSoftmaxCrossEntropy``), ``attention`` (``ScaledDotProductAttention``,
``MultiHeadAttention``, masks), ``LayerNorm`` and ``PositionalEncoding`` for Transformers.
Everything is importable from ``seminar_lib.layers``.
"""

from seminar_lib.layers.attention import (
    MultiHeadAttention,
    ScaledDotProductAttention,
    causal_mask,
    padding_mask,
    scaled_dot_product_attention,
)
from seminar_lib.layers.base import Layer
from seminar_lib.layers.conv import (
    AvgPool2D,
    Conv2D,
    Flatten,
    GlobalAvgPool2D,
    MaxPool2D,
    col2im,
    conv_output_size,
    im2col,
)
from seminar_lib.layers.dense import Affine, ReLU, Sigmoid, Tanh
from seminar_lib.layers.losses import (
    MeanSquaredError,
    SigmoidBinaryCrossEntropy,
    SoftmaxCrossEntropy,
    TimeSoftmaxCrossEntropy,
)
from seminar_lib.layers.recurrent import LSTM, RNN, LSTMCell, RNNCell
from seminar_lib.layers.regularization import BatchNorm, Dropout, LayerNorm
from seminar_lib.layers.sequence import (
    Embedding,
    PositionalEncoding,
    TimeAffine,
    sinusoidal_positional_encoding,
)

__all__ = [
    "Affine",
    "AvgPool2D",
    "BatchNorm",
    "Conv2D",
    "Dropout",
    "Embedding",
    "Flatten",
    "GlobalAvgPool2D",
    "Layer",
    "LayerNorm",
    "LSTM",
    "LSTMCell",
    "MaxPool2D",
    "MeanSquaredError",
    "MultiHeadAttention",
    "PositionalEncoding",
    "ReLU",
    "RNN",
    "RNNCell",
    "ScaledDotProductAttention",
    "Sigmoid",
    "SigmoidBinaryCrossEntropy",
    "SoftmaxCrossEntropy",
    "Tanh",
    "TimeAffine",
    "TimeSoftmaxCrossEntropy",
    "causal_mask",
    "col2im",
    "conv_output_size",
    "im2col",
    "padding_mask",
    "scaled_dot_product_attention",
    "sinusoidal_positional_encoding",
]
