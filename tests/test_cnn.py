"""Session 3 library: im2col/col2im, convolution, pooling, Flatten, Dropout, BatchNorm."""

import itertools

import numpy as np
import pytest
from helpers import layer_errors, rng

from seminar_lib.gradcheck import check_gradients
from seminar_lib.layers import (
    Affine,
    AvgPool2D,
    BatchNorm,
    Conv2D,
    Dropout,
    Flatten,
    GlobalAvgPool2D,
    MaxPool2D,
    ReLU,
    SoftmaxCrossEntropy,
    col2im,
    conv_output_size,
    im2col,
)
from seminar_lib.models import Sequential
from seminar_lib.optimizers import Adam
from seminar_lib.training import evaluate, fit


def naive_conv(x, W, b, stride, pad):
    """The definition, one output value at a time (float64)."""
    N, C, H, Wd = x.shape
    F, _, KH, KW = W.shape
    xp = np.pad(x, ((0, 0), (0, 0), (pad, pad), (pad, pad)))
    OH, OW = (H + 2 * pad - KH) // stride + 1, (Wd + 2 * pad - KW) // stride + 1
    out = np.zeros((N, F, OH, OW))
    for n, f, i, j in itertools.product(range(N), range(F), range(OH), range(OW)):
        window = xp[n, :, i * stride : i * stride + KH, j * stride : j * stride + KW]
        out[n, f, i, j] = (window * W[f]).sum() + b[f]
    return out


def test_conv_output_size_and_impossible_geometry():
    assert conv_output_size(28, 3) == 26
    assert conv_output_size(28, 3, padding=1) == 28
    assert conv_output_size(28, 2, stride=2) == 14
    assert conv_output_size(7, 3, stride=2, padding=1) == 4
    assert conv_output_size(6, 3, stride=2) == 2  # the last row is left over, as in Keras
    with pytest.raises(ValueError, match=r"Expected `kernel_size` <= input_size \+ 2 \* padding"):
        conv_output_size(4, 7, padding=1)
    with pytest.raises(ValueError, match=r"Expected `stride` >= 1. Received: stride=0"):
        conv_output_size(28, 3, stride=0)
    with pytest.raises(ValueError, match=r"Expected `padding` >= 0. Received: padding=-1"):
        conv_output_size(28, 3, padding=-1)
    with pytest.raises(TypeError, match=r"Expected `kernel_size` to be an int"):
        conv_output_size(28, 2.5)


def test_im2col_on_a_tiny_example():
    x = np.arange(18.0).reshape(1, 2, 3, 3)  # 2 channels of 3x3
    cols = im2col(x, 2, 2)
    assert cols.shape == (4, 8)  # 2x2 output positions, 2 channels x 2x2 window
    np.testing.assert_array_equal(cols[0], [0, 1, 3, 4, 9, 10, 12, 13])  # top-left window
    np.testing.assert_array_equal(cols[3], [4, 5, 7, 8, 13, 14, 16, 17])  # bottom-right
    padded = im2col(np.ones((1, 1, 2, 2)), 3, 3, padding=1)
    np.testing.assert_array_equal(padded[0].reshape(3, 3), [[0, 0, 0], [0, 1, 1], [0, 1, 1]])


GEOMETRIES = [  # (N, C, H, W, KH, KW, stride, padding)
    (2, 3, 5, 5, 3, 3, 1, 0),
    (2, 3, 5, 5, 3, 3, 1, 1),
    (1, 2, 7, 6, 3, 2, 2, 1),
    (3, 1, 8, 8, 2, 2, 2, 0),
    (2, 2, 6, 7, 5, 5, 3, 2),
]


@pytest.mark.parametrize("geometry", GEOMETRIES)
def test_col2im_is_the_adjoint_of_im2col(geometry):
    N, C, H, W, KH, KW, s, p = geometry
    r = rng(1)
    x = r.standard_normal((N, C, H, W))
    cols = im2col(x, KH, KW, s, p)
    OH, OW = conv_output_size(H, KH, s, p), conv_output_size(W, KW, s, p)
    assert cols.shape == (N * OH * OW, C * KH * KW)
    Y = r.standard_normal(cols.shape)
    # <im2col(x), Y> == <x, col2im(Y)> for every x and Y: col2im is the transpose
    assert np.vdot(cols, Y) == pytest.approx(np.vdot(x, col2im(Y, x.shape, KH, KW, s, p)))
    counts = col2im(im2col(np.ones_like(x), KH, KW, s, p), x.shape, KH, KW, s, p)
    np.testing.assert_allclose(col2im(cols, x.shape, KH, KW, s, p), x * counts)


def test_non_overlapping_windows_round_trip_exactly():
    x = rng(2).standard_normal((2, 3, 6, 4))
    np.testing.assert_array_equal(col2im(im2col(x, 2, 2, 2), x.shape, 2, 2, 2), x)


@pytest.mark.parametrize(("stride", "padding"), [(1, 0), (1, 1), (2, 0), (2, 1)])
def test_conv2d_forward_matches_the_definition(stride, padding):
    r = rng(3)
    conv = Conv2D(3, 4, 3, r, stride=stride, padding=padding, dtype=np.float64)
    conv.params["b"][:] = r.standard_normal(4)
    x = r.standard_normal((2, 3, 7, 6))
    out = conv.forward(x)
    expected = naive_conv(x, conv.params["W"], conv.params["b"], stride, padding)
    np.testing.assert_allclose(out, expected, rtol=1e-12, atol=1e-12)
    assert out.shape == (2, 4, *conv.output_shape((3, 7, 6))[1:])


@pytest.mark.parametrize(
    ("make_layer", "shape", "training"),
    [
        (lambda: Conv2D(2, 3, 3, rng(), dtype=np.float64), (2, 2, 5, 5), False),
        (lambda: Conv2D(2, 3, 3, rng(), padding="same"), (2, 2, 5, 4), False),
        (lambda: Conv2D(2, 3, (3, 2), rng(), stride=2, padding=1), (2, 2, 7, 6), False),
        (lambda: Conv2D(1, 2, 5, rng(), stride=3, padding=2), (3, 1, 8, 8), False),
        (lambda: MaxPool2D(2), (2, 3, 4, 6), False),
        (lambda: MaxPool2D(3, stride=2, padding=1), (2, 2, 7, 7), False),
        (lambda: AvgPool2D(2), (2, 3, 4, 6), False),
        (lambda: AvgPool2D(3, stride=2, padding=1), (2, 2, 7, 7), False),
        (GlobalAvgPool2D, (2, 3, 4, 5), False),
        (Flatten, (2, 3, 4, 5), False),
        (lambda: BatchNorm(4), (6, 4), True),
        (lambda: BatchNorm(3), (4, 3, 3, 2), True),
        (lambda: BatchNorm(3), (4, 3, 3, 2), False),
    ],
    ids=[
        "conv",
        "conv-same",
        "conv-stride2-pad1-3x2",
        "conv-5x5-stride3",
        "maxpool",
        "maxpool-overlap-pad",
        "avgpool",
        "avgpool-overlap-pad",
        "global-avg",
        "flatten",
        "batchnorm-dense",
        "batchnorm-conv",
        "batchnorm-inference",
    ],
)
def test_layer_gradients_match_numerical_gradients(make_layer, shape, training):
    layer = make_layer()
    if isinstance(layer, BatchNorm):  # make gamma, beta and the running statistics non-trivial
        r = rng(4)
        layer.params["gamma"][:] = r.uniform(0.5, 2, layer.num_features)
        layer.params["beta"][:] = r.standard_normal(layer.num_features)
        layer.running_mean[:] = r.standard_normal(layer.num_features)
        layer.running_var[:] = r.uniform(0.5, 2, layer.num_features)
    x = rng(5).standard_normal(shape)
    errors = layer_errors(layer, x, training=training)
    assert max(errors.values()) < 1e-6, errors


def test_dropout_masks_scales_and_backpropagates():
    x = np.ones((200, 50), dtype=np.float32)
    drop = Dropout(0.3, rng(6))
    out = drop.forward(x, training=True)
    assert set(np.unique(out)) == {0.0, np.float32(1 / 0.7)}
    assert (out == 0).mean() == pytest.approx(0.3, abs=0.02)
    assert out.dtype == np.float32
    dout = np.full_like(x, 2.0)
    np.testing.assert_array_equal(drop.backward(dout), dout * (out > 0) / 0.7)
    assert drop.forward(x, training=False) is x  # inference: nothing changes
    dx = drop.backward(dout)
    np.testing.assert_array_equal(dx, dout)
    assert dx is not dout
    assert not np.array_equal(
        Dropout(0.5, rng(1)).forward(x, training=True), Dropout(0.5, rng(2)).forward(x, True)
    )  # the mask comes from the passed rng
    errors = layer_errors(Dropout(0.4, rng()), rng(7).standard_normal((5, 6)), True, reseed=0)
    assert max(errors.values()) < 1e-6


def test_batchnorm_normalises_and_tracks_running_statistics():
    r = rng(8)
    x = (r.standard_normal((64, 3, 5, 5)) * [[[[2.0]], [[0.5]], [[3.0]]]] + 4.0).astype(np.float32)
    bn = BatchNorm(3, momentum=0.9)
    out = bn.forward(x, training=True)
    np.testing.assert_allclose(out.mean(axis=(0, 2, 3)), 0, atol=1e-5)
    var = x.var(axis=(0, 2, 3))
    np.testing.assert_allclose(out.var(axis=(0, 2, 3)), var / (var + 1e-3), rtol=1e-4)
    np.testing.assert_allclose(bn.running_mean, 0.1 * x.mean(axis=(0, 2, 3)), rtol=1e-5)
    np.testing.assert_allclose(bn.running_var, 0.9 + 0.1 * x.var(axis=(0, 2, 3)), rtol=1e-5)
    inference = bn.forward(x, training=False)  # running statistics, not the batch's
    expected = (x - bn.running_mean[:, None, None]) / np.sqrt(bn.running_var[:, None, None] + 1e-3)
    np.testing.assert_allclose(inference, expected, rtol=1e-5, atol=1e-5)
    assert out.dtype == np.float32 and bn.params["gamma"].dtype == np.float32


def small_cnn(r, dropout=False):
    layers = [
        Conv2D(1, 4, 3, r, padding="same"),
        BatchNorm(4),
        ReLU(),
        MaxPool2D(2),
        Conv2D(4, 6, 3, r),
        ReLU(),
        GlobalAvgPool2D(),
    ]
    if dropout:
        layers.append(Dropout(0.25, r))
    layers.append(Affine(6, 3, r))
    return Sequential(layers, input_shape=(1, 8, 8))


def test_whole_cnn_gradients():
    model = small_cnn(rng(10))
    model.layers = [layer for layer in model.layers if not isinstance(layer, BatchNorm)]
    X = rng(11).standard_normal((4, 1, 8, 8))
    # eps 1e-4: some input gradients are ~1e-5, where the rounding error of eps=1e-6 (~1e-10)
    # already costs 1e-5 relative; no pre-activation is within 1e-3 of a ReLU kink here
    errors = check_gradients(model, SoftmaxCrossEntropy(), X, np.array([0, 1, 2, 1]), eps=1e-4)
    assert max(errors.values()) < 1e-6, errors


def test_cnn_summary_and_skipped_input_gradient():
    model = small_cnn(rng(12), dropout=True)
    text = repr(model)
    for row in ("(N, 4, 8, 8)", "(N, 4, 4, 4)", "(N, 6, 2, 2)", "(N, 6)", "(N, 3)"):
        assert row in text
    lines = text.splitlines()[1:-1]
    assert len({line.index("(N,") for line in lines if "(N," in line}) == 1  # one column
    assert "Total params: " + f"{4 * 9 + 4 + 4 + 4 + 6 * 4 * 9 + 6 + 6 * 3 + 3:,}" in text
    assert "BatchNorm.1.gamma" not in model.params and "1.gamma" in model.params
    X = rng(13).standard_normal((5, 1, 8, 8)).astype(np.float32)
    loss = SoftmaxCrossEntropy()
    loss.forward(model.forward(X, training=True), np.array([0, 1, 2, 0, 1]))
    assert model.backward(loss.backward(), input_grad=False) is None
    assert model.backward(loss.backward()).shape == X.shape


def test_a_small_cnn_learns_and_is_reproducible(monkeypatch):
    monkeypatch.setenv("SEMINAR_VERBOSE", "0")
    r = rng(14)
    X = np.zeros((120, 1, 8, 8), dtype=np.float32)
    y = np.arange(120) % 3
    X[y == 0, 0, :, 3:5] = 1.0  # a vertical bar
    X[y == 1, 0, 3:5, :] = 1.0  # a horizontal bar
    X[y == 2, 0, 2:6, 2:6] = 1.0  # a square
    X += r.normal(0, 0.3, X.shape).astype(np.float32)
    results = []
    for _ in range(2):
        model = small_cnn(rng(15), dropout=True)
        history = fit(
            model, SoftmaxCrossEntropy(), Adam(0.01), X, y, rng=rng(16), num_epochs=15,
            batch_size=16,
        )  # fmt: skip
        results.append((history, evaluate(model, SoftmaxCrossEntropy(), X, y)))
    (history, (loss, acc)), (history2, _) = results
    assert history["loss"][-1] < 0.3 * history["loss"][0]
    assert acc >= 0.95
    assert history == history2


@pytest.mark.parametrize(
    ("call", "error", "message"),
    [
        (lambda: im2col(np.ones((3, 4, 4)), 2, 2), ValueError, r"Expected `x` with 4 dims"),
        (
            lambda: Conv2D(3, 2, 3, rng()).forward(np.ones((1, 1, 5, 5))),
            ValueError,
            r"Expected `x` with 3 channels \(N, 3, H, W\). Received: x.shape=\(1, 1, 5, 5\)",
        ),
        (
            lambda: Conv2D(1, 2, 4, rng(), padding="same"),
            ValueError,
            r"Expected an odd square kernel for padding='same'",
        ),
        (lambda: Conv2D(1, 2, 3, 0), TypeError, r"Expected `rng` to be a numpy.random.Generator"),
        (
            lambda: Conv2D(1, 2, 9, rng()).forward(np.ones((1, 1, 5, 5))),
            ValueError,
            r"Expected `kernel_size` <= input_size",
        ),
        (lambda: MaxPool2D(0), ValueError, r"Expected `pool_size` >= 1"),
        (
            lambda: col2im(np.ones((4, 3)), (1, 1, 3, 3), 2, 2),
            ValueError,
            r"Expected `cols` with shape \(4, 4\)",
        ),
        (lambda: Dropout(1.0, rng()), ValueError, r"Expected 0 <= `rate` < 1. Received: rate=1.0"),
        (lambda: Dropout(0.5, 1), TypeError, r"Expected `rng` to be a numpy.random.Generator"),
        (
            lambda: BatchNorm(3).forward(np.ones((2, 4))),
            ValueError,
            r"Expected `x` \(N, 3\) or \(N, 3, H, W\). Received: x.shape=\(2, 4\)",
        ),
        (lambda: BatchNorm(3, momentum=1.0), ValueError, r"Expected 0 <= `momentum` < 1"),
        (lambda: Flatten().forward(np.ones(3)), ValueError, r"Expected `x` with a batch axis"),
    ],
)
def test_bad_input_messages(call, error, message):
    with pytest.raises(error, match=message):
        call()


def test_layers_do_not_modify_their_input():
    r = rng(17)
    x = r.standard_normal((2, 2, 6, 6)).astype(np.float32)
    before = x.copy()
    for layer in (Conv2D(2, 3, 3, r, padding=1), MaxPool2D(2), AvgPool2D(2), BatchNorm(2)):
        out = layer.forward(x, training=True)
        layer.backward(np.ones_like(out))
        np.testing.assert_array_equal(x, before)


@pytest.mark.parametrize("dtype", [np.float32, np.float64])
def test_maxpool_equals_a_loop_over_windows_with_ties(dtype):
    r = rng(19)
    x = np.maximum(r.standard_normal((3, 2, 6, 8)), 0).astype(dtype)  # many tied zeros
    x[0, 0, :2, :2] = 5.0  # a window of four equal maxima
    dout = r.standard_normal((3, 2, 3, 4)).astype(dtype)
    pool = MaxPool2D(2)
    out = pool.forward(x)
    dx = pool.backward(dout)
    expected_out = np.zeros_like(out)
    expected_dx = np.zeros_like(x)
    for n, c, i, j in np.ndindex(*out.shape):  # the definition, one window at a time
        window = x[n, c, 2 * i : 2 * i + 2, 2 * j : 2 * j + 2]
        expected_out[n, c, i, j] = window.max()
        u, v = np.unravel_index(window.argmax(), window.shape)  # the first maximum
        expected_dx[n, c, 2 * i + u, 2 * j + v] = dout[n, c, i, j]
    np.testing.assert_array_equal(out, expected_out)
    np.testing.assert_array_equal(dx, expected_dx)
    np.testing.assert_array_equal(dx[0, 0, :2, :2], [[dout[0, 0, 0, 0], 0], [0, 0]])
    assert dx.dtype == dtype
