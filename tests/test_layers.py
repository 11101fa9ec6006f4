"""Layers, Sequential, gradient checks, optimizers and training of the from-scratch library."""

import copy
import os
import warnings

import numpy as np
import pytest
from helpers import layer_errors, rng

from seminar_lib import functions as F
from seminar_lib.gradcheck import check_gradients, numerical_gradient, relative_error
from seminar_lib.layers import (
    Affine,
    MeanSquaredError,
    ReLU,
    Sigmoid,
    SigmoidBinaryCrossEntropy,
    SoftmaxCrossEntropy,
    Tanh,
)
from seminar_lib.metrics import accuracy
from seminar_lib.models import Sequential
from seminar_lib.optimizers import SGD, Adam, Momentum
from seminar_lib.training import evaluate, fit


@pytest.mark.parametrize(
    "make_layer",
    [
        lambda: Affine(5, 3, rng()),
        lambda: Affine(5, 3, rng(), init="glorot"),
        Sigmoid,
        Tanh,
        ReLU,
    ],
    ids=["affine-he", "affine-glorot", "sigmoid", "tanh", "relu"],
)
def test_layer_gradients_match_numerical_gradients(make_layer):
    x = rng(2).standard_normal((4, 5))
    x[np.abs(x) < 1e-3] = 0.5  # keep away from ReLU's kink
    errors = layer_errors(make_layer(), x, seed=1)
    assert max(errors.values()) < 1e-6, errors


@pytest.mark.parametrize(
    ("loss", "targets"),
    [
        (SoftmaxCrossEntropy(), np.array([0, 2, 1, 2])),
        (SoftmaxCrossEntropy(), np.eye(3)[[1, 1, 0, 2]]),
        (MeanSquaredError(), np.eye(3)[[0, 2, 1, 2]]),
        (MeanSquaredError(), np.array([0, 2, 1, 2])),
    ],
    ids=["softmax-ce-ids", "softmax-ce-onehot", "mse-onehot", "mse-ids"],
)
def test_loss_layer_gradients(loss, targets):
    z = rng(3).standard_normal((4, 3))
    loss.forward(z, targets)
    analytic = loss.backward()
    numeric = numerical_gradient(lambda: loss.forward(z, targets), z)
    assert relative_error(analytic, numeric) < 1e-6


@pytest.mark.parametrize("shape", [(6,), (6, 1)])
def test_sigmoid_binary_cross_entropy_gradient_and_shape(shape):
    z = rng(4).standard_normal(shape)
    t = np.array([0, 1, 1, 0, 1, 0])
    loss = SigmoidBinaryCrossEntropy()
    value = loss.forward(z, t)
    assert value == pytest.approx(F.binary_cross_entropy(F.sigmoid(z), t), rel=1e-12)
    grad = loss.backward()
    assert grad.shape == shape
    assert relative_error(grad, numerical_gradient(lambda: loss.forward(z, t), z)) < 1e-6


@pytest.mark.parametrize("hidden", [Sigmoid, Tanh, ReLU])
def test_whole_model_gradients(hidden):
    r = rng(5)
    model = Sequential([Affine(6, 5, r), hidden(), Affine(5, 4, r), hidden(), Affine(4, 3, r)])
    X = r.standard_normal((7, 6))
    y = r.integers(0, 3, size=7)
    errors = check_gradients(model, SoftmaxCrossEntropy(), X, y)
    assert set(errors) == {"0.W", "0.b", "2.W", "2.b", "4.W", "4.b", "input"}
    assert max(errors.values()) < 1e-6, errors
    assert model.params["0.W"].dtype == np.float32  # the check worked on a float64 copy


def test_affine_forward_values_and_backward_does_not_mutate_dout():
    layer = Affine(2, 3, rng())
    layer.params["W"][...] = [[1, 2, 3], [4, 5, 6]]
    layer.params["b"][...] = [0.5, 0, -0.5]
    out = layer.forward(np.array([[1.0, 1.0]], dtype=np.float32))
    np.testing.assert_allclose(out, [[5.5, 7, 8.5]])
    dout = np.ones((1, 3), dtype=np.float32)
    dx = layer.backward(dout)
    np.testing.assert_allclose(dx, [[6, 15]])
    np.testing.assert_allclose(layer.grads["W"], [[1, 1, 1], [1, 1, 1]])
    np.testing.assert_array_equal(dout, 1)


def test_relu_backward_returns_a_new_array():
    relu = ReLU()
    relu.forward(np.array([[-1.0, 2.0]]))
    dout = np.array([[3.0, 4.0]])
    dx = relu.backward(dout)
    np.testing.assert_array_equal(dx, [[0, 4]])
    np.testing.assert_array_equal(dout, [[3, 4]])
    assert dx is not dout


def test_relu_values_at_the_edges():
    relu = ReLU()
    out = relu.forward(np.array([[-np.inf, -1.0, 0.0, 2.0, np.inf, np.nan]], dtype=np.float32))
    np.testing.assert_array_equal(out, [[0, 0, 0, 2, np.inf, np.nan]])
    assert out.dtype == np.float32
    dx = relu.backward(np.full((1, 6), 3.0, dtype=np.float32))
    np.testing.assert_array_equal(dx, [[0, 0, 0, 3, 3, 0]])  # no gradient at 0 or below
    assert dx.dtype == np.float32


def test_initializers_have_the_right_scale():
    from seminar_lib.initializers import glorot_uniform, he_normal, small_normal

    W = he_normal((1000, 500), rng())
    assert W.dtype == np.float32
    assert W.std() == pytest.approx(np.sqrt(2 / 1000), rel=0.02)
    G = glorot_uniform((300, 100), rng())
    assert np.abs(G).max() <= np.sqrt(6 / 400)
    assert G.std() == pytest.approx(np.sqrt(2 / 400), rel=0.05)
    assert small_normal((500, 500), rng()).std() == pytest.approx(0.01, rel=0.02)
    conv = he_normal((8, 3, 3, 3), rng())  # (C_out, C_in, KH, KW): fan_in = 27
    assert conv.std() == pytest.approx(np.sqrt(2 / 27), rel=0.1)


def test_losses_are_stable_for_huge_logits():
    logits = np.array([[1e4, -1e4, 0.0], [-1e4, 1e4, 0.0]], dtype=np.float32)
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        probs = F.softmax(logits)
        loss = SoftmaxCrossEntropy()
        value = loss.forward(logits, np.array([1, 1]))
        grad = loss.backward()
        bce = SigmoidBinaryCrossEntropy()
        bce_value = bce.forward(np.array([1e4, -1e4]), np.array([0, 1]))
        bce_grad = bce.backward()
    np.testing.assert_array_equal(probs, [[1, 0, 0], [0, 1, 0]])
    assert value == pytest.approx(1e4, rel=1e-6) and np.isfinite(value)
    assert np.all(np.isfinite(grad)) and np.all(np.isfinite(bce_grad))
    np.testing.assert_allclose(grad, [[0.5, -0.5, 0], [0, 0, 0]])
    assert bce_value == pytest.approx(1e4)
    assert F.softmax_cross_entropy(logits, [0, 1]) == pytest.approx(0.0, abs=1e-6)
    assert F.sigmoid_binary_cross_entropy([1e4, -1e4], [1, 0]) == 0.0


def test_softmax_and_losses_values():
    x = np.array([[1.0, 2.0, 3.0]])
    expected = np.exp(x) / np.exp(x).sum()
    np.testing.assert_allclose(F.softmax(x), expected)
    np.testing.assert_allclose(F.softmax(x + 1000), expected)  # shift invariance
    np.testing.assert_allclose(F.log_softmax(x), np.log(expected))
    assert F.logsumexp(x)[0] == pytest.approx(np.log(np.exp(x).sum()))
    assert F.cross_entropy(expected, [2]) == pytest.approx(-np.log(expected[0, 2]))
    assert F.softmax_cross_entropy(x, np.array([[0, 0, 1]])) == pytest.approx(
        -np.log(expected[0, 2])
    )
    # The seminar's E_n = 1/2 sum_k (T_k - O_k)^2 on one sample.
    assert F.squared_error([[0.1, 0.7, 0.2]], [1]) == pytest.approx(0.5 * (0.01 + 0.09 + 0.04))
    assert F.binary_cross_entropy([0.9, 0.2], [1, 0]) == pytest.approx(
        -(np.log(0.9) + np.log(0.8)) / 2
    )


@pytest.mark.parametrize(
    ("call", "error", "message"),
    [
        (
            lambda: F.softmax(np.ones((2, 2, 2))),
            ValueError,
            r"Expected `logits` with 1 dim \(K,\) or 2 dims",
        ),
        (
            lambda: F.cross_entropy(np.ones((2, 3)) / 3, [0, 5]),
            ValueError,
            r"Expected class ids in \[0, 3\)",
        ),
        (
            lambda: F.cross_entropy(np.ones((2, 3)) / 3, [0.0, 1.0]),
            TypeError,
            r"Expected integer class ids",
        ),
        (
            lambda: F.squared_error(np.ones((2, 3)), np.ones((2, 4))),
            ValueError,
            r"Expected `y` as class ids",
        ),
        (
            lambda: F.binary_cross_entropy([0.5, 0.5], [1]),
            ValueError,
            r"Expected `t` with shape \(2,\)",
        ),
        (
            lambda: Affine(3, 2, rng()).forward(np.ones((4, 2))),
            ValueError,
            r"Expected `x` with 2 dims \(N, 3\). Received: x.shape=\(4, 2\)",
        ),
        (lambda: Affine(3, 2, 0), TypeError, r"Expected `rng` to be a numpy.random.Generator"),
        (lambda: Affine(3, 2, rng(), init="zeros"), ValueError, r"Unknown init 'zeros'"),
        (lambda: ReLU().backward(np.ones(2)), RuntimeError, r"ReLU.backward called before forward"),
        (
            lambda: SoftmaxCrossEntropy().forward(np.ones((2, 3)), np.ones(2)),
            TypeError,
            r"Expected integer class ids in `y`. Received: y.dtype=float64",
        ),
        (
            lambda: SoftmaxCrossEntropy().forward(np.ones((2, 3)), np.ones((2, 2))),
            ValueError,
            r"Expected `y` as class ids \(2,\) or one-hot \(2, 3\). Received: y.shape=\(2, 2\)",
        ),
        (
            lambda: Sequential([]),
            TypeError,
            r"non-empty list of layers \(objects with forward and backward methods\)",
        ),
        (lambda: SGD(lr=0), ValueError, r"Expected `lr` > 0. Received: lr=0"),
        (lambda: Momentum(momentum=1.0), ValueError, r"Expected 0 <= `momentum` < 1"),
        (lambda: Adam(beta_1=1.5), ValueError, r"Expected 0 <= `beta_1` < 1"),
    ],
)
def test_bad_input_messages(call, error, message):
    with pytest.raises(error, match=message):
        call()


def test_backward_checks_dout_shape():
    layer = Affine(3, 2, rng())
    layer.forward(np.ones((4, 3)))
    with pytest.raises(
        ValueError, match=r"Expected `dout` with the forward output's shape \(4, 2\)"
    ):
        layer.backward(np.ones((4, 3)))


def test_sequential_params_are_the_layers_arrays_and_summary():
    r = rng()
    model = Sequential([Affine(784, 16, r), ReLU(), Affine(16, 10, r)])
    assert list(model.params) == ["0.W", "0.b", "2.W", "2.b"]
    assert model.params["0.W"] is model.layers[0].params["W"]
    assert model.num_params() == 784 * 16 + 16 + 16 * 10 + 10
    text = repr(model)
    assert "Affine(784 -> 16, init='he')" in text and "(N, 16)" in text and "(N, 10)" in text
    assert text.endswith("Total params: 12,730")
    model.set_params({"2.b": np.arange(10)})
    np.testing.assert_array_equal(model.layers[2].params["b"], np.arange(10))
    with pytest.raises(ValueError, match=r"Expected `0.b` with shape \(16,\). Received: \(3,\)"):
        model.set_params({"0.b": np.ones(3)})
    with pytest.raises(KeyError, match=r"Unknown parameter names \['9.W'\]"):
        model.set_params({"9.W": 0})
    assert model.predict(np.zeros((2500, 784)), batch_size=1000).shape == (2500, 10)


def test_optimizers_follow_their_formulas_by_hand():
    g = {"w": np.array([0.5, -1.0])}
    p = {"w": np.array([1.0, 1.0])}
    SGD(lr=0.1).update(p, g)
    np.testing.assert_allclose(p["w"], [0.95, 1.1])
    p = {"w": np.array([1.0, 1.0])}
    opt = Momentum(lr=0.1, momentum=0.9)
    opt.update(p, g)  # v = -0.1 g
    opt.update(p, g)  # v = 0.9 (-0.1 g) - 0.1 g = -0.19 g
    np.testing.assert_allclose(p["w"], 1 - 0.29 * g["w"])
    p = {"w": np.array([1.0, 1.0])}
    Adam(lr=0.1).update(p, g)  # first Adam step moves each weight by about lr * sign(g)
    np.testing.assert_allclose(p["w"], [0.9, 1.1], atol=1e-6)
    with pytest.raises(ValueError, match="same keys"):
        SGD().update({"a": np.ones(1)}, {"b": np.ones(1)})
    p = {"w": np.array([1.0, -2.0])}
    SGD(lr=0.1, weight_decay=0.5).update(p, {"w": np.zeros(2)})  # w <- w - 0.1 * 0.5 * w
    np.testing.assert_allclose(p["w"], [0.95, -1.9])
    assert repr(Adam(weight_decay=0.01)).endswith("weight_decay=0.01)")
    with pytest.raises(ValueError, match=r"Expected `weight_decay` >= 0. Received: -1"):
        SGD(weight_decay=-1)


def numpy_adam(p, grads, lr=0.01, beta_1=0.9, beta_2=0.999, eps=1e-7):
    """Keras 3's Adam written out in float64 for one parameter and a list of gradients."""
    m, v = np.zeros_like(p), np.zeros_like(p)
    for t, g in enumerate(grads, start=1):
        m = m + (1 - beta_1) * (g - m)
        v = v + (1 - beta_2) * (g * g - v)
        p = p - lr * np.sqrt(1 - beta_2**t) / (1 - beta_1**t) * m / (np.sqrt(v) + eps)
    return p


@pytest.mark.parametrize("shape", [(3,), (70, 1000)])
def test_adam_follows_the_formula_over_many_steps(shape):
    r = rng(4)
    p0 = r.standard_normal(shape)
    grads = [r.standard_normal(shape) for _ in range(5)]
    params = {"w": p0.copy()}
    opt = Adam(lr=0.01)
    for g in grads:
        opt.update(params, {"w": g})
    assert set(opt.m) == set(opt.v) == {"w"}  # state kept per key
    np.testing.assert_allclose(params["w"], numpy_adam(p0, grads), rtol=1e-12, atol=1e-12)
    assert opt.iterations == 5


def test_optimizers_keep_float32_and_accept_float64_gradients():
    for opt in (SGD(0.1), Momentum(0.1), Adam(0.1)):
        params = {"w": np.ones((2, 3), dtype=np.float32)}
        opt.update(params, {"w": np.full((2, 3), 0.5)})  # float64 gradient
        assert params["w"].dtype == np.float32
        assert np.all(params["w"] < 1)


def test_sequential_reads_params_and_grads_from_the_layers_at_each_access():
    r = rng(5)
    layers = [Affine(4, 3, r), ReLU(), Affine(3, 2, r, init="glorot")]
    model = Sequential(layers)
    assert list(model.params) == ["0.W", "0.b", "2.W", "2.b"]
    assert model.params["2.b"] is layers[2].params["b"]  # the layers' own arrays
    layers[2].grads["b"] = np.array([3.0, 4.0])  # a layer may rebind its gradient
    assert model.grads["2.b"] is layers[2].grads["b"]
    SGD(lr=0.5).update(model.params, model.grads)
    np.testing.assert_allclose(layers[2].params["b"], [-1.5, -2.0])  # in place: the layer sees it
    clone = copy.deepcopy(model)
    clone.params["2.b"][:] = 1.0
    np.testing.assert_allclose(layers[2].params["b"], [-1.5, -2.0])  # the copy is separate
    model.astype(np.float64)
    assert layers[0].params["W"].dtype == np.float64 and model.params["0.W"].dtype == np.float64


class TextbookAffine:
    """A fully connected layer written the way ゼロから作るDeep Learning writes it: it keeps
    ``self.W`` and ``self.b``, and its backward *assigns* new gradient arrays."""

    def __init__(self, W, b):
        self.W, self.b = W, b
        self.params = {"W": self.W, "b": self.b}
        self.grads = {}
        self.x = None

    def forward(self, x):
        self.x = x
        return np.dot(x, self.W) + self.b

    def backward(self, dout):
        self.grads["W"] = np.dot(self.x.T, dout)
        self.grads["b"] = np.sum(dout, axis=0)
        return np.dot(dout, self.W.T)


def two_layer_model(hidden, seed=3):
    r = rng(seed)
    return Sequential([Affine(2, 16, r), ReLU(), hidden, ReLU(), Affine(16, 3, r)])


@pytest.mark.parametrize("make_opt", [lambda: SGD(0.1), lambda: Momentum(0.05), lambda: Adam(0.01)])
def test_a_textbook_layer_trains_with_fit_like_the_library_layer(make_opt):
    X, y = blobs()
    library = Affine(16, 16, rng(7))
    W, b = library.params["W"].copy(), library.params["b"].copy()
    W0 = W.copy()
    textbook = TextbookAffine(W, b)  # the same initial weights
    histories = []
    for hidden in (library, textbook):
        model = two_layer_model(hidden)
        histories.append(
            fit(
                model,
                SoftmaxCrossEntropy(),
                make_opt(),
                X,
                y,
                rng=rng(1),
                num_epochs=5,
                batch_size=32,
                verbose=0,
            )
        )
    ours, theirs = histories
    assert theirs["loss"][-1] < 0.6 * theirs["loss"][0]  # it learns
    np.testing.assert_allclose(theirs["loss"], ours["loss"], rtol=1e-4)  # like the library's
    assert textbook.W is textbook.params["W"]  # updated in place: self.W is the trained weight
    assert not np.array_equal(textbook.W, W0)  # and it changed


def test_a_textbook_layer_is_also_checked_by_numerical_gradients():
    r = rng(8)
    model = Sequential(
        [
            TextbookAffine(r.standard_normal((3, 4)), np.zeros(4)),
            Tanh(),
            Affine(4, 2, r, dtype=np.float64),
        ]
    )
    X, y = r.standard_normal((5, 3)), np.array([0, 1, 1, 0, 1])
    errors = check_gradients(model, SoftmaxCrossEntropy(), X, y)
    assert max(errors.values()) < 1e-6, errors


def test_a_layer_that_breaks_the_rules_gets_an_error_naming_it_and_the_key():
    class NoGradient(TextbookAffine):
        def backward(self, dout):
            self.grads["w"] = np.dot(self.x.T, dout)  # a typo: "w" instead of "W"
            self.grads["b"] = np.sum(dout, axis=0)
            return np.dot(dout, self.W.T)

    class WrongShape(TextbookAffine):
        def backward(self, dout):
            dx = super().backward(dout)
            self.grads["W"] = self.grads["W"].T  # (16, 16) is square: use b instead
            self.grads["b"] = np.sum(dout)  # a scalar instead of (16,)
            return dx

    X, y = blobs()
    for layer, message in (
        (NoGradient, r"Layer 2 \(NoGradient\) has no gradient for its parameter params\['W'\]"),
        (
            WrongShape,
            r"Layer 2 \(WrongShape\): expected grads\['b'\] with the shape of "
            r"params\['b'\] \(16,\)\. Received: grads\['b'\]\.shape=\(\)",
        ),
    ):
        model = two_layer_model(layer(np.ones((16, 16)), np.zeros(16)))
        with pytest.raises(ValueError, match=message):
            fit(model, SoftmaxCrossEntropy(), SGD(), X, y, rng=rng(), verbose=0)
    with pytest.raises(TypeError, match=r"objects with forward and backward methods"):
        Sequential([Affine(2, 3, rng()), "relu"])


def test_accuracy_and_evaluate():
    assert accuracy(np.array([[0.1, 0.9], [0.8, 0.2]]), [1, 1]) == 0.5
    assert accuracy(np.array([[2.0], [-1.0], [3.0]]), np.array([1, 0, 0])) == pytest.approx(2 / 3)
    assert accuracy(np.eye(3), np.eye(3)) == 1.0
    model = Sequential([Affine(2, 2, rng())])
    model.set_params({"0.W": np.eye(2), "0.b": np.zeros(2)})
    loss, acc = evaluate(
        model, SoftmaxCrossEntropy(), np.array([[1.0, 0], [0, 1]]), np.array([0, 1])
    )
    assert acc == 1.0 and loss == pytest.approx(-np.log(np.e / (np.e + 1)), rel=1e-6)


def blobs(seed=0, n=200):
    r = np.random.default_rng(seed)
    centers = np.array([[2, 2], [-2, 2], [0, -2]], dtype=np.float32)
    y = r.integers(0, 3, size=n)
    X = (centers[y] + r.standard_normal((n, 2))).astype(np.float32)
    return X, y


def train_small(seed, **kwargs):
    X, y = blobs()
    r = np.random.default_rng(seed)
    model = Sequential([Affine(2, 16, r), ReLU(), Affine(16, 3, r)])
    history = fit(
        model,
        SoftmaxCrossEntropy(),
        Adam(0.01),
        X,
        y,
        rng=r,
        num_epochs=15,
        batch_size=32,
        validation_data=(X, y),
        **kwargs,
    )
    return model, history


def test_training_reduces_loss_and_is_reproducible(monkeypatch, capsys):
    monkeypatch.setenv("SEMINAR_VERBOSE", "2")
    model, history = train_small(0)
    lines = capsys.readouterr().out.strip().splitlines()
    assert len(lines) == 15 and lines[0].startswith("エポック 1/15: loss ")
    assert history["loss"][-1] < 0.5 * history["loss"][0]
    assert history["val_accuracy"][-1] > 0.9
    assert set(history) == {"loss", "accuracy", "val_loss", "val_accuracy"}
    _, again = train_small(0)
    assert again == history  # same seed, same run, bit for bit
    _, other = train_small(1)
    assert other != history


def test_verbose_levels(monkeypatch, capsys):
    monkeypatch.setenv("SEMINAR_VERBOSE", "0")
    train_small(0)
    assert capsys.readouterr().out == ""
    monkeypatch.setenv("SEMINAR_VERBOSE", "1")
    train_small(0)
    out = capsys.readouterr().out
    assert "\rエポック 1/15 [" in out and "=" * 30 in out
    monkeypatch.delenv("SEMINAR_VERBOSE")
    train_small(0)
    assert "\rエポック 1/15 [" in capsys.readouterr().out  # unset: the live bar
    monkeypatch.setenv("SEMINAR_VERBOSE", "fancy")
    with pytest.raises(ValueError, match=r"Expected SEMINAR_VERBOSE to be 0, 1 or 2"):
        train_small(0)
    assert os.environ["SEMINAR_VERBOSE"] == "fancy"
    monkeypatch.setenv("SEMINAR_VERBOSE", "1")
    r = rng(0)
    model = Sequential([Affine(2, 3, r)])
    X, y = r.standard_normal((8, 2)), r.integers(0, 3, size=8)
    fit(model, SoftmaxCrossEntropy(), SGD(), X, y, rng=r, num_epochs=2, verbose=0)
    assert capsys.readouterr().out == ""  # the argument wins over the environment
    fit(model, SoftmaxCrossEntropy(), SGD(), X, y, rng=r, num_epochs=2, verbose=2)
    assert capsys.readouterr().out.startswith("エポック 1/2: loss ")
    for bad in ("loud", 3, True):
        with pytest.raises(ValueError, match=r"Expected `verbose` to be 'auto', 0, 1 or 2"):
            fit(model, SoftmaxCrossEntropy(), SGD(), X, y, rng=r, verbose=bad)


def test_fit_input_errors():
    X, y = blobs()
    model = Sequential([Affine(2, 3, rng())])
    with pytest.raises(TypeError, match=r"Expected `rng` to be a numpy.random.Generator"):
        fit(model, SoftmaxCrossEntropy(), SGD(), X, y, rng=0)
    with pytest.raises(ValueError, match=r"Expected as many targets as samples \(200\)"):
        fit(model, SoftmaxCrossEntropy(), SGD(), X, y[:10], rng=rng())


def test_fit_without_a_metric_trains_an_autoencoder(capsys):
    """Targets that are not classes (the inputs themselves): only the loss is recorded."""
    r = rng(3)
    prototypes = (r.random((3, 6)) < 0.5).astype(np.float32)  # 3 kinds of binary "image"
    X = prototypes[r.integers(0, 3, 300)]  # (N, 6)
    model = Sequential([Affine(6, 3, r), ReLU(), Affine(3, 6, r), Sigmoid()])
    history = fit(
        model,
        MeanSquaredError(),
        Adam(lr=0.01),
        X,
        X,
        rng=rng(4),
        num_epochs=20,
        validation_data=(X[:50], X[:50]),
        verbose=2,
        metric=None,
    )
    assert list(history) == ["loss", "val_loss"]
    assert history["loss"][-1] < 0.5 * history["loss"][0]
    first_line = capsys.readouterr().out.splitlines()[0]
    assert first_line.startswith("エポック 1/20: loss ") and "正解率" not in first_line
    assert ", 検証 loss " in first_line
    with pytest.raises(ValueError, match=r"Expected `metric` to be 'accuracy' or None"):
        fit(model, MeanSquaredError(), SGD(), X, X, rng=r, metric="mse")


def test_check_gradients_catches_a_wrong_backward():
    class BrokenReLU(ReLU):
        def backward(self, dout):
            return super().backward(dout) * 1.01  # 1% off

    r = rng()
    model = Sequential([Affine(3, 4, r), BrokenReLU(), Affine(4, 2, r)])
    errors = check_gradients(
        copy.deepcopy(model), SoftmaxCrossEntropy(), r.standard_normal((5, 3)), r.integers(0, 2, 5)
    )
    assert errors["0.W"] > 1e-3  # the check notices
    assert errors["2.W"] < 1e-6  # the layer above the broken one is still right


def test_training_backward_skips_only_the_input_gradient():
    r = rng(6)
    model = Sequential([Affine(4, 3, r), ReLU(), Affine(3, 2, r)])
    X, y = r.standard_normal((5, 4)), r.integers(0, 2, 5)
    loss = SoftmaxCrossEntropy()
    loss.forward(model.forward(X), y)
    dX = model.backward(loss.backward())
    full = {k: v.copy() for k, v in model.grads.items()}
    loss.forward(model.forward(X), y)
    assert model.backward(loss.backward(), input_grad=False) is None
    for name, g in model.grads.items():
        np.testing.assert_array_equal(g, full[name])
    assert dX.shape == (5, 4)
