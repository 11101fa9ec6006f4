"""Tests of seminar_lib.exercises.s03_layers: 課題5 of 03_deep_cnn.ipynb (the student's own
dropout layer), each typical mistake with its specific message, and the layer training with fit."""

import numpy as np
import pytest

from seminar_lib.exercises.s03_layers import check_dropout_layer
from seminar_lib.layers import Affine, Dropout, Layer, ReLU, SoftmaxCrossEntropy
from seminar_lib.models import Sequential
from seminar_lib.optimizers import Adam
from seminar_lib.training import fit

# --- reference solutions, as the notebook writes them -------------------------------------------


class GoodDropout(Layer):
    def __init__(self, rate, rng):
        super().__init__()
        self.rate, self.rng = rate, rng
        self.mask = None

    def forward(self, x, training=False):
        if not training:
            self.mask = None
            return x
        keep = self.rng.random(x.shape) >= self.rate  # True: kept
        self.mask = keep.astype(x.dtype) / (1 - self.rate)
        return x * self.mask

    def backward(self, dout):
        if self.mask is None:
            return dout
        return dout * self.mask


class PlainClassDropout:  # no base class: params and grads by hand, as in session 2
    def __init__(self, rate, rng):
        self.params, self.grads = {}, {}
        self.rate, self.rng, self.keep = rate, rng, None

    def forward(self, x, training=False):
        self.keep = (
            self.rng.binomial(1, 1 - self.rate, size=x.shape).astype(x.dtype) if training else None
        )
        return x * self.keep / (1 - self.rate) if training else x.copy()

    def backward(self, dout):
        return dout if self.keep is None else dout * self.keep / (1 - self.rate)


class LessThanKeep(GoodDropout):  # keep where the draw is below 1 - r; a new array at inference
    def forward(self, x, training=False):
        if not training:
            self.mask = None
            return x.copy()
        keep = self.rng.random(x.shape) < 1 - self.rate
        self.mask = np.where(keep, 1 / (1 - self.rate), 0).astype(x.dtype)
        return x * self.mask


@pytest.mark.parametrize("answer", [GoodDropout, PlainClassDropout, LessThanKeep])
def test_check_dropout_layer_passes_correct_layers(answer):
    fb = check_dropout_layer(answer)
    assert fb.passed, fb.message


# --- typical mistakes ----------------------------------------------------------------------------


class NoScaling(GoodDropout):
    def forward(self, x, training=False):
        out = super().forward(x, training)
        if self.mask is not None:
            self.mask = (self.mask > 0).astype(x.dtype)
            return x * self.mask
        return out


class ScalesAtInference(GoodDropout):
    def forward(self, x, training=False):
        return super().forward(x, training) if training else x * (1 - self.rate)


class KeepProbability(GoodDropout):
    def forward(self, x, training=False):
        if not training:
            return super().forward(x, training)
        keep = self.rng.random(x.shape) < self.rate  # keeps r instead of 1 - r
        self.mask = keep.astype(x.dtype) / (1 - self.rate)
        return x * self.mask


class IgnoresTraining(GoodDropout):
    def forward(self, x, training=False):
        self.mask = None
        return x


class Float64Mask(GoodDropout):
    def forward(self, x, training=False):
        if not training:
            return super().forward(x, training)
        self.mask = (self.rng.random(x.shape) >= self.rate) / (1 - self.rate)  # float64
        return x * self.mask


class BackwardPassesThrough(GoodDropout):
    def backward(self, dout):
        return dout


class BackwardUnscaled(GoodDropout):
    def backward(self, dout):
        return dout if self.mask is None else dout * (self.mask > 0)


class BackwardNewMask(GoodDropout):
    def backward(self, dout):
        return dout * (self.rng.random(dout.shape) >= self.rate) / (1 - self.rate)


class SameMaskEveryTime(GoodDropout):
    def forward(self, x, training=False):
        if not training:
            self.mask = None
            return x
        if getattr(self, "fixed", None) is None:
            self.fixed = (self.rng.random(x.shape) >= self.rate).astype(x.dtype) / (1 - self.rate)
        self.mask = self.fixed
        return x * self.mask


class StaleMaskAfterInference(GoodDropout):
    def forward(self, x, training=False):
        if not training:
            return x  # self.mask of the last training call is left in place
        return super().forward(x, True)


class ModifiesInput(GoodDropout):
    def forward(self, x, training=False):
        out = super().forward(x, training)
        if training:
            x *= self.mask
        return out


class SameUnitsForTheBatch(GoodDropout):
    def forward(self, x, training=False):
        if not training:
            return super().forward(x, training)
        keep = self.rng.random(x.shape[1]) < 1 - self.rate  # one draw per column only
        self.mask = np.broadcast_to(keep.astype(x.dtype) / (1 - self.rate), x.shape)
        return x * self.mask


class WholeExamples(GoodDropout):
    def forward(self, x, training=False):
        if not training:
            return super().forward(x, training)
        keep = self.rng.random((x.shape[0], 1)) < 1 - self.rate  # one draw per row only
        self.mask = np.broadcast_to(keep.astype(x.dtype) / (1 - self.rate), x.shape)
        return x * self.mask


class RenamedTrainingArgument(GoodDropout):  # the reference book's name: train_flg
    def forward(self, x, train_flg=False):
        return super().forward(x, train_flg)


class BackwardFailsAfterInference(GoodDropout):
    def backward(self, dout):
        return dout * self.mask  # None after an inference forward


class Subclass(Dropout):
    pass


class CallsLibrary:
    def __init__(self, rate, rng):
        self.inner = Dropout(rate, rng)

    def forward(self, x, training=False):
        return self.inner.forward(x, training)

    def backward(self, dout):
        return self.inner.backward(dout)


@pytest.mark.parametrize(
    ("answer", "hint"),
    [
        (NoScaling, "残った値がそのままです"),
        (ScalesAtInference, "推論 (training=False) で値を何倍か"),
        (KeepProbability, "rate は 0 にする割合"),
        (IgnoresTraining, "0 になった値がありません"),
        (Float64Mask, "keep.astype(x.dtype)"),
        (BackwardPassesThrough, "dout をそのまま返しています"),
        (BackwardUnscaled, "backward でも、残った所の勾配を 1 / (1 - r) 倍"),
        (BackwardNewMask, "forward で self.mask に保存したマスク"),
        (SameMaskEveryTime, "まったく同じ所が 0"),
        (StaleMaskAfterInference, "前の学習中のマスクが残っていませんか"),
        (ModifiesInput, "引数の x を書き換えています"),
        (SameUnitsForTheBatch, "列ごとにまとめて 0"),
        (WholeExamples, "行ごとにまとめて 0"),
        (RenamedTrainingArgument, "training という名前"),
        (BackwardFailsAfterInference, "self.mask が None のときは dout をそのまま"),
        (Subclass, "ライブラリの Dropout を継承しています"),
        (CallsLibrary, "Dropout を使っています。この課題は、ドロップアウトの"),
        (Dropout, "ライブラリの Dropout を継承しています"),
        (GoodDropout(0.3, np.random.default_rng(0)), "クラスそのもの（例: MyDropout）"),
    ],
)
def test_check_dropout_layer_names_the_typical_mistake(answer, hint):
    fb = check_dropout_layer(answer)
    assert not fb.passed
    assert hint in fb.message, fb.message


def test_check_dropout_layer_reports_errors_without_raising():
    class Broken(GoodDropout):
        def backward(self, dout):
            raise RuntimeError("まだ")

    fb = check_dropout_layer(Broken)
    assert not fb.passed and "まだ" in fb.message


def test_the_students_dropout_trains_with_fit_like_the_library():
    """The layer the exercise asks for trains inside Sequential with fit: same loss curve shape
    as the library's Dropout (different masks, so close, not equal), and its gradients flow."""
    data_rng = np.random.default_rng(0)
    X = data_rng.standard_normal((300, 20)).astype(np.float32)
    y = (X[:, 0] + X[:, 1] > 0).astype(int)  # a linearly separable rule

    def train(dropout_class):
        rng = np.random.default_rng(1)
        model = Sequential(
            [Affine(20, 32, rng), ReLU(), dropout_class(0.5, rng), Affine(32, 2, rng)]
        )
        history = fit(
            model, SoftmaxCrossEntropy(), Adam(lr=1e-2), X, y, rng=rng, num_epochs=30, verbose=0
        )
        return model, history

    mine, mine_history = train(GoodDropout)
    library, library_history = train(Dropout)
    assert mine_history["loss"][-1] < 0.5 * mine_history["loss"][0]  # it learns

    def accuracy(model):  # at inference: no value dropped
        return np.mean(model.predict(X).argmax(axis=1) == y)

    assert accuracy(mine) > 0.95
    assert abs(accuracy(mine) - accuracy(library)) < 0.03
    assert np.array_equal(mine.predict(X[:5]), mine.predict(X[:5]))  # no random mask at inference
