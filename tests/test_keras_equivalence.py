"""The from-scratch layers, losses and optimizers compute what Keras 3 / TensorFlow compute."""

import numpy as np
import pytest

from seminar_lib import setup_notebook
from seminar_lib.layers import Affine, ReLU, Sigmoid, SoftmaxCrossEntropy, Tanh
from seminar_lib.models import Sequential
from seminar_lib.optimizers import SGD, Adam, Momentum

setup_notebook(0)  # the TensorFlow environment and seeds, before TensorFlow is imported
import keras  # noqa: E402  (after setup_notebook, as in every notebook)
import tensorflow as tf  # noqa: E402


def random_batch(seed, n=8, d=6, k=4):
    r = np.random.default_rng(seed)
    return r.standard_normal((n, d)).astype(np.float32), r.integers(0, k, size=n)


@pytest.mark.parametrize(
    ("activation", "layer"),
    [("linear", None), ("relu", ReLU), ("sigmoid", Sigmoid), ("tanh", Tanh)],
)
def test_dense_forward_and_gradients_match_keras(activation, layer):
    x, _ = random_batch(0)
    dense = keras.layers.Dense(4, activation=activation)
    dense.build((None, 6))
    kernel, bias = dense.get_weights()
    bias = np.random.default_rng(1).standard_normal(4).astype(np.float32)
    dense.set_weights([kernel, bias])
    layers = [Affine(6, 4, np.random.default_rng(0))] + ([layer()] if layer else [])
    model = Sequential(layers)
    model.set_params({"0.W": kernel, "0.b": bias})
    r = np.random.default_rng(2).standard_normal((8, 4)).astype(np.float32)

    x_tf = tf.constant(x)
    with tf.GradientTape() as tape:
        tape.watch(x_tf)
        out_tf = dense(x_tf)
        objective = tf.reduce_sum(out_tf * r)
    dx_tf, dW_tf, db_tf = tape.gradient(objective, [x_tf, dense.kernel, dense.bias])

    out = model.forward(x)
    dx = model.backward(r)
    np.testing.assert_allclose(out, out_tf.numpy(), rtol=1e-5, atol=1e-6)
    np.testing.assert_allclose(dx, dx_tf.numpy(), rtol=1e-5, atol=1e-6)
    np.testing.assert_allclose(model.grads["0.W"], dW_tf.numpy(), rtol=1e-5, atol=1e-6)
    np.testing.assert_allclose(model.grads["0.b"], db_tf.numpy(), rtol=1e-5, atol=1e-6)


@pytest.mark.parametrize("scale", [1.0, 30.0])
def test_softmax_cross_entropy_matches_keras(scale):
    r = np.random.default_rng(3)
    logits = (r.standard_normal((8, 5)) * scale).astype(np.float32)
    y = r.integers(0, 5, size=8)
    keras_loss = keras.losses.SparseCategoricalCrossentropy(from_logits=True)
    z = tf.constant(logits)
    with tf.GradientTape() as tape:
        tape.watch(z)
        value_tf = keras_loss(y, z)
    grad_tf = tape.gradient(value_tf, z)
    loss = SoftmaxCrossEntropy()
    assert loss.forward(logits, y) == pytest.approx(float(value_tf), rel=1e-5)
    np.testing.assert_allclose(loss.backward(), grad_tf.numpy(), rtol=1e-5, atol=1e-7)
    np.testing.assert_allclose(loss.probs, tf.nn.softmax(z).numpy(), rtol=1e-5, atol=1e-7)


def test_mlp_forward_matches_the_keras_twin():
    from seminar_lib.keras_models import build_mlp, copy_dense_weights

    keras.utils.set_random_seed(0)
    keras_model = build_mlp(6, [5, 3], 4)
    r = np.random.default_rng(0)
    model = Sequential([Affine(6, 5, r), ReLU(), Affine(5, 3, r), ReLU(), Affine(3, 4, r)])
    copy_dense_weights(keras_model, model)
    x, _ = random_batch(4, n=32)
    np.testing.assert_allclose(
        model.predict(x), keras_model.predict(x, verbose=0), rtol=1e-5, atol=1e-6
    )
    with pytest.raises(ValueError, match="Expected as many Dense layers as Affine layers"):
        copy_dense_weights(keras_model, Sequential([Affine(6, 4, r)]))


@pytest.mark.parametrize(
    ("ours", "theirs"),
    [
        (lambda: SGD(lr=0.1), lambda: keras.optimizers.SGD(learning_rate=0.1)),
        (
            lambda: Momentum(lr=0.05, momentum=0.9),
            lambda: keras.optimizers.SGD(learning_rate=0.05, momentum=0.9),
        ),
        (lambda: Adam(lr=0.01), lambda: keras.optimizers.Adam(learning_rate=0.01)),
        (
            lambda: Adam(lr=0.003, beta_1=0.8, beta_2=0.99, epsilon=1e-5),
            lambda: keras.optimizers.Adam(
                learning_rate=0.003, beta_1=0.8, beta_2=0.99, epsilon=1e-5
            ),
        ),
        (
            lambda: SGD(lr=0.1, weight_decay=0.05),
            lambda: keras.optimizers.SGD(learning_rate=0.1, weight_decay=0.05),
        ),
        (
            lambda: Adam(lr=0.01, weight_decay=0.1),
            lambda: keras.optimizers.Adam(learning_rate=0.01, weight_decay=0.1),
        ),
    ],
    ids=["sgd", "momentum", "adam", "adam-custom", "sgd-weight-decay", "adamw"],
)
def test_optimizers_take_the_same_steps_as_keras(ours, theirs):
    r = np.random.default_rng(5)
    start = r.standard_normal((3, 4)).astype(np.float32)
    grads = [r.standard_normal((3, 4)).astype(np.float32) for _ in range(5)]
    params = {"w": start.copy()}
    opt = ours()
    variable = keras.Variable(start.copy())
    keras_opt = theirs()
    for g in grads:
        opt.update(params, {"w": g})
        keras_opt.apply_gradients([(tf.constant(g), variable)])
        np.testing.assert_allclose(params["w"], variable.numpy(), rtol=1e-5, atol=1e-6)
    assert params["w"].dtype == np.float32


# ------------------------------------------------------------------ session 3: conv, pool, BN
def to_nhwc(x):
    return np.ascontiguousarray(x.transpose(0, 2, 3, 1))  # (N, C, H, W) -> (N, H, W, C)


def to_nchw(x):
    return np.asarray(x).transpose(0, 3, 1, 2)  # (N, H, W, C) -> (N, C, H, W)


def keras_grads(layer, x, r, training=False, variables=()):
    """Output and gradients of sum(layer(x) * r) in channels-last, converted to channels-first."""
    x_tf = tf.constant(to_nhwc(x))
    with tf.GradientTape() as tape:
        tape.watch(x_tf)
        out_tf = layer(x_tf, training=training)
        objective = tf.reduce_sum(out_tf * to_nhwc(r))
    grads = tape.gradient(objective, [x_tf, *variables])
    return to_nchw(out_tf.numpy()), to_nchw(grads[0].numpy()), [g.numpy() for g in grads[1:]]


@pytest.mark.parametrize(
    ("kernel", "stride", "padding", "keras_padding"),
    [(3, 1, "same", "same"), (3, 1, 0, "valid"), (3, 2, 0, "valid"), (5, 1, "same", "same")],
)
def test_conv2d_forward_and_gradients_match_keras(kernel, stride, padding, keras_padding):
    from seminar_lib.layers import Conv2D

    r = np.random.default_rng(20)
    x = r.standard_normal((4, 3, 11, 10)).astype(np.float32)
    conv = Conv2D(3, 5, kernel, r, stride=stride, padding=padding)
    conv.params["b"][:] = r.standard_normal(5)
    keras_conv = keras.layers.Conv2D(5, kernel, strides=stride, padding=keras_padding)
    keras_conv.build((None, 11, 10, 3))
    # ours: W (F, C, KH, KW); Keras: kernel (KH, KW, C, F)
    keras_conv.set_weights([conv.params["W"].transpose(2, 3, 1, 0), conv.params["b"]])
    out = conv.forward(x)
    dout = r.standard_normal(out.shape).astype(np.float32)
    dx = conv.backward(dout)
    out_k, dx_k, (dkernel, dbias) = keras_grads(
        keras_conv, x, dout, variables=(keras_conv.kernel, keras_conv.bias)
    )
    np.testing.assert_allclose(out, out_k, rtol=1e-5, atol=1e-5)
    np.testing.assert_allclose(dx, dx_k, rtol=1e-5, atol=1e-5)
    np.testing.assert_allclose(conv.grads["W"], dkernel.transpose(3, 2, 0, 1), rtol=1e-5, atol=1e-4)
    np.testing.assert_allclose(conv.grads["b"], dbias, rtol=1e-5, atol=1e-4)


@pytest.mark.parametrize(
    ("ours", "theirs"),
    [
        ("max", lambda: keras.layers.MaxPooling2D(2)),
        ("max3s2", lambda: keras.layers.MaxPooling2D(3, strides=2)),
        ("avg", lambda: keras.layers.AveragePooling2D(2)),
        ("avg3s1", lambda: keras.layers.AveragePooling2D(3, strides=1)),
        ("gap", lambda: keras.layers.GlobalAveragePooling2D(keepdims=True)),
    ],
)
def test_pooling_matches_keras(ours, theirs):
    from seminar_lib.layers import AvgPool2D, GlobalAvgPool2D, MaxPool2D

    layer = {
        "max": lambda: MaxPool2D(2),
        "max3s2": lambda: MaxPool2D(3, stride=2),
        "avg": lambda: AvgPool2D(2),
        "avg3s1": lambda: AvgPool2D(3, stride=1),
        "gap": GlobalAvgPool2D,
    }[ours]()
    r = np.random.default_rng(21)
    x = r.standard_normal((3, 4, 9, 8)).astype(np.float32)
    out = layer.forward(x)
    if out.ndim == 2:  # global pooling: (N, C) here, (N, 1, 1, C) in Keras with keepdims
        out = out[:, :, None, None]
    dout = r.standard_normal(out.shape).astype(np.float32)
    dx = layer.backward(dout.reshape(layer.out.shape))
    out_k, dx_k, _ = keras_grads(theirs(), x, dout)
    np.testing.assert_allclose(out, out_k, rtol=1e-5, atol=1e-6)
    np.testing.assert_allclose(dx, dx_k, rtol=1e-5, atol=1e-6)


@pytest.mark.parametrize("training", [True, False])
def test_batchnorm_matches_keras(training):
    from seminar_lib.layers import BatchNorm

    r = np.random.default_rng(22)
    x = (r.standard_normal((8, 3, 5, 4)) * 2 + 1).astype(np.float32)
    bn = BatchNorm(3)
    gamma, beta = r.uniform(0.5, 2, 3), r.standard_normal(3)
    mean, var = r.standard_normal(3), r.uniform(0.5, 2, 3)
    bn.params["gamma"][:], bn.params["beta"][:] = gamma, beta
    bn.running_mean[:], bn.running_var[:] = mean, var
    keras_bn = keras.layers.BatchNormalization()  # momentum 0.99, epsilon 1e-3 as ours
    keras_bn.build((None, 5, 4, 3))
    keras_bn.set_weights([gamma, beta, mean, var])
    out = bn.forward(x, training=training)
    dout = r.standard_normal(out.shape).astype(np.float32)
    dx = bn.backward(dout)
    out_k, dx_k, (dgamma, dbeta) = keras_grads(
        keras_bn, x, dout, training=training, variables=(keras_bn.gamma, keras_bn.beta)
    )
    np.testing.assert_allclose(out, out_k, rtol=1e-5, atol=1e-5)
    np.testing.assert_allclose(dx, dx_k, rtol=1e-4, atol=1e-5)
    np.testing.assert_allclose(bn.grads["gamma"], dgamma, rtol=1e-5, atol=1e-5)
    np.testing.assert_allclose(bn.grads["beta"], dbeta, rtol=1e-5, atol=1e-5)
    np.testing.assert_allclose(bn.running_mean, keras_bn.moving_mean.numpy(), rtol=1e-5)
    np.testing.assert_allclose(bn.running_var, keras_bn.moving_variance.numpy(), rtol=1e-5)
