r"""Keras 3 character language models of sessions 6 and 8, trained on the course's own text.

- ``AddPositionalEncoding``, ``TransformerBlock``, ``build_char_gpt``: a small GPT (a decoder-only
  Transformer: causal self-attention and a feed-forward network in each block, pre-layer-norm as
  in GPT-2), with the sinusoidal positional encoding of ``seminar_lib.layers``.
- ``random_windows`` and ``windowed_loss``: the GPT's training windows and its validation loss
  (each character predicted from at least ``context`` characters before it).
- ``train_char_lstm``: session 6's LSTM language model (Embedding 64, LSTM 192, stateful,
  truncated BPTT over 32 streams, 10 epochs, Adam 0.01 with cosine decay), so that session 8
  compares the two models on the same vocabulary and split.

Importing this module imports TensorFlow (quietly, through ``seminar_lib._tfenv``).
"""

from __future__ import annotations

import numpy as np

from seminar_lib._tfenv import import_keras
from seminar_lib._validation import check_positive_int, check_rng
from seminar_lib.layers.sequence import sinusoidal_positional_encoding

keras = import_keras()
L = keras.layers

__all__ = [
    "AddPositionalEncoding",
    "TransformerBlock",
    "build_char_gpt",
    "random_windows",
    "train_char_lstm",
    "windowed_loss",
]


@keras.saving.register_keras_serializable(package="seminar_lib")
class AddPositionalEncoding(L.Layer):
    """(N, T, D) -> (N, T, D): adds ``sinusoidal_positional_encoding(max_len, D)[:T]``."""

    def __init__(self, max_len, **kwargs):
        super().__init__(**kwargs)
        self.max_len = check_positive_int(max_len, "max_len")

    def build(self, input_shape):
        self.pe = sinusoidal_positional_encoding(self.max_len, input_shape[-1])  # (max_len, D)

    def call(self, x):
        T = keras.ops.shape(x)[1]
        return x + keras.ops.cast(self.pe, x.dtype)[:T]  # (N, T, D) + (T, D)

    def get_config(self):
        return {**super().get_config(), "max_len": self.max_len}


@keras.saving.register_keras_serializable(package="seminar_lib")
class TransformerBlock(L.Layer):
    r"""One decoder block (pre-layer-norm, as GPT-2):

    :math:`x \leftarrow x + \mathrm{MHA}(\mathrm{LN}(x))` with the causal mask, then
    :math:`x \leftarrow x + \mathrm{FFN}(\mathrm{LN}(x))`, where FFN is Dense(``ff_dim``, ReLU)
    then Dense(D). Each of the two steps adds to its input (a residual connection), so the
    block can start close to the identity.

    Parameters
    ----------
    embed_dim, num_heads : int
        D and h; each head has ``key_dim = D // h``.
    ff_dim : int
        Width of the feed-forward network's hidden layer (usually 4 D).
    dropout : float
        Dropout on the attention weights and on each step's output, while training.
    """

    def __init__(self, embed_dim, num_heads, ff_dim, dropout=0.0, **kwargs):
        super().__init__(**kwargs)
        self.embed_dim = check_positive_int(embed_dim, "embed_dim")
        self.num_heads = check_positive_int(num_heads, "num_heads")
        self.ff_dim = check_positive_int(ff_dim, "ff_dim")
        if self.embed_dim % self.num_heads:
            raise ValueError(
                "Expected `embed_dim` divisible by `num_heads`. "
                f"Received: embed_dim={embed_dim}, num_heads={num_heads}"
            )
        self.dropout_rate = float(dropout)
        key_dim = self.embed_dim // self.num_heads
        self.norm1, self.norm2 = L.LayerNormalization(), L.LayerNormalization()
        self.attention = L.MultiHeadAttention(self.num_heads, key_dim, dropout=self.dropout_rate)
        self.ff1 = L.Dense(self.ff_dim, activation="relu")
        self.ff2 = L.Dense(self.embed_dim)
        self.dropout = L.Dropout(self.dropout_rate)

    def call(self, x, training=False):
        h = self.norm1(x)  # (N, T, D)
        h = self.attention(h, h, use_causal_mask=True, training=training)  # (N, T, D)
        x = x + self.dropout(h, training=training)  # residual
        h = self.ff2(self.ff1(self.norm2(x)))  # (N, T, ff_dim) -> (N, T, D)
        return x + self.dropout(h, training=training)  # residual

    def get_config(self):
        config = {"embed_dim": self.embed_dim, "num_heads": self.num_heads, "ff_dim": self.ff_dim}
        return {**super().get_config(), **config, "dropout": self.dropout_rate}


def build_char_gpt(
    vocab_size, max_len, embed_dim=128, num_heads=4, num_layers=2, ff_dim=None, dropout=0.0
):
    """A character-level GPT: ids (N, T) with T <= ``max_len`` -> next-character logits (N, T, V).

    Embedding(V, D) + positional encoding -> ``num_layers`` ``TransformerBlock`` s -> LayerNorm ->
    Dense(V). ``ff_dim`` defaults to 4 D. Compile with
    ``SparseCategoricalCrossentropy(from_logits=True)``.
    """
    vocab_size = check_positive_int(vocab_size, "vocab_size")
    embed_dim = check_positive_int(embed_dim, "embed_dim")
    num_layers = check_positive_int(num_layers, "num_layers")
    ff_dim = 4 * embed_dim if ff_dim is None else ff_dim
    ids = keras.Input((None,), dtype="int32", name="ids")  # (N, T)
    x = L.Embedding(vocab_size, embed_dim, name="embedding")(ids)  # (N, T, D)
    x = AddPositionalEncoding(max_len, name="positional_encoding")(x)
    x = L.Dropout(dropout, name="dropout")(x)
    for i in range(num_layers):
        x = TransformerBlock(embed_dim, num_heads, ff_dim, dropout, name=f"block_{i + 1}")(x)
    x = L.LayerNormalization(name="final_norm")(x)
    logits = L.Dense(vocab_size, name="logits")(x)  # (N, T, V)
    return keras.Model(ids, logits, name="char_gpt")


def random_windows(ids, seq_len, num_windows, rng):
    """``num_windows`` windows of a text drawn at random start positions, and their targets.

    Returns ``X, Y`` (num_windows, seq_len): ``Y`` is ``X`` shifted by one character.
    """
    ids = np.asarray(ids)
    seq_len = check_positive_int(seq_len, "seq_len")
    num_windows = check_positive_int(num_windows, "num_windows")
    check_rng(rng)
    if ids.ndim != 1 or len(ids) < seq_len + 1:
        raise ValueError(
            f"Expected `ids` (L,) with L > seq_len={seq_len}. Received: ids.shape={ids.shape}"
        )
    starts = rng.integers(0, len(ids) - seq_len, size=num_windows)  # (num_windows,)
    positions = starts[:, np.newaxis] + np.arange(seq_len)  # (num_windows, seq_len)
    return ids[positions], ids[positions + 1]


def windowed_loss(model, ids, context, batch_size=64):
    """Mean cross-entropy per character of ``ids`` under ``model`` (a next-character model).

    The text is read in windows of ``2 * context`` characters that start every ``context``
    characters; each character is scored once, in the window where it has at least ``context``
    characters before it (the first ``context`` characters of the text have fewer).
    """
    ids = np.asarray(ids)
    context = check_positive_int(context, "context")
    L_text = len(ids) - 1  # characters that have a target
    total, count = 0.0, 0
    starts = range(0, max(L_text - context, 1), context)
    for first in range(0, len(starts), batch_size):
        batch = [ids[s : s + 2 * context + 1] for s in starts[first : first + batch_size]]
        width = max(len(w) for w in batch) - 1
        X = np.zeros((len(batch), width), dtype=np.int32)
        Y, keep = np.zeros_like(X), np.zeros(X.shape, dtype=bool)
        for row, (s, w) in enumerate(zip(starts[first : first + batch_size], batch, strict=True)):
            X[row, : len(w) - 1], Y[row, : len(w) - 1] = w[:-1], w[1:]
            keep[row, 0 if s == 0 else context : len(w) - 1] = True  # scored positions
        logits = np.asarray(model(X, training=False), dtype=np.float64)  # (B, T, V)
        logits -= logits.max(axis=-1, keepdims=True)
        log_probs = logits - np.log(np.exp(logits).sum(axis=-1, keepdims=True))
        picked = np.take_along_axis(log_probs, Y[..., np.newaxis], axis=-1)[..., 0]  # (B, T)
        total -= picked[keep].sum()
        count += keep.sum()
    return total / count


def train_char_lstm(ids_train, ids_val, vocab_size, num_epochs=10, seed=0):
    """Session 6's character LSTM, trained as there; returns ``(model, val_losses)``.

    Embedding(V, 64) -> LSTM(192) -> Dense(V), trained with truncated BPTT: the training text is
    cut into 32 streams read side by side in windows of 64 characters, the LSTM's state carried
    from one window to the next (reset each epoch); Adam, lr 0.01 with cosine decay. After each
    epoch a stateless copy reads the whole validation text in one pass (its state carried all
    the way): ``val_losses`` is that loss per character, one per epoch. ``model`` is the
    stateless copy with the final weights.
    """
    batch_size, seq_len = 32, 64
    keras.utils.set_random_seed(seed)

    def layers(stateful):
        return [
            L.Embedding(vocab_size, 64),
            L.LSTM(192, return_sequences=True, stateful=stateful),
            L.Dense(vocab_size),
        ]

    train_model = keras.Sequential([keras.Input(batch_shape=(batch_size, seq_len), dtype="int32")])
    for layer in layers(stateful=True):
        train_model.add(layer)
    eval_model = keras.Sequential([keras.Input((None,), dtype="int32"), *layers(stateful=False)])
    ids_train = np.asarray(ids_train)
    num_windows = (len(ids_train) - 1) // seq_len // batch_size  # windows per stream
    span = batch_size * num_windows * seq_len
    streams = ids_train[: span + 1]

    def to_batches(a):  # (32 streams, K windows, 64) -> the k-th batch is every stream's k-th
        return a.reshape(batch_size, num_windows, seq_len).transpose(1, 0, 2).reshape(-1, seq_len)

    X, Y = to_batches(streams[:-1]), to_batches(streams[1:])
    loss = keras.losses.SparseCategoricalCrossentropy(from_logits=True)
    steps = num_windows * num_epochs
    train_model.compile(
        keras.optimizers.Adam(keras.optimizers.schedules.CosineDecay(1e-2, steps)), loss
    )
    eval_model.compile(loss=loss)
    val_x, val_y = np.asarray(ids_val)[np.newaxis, :-1], np.asarray(ids_val)[np.newaxis, 1:]
    val_losses = []
    for _ in range(num_epochs):
        train_model.layers[1].reset_state()
        train_model.fit(X, Y, batch_size=batch_size, epochs=1, shuffle=False, verbose=0)
        eval_model.set_weights(train_model.get_weights())
        val_losses.append(float(eval_model.evaluate(val_x, val_y, verbose=0)))
    return eval_model, val_losses
