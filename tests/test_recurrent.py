"""Session 6 library: Embedding, RNN, LSTM, TimeAffine, TimeSoftmaxCrossEntropy, clipping."""

import copy
import warnings

import numpy as np
import pytest
from helpers import layer_errors, rng

from seminar_lib import setup_notebook
from seminar_lib.gradcheck import check_gradients, numerical_gradient, relative_error
from seminar_lib.initializers import orthogonal
from seminar_lib.layers import (
    LSTM,
    RNN,
    Affine,
    Embedding,
    SoftmaxCrossEntropy,
    TimeAffine,
    TimeSoftmaxCrossEntropy,
)
from seminar_lib.metrics import accuracy
from seminar_lib.models import Sequential
from seminar_lib.optimizers import SGD, Adam, clip_grad_norm
from seminar_lib.training import evaluate, fit

setup_notebook(0)  # the TensorFlow environment and seeds, before TensorFlow is imported
import keras  # noqa: E402  (after setup_notebook, as in every notebook)
import tensorflow as tf  # noqa: E402

RECURRENT = [RNN, LSTM]


def recurrent(cls, D=3, H=4, seed=0, **kwargs):
    """A layer with a random, non-zero bias (zeros would hide a wrong bias gradient)."""
    layer = cls(D, H, rng(seed), **kwargs)
    layer.params["b"][...] = rng(seed + 100).standard_normal(layer.params["b"].shape)
    return layer


def sigmoid(a):
    return 1 / (1 + np.exp(-a))


def naive_lstm(x, Wx, Wh, b, h=None, c=None):
    """The equations, one step and one gate at a time (float64): hs, cs (N, T, H)."""
    N, T, _ = x.shape
    H = Wh.shape[0]
    h = np.zeros((N, H)) if h is None else h
    c = np.zeros((N, H)) if c is None else c
    hs, cs = [], []
    for t in range(T):
        a = x[:, t] @ Wx + h @ Wh + b  # (N, 4H)
        i, f = sigmoid(a[:, :H]), sigmoid(a[:, H : 2 * H])
        g, o = np.tanh(a[:, 2 * H : 3 * H]), sigmoid(a[:, 3 * H :])
        c = f * c + i * g
        h = o * np.tanh(c)
        hs.append(h)
        cs.append(c)
    return np.stack(hs, axis=1), np.stack(cs, axis=1)


# ------------------------------------------------------------------ gradients (float64)
@pytest.mark.parametrize("return_sequences", [False, True])
@pytest.mark.parametrize("cls", RECURRENT)
def test_recurrent_gradients_match_numerical_gradients(cls, return_sequences):
    layer = recurrent(cls, return_sequences=return_sequences)
    x = rng(1).standard_normal((2, 5, 3))
    errors = layer_errors(layer, x, seed=2)
    assert set(errors) == {"x", "Wx", "Wh", "b"}
    assert max(errors.values()) < 1e-6, errors


@pytest.mark.parametrize("cls", RECURRENT)
def test_gradients_of_the_initial_state(cls):
    """dh0 (and dc0) against numerical gradients of the state a stateful layer starts from."""
    layer = recurrent(cls, H=3, stateful=True, return_sequences=True).astype(np.float64)
    x = rng(3).standard_normal((2, 4, 3))
    state = {name: rng(4 + k).standard_normal((2, 3)) for k, name in enumerate(layer._state_names)}
    r = rng(6).standard_normal((2, 4, 3))

    def objective():
        layer.state = dict(state)  # the same initial state every call
        return float((layer.forward(x) * r).sum())

    objective()
    layer.backward(r)
    np.testing.assert_array_equal(layer.state["h"], layer.hs[:, -1])  # carried over: h_T
    assert relative_error(layer.dh0, numerical_gradient(objective, state["h"])) < 1e-6
    if cls is LSTM:
        assert relative_error(layer.dc0, numerical_gradient(objective, state["c"])) < 1e-6


def test_time_affine_gradients_and_values():
    layer = TimeAffine(3, 4, rng())
    layer.params["b"][...] = [1, 2, 3, 4]
    errors = layer_errors(layer, rng(1).standard_normal((2, 5, 3)), seed=2)
    assert max(errors.values()) < 1e-6, errors
    x = rng(7).standard_normal((2, 5, 3))
    out = layer.forward(x)
    np.testing.assert_allclose(out[1, 2], x[1, 2] @ layer.params["W"] + [1, 2, 3, 4])


def test_embedding_gradient_adds_up_repeated_ids():
    layer = Embedding(5, 3, rng()).astype(np.float64)
    ids = np.array([[1, 3, 1, 1], [0, 3, 4, 1]])  # id 1 four times, id 2 never
    out = layer.forward(ids)
    assert out.shape == (2, 4, 3)
    np.testing.assert_array_equal(out[0, 1], layer.params["W"][3])
    r = rng(1).standard_normal((2, 4, 3))
    assert layer.backward(r) is None  # ids have no gradient
    dW = layer.grads["W"]
    np.testing.assert_allclose(dW[1], r[0, 0] + r[0, 2] + r[0, 3] + r[1, 3])
    np.testing.assert_array_equal(dW[2], 0)
    numeric = numerical_gradient(lambda: (layer.forward(ids) * r).sum(), layer.params["W"])
    assert relative_error(dW, numeric) < 1e-8
    layer.backward(r)  # a second backward recomputes instead of adding to the last one
    np.testing.assert_allclose(layer.grads["W"], numeric, atol=1e-8)


def test_time_softmax_cross_entropy_gradient_and_value():
    logits = rng(2).standard_normal((2, 3, 4))
    y = np.array([[0, 3, 1], [2, 2, 0]])
    loss = TimeSoftmaxCrossEntropy()
    value = loss.forward(logits, y)
    log_probs = logits - np.log(np.exp(logits).sum(axis=-1, keepdims=True))
    expected = -np.mean([log_probs[n, t, y[n, t]] for n in range(2) for t in range(3)])
    assert value == pytest.approx(expected, rel=1e-12)
    grad = loss.backward()
    assert grad.shape == (2, 3, 4) and loss.probs.shape == (2, 3, 4)
    np.testing.assert_allclose(grad, (np.exp(log_probs) - np.eye(4)[y]) / 6, rtol=1e-12)
    assert relative_error(grad, numerical_gradient(lambda: loss.forward(logits, y), logits)) < 1e-7


def test_whole_sequence_model_gradients():
    r = rng(8)
    model = Sequential(
        [Embedding(6, 3, r), LSTM(3, 4, r, return_sequences=True), TimeAffine(4, 6, r)]
    )
    model.layers[0].params["W"][...] = r.standard_normal((6, 3))  # not U(-0.05, 0.05): dWx
    model.layers[1].params["b"][...] = r.standard_normal(16)  # would be ~1e-8, lost in noise
    X = r.integers(0, 6, size=(3, 5))
    X[0, :2] = 2  # a repeated id
    y = r.integers(0, 6, size=(3, 5))
    # eps 1e-4: some entries of dWh are ~2e-6, where the rounding error of eps=1e-6 (~4e-10)
    # already costs 1e-4 relative
    errors = check_gradients(model, TimeSoftmaxCrossEntropy(), X, y, eps=1e-4)
    assert set(errors) == {"0.W", "1.Wx", "1.Wh", "1.b", "2.W", "2.b"}  # no "input": ids
    assert max(errors.values()) < 1e-6, errors
    assert model.params["1.Wx"].dtype == np.float32  # the check worked on a float64 copy


def test_float_input_model_gradients_include_the_input():
    r = rng(9)
    model = Sequential([RNN(3, 4, r), Affine(4, 2, r, init="glorot")])
    X = r.standard_normal((3, 6, 3))
    errors = check_gradients(model, SoftmaxCrossEntropy(), X, np.array([0, 1, 1]))
    assert set(errors) == {"0.Wx", "0.Wh", "0.b", "1.W", "1.b", "input"}
    assert max(errors.values()) < 1e-6, errors


# ------------------------------------------------------------------ forward values and state
def test_lstm_matches_the_equations_and_keeps_its_internals():
    layer = recurrent(LSTM, D=3, H=4, return_sequences=True).astype(np.float64)
    x = rng(10).standard_normal((2, 6, 3))
    out = layer.forward(x)
    hs, cs = naive_lstm(x, *(layer.params[k] for k in ("Wx", "Wh", "b")))
    np.testing.assert_allclose(out, hs, rtol=1e-12, atol=1e-14)
    np.testing.assert_allclose(layer.cs, cs, rtol=1e-12, atol=1e-14)
    gates = layer.gates
    assert list(gates) == ["input", "forget", "candidate", "output"]
    assert all(v.shape == (2, 6, 4) for v in gates.values())
    c_prev = np.concatenate([np.zeros((2, 1, 4)), cs[:, :-1]], axis=1)
    np.testing.assert_allclose(
        cs, gates["forget"] * c_prev + gates["input"] * gates["candidate"], atol=1e-14
    )
    np.testing.assert_allclose(hs, gates["output"] * np.tanh(cs), atol=1e-14)
    last = LSTM(3, 4, rng(0))
    last.params["b"][...] = layer.params["b"]
    np.testing.assert_allclose(last.forward(x.astype(np.float32)), hs[:, -1], atol=1e-6)
    np.testing.assert_array_equal(last.hs[:, -1], last.out)


def test_rnn_matches_the_equation():
    layer = recurrent(RNN, return_sequences=True).astype(np.float64)
    x = rng(11).standard_normal((2, 5, 3))
    out = layer.forward(x)
    h = np.zeros((2, 4))
    Wx, Wh, b = (layer.params[k] for k in ("Wx", "Wh", "b"))
    for t in range(5):
        h = np.tanh(x[:, t] @ Wx + h @ Wh + b)
        np.testing.assert_allclose(out[:, t], h, rtol=1e-12, atol=1e-14)
    np.testing.assert_array_equal(layer.hs, out)


def test_saturated_gates_stay_finite_without_warnings():
    layer = LSTM(2, 3, rng())
    layer.params["Wx"] *= 1e4
    x = rng(12).standard_normal((2, 4, 2)).astype(np.float32) * 100
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        out = layer.forward(x)
        dx = layer.backward(np.ones_like(out))
    assert np.all(np.isfinite(out)) and np.all(np.isfinite(dx))
    sigmoid_gates = np.concatenate([layer.gates[k] for k in ("input", "forget", "output")])
    assert sigmoid_gates.min() >= 0 and sigmoid_gates.max() <= 1


@pytest.mark.parametrize("cls", RECURRENT)
def test_stateful_halves_equal_one_whole_sequence(cls):
    x = rng(13).standard_normal((3, 8, 3)).astype(np.float32)
    whole = recurrent(cls, return_sequences=True).forward(x)
    layer = recurrent(cls, return_sequences=True, stateful=True)
    first, second = layer.forward(x[:, :5]), layer.forward(x[:, 5:])
    np.testing.assert_allclose(np.concatenate([first, second], axis=1), whole, atol=1e-6)
    assert np.abs(layer.forward(x[:, :5]) - first).max() > 1e-3  # a carried-over state differs
    layer.reset_state()
    assert layer.state is None
    np.testing.assert_allclose(layer.forward(x[:, :5]), first, atol=1e-7)  # from zeros again
    with pytest.raises(ValueError, match=r"Expected `x` with batch size 3.*reset_state\(\)"):
        layer.forward(x[:2])
    layer.reset_state()
    assert layer.forward(x[:2]).shape == (2, 8, 4)  # a new batch size after the reset
    assert recurrent(cls).state is None  # not stateful: nothing is kept
    plain = recurrent(cls)
    plain.forward(x)
    assert plain.state is None


def test_outputs_and_gradients_keep_float32():
    layer = LSTM(3, 4, rng(), return_sequences=True)
    out = layer.forward(rng(14).standard_normal((2, 5, 3)))  # float64 data, float32 layer
    dx = layer.backward(np.ones((2, 5, 4)))
    assert out.dtype == dx.dtype == np.float32
    assert all(g.dtype == np.float32 for g in layer.grads.values())


def test_layers_do_not_modify_their_input():
    x = rng(15).standard_normal((2, 4, 3)).astype(np.float32)
    before = x.copy()
    for layer in (RNN(3, 2, rng(), True), LSTM(3, 2, rng(), True), TimeAffine(3, 2, rng())):
        out = layer.forward(x)
        dout = np.ones_like(out)
        layer.backward(dout)
        np.testing.assert_array_equal(x, before)
        np.testing.assert_array_equal(dout, 1)


# ------------------------------------------------------------------ initialisation and seeds
@pytest.mark.parametrize("shape", [(6, 6), (8, 3), (3, 12)])
def test_orthogonal_initializer(shape):
    W = orthogonal(shape, rng())
    assert W.shape == shape and W.dtype == np.float32
    if shape[0] >= shape[1]:
        np.testing.assert_allclose(W.T @ W, np.eye(shape[1]), atol=1e-6)
    else:  # wide, like an LSTM's (H, 4H) recurrent kernel: orthonormal rows
        np.testing.assert_allclose(W @ W.T, np.eye(shape[0]), atol=1e-6)
    assert not np.allclose(orthogonal(shape, rng(1)), W)


def test_initial_weights_follow_keras():
    D, H = 5, 4
    lstm = LSTM(D, H, rng())
    np.testing.assert_array_equal(lstm.params["b"], [0] * H + [1] * H + [0] * 2 * H)
    np.testing.assert_allclose(lstm.params["Wh"] @ lstm.params["Wh"].T, np.eye(H), atol=1e-6)
    assert np.abs(lstm.params["Wx"]).max() <= np.sqrt(6 / (D + 4 * H))
    rnn = RNN(D, H, rng())
    np.testing.assert_array_equal(rnn.params["b"], 0)
    np.testing.assert_allclose(rnn.params["Wh"].T @ rnn.params["Wh"], np.eye(H), atol=1e-6)
    emb = Embedding(50, 20, rng())
    assert np.abs(emb.params["W"]).max() <= 0.05 and emb.params["W"].std() > 0.025
    keras_lstm = keras.layers.LSTM(H)
    keras_lstm.build((None, 7, D))
    for ours, theirs in zip(lstm.params.values(), keras_lstm.get_weights(), strict=True):
        assert ours.shape == theirs.shape
    np.testing.assert_array_equal(keras_lstm.get_weights()[2], lstm.params["b"])


@pytest.mark.parametrize("cls", [*RECURRENT, Embedding, TimeAffine])
def test_same_seed_same_layer_and_output(cls):
    make = {RNN: lambda s: RNN(3, 4, rng(s)), LSTM: lambda s: LSTM(3, 4, rng(s))}.get(
        cls, lambda s: cls(5, 3, rng(s))
    )
    x = rng(16).integers(0, 3, size=(2, 4, 3 if cls in RECURRENT else 5))
    if cls is Embedding:
        x = x[..., 0]  # ids (2, 4)
    a, b, other = make(0), make(0), make(1)
    for name in a.params:
        np.testing.assert_array_equal(a.params[name], b.params[name])
    np.testing.assert_array_equal(a.forward(x), b.forward(x))
    name = "W" if "W" in a.params else "Wx"
    assert not np.allclose(a.params[name], other.params[name])


# ------------------------------------------------------------------ Keras equivalence (float32)
def keras_gradients(layer, x, r):
    """Output of ``layer(x)`` and the gradients of sum(out * r) w.r.t. x and the weights."""
    x_tf = tf.constant(x)
    with tf.GradientTape() as tape:
        tape.watch(x_tf)
        out = layer(x_tf)
        objective = tf.reduce_sum(out * r)
    grads = tape.gradient(objective, [x_tf, *layer.trainable_weights])
    return out.numpy(), [g.numpy() for g in grads]


@pytest.mark.parametrize("return_sequences", [False, True])
@pytest.mark.parametrize(
    ("cls", "keras_cls"), [(RNN, keras.layers.SimpleRNN), (LSTM, keras.layers.LSTM)]
)
def test_recurrent_layers_match_keras(cls, keras_cls, return_sequences):
    r = rng(17)
    layer = cls(5, 6, r, return_sequences=return_sequences)
    layer.params["b"][...] = r.standard_normal(layer.params["b"].shape) * 0.5
    twin = keras_cls(6, return_sequences=return_sequences)
    twin.build((None, 7, 5))
    twin.set_weights([layer.params["Wx"], layer.params["Wh"], layer.params["b"]])  # no reshuffle
    x = r.standard_normal((4, 7, 5)).astype(np.float32)
    out = layer.forward(x)
    dout = r.standard_normal(out.shape).astype(np.float32)
    dx = layer.backward(dout)
    out_k, (dx_k, dWx_k, dWh_k, db_k) = keras_gradients(twin, x, dout)
    # float32 on both sides; sums over 4 * 7 positions: a few ulps of the largest terms
    tol = {"rtol": 1e-5, "atol": 1e-5}
    np.testing.assert_allclose(out, out_k, **tol)
    np.testing.assert_allclose(dx, dx_k, **tol)
    np.testing.assert_allclose(layer.grads["Wx"], dWx_k, **tol)
    np.testing.assert_allclose(layer.grads["Wh"], dWh_k, **tol)
    np.testing.assert_allclose(layer.grads["b"], db_k, **tol)


def test_embedding_and_time_affine_match_keras():
    r = rng(18)
    emb = Embedding(7, 3, r)
    keras_emb = keras.layers.Embedding(7, 3)
    keras_emb.build((None, 5))
    keras_emb.set_weights([emb.params["W"]])
    ids = r.integers(0, 7, size=(4, 5))
    out = emb.forward(ids)
    dout = r.standard_normal(out.shape).astype(np.float32)
    emb.backward(dout)
    with tf.GradientTape() as tape:
        out_k = keras_emb(tf.constant(ids))
        objective = tf.reduce_sum(out_k * dout)
    (dW_k,) = tape.gradient(objective, keras_emb.trainable_weights)
    np.testing.assert_array_equal(out, out_k.numpy())
    np.testing.assert_allclose(emb.grads["W"], tf.convert_to_tensor(dW_k).numpy(), atol=1e-6)

    dense = TimeAffine(3, 4, r)
    dense.params["b"][...] = r.standard_normal(4)
    keras_dense = keras.layers.Dense(4)
    keras_dense.build((None, 5, 3))
    keras_dense.set_weights([dense.params["W"], dense.params["b"]])
    x = r.standard_normal((4, 5, 3)).astype(np.float32)
    out = dense.forward(x)
    dout = r.standard_normal(out.shape).astype(np.float32)
    dx = dense.backward(dout)
    out_k, (dx_k, dW_k, db_k) = keras_gradients(keras_dense, x, dout)
    np.testing.assert_allclose(out, out_k, rtol=1e-5, atol=1e-6)
    np.testing.assert_allclose(dx, dx_k, rtol=1e-5, atol=1e-6)
    np.testing.assert_allclose(dense.grads["W"], dW_k, rtol=1e-5, atol=1e-5)
    np.testing.assert_allclose(dense.grads["b"], db_k, rtol=1e-5, atol=1e-5)


def test_time_softmax_cross_entropy_matches_keras():
    r = rng(19)
    logits = (r.standard_normal((3, 5, 4)) * 5).astype(np.float32)
    y = r.integers(0, 4, size=(3, 5))
    z = tf.constant(logits)
    with tf.GradientTape() as tape:
        tape.watch(z)
        value_k = keras.losses.SparseCategoricalCrossentropy(from_logits=True)(y, z)
    loss = TimeSoftmaxCrossEntropy()
    assert loss.forward(logits, y) == pytest.approx(float(value_k), rel=1e-5)
    np.testing.assert_allclose(loss.backward(), tape.gradient(value_k, z).numpy(), atol=1e-7)


@pytest.mark.parametrize("max_norm", [0.5, 100.0])
def test_clip_grad_norm_matches_tensorflow(max_norm):
    r = rng(20)
    grads = {k: r.standard_normal(s).astype(np.float32) for k, s in (("a", (3, 4)), ("b", (5,)))}
    clipped_tf, norm_tf = tf.clip_by_global_norm([tf.constant(g) for g in grads.values()], max_norm)
    norm = clip_grad_norm(grads, max_norm)
    assert norm == pytest.approx(float(norm_tf), rel=1e-6)
    for ours, theirs in zip(grads.values(), clipped_tf, strict=True):
        np.testing.assert_allclose(ours, theirs.numpy(), rtol=1e-6, atol=1e-7)


# ------------------------------------------------------------------ clipping and training loop
def test_clip_grad_norm_by_hand():
    grads = {"a": np.array([3.0, 0.0]), "b": np.array([[4.0]])}  # global norm 5
    assert clip_grad_norm(grads, 10.0) == 5.0
    np.testing.assert_array_equal(grads["a"], [3, 0])  # below the limit: untouched
    np.testing.assert_array_equal(grads["b"], [[4]])
    a, b = grads["a"], grads["b"]
    assert clip_grad_norm(grads, 1.0) == 5.0  # the norm before clipping
    np.testing.assert_allclose(a, [0.6, 0.0])  # in place, same direction
    np.testing.assert_allclose(b, [[0.8]])
    assert grads["a"] is a
    assert clip_grad_norm(grads, 1.0) == pytest.approx(1.0)  # now exactly at the limit
    np.testing.assert_allclose(a, [0.6, 0.0])


def rnn_classifier(seed):
    r = rng(seed)
    return Sequential([Embedding(3, 4, r), RNN(4, 8, r), Affine(8, 3, r, init="glorot")])


def test_fit_clips_the_global_gradient_norm(monkeypatch):
    monkeypatch.setenv("SEMINAR_VERBOSE", "0")
    X = rng(21).integers(0, 3, size=(64, 6))
    y = X[:, -1]
    seen = []

    def spy(grads, max_norm):
        norm = clip_grad_norm(grads, max_norm)
        seen.append((max_norm, norm, np.sqrt(sum((g * g).sum() for g in grads.values()))))
        return norm

    monkeypatch.setattr("seminar_lib.training.clip_grad_norm", spy)
    model = rnn_classifier(0)

    def flat(m):
        return np.concatenate([p.ravel() for p in m.params.values()])

    start = flat(model)
    fit(
        model, SoftmaxCrossEntropy(), SGD(lr=10.0), X, y, rng=rng(1), num_epochs=1,
        batch_size=16, clip_norm=0.1,
    )  # fmt: skip
    assert len(seen) == 4  # once per batch, before the update
    for max_norm, before, after in seen:
        assert max_norm == 0.1 and before > 0.1
        assert after == pytest.approx(0.1, rel=1e-4)
    # 4 SGD steps of lr * 0.1 each at most: the weights moved by at most 4 (global norm)
    assert np.linalg.norm(flat(model) - start) <= 4 * 10.0 * 0.1 * (1 + 1e-4)
    unclipped = rnn_classifier(0)
    fit(
        unclipped, SoftmaxCrossEntropy(), SGD(lr=10.0), X, y, rng=rng(1), num_epochs=1,
        batch_size=16,
    )  # fmt: skip
    assert np.linalg.norm(flat(unclipped) - start) > 4.0 * 1.5
    with pytest.raises(ValueError, match=r"Expected `clip_norm` > 0. Received: clip_norm=0"):
        fit(model, SoftmaxCrossEntropy(), SGD(), X, y, rng=rng(), clip_norm=0)


def test_accuracy_of_sequences():
    outputs = np.zeros((2, 3, 4))
    outputs[0, :, 1] = 1  # predicts 1, 1, 1
    outputs[1, :, 2] = 1  # predicts 2, 2, 2
    y = np.array([[1, 1, 0], [2, 3, 3]])
    assert accuracy(outputs, y) == pytest.approx(3 / 6)
    assert accuracy(outputs, np.eye(4)[y]) == pytest.approx(3 / 6)  # one-hot (N, T, K)
    with pytest.raises(ValueError, match=r"Expected targets with shape \(2, 3\)"):
        accuracy(outputs, y[:, :2])


def copy_task(seed, n=256, T=8, V=4):
    """y_t = x_{t-1} (y_0 = x_0): the network must remember the previous token."""
    X = rng(seed).integers(0, V, size=(n, T))
    y = np.concatenate([X[:, :1], X[:, :-1]], axis=1)
    return X, y


def test_a_small_lstm_learns_to_copy_and_is_reproducible(monkeypatch):
    monkeypatch.setenv("SEMINAR_VERBOSE", "0")
    X, y = copy_task(0)
    X_val, y_val = copy_task(1, n=128)
    results = []
    for _ in range(2):
        r = rng(2)
        model = Sequential(
            [Embedding(4, 8, r), LSTM(8, 16, r, return_sequences=True), TimeAffine(16, 4, r)],
            input_shape=(8,),
        )
        history = fit(
            model, TimeSoftmaxCrossEntropy(), Adam(0.02), X.astype(np.float32), y, rng=r,
            num_epochs=8, batch_size=32, clip_norm=5.0,
        )  # fmt: skip
        results.append((history, evaluate(model, TimeSoftmaxCrossEntropy(), X_val, y_val)))
    (history, (val_loss, val_acc)), (history2, _) = results
    assert history["loss"][-1] < 0.1 * history["loss"][0]
    assert val_acc >= 0.99 and val_loss < 0.1
    assert history == history2  # same seed, same run, bit for bit
    assert model.predict(X_val[:3]).shape == (3, 8, 4)


def test_an_lstm_remembers_the_first_token():
    X = rng(3).integers(0, 2, size=(256, 8))
    y = X[:, 0]  # the answer is 7 steps back
    r = rng(4)
    model = Sequential([Embedding(2, 4, r), LSTM(4, 8, r), Affine(8, 2, r, init="glorot")])
    fit(
        model, SoftmaxCrossEntropy(), Adam(0.02), X, y, rng=r, num_epochs=10, batch_size=32,
        verbose=0,
    )  # fmt: skip
    X_new = rng(5).integers(0, 2, size=(200, 8))
    assert accuracy(model.predict(X_new), X_new[:, 0]) >= 0.98


# ------------------------------------------------------------------ model plumbing
def test_summary_repr_and_copied_parameters():
    r = rng(22)
    model = Sequential(
        [Embedding(10, 4, r), LSTM(4, 8, r, return_sequences=True), TimeAffine(8, 10, r)],
        input_shape=(12,),
    )
    text = repr(model)
    assert "Embedding(vocab_size=10, embed_dim=4)" in text
    assert "LSTM(4 -> 8, return_sequences=True)" in text
    assert "TimeAffine(8 -> 10, init='glorot')" in text
    for row in ("(N, 12, 4)", "(N, 12, 8)", "(N, 12, 10)"):
        assert row in text
    assert text.endswith(f"Total params: {10 * 4 + 4 * 32 + 8 * 32 + 32 + 8 * 10 + 10:,}")
    assert repr(RNN(3, 5, r, stateful=True)) == "RNN(3 -> 5, return_sequences=False, stateful=True)"
    assert Sequential([LSTM(3, 5, r)], input_shape=(7, 3)).layers[0].output_shape((7, 3)) == (5,)
    clone = copy.deepcopy(model)  # separate arrays, the same numbers
    X, y = r.integers(0, 10, size=(3, 12)), r.integers(0, 10, size=(3, 12))
    for m in (model, clone):
        loss = TimeSoftmaxCrossEntropy()
        loss.forward(m.forward(X), y)
        assert m.backward(loss.backward()) is None
    for name, g in model.grads.items():
        assert not np.shares_memory(g, clone.grads[name])
        np.testing.assert_array_equal(g, clone.grads[name])
    for p in model.params.values():
        p[...] = 0.0  # forward reads the layers' own arrays
    np.testing.assert_array_equal(model.predict(X), 0)
    assert not np.array_equal(clone.predict(X), 0)


def test_embedding_accepts_whole_number_floats():
    layer = Embedding(5, 2, rng())
    ids = np.array([[0, 4], [2, 2]])
    np.testing.assert_array_equal(layer.forward(ids.astype(np.float32)), layer.forward(ids))
    assert layer.forward(np.array([3, 1])).shape == (2, 2)  # (N,) -> (N, E)
    assert layer.output_shape((6,)) == (6, 2)


# ------------------------------------------------------------------ error messages
@pytest.mark.parametrize(
    ("call", "error", "message"),
    [
        (
            lambda: LSTM(3, 4, rng()).forward(np.ones(3)),
            ValueError,
            r"Expected `x` with 3 dims \(N, T, 3\). Received: x.shape=\(3,\)",
        ),
        (
            lambda: RNN(3, 4, rng()).forward(np.ones((2, 5, 4))),
            ValueError,
            r"Expected `x` with 3 dims \(N, T, 3\). Received: x.shape=\(2, 5, 4\)",
        ),
        (
            lambda: LSTM(3, 4, rng()).forward(np.ones((2, 0, 3))),
            ValueError,
            r"Expected `x` with at least 1 time step",
        ),
        (
            lambda: TimeAffine(3, 4, rng()).forward(np.ones((2, 3))),
            ValueError,
            r"Expected `x` with 3 dims \(N, T, 3\). Received: x.shape=\(2, 3\)",
        ),
        (
            lambda: LSTM(3, 4, rng()).forward(np.array([["a"]])),
            TypeError,
            r"Expected `x` to be an array of real numbers",
        ),
        (lambda: LSTM(3, 4.0, rng()), TypeError, r"Expected `hidden_size` to be an int"),
        (lambda: RNN(3, True, rng()), TypeError, r"Expected `hidden_size` to be an int"),
        (lambda: LSTM(3, 0, rng()), ValueError, r"Expected `hidden_size` >= 1"),
        (lambda: RNN(0, 4, rng()), ValueError, r"Expected `input_dim` >= 1"),
        (lambda: LSTM(3, 4, 0), TypeError, r"Expected `rng` to be a numpy.random.Generator"),
        (
            lambda: LSTM(3, 4, rng(), return_sequences=1),
            TypeError,
            r"Expected `return_sequences` to be True or False",
        ),
        (lambda: Embedding(0, 4, rng()), ValueError, r"Expected `vocab_size` >= 1"),
        (lambda: TimeAffine(3, 4, rng(), init="zeros"), ValueError, r"Unknown init 'zeros'"),
        (
            lambda: Embedding(5, 2, rng()).forward(np.array([[0.0, 1.5]])),
            ValueError,
            r"Expected whole-number token ids in `ids`. Received: ids.dtype=float64 with the "
            r"value 1.5",
        ),
        (
            lambda: Embedding(5, 2, rng()).forward(np.array([[0.0, np.nan]])),
            ValueError,
            r"Expected whole-number token ids .* with the value nan",
        ),
        (
            lambda: Embedding(5, 2, rng()).forward(np.array([[True, False]])),
            TypeError,
            r"Expected `ids` to be an array of integer token ids. Received: ids.dtype=bool",
        ),
        (
            lambda: Embedding(5, 2, rng()).forward(np.array([[0, 5], [-1, 2]])),
            ValueError,
            r"Expected token ids in \[0, 5\). Received: min=-1, max=5",
        ),
        (
            lambda: Embedding(5, 2, rng()).forward(np.array([[0.0, 7.0]])),
            ValueError,
            r"Expected token ids in \[0, 5\). Received: min=0.0, max=7.0",
        ),
        (
            lambda: Embedding(5, 2, rng()).forward(3),
            ValueError,
            r"Expected `ids` with a batch axis \(N,\) or \(N, T\). Received: ids.shape=\(\)",
        ),
        (
            lambda: Embedding(5, 2, rng()).backward(np.ones((1, 2))),
            RuntimeError,
            r"Embedding.backward called before forward",
        ),
        (
            lambda: TimeSoftmaxCrossEntropy().forward(np.ones((2, 3)), np.zeros((2, 3), int)),
            ValueError,
            r"Expected `logits` with 3 dims \(N, T, K\). Received: logits.shape=\(2, 3\)",
        ),
        (
            lambda: TimeSoftmaxCrossEntropy().forward(np.ones((2, 3, 4)), np.zeros((2, 4), int)),
            ValueError,
            r"Expected `y` with shape \(2, 3\) like `logits` \(N, T, K\). "
            r"Received: y.shape=\(2, 4\)",
        ),
        (
            lambda: TimeSoftmaxCrossEntropy().forward(np.ones((2, 3, 4)), np.zeros((2, 3))),
            TypeError,
            r"Expected integer class ids in `y`. Received: y.dtype=float64",
        ),
        (
            lambda: TimeSoftmaxCrossEntropy().forward(np.ones((1, 2, 4)), np.array([[0, 4]])),
            ValueError,
            r"Expected class ids in \[0, 4\). Received: min=0, max=4",
        ),
        (
            lambda: clip_grad_norm({"w": np.ones(2)}, 0),
            ValueError,
            r"Expected `max_norm` > 0. Received: max_norm=0",
        ),
        (
            lambda: clip_grad_norm({"w": np.ones(2)}, -1.0),
            ValueError,
            r"Expected `max_norm` > 0",
        ),
        (
            lambda: clip_grad_norm([np.ones(2)], 1.0),
            TypeError,
            r"Expected `grads` to be a dict of arrays",
        ),
        (
            lambda: clip_grad_norm({"w": [1.0, 2.0]}, 1.0),
            TypeError,
            r"Expected grads\['w'\] to be a float numpy array",
        ),
        (
            lambda: LSTM(3, 4, rng()).output_shape((5, 2)),
            ValueError,
            r"Expected input shape \(T, 3\). Received: \(5, 2\)",
        ),
    ],
)
def test_bad_input_messages(call, error, message):
    with pytest.raises(error, match=message):
        call()


@pytest.mark.parametrize("cls", RECURRENT)
def test_backward_checks_dout_and_order(cls):
    with pytest.raises(RuntimeError, match=rf"{cls.__name__}.backward called before forward"):
        cls(3, 4, rng()).backward(np.ones((2, 4)))
    layer = cls(3, 4, rng(), return_sequences=True)
    layer.forward(np.ones((2, 5, 3)))
    with pytest.raises(
        ValueError, match=r"Expected `dout` with the forward output's shape \(2, 5, 4\)"
    ):
        layer.backward(np.ones((2, 4)))
    layer = cls(3, 4, rng(), stateful=True)
    layer.state = {name: np.zeros((2, 5)) for name in layer._state_names}
    with pytest.raises(ValueError, match=r"Expected state\['h'\] with shape \(N, 4\)"):
        layer.forward(np.ones((2, 5, 3)))
