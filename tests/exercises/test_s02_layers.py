"""Tests of seminar_lib.exercises.s02_layers: 課題2-5 of 02_mlp_softmax.ipynb (the student's
own layers and network), each typical mistake with its specific message."""

import numpy as np
import pytest

from seminar_lib.exercises.s02_layers import (
    check_affine_layer,
    check_relu_layer,
    check_softmax_with_loss,
    check_two_layer_net,
)
from seminar_lib.layers import Affine, ReLU
from seminar_lib.models import Sequential

# --- reference solutions, as the notebook writes them -------------------------------------------


class GoodAffine:
    def __init__(self, W, b):
        self.params = {"W": W, "b": b}
        self.grads = {"W": np.zeros_like(W), "b": np.zeros_like(b)}
        self.x = None

    def forward(self, x):
        self.x = x
        return x @ self.params["W"] + self.params["b"]

    def backward(self, dout):
        self.grads["W"] = self.x.T @ dout
        self.grads["b"] = dout.sum(axis=0)
        return dout @ self.params["W"].T


class GoodReLU:
    def __init__(self):
        self.params, self.grads = {}, {}
        self.mask = None

    def forward(self, x):
        self.mask = x > 0
        return x * self.mask

    def backward(self, dout):
        return dout * self.mask


class GoodSoftmaxWithLoss:
    def __init__(self):
        self.probs = self.T = None

    def forward(self, logits, y):
        shifted = logits - logits.max(axis=1, keepdims=True)
        e = np.exp(shifted)
        self.probs = e / e.sum(axis=1, keepdims=True)
        self.T = np.eye(logits.shape[1])[y]
        log_probs = shifted - np.log(e.sum(axis=1, keepdims=True))
        return -log_probs[np.arange(len(y)), y].mean()

    def backward(self, dout=1.0):
        return dout * (self.probs - self.T) / len(self.T)


def good_make_net(num_inputs, num_hiddens, num_outputs, rng, dtype=np.float32):
    W1 = rng.standard_normal((num_inputs, num_hiddens)) * np.sqrt(2 / num_inputs)
    W2 = rng.standard_normal((num_hiddens, num_outputs)) * np.sqrt(2 / num_hiddens)
    return Sequential(
        [
            GoodAffine(W1.astype(dtype), np.zeros(num_hiddens, dtype)),
            GoodReLU(),
            GoodAffine(W2.astype(dtype), np.zeros(num_outputs, dtype)),
        ]
    )


def affine_with(backward=None, forward=None):
    """GoodAffine with one method replaced by ``fn(self, arg)``."""
    methods = {}
    if backward is not None:
        methods["backward"] = backward
    if forward is not None:
        methods["forward"] = forward
    return type("Affine_", (GoodAffine,), methods)


def grads_then(dW, db, dx):
    def backward(self, dout):
        x, W = self.x, self.params["W"]
        self.grads["W"], self.grads["b"] = dW(x, W, dout), db(dout)
        return dx(x, W, dout)

    return backward


# --- 課題2: Affine -------------------------------------------------------------------------------


def test_check_affine_layer_passes_the_reference():
    fb = check_affine_layer(GoodAffine)
    assert fb.passed, fb.message


def _no_return(self, dout):
    GoodAffine.backward(self, dout)


def _in_place_dout(self, dout):
    out = GoodAffine.backward(self, dout)
    dout *= 0
    return out


def _in_place_x(self, x):
    self.x = x
    x *= 2
    return x @ self.params["W"] + self.params["b"]


class CopiedWeights(GoodAffine):
    def __init__(self, W, b):
        super().__init__(W, b)
        self.W = W.copy()

    def forward(self, x):
        self.x = x
        return x @ self.W + self.params["b"]


class NoStoredInput(GoodAffine):
    def forward(self, x):
        return x @ self.params["W"] + self.params["b"]


@pytest.mark.parametrize(
    ("layer_class", "hint"),
    [
        (
            affine_with(
                grads_then(lambda x, W, d: d.T @ x, lambda d: d.sum(0), lambda x, W, d: d @ W.T)
            ),
            "dW の形が (2, 3) で、正しい形 (3, 2) の転置",
        ),
        (
            affine_with(
                grads_then(lambda x, W, d: x.T @ d, lambda d: d.sum(0), lambda x, W, d: W @ d.T)
            ),
            "dx の形が (3, 5) で、正しい形 (5, 3) の転置",
        ),
        (
            affine_with(grads_then(lambda x, W, d: x.T @ d, lambda d: d, lambda x, W, d: d @ W.T)),
            "例ごとの勾配のまま",
        ),
        (
            affine_with(
                grads_then(lambda x, W, d: x.T @ d, lambda d: d.sum(1), lambda x, W, d: d @ W.T)
            ),
            "ユニットの方向 (axis=1)",
        ),
        (
            affine_with(
                grads_then(lambda x, W, d: x.T @ d, lambda d: d.mean(0), lambda x, W, d: d @ W.T)
            ),
            "db が N = 5 で割られています",
        ),
        (
            affine_with(
                grads_then(
                    lambda x, W, d: x.T @ d / len(x), lambda d: d.sum(0), lambda x, W, d: d @ W.T
                )
            ),
            "dW が N = 5 で割られています",
        ),
        (
            affine_with(
                grads_then(lambda x, W, d: -x.T @ d, lambda d: d.sum(0), lambda x, W, d: d @ W.T)
            ),
            "dW の符号が逆",
        ),
        (
            affine_with(
                grads_then(lambda x, W, d: x.T @ d, lambda d: d.sum(0), lambda x, W, d: 2 * d @ W.T)
            ),
            "dx の値が違います",
        ),
        (
            affine_with(
                grads_then(lambda x, W, d: x.T @ d, lambda d: d.sum(0), lambda x, W, d: d @ W)
            ),
            "実行中にエラー",
        ),
        (affine_with(backward=lambda self, dout: dout @ self.params["W"].T), "dW が 0 のまま"),
        (
            affine_with(backward=_no_return),
            "dx を return",
        ),
        (affine_with(backward=_in_place_dout), "backward で引数の dout を書き換えています"),
        (affine_with(forward=_in_place_x), "forward で引数の x を書き換えています"),
        (
            affine_with(forward=lambda self, x: GoodAffine.forward(self, x) - self.params["b"]),
            "バイアス b を足していません",
        ),
        (affine_with(forward=lambda self, x: 2 * GoodAffine.forward(self, x)), "XW + b と違います"),
        (affine_with(forward=lambda self, x: (x @ self.params["W"])[:, :1]), "forward の出力 の形"),
        (CopiedWeights, 'self.params["W"] と self.params["b"] を使って'),
        (NoStoredInput, "self.x = x や self.mask = ... のように self に保存"),
    ],
)
def test_check_affine_layer_hints(layer_class, hint):
    fb = check_affine_layer(layer_class)
    assert not fb.passed and hint in fb.message, fb.message


def test_check_affine_layer_needs_a_params_dict_and_grads():
    class NoParams(GoodAffine):
        def __init__(self, W, b):
            super().__init__(W, b)
            self.params = {"weight": W, "bias": b}

    class NoGrads(GoodAffine):
        def backward(self, dout):
            dx = GoodAffine.backward(self, dout)
            self.grads = {}
            return dx

    assert "self.params を" in check_affine_layer(NoParams).message
    assert 'self.grads["W"] と self.grads["b"]' in check_affine_layer(NoGrads).message


# --- 課題3: ReLU ---------------------------------------------------------------------------------


class ReLUFromOutput(GoodReLU):  # mask from the output: the same as from the input
    def forward(self, x):
        self.out = np.maximum(x, 0)
        return self.out

    def backward(self, dout):
        return dout * (self.out > 0)


class ReLUMaskFromDout(GoodReLU):
    def backward(self, dout):
        return dout * (dout > 0)


class ReLUMaxDout(GoodReLU):
    def backward(self, dout):
        return np.maximum(dout, 0)


class ReLUNoMask(GoodReLU):
    def backward(self, dout):
        return dout


class ReLUInverted(GoodReLU):
    def backward(self, dout):
        return dout * ~self.mask


class ReLUBookBackward(GoodReLU):  # ゼロから作る's Relu.backward mutates dout
    def forward(self, x):
        self.mask = x <= 0
        out = x.copy()
        out[self.mask] = 0
        return out

    def backward(self, dout):
        dout[self.mask] = 0
        return dout


class ReLUInPlaceForward(GoodReLU):
    def forward(self, x):
        self.mask = x > 0
        x[~self.mask] = 0
        return x


class ReLUClassMask(GoodReLU):
    def forward(self, x):
        ReLUClassMask.mask = x > 0
        return x * (x > 0)

    def backward(self, dout):
        return dout * ReLUClassMask.mask


class ReLUNotStored(GoodReLU):
    def __init__(self):
        self.params, self.grads = {}, {}

    def forward(self, x):
        mask = x > 0
        return x * mask

    def backward(self, dout):
        return dout * self.mask


def test_check_relu_layer_passes_the_reference_and_an_output_mask():
    assert check_relu_layer(GoodReLU).passed
    assert check_relu_layer(ReLUFromOutput).passed


@pytest.mark.parametrize(
    ("layer_class", "hint"),
    [
        (ReLUMaskFromDout, "dout の正負で決めています"),
        (ReLUMaxDout, "dout の正負で決めています"),
        (ReLUNoMask, "dout をそのまま返しています"),
        (ReLUInverted, "mask が逆です"),
        (ReLUBookBackward, "dout[self.mask] = 0 は、上流から来た配列を壊します"),
        (ReLUInPlaceForward, "np.maximum(x, 0)"),
        (ReLUClassMask, "self.mask に保存しましょう"),
        (ReLUNotStored, "self に保存しておきます"),
    ],
)
def test_check_relu_layer_hints(layer_class, hint):
    fb = check_relu_layer(layer_class)
    assert not fb.passed and hint in fb.message, fb.message


# --- 課題4: softmax with loss --------------------------------------------------------------------


def loss_with(forward=None, backward=None):
    methods = {}
    if forward is not None:
        methods["forward"] = forward
    if backward is not None:
        methods["backward"] = backward
    return type("Loss_", (GoodSoftmaxWithLoss,), methods)


def _naive_forward(self, logits, y):
    e = np.exp(logits)
    self.probs = e / e.sum(axis=1, keepdims=True)
    self.T = np.eye(logits.shape[1])[y]
    return -np.log(self.probs[np.arange(len(y)), y]).mean()


def _in_place_forward(self, logits, y):
    logits -= logits.max(axis=1, keepdims=True)
    return GoodSoftmaxWithLoss.forward(self, logits, y)


def _one_hot_mistake(self, logits, y):
    GoodSoftmaxWithLoss.forward(self, logits, y)
    return -(y * np.log(self.probs)).sum() / len(y)


def _delta_forward(self, logits, y):  # ゼロから作る: log(y + 1e-7)
    GoodSoftmaxWithLoss.forward(self, logits, y)
    return -np.log(self.probs[np.arange(len(y)), y] + 1e-7).mean()


def _log_of_probs_forward(self, logits, y):  # stable softmax, then np.log(O): inf for a large gap
    GoodSoftmaxWithLoss.forward(self, logits, y)
    return -np.log(self.probs[np.arange(len(y)), y]).mean()


def test_check_softmax_with_loss_passes_the_reference():
    assert check_softmax_with_loss(GoodSoftmaxWithLoss).passed


@pytest.mark.parametrize("forward", [_delta_forward, _log_of_probs_forward])
def test_check_softmax_with_loss_needs_log_softmax_for_a_large_gap(forward):
    with np.errstate(all="ignore"):
        fb = check_softmax_with_loss(loss_with(forward=forward))
    assert not fb.passed and "log-softmax" in fb.message, fb.message


@pytest.mark.parametrize(
    ("layer_class", "hint"),
    [
        (
            loss_with(backward=lambda self, dout=1.0: dout * (self.probs - self.T)),
            "N = 4 で割ります",
        ),
        (loss_with(backward=lambda self, dout=1.0: (self.T - self.probs) / 4), "符号が逆"),
        (loss_with(backward=lambda self, dout=1.0: self.probs / 4), "(O - T) / N と違います"),
        (loss_with(backward=lambda self, dout: (self.probs - self.T) / 4), "dout=1.0"),
        (loss_with(backward=lambda self, dout=1.0: (self.probs - self.T) / 4), "dout を掛けて"),
        (
            loss_with(forward=lambda self, x, y: GoodSoftmaxWithLoss.forward(self, x, y) * len(y)),
            "バッチの合計",
        ),
        (
            loss_with(
                forward=lambda self, x, y: (
                    GoodSoftmaxWithLoss.forward(self, x, y) * 0
                    - np.log(self.probs[np.arange(len(y)), y])
                )
            ),
            "例ごとの誤差を返しています",
        ),
        (loss_with(forward=_one_hot_mistake), "np.eye(K)[y]"),
        (
            loss_with(forward=lambda self, x, y: GoodSoftmaxWithLoss.forward(self, x, y) + 0.5),
            "forward の誤差が違います",
        ),
        (loss_with(forward=lambda self, x, y: "loss"), "1 つの数で返して"),
        (loss_with(forward=_in_place_forward), "引数の logits を書き換えています"),
        (loss_with(forward=_naive_forward), "nan や inf"),
    ],
)
def test_check_softmax_with_loss_hints(layer_class, hint):
    with np.errstate(all="ignore"):
        fb = check_softmax_with_loss(layer_class)
    assert not fb.passed and hint in fb.message, fb.message


def test_check_softmax_with_loss_explains_class_ids():
    def forward(self, logits, y):
        return -np.log(logits[y[:, 0]])  # treats y as one-hot (N, K)

    fb = check_softmax_with_loss(loss_with(forward=forward))
    assert not fb.passed and "np.eye(K)[y]" in fb.message


# --- 課題5: the two-layer network ----------------------------------------------------------------


def test_check_two_layer_net_passes_the_reference():
    fb = check_two_layer_net(good_make_net)
    assert fb.passed, fb.message


def _variant(**changes):
    def make(num_inputs, num_hiddens, num_outputs, rng, dtype=np.float32):
        scale1 = changes.get("scale", np.sqrt(2 / num_inputs))
        W1 = rng.standard_normal((num_inputs, num_hiddens)) * scale1
        W2 = rng.standard_normal((num_hiddens, num_outputs)) * np.sqrt(2 / num_hiddens)
        if changes.get("zeros"):
            W1 = np.zeros_like(W1)
        if changes.get("global_rng"):
            W1 = np.random.standard_normal(W1.shape) * np.sqrt(2 / num_inputs)
        b1 = np.full(num_hiddens, changes.get("bias", 0.0))
        dtype = changes.get("dtype", dtype)
        relu = changes.get("relu", GoodReLU)()
        affine = changes.get("affine", GoodAffine)
        layers = [
            affine(W1.astype(dtype), b1.astype(dtype)),
            relu,
            affine(W2.astype(dtype), np.zeros(num_outputs, dtype)),
        ]
        if changes.get("transpose"):
            layers[2] = affine(W2.T.astype(dtype), np.zeros(num_hiddens, dtype))
        return Sequential(layers[: changes.get("num_layers", 3)])

    return make


class BrokenBackward(GoodAffine):
    def backward(self, dout):
        dx = GoodAffine.backward(self, dout)
        self.grads["W"] = self.grads["W"] * 1.01
        return dx


@pytest.mark.parametrize(
    ("make", "hint"),
    [
        (_variant(zeros=True), "対称性"),
        (_variant(scale=1.0), "He の初期値の標準偏差"),
        (_variant(scale=0.01), "He の初期値の標準偏差"),
        (_variant(bias=0.1), "バイアスは 0 から"),
        (_variant(global_rng=True), "引数の rng から引いて"),
        (_variant(dtype=np.float64), "float32 になっていません"),
        (_variant(num_layers=2), "層は 3 つ"),
        (_variant(transpose=True), "パラメータの形が"),
        (_variant(relu=ReLU), "ライブラリの層 ['ReLU']"),
        (_variant(affine=BrokenBackward), "勾配確認で"),
        (
            lambda D, H, K, rng: good_make_net(D, H, K, rng),
            "(num_inputs, num_hiddens, num_outputs, rng, dtype)",
        ),
        (lambda D, H, K, rng, dtype=np.float32: [GoodAffine, GoodReLU], "Sequential([...])"),
    ],
)
def test_check_two_layer_net_hints(make, hint):
    fb = check_two_layer_net(make)
    assert not fb.passed and hint in fb.message, fb.message


def test_check_two_layer_net_rejects_library_affine_layers():
    def make(D, H, K, rng, dtype=np.float32):
        return Sequential(
            [Affine(D, H, rng, dtype=dtype), GoodReLU(), Affine(H, K, rng, dtype=dtype)]
        )

    fb = check_two_layer_net(make)
    assert not fb.passed and "['Affine', 'Affine']" in fb.message


# --- every checker ------------------------------------------------------------------------------


@pytest.mark.parametrize("checker", [check_affine_layer, check_relu_layer, check_softmax_with_loss])
def test_layer_checkers_report_stubs_and_non_classes(checker):
    class Stub:
        def __init__(self, *args):
            self.params = dict(zip("Wb", args, strict=False))  # {"W", "b"} for the affine layer

        def forward(self, *args):
            raise NotImplementedError("課題")

        def backward(self, *args):
            raise NotImplementedError("課題")

    assert "まだ実装されていません" in checker(Stub).message
    assert "クラスそのもの" in checker(Stub()).message
    assert "クラスそのもの" in checker(None).message

    class NoBackward:
        def __init__(self, *args):
            pass

        def forward(self, *args):
            return None

    assert "メソッド backward を定義して" in checker(NoBackward).message


def test_check_two_layer_net_reports_a_stub_and_a_non_callable():
    def stub(*args):
        raise NotImplementedError("課題")

    assert "まだ実装されていません" in check_two_layer_net(stub).message
    assert "関数を渡してください" in check_two_layer_net(None).message
