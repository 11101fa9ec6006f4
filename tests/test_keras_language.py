"""The Keras language models of sessions 6 and 8: the positional encoding layer, the Transformer
block against the NumPy layers, the GPT's parameter count and causality, the training windows,
the windowed validation loss, and session 6's LSTM recipe."""

import numpy as np
import pytest

from seminar_lib import setup_notebook
from seminar_lib.layers import LayerNorm, MultiHeadAttention, sinusoidal_positional_encoding

setup_notebook(0)  # the TensorFlow environment and seeds, before TensorFlow is imported
import keras  # noqa: E402

from seminar_lib import keras_language as KL  # noqa: E402


def test_add_positional_encoding_adds_the_table_for_any_length():
    layer = KL.AddPositionalEncoding(16)
    x = np.random.default_rng(0).standard_normal((2, 5, 8)).astype(np.float32)
    np.testing.assert_allclose(
        layer(x).numpy(), x + sinusoidal_positional_encoding(5, 8), atol=1e-6
    )
    assert KL.AddPositionalEncoding.from_config(layer.get_config()).max_len == 16


def block_as_numpy(block, x):
    """The block's computation written with the library's NumPy layers and its weights."""
    D = block.embed_dim
    norm1, norm2 = LayerNorm(D), LayerNorm(D)
    for norm, twin in ((norm1, block.norm1), (norm2, block.norm2)):
        norm.params["gamma"], norm.params["beta"] = (w.numpy() for w in twin.weights)
    mha = MultiHeadAttention(D, block.num_heads, D // block.num_heads, np.random.default_rng(0))
    mha.set_keras_weights(block.attention.get_weights())
    W1, b1 = block.ff1.get_weights()
    W2, b2 = block.ff2.get_weights()
    h = x + mha.forward(norm1.forward(x), causal=True)  # (N, T, D)
    return h + np.maximum(norm2.forward(h) @ W1 + b1, 0) @ W2 + b2


def test_transformer_block_is_the_numpy_layers_in_order():
    keras.utils.set_random_seed(1)
    block = KL.TransformerBlock(16, 4, 32)
    x = np.random.default_rng(1).standard_normal((3, 6, 16)).astype(np.float32)
    out = block(x).numpy()
    rng = np.random.default_rng(2)
    for w in block.weights:  # non-trivial norms and biases, so that each one matters
        w.assign(rng.standard_normal(w.shape).astype(np.float32) * 0.3 + (w.name == "gamma"))
    out = block(x).numpy()
    assert out.shape == (3, 6, 16)
    np.testing.assert_allclose(out, block_as_numpy(block, x), atol=1e-4)


def test_transformer_block_is_causal_and_residual():
    keras.utils.set_random_seed(2)
    block = KL.TransformerBlock(8, 2, 16)
    x = np.random.default_rng(3).standard_normal((1, 6, 8)).astype(np.float32)
    changed = x.copy()
    changed[:, 4:] += 1.0  # change the last two positions only
    np.testing.assert_allclose(block(x).numpy()[:, :4], block(changed).numpy()[:, :4], atol=1e-6)
    for layer in (block.attention._output_dense, block.ff2):  # both steps add zero
        for w in layer.weights:
            w.assign(np.zeros(w.shape, dtype=np.float32))
    np.testing.assert_allclose(block(x).numpy(), x, atol=1e-6)


def test_transformer_block_rejects_heads_that_do_not_divide_the_width():
    with pytest.raises(ValueError, match=r"divisible .* Received: embed_dim=10, num_heads=4"):
        KL.TransformerBlock(10, 4, 40)
    config = KL.TransformerBlock(8, 2, 16, dropout=0.1).get_config()
    assert (config["embed_dim"], config["num_heads"], config["ff_dim"], config["dropout"]) == (
        8, 2, 16, 0.1,
    )  # fmt: skip


def test_char_gpt_parameter_count_and_shapes():
    V, D = 50, 32
    model = KL.build_char_gpt(V, 20, embed_dim=D, num_heads=4, num_layers=3)
    per_block = 4 * (D * D + D) + (D * 4 * D + 4 * D) + (4 * D * D + D) + 4 * D
    assert model.count_params() == V * D + 3 * per_block + 2 * D + D * V + V
    ids = np.random.default_rng(4).integers(0, V, size=(2, 20))
    logits = model(ids, training=False).numpy()
    assert logits.shape == (2, 20, V)
    shorter = model(ids[:, :7], training=False).numpy()  # any length up to max_len
    np.testing.assert_allclose(shorter, logits[:, :7], atol=1e-5)  # causal: the past only


def test_random_windows():
    ids = np.arange(100)
    X, Y = KL.random_windows(ids, 8, 50, np.random.default_rng(5))
    assert X.shape == Y.shape == (50, 8)
    np.testing.assert_array_equal(Y, X + 1)  # the next character of each position
    np.testing.assert_array_equal(np.diff(X, axis=1), 1)  # consecutive characters
    assert X.min() >= 0 and Y.max() <= 99
    X2, _ = KL.random_windows(ids, 8, 50, np.random.default_rng(5))
    np.testing.assert_array_equal(X, X2)
    with pytest.raises(ValueError, match=r"L > seq_len=8. Received: ids.shape=\(8,\)"):
        KL.random_windows(np.arange(8), 8, 1, np.random.default_rng(0))


def position_model(X, training=False):
    """logits [t, 0] at window position t: the loss of target 0 is log(1 + exp(-t))."""
    B, T = X.shape
    logits = np.zeros((B, T, 2), dtype=np.float32)
    logits[:, :, 0] = np.arange(T)
    return logits


@pytest.mark.parametrize(("length", "context"), [(101, 10), (57, 8), (12, 10)])
def test_windowed_loss_scores_each_character_once_with_its_context(length, context):
    ids = np.zeros(length, dtype=np.int64)  # every target is 0
    positions = []  # the window position of each scored character, in text order
    for s in range(0, max(length - 1 - context, 1), context):
        first = 0 if s == 0 else context
        last = min(2 * context, length - 1 - s)
        positions += list(range(first, last))
    assert len(positions) == length - 1  # every target scored once
    expected = np.mean(np.log1p(np.exp(-np.array(positions, dtype=float))))
    loss = KL.windowed_loss(position_model, ids, context, batch_size=3)
    np.testing.assert_allclose(loss, expected, rtol=1e-6)


def test_windowed_loss_of_a_bigram_model_is_its_cross_entropy():
    rng = np.random.default_rng(6)
    table = rng.standard_normal((5, 5))  # logits of the next id given the current id

    def bigram(X, training=False):
        return table[X]  # (B, T, 5)

    ids = rng.integers(0, 5, size=300)
    log_probs = table - np.log(np.exp(table).sum(axis=1, keepdims=True))
    expected = -np.mean(log_probs[ids[:-1], ids[1:]])
    np.testing.assert_allclose(KL.windowed_loss(bigram, ids, 16), expected, rtol=1e-10)


def test_train_char_lstm_runs_the_recipe_and_reports_the_validation_loss():
    rng = np.random.default_rng(7)
    ids_train = np.tile(np.arange(5), 430)  # 2150 characters: a period-5 pattern, 1 stream window
    ids_val = rng.permutation(np.tile(np.arange(5), 20))
    model, val_losses = KL.train_char_lstm(ids_train, ids_val, 5, num_epochs=15)
    assert len(val_losses) == 15 and all(np.isfinite(val_losses))
    assert model.count_params() == 5 * 64 + 4 * (64 + 192 + 1) * 192 + 192 * 5 + 5
    reread = model.evaluate(ids_val[np.newaxis, :-1], ids_val[np.newaxis, 1:], verbose=0)
    np.testing.assert_allclose(reread, val_losses[-1], rtol=1e-5)
    train_x = ids_train[np.newaxis, :200]
    predicted = model.predict(train_x, verbose=0).argmax(axis=-1)[0]  # the pattern is learned
    assert (predicted[10:] == (train_x[0, 10:] + 1) % 5).mean() > 0.9
