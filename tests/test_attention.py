"""Session 8 library: attention, masks, multi-head attention, LayerNorm, positional encoding."""

import numpy as np
import pytest
from helpers import layer_errors, rng

from seminar_lib import setup_notebook
from seminar_lib.gradcheck import check_gradients, numerical_gradient, relative_error
from seminar_lib.layers import (
    Embedding,
    LayerNorm,
    MultiHeadAttention,
    PositionalEncoding,
    ScaledDotProductAttention,
    TimeAffine,
    TimeSoftmaxCrossEntropy,
    causal_mask,
    padding_mask,
    scaled_dot_product_attention,
    sinusoidal_positional_encoding,
)
from seminar_lib.models import Sequential
from seminar_lib.optimizers import Adam
from seminar_lib.training import evaluate, fit

setup_notebook(0)  # the TensorFlow environment and seeds, before TensorFlow is imported
import keras  # noqa: E402  (after setup_notebook, as in every notebook)
import tensorflow as tf  # noqa: E402


# ------------------------------------------------------------------ masks
def test_causal_mask_is_the_lower_triangle():
    np.testing.assert_array_equal(
        causal_mask(3), [[True, False, False], [True, True, False], [True, True, True]]
    )
    assert causal_mask(1).shape == (1, 1)
    with pytest.raises(ValueError, match="T"):
        causal_mask(0)


def test_padding_mask_marks_real_keys_and_broadcasts_over_queries():
    mask = padding_mask([2, 4], 4)
    assert mask.shape == (2, 1, 4)
    np.testing.assert_array_equal(mask[:, 0], [[1, 1, 0, 0], [1, 1, 1, 1]])
    combined = mask & causal_mask(4)  # (2, 4, 4)
    np.testing.assert_array_equal(combined[0, 3], [1, 1, 0, 0])
    np.testing.assert_array_equal(combined[1, 1], [1, 1, 0, 0])


@pytest.mark.parametrize(
    ("lengths", "message"),
    [
        ([0, 2], r"Expected every length in \[1, 4\]. Received: min=0, max=2"),
        ([2, 5], r"Expected every length in \[1, 4\]. Received: min=2, max=5"),
        ([[2]], r"1-D array of integers \(N,\). Received: shape=\(1, 1\)"),
        ([1.5], r"Received: shape=\(1,\), dtype=float64"),
    ],
)
def test_padding_mask_rejects_bad_lengths(lengths, message):
    with pytest.raises(ValueError, match=message):
        padding_mask(lengths, 4)


# ------------------------------------------------------------------ scaled dot-product attention
def test_attention_by_hand():
    # one query that matches the second key: weights softmax([0, 2, 0] / sqrt(2))
    q = np.array([[[0.0, 2.0]]])  # (1, 1, 2)
    k = np.array([[[1.0, -1.0], [0.0, 1.0], [0.0, 0.0]]])  # (1, 3, 2)
    v = np.array([[[1.0], [10.0], [100.0]]])  # (1, 3, 1)
    out, weights = scaled_dot_product_attention(q, k, v)
    scores = np.array([-2.0, 2.0, 0.0]) / np.sqrt(2)
    expected = np.exp(scores) / np.exp(scores).sum()
    np.testing.assert_allclose(weights[0, 0], expected)
    np.testing.assert_allclose(out[0, 0, 0], expected @ [1.0, 10.0, 100.0])


def test_attention_weights_are_probabilities_and_respect_masks():
    r = rng(1)
    q, k, v = (r.standard_normal((2, 3, 5, 4)).astype(np.float32) for _ in range(3))
    _, weights = scaled_dot_product_attention(q, k, v, mask=causal_mask(5))
    assert weights.shape == (2, 3, 5, 5) and weights.dtype == np.float32
    np.testing.assert_allclose(weights.sum(axis=-1), 1.0, rtol=1e-6)
    assert np.all(weights[..., ~causal_mask(5)] == 0)  # no weight on the future
    np.testing.assert_array_equal(weights[..., 0, 0], 1.0)  # the first position sees only itself
    # a row with no allowed key gets equal weights (as in Keras), not nan
    _, weights = scaled_dot_product_attention(q, k, v, mask=np.zeros((5, 5), dtype=bool))
    np.testing.assert_allclose(weights, 0.2)


def test_attention_scaling_keeps_the_score_variance_near_one():
    # why sqrt(d): q.k of unit-variance vectors has variance d; divided by sqrt(d) it is ~1
    r = rng(2)
    for d in (4, 64, 256):
        q, k = r.standard_normal((2000, 1, d)), r.standard_normal((2000, 1, d))
        scores = (q @ k.transpose(0, 2, 1))[:, 0, 0]
        assert 0.85 * d < scores.var() < 1.15 * d
        assert 0.85 < (scores / np.sqrt(d)).var() < 1.15


@pytest.mark.parametrize("masked", [False, True])
def test_attention_gradients_match_numerical_gradients(masked):
    r = rng(3)
    q, k, v = (
        r.standard_normal((2, 4, 3)),
        r.standard_normal((2, 5, 3)),
        r.standard_normal((2, 5, 2)),
    )
    mask = padding_mask([3, 5], 5) if masked else None
    attention = ScaledDotProductAttention()
    weights = r.standard_normal((2, 4, 2))

    def objective():
        return float((attention.forward(q, k, v, mask) * weights).sum())

    objective()
    dout = weights.copy()
    dq, dk, dv = attention.backward(dout)
    np.testing.assert_array_equal(dout, weights)  # dout untouched
    for analytic, x in ((dq, q), (dk, k), (dv, v)):
        assert relative_error(analytic, numerical_gradient(objective, x)) < 1e-6
    if masked:  # padded keys get no gradient at all
        np.testing.assert_array_equal(dk[0, 3:], 0)
        np.testing.assert_array_equal(dv[0, 3:], 0)


@pytest.mark.parametrize(
    ("shapes", "mask", "message"),
    [
        (
            ((2, 4, 3), (2, 5, 2), (2, 5, 2)),
            None,
            r"same last axis d. Received: q.shape=\(2, 4, 3\)",
        ),
        (((2, 4, 3), (3, 5, 3), (3, 5, 2)), None, r"same leading axes. Received: q.shape="),
        (((2, 4, 3), (2, 5, 3), (2, 4, 2)), None, r"v.shape=\(2, 4, 2\)"),
        (((2, 4, 3), (2, 5, 3), (2, 5, 2)), np.ones((4, 4), bool), r"mask.shape=\(4, 4\)"),
    ],
)
def test_attention_rejects_bad_shapes(shapes, mask, message):
    q, k, v = (np.zeros(s, dtype=np.float32) for s in shapes)
    with pytest.raises(ValueError, match=message):
        scaled_dot_product_attention(q, k, v, mask=mask)


# ------------------------------------------------------------------ multi-head attention
def mha(D=6, h=2, d_k=3, seed=0, dtype=np.float32):
    """A layer with random, non-zero biases (zeros would hide a wrong bias gradient)."""
    layer = MultiHeadAttention(D, h, d_k, rng(seed), dtype=dtype)
    for name in ("bq", "bk", "bv", "bo"):
        layer.params[name][...] = rng(seed + 100).standard_normal(layer.params[name].shape)
    return layer


def test_multi_head_attention_shapes_and_params():
    layer = mha()
    out = layer.forward(rng(1).standard_normal((4, 5, 6)).astype(np.float32))
    assert out.shape == (4, 5, 6) and out.dtype == np.float32
    assert layer.weights.shape == (4, 2, 5, 5)
    assert {name: p.shape for name, p in layer.params.items()} == {
        "Wq": (6, 6), "bq": (6,), "Wk": (6, 6), "bk": (6,), "Wv": (6, 6), "bv": (6,),
        "Wo": (6, 6), "bo": (6,),
    }  # fmt: skip
    assert sum(p.size for p in layer.params.values()) == 4 * (6 * 6 + 6)  # 4 (D*D + D)
    assert repr(layer) == "MultiHeadAttention(embed_dim=6, num_heads=2, key_dim=3)"


def test_multi_head_attention_head_is_one_attention_on_its_columns():
    layer = mha(seed=4)
    x = rng(5).standard_normal((2, 4, 6)).astype(np.float32)
    layer.forward(x)
    P = layer.params
    head1 = slice(3, 6)  # the second head's columns
    q, k, v = (x @ P[f"W{n}"][:, head1] + P[f"b{n}"][head1] for n in "qkv")
    _, weights = scaled_dot_product_attention(q, k, v)
    np.testing.assert_allclose(layer.weights[:, 1], weights, rtol=1e-5, atol=1e-6)


@pytest.mark.parametrize("causal", [False, True])
def test_self_attention_gradients_match_numerical_gradients(causal):
    layer = mha(dtype=np.float64)

    class Self:  # layer_errors calls forward(x, training=...)
        params, grads = layer.params, layer.grads

        def astype(self, dtype):
            return self

        def forward(self, x, training=False):
            return layer.forward(x, causal=causal)

        def backward(self, dout):
            return layer.backward(dout)

    errors = layer_errors(Self(), rng(6).standard_normal((2, 4, 6)))
    # the key bias adds q.bk to every score of a query's row, which softmax ignores: its true
    # gradient is 0, so the relative error of two round-off values means nothing
    np.testing.assert_allclose(layer.grads["bk"], 0, atol=1e-12)
    del errors["bk"]
    assert max(errors.values()) < 1e-6, errors


def test_cross_attention_gradients_for_each_input():
    layer = mha(dtype=np.float64)
    r = rng(7)
    query, value, key = r.standard_normal((2, 3, 6)), r.standard_normal((2, 5, 6)), None
    mask = padding_mask([5, 2], 5)
    weights = r.standard_normal((2, 3, 6))
    for key in (None, r.standard_normal((2, 5, 6))):

        def objective(key=key):
            return float((layer.forward(query, value, key, mask=mask) * weights).sum())

        objective()
        grads = layer.backward(weights)
        inputs = (query, value) if key is None else (query, value, key)
        assert len(grads) == len(inputs)
        for analytic, x in zip(grads, inputs, strict=True):
            assert relative_error(analytic, numerical_gradient(objective, x)) < 1e-5
        np.testing.assert_allclose(layer.grads["bk"], 0, atol=1e-12)  # softmax ignores q.bk
        for name, p in layer.params.items():
            if name != "bk":
                assert relative_error(layer.grads[name], numerical_gradient(objective, p)) < 1e-5


def keras_mha_gradients(twin, query, value, r, **kwargs):
    """Keras's output and the gradients of sum(out * r) w.r.t. query, value, the 8 weights."""
    tensors = [tf.constant(query), tf.constant(value)]
    with tf.GradientTape() as tape:
        tape.watch(tensors)
        out = twin(tensors[0], tensors[1], **kwargs)
        objective = tf.reduce_sum(out * r)
    grads = tape.gradient(objective, [*tensors, *twin.trainable_weights])
    return out.numpy(), [g.numpy() for g in grads]


@pytest.mark.parametrize("case", ["self", "causal", "padding", "cross"])
def test_multi_head_attention_matches_keras(case):
    r = rng(8)
    D, h, d_k = 8, 2, 4
    twin = keras.layers.MultiHeadAttention(num_heads=h, key_dim=d_k)
    query = r.standard_normal((3, 5, D)).astype(np.float32)
    value = r.standard_normal((3, 7, D)).astype(np.float32) if case == "cross" else query
    twin(query, value)  # builds the weights
    twin.set_weights([r.standard_normal(w.shape).astype(np.float32) * 0.4 for w in twin.weights])
    layer = MultiHeadAttention(D, h, d_k, rng(0)).set_keras_weights(twin.get_weights())
    mask = padding_mask([5, 3, 1], 5) if case == "padding" else None
    causal = case == "causal"
    out = layer.forward(query, None if case != "cross" else value, mask=mask, causal=causal)
    dout = r.standard_normal(out.shape).astype(np.float32)
    keras_mask = None if mask is None else np.broadcast_to(mask, (3, 5, 5))
    keras_out, keras_grads = keras_mha_gradients(
        twin, query, value, dout, attention_mask=keras_mask, use_causal_mask=causal
    )
    np.testing.assert_allclose(out, keras_out, atol=1e-5)
    grads = layer.backward(dout)
    if case == "cross":
        np.testing.assert_allclose(grads[0], keras_grads[0], atol=1e-5)
        np.testing.assert_allclose(grads[1], keras_grads[1], atol=1e-5)
    else:  # Keras sees query and value as two inputs; here they are one
        np.testing.assert_allclose(grads, keras_grads[0] + keras_grads[1], atol=1e-5)
    names = ["Wq", "bq", "Wk", "bk", "Wv", "bv", "Wo", "bo"]
    for name, keras_grad in zip(names, keras_grads[2:], strict=True):
        np.testing.assert_allclose(
            layer.grads[name], keras_grad.reshape(layer.grads[name].shape), atol=1e-5
        )


def test_multi_head_attention_rejects_bad_input():
    layer = mha()
    with pytest.raises(ValueError, match=r"Expected `query` with 3 dims \(N, T, 6\)"):
        layer.forward(np.zeros((4, 6)))
    with pytest.raises(ValueError, match=r"Received: value.shape=\(2, 3, 5\)"):
        layer.forward(np.zeros((2, 3, 6)), np.zeros((2, 3, 5)))
    with pytest.raises(ValueError, match=r"key.shape=\(2, 4, 6\), value.shape=\(2, 3, 6\)"):
        layer.forward(np.zeros((2, 3, 6)), np.zeros((2, 3, 6)), np.zeros((2, 4, 6)))
    with pytest.raises(TypeError, match="causal"):
        layer.forward(np.zeros((2, 3, 6)), causal="yes")
    with pytest.raises(
        ValueError, match=r"Expected the 8 weights .* Received shapes: \[\(6, 6\)\]"
    ):
        layer.set_keras_weights([np.zeros((6, 6))])
    with pytest.raises(RuntimeError, match="before forward"):
        mha().backward(np.zeros((2, 3, 6)))


# ------------------------------------------------------------------ LayerNorm
def test_layer_norm_normalises_each_position():
    x = rng(9).standard_normal((3, 4, 8)).astype(np.float32) * 5 + 2
    out = LayerNorm(8, epsilon=1e-6).forward(x)
    np.testing.assert_allclose(out.mean(axis=-1), 0, atol=1e-5)
    np.testing.assert_allclose(out.std(axis=-1), 1, atol=1e-4)
    single = LayerNorm(8).forward(x[:1])  # one example alone gives the same output
    np.testing.assert_allclose(LayerNorm(8).forward(x)[:1], single)


def test_layer_norm_gradients():
    layer = LayerNorm(5)
    layer.params["gamma"][...] = rng(10).standard_normal(5)
    layer.params["beta"][...] = rng(11).standard_normal(5)
    errors = layer_errors(layer, rng(12).standard_normal((2, 3, 5)))
    assert max(errors.values()) < 1e-6, errors


def test_layer_norm_matches_keras():
    r = rng(13)
    twin = keras.layers.LayerNormalization()
    twin.build((None, 4, 6))
    gamma, beta = r.standard_normal(6).astype(np.float32), r.standard_normal(6).astype(np.float32)
    twin.set_weights([gamma, beta])
    layer = LayerNorm(6)
    layer.params["gamma"][...], layer.params["beta"][...] = gamma, beta
    x = r.standard_normal((3, 4, 6)).astype(np.float32) * 3
    dout = r.standard_normal((3, 4, 6)).astype(np.float32)
    x_tf = tf.constant(x)
    with tf.GradientTape() as tape:
        tape.watch(x_tf)
        objective = tf.reduce_sum(twin(x_tf) * dout)
    dx_k, dgamma_k, dbeta_k = (g.numpy() for g in tape.gradient(objective, [x_tf, *twin.weights]))
    np.testing.assert_allclose(layer.forward(x), twin(x).numpy(), atol=1e-5)
    np.testing.assert_allclose(layer.backward(dout), dx_k, atol=1e-5)
    np.testing.assert_allclose(layer.grads["gamma"], dgamma_k, atol=1e-5)
    np.testing.assert_allclose(layer.grads["beta"], dbeta_k, atol=1e-5)


def test_layer_norm_rejects_bad_input():
    with pytest.raises(ValueError, match=r"last axis 4 \(\.\.\., 4\). Received: x.shape=\(2, 5\)"):
        LayerNorm(4).forward(np.zeros((2, 5)))
    with pytest.raises(ValueError, match="epsilon"):
        LayerNorm(4, epsilon=0)


# ------------------------------------------------------------------ positional encoding
def test_sinusoidal_positional_encoding_values():
    pe = sinusoidal_positional_encoding(50, 8)
    assert pe.shape == (50, 8) and pe.dtype == np.float32
    np.testing.assert_array_equal(pe[0], [0, 1, 0, 1, 0, 1, 0, 1])  # sin 0, cos 0
    for t, i in [(1, 0), (7, 1), (49, 3)]:
        omega = 1 / 10000 ** (2 * i / 8)
        np.testing.assert_allclose(pe[t, 2 * i], np.sin(omega * t), rtol=1e-6, atol=1e-7)
        np.testing.assert_allclose(pe[t, 2 * i + 1], np.cos(omega * t), rtol=1e-6, atol=1e-7)
    # each pair is a point on the unit circle; every position gets a different code
    np.testing.assert_allclose(pe[:, 0::2] ** 2 + pe[:, 1::2] ** 2, 1, rtol=1e-6)
    assert len({row.tobytes() for row in pe}) == 50


def test_positional_encoding_shift_is_a_rotation():
    # PE(t + k) is a fixed linear map of PE(t): what lets attention find relative positions
    pe = sinusoidal_positional_encoding(40, 6, dtype=np.float64)
    k = 3
    M, *_ = np.linalg.lstsq(pe[:-k], pe[k:], rcond=None)
    np.testing.assert_allclose(pe[:-k] @ M, pe[k:], atol=1e-9)


def test_positional_encoding_layer_adds_and_passes_gradients():
    layer = PositionalEncoding(10, 4)
    x = rng(14).standard_normal((2, 6, 4)).astype(np.float32)
    np.testing.assert_allclose(layer.forward(x), x + sinusoidal_positional_encoding(6, 4))
    dout = rng(15).standard_normal((2, 6, 4)).astype(np.float32)
    dx = layer.backward(dout)
    np.testing.assert_array_equal(dx, dout)
    assert dx is not dout
    with pytest.raises(ValueError, match=r"T <= 10. Received: x.shape=\(2, 11, 4\)"):
        layer.forward(np.zeros((2, 11, 4)))
    with pytest.raises(ValueError, match=r"even `D` \(sine and cosine pairs\). Received: D=5"):
        sinusoidal_positional_encoding(4, 5)
    with pytest.raises(ValueError, match="base"):
        sinusoidal_positional_encoding(4, 4, base=1)


# ------------------------------------------------------------------ a model of these layers
def tiny_transformer(seed=0, vocab=5, T=4, D=8):
    r = rng(seed)
    return Sequential(
        [
            Embedding(vocab, D, r),
            PositionalEncoding(T, D),
            MultiHeadAttention(D, 2, 4, r),
            LayerNorm(D),
            TimeAffine(D, vocab, r),
        ],
        input_shape=(T,),
    )


def test_attention_model_gradients_through_sequential():
    model = tiny_transformer()
    X = rng(16).integers(0, 5, size=(3, 4))
    errors = check_gradients(model, TimeSoftmaxCrossEntropy(), X, X[:, ::-1])
    del errors["2.bk"]  # its true gradient is 0 (see above): a ratio of round-off values
    assert max(errors.values()) < 1e-5, errors


def test_attention_model_learns_to_reverse_with_fit():
    # the toy task of notebook 08: output position t copies input position T-1-t
    X = rng(17).integers(0, 5, size=(1000, 4))
    y = X[:, ::-1].copy()
    model = tiny_transformer(seed=1)
    fit(model, TimeSoftmaxCrossEntropy(), Adam(lr=0.02), X, y, rng=rng(18), num_epochs=15,
        batch_size=50, verbose=0)  # fmt: skip
    _, acc = evaluate(model, TimeSoftmaxCrossEntropy(), X, y)
    assert acc > 0.95
