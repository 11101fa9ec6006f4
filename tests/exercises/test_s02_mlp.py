"""Tests of seminar_lib.exercises.s02_mlp and of its notebook 02_mlp_softmax.ipynb."""

import warnings

import numpy as np
import pytest
from notebook_checks import assert_every_checker_passes

from seminar_lib.exercises.s02_mlp import (
    check_accuracy,
    check_affine_backward,
    check_softmax,
)


def stable_softmax(x):
    e = np.exp(x - x.max(axis=1, keepdims=True))
    return e / e.sum(axis=1, keepdims=True)


def naive_softmax(x):
    e = np.exp(x)
    return e / e.sum(axis=1, keepdims=True)


def global_max_softmax(x):
    e = np.exp(x - x.max())
    return e / e.sum(axis=1, keepdims=True)


def in_place_softmax(x):
    x -= x.max(axis=1, keepdims=True)
    return naive_softmax(x)


def test_check_softmax_passes_a_stable_softmax():
    assert check_softmax(stable_softmax).passed


@pytest.mark.parametrize(
    ("answer", "hint"),
    [
        (naive_softmax, "[10000.0, 0.0, -10000.0] で nan や inf"),
        (global_max_softmax, "[1000.0, 1001.0, 1002.0] で nan や inf"),
        (lambda x: np.exp(x) / np.exp(x).sum(axis=1), "keepdims=True"),
        (lambda x: np.exp(x - x.max()) / np.exp(x - x.max()).sum(), "配列全体の和"),
        (lambda x: np.exp(x - x.max()) / np.exp(x - x.max()).sum(axis=0), "列ごと (axis=0)"),
        (in_place_softmax, "書き換えています"),
        (lambda x: stable_softmax(x).ravel(), "同じ形 (2, 3)"),
        (lambda x: stable_softmax(2 * x), "各行の和は 1 ですが"),
        (lambda x: np.exp(x - x.max(axis=1, keepdims=True)), "各行の和が 1 になっていません"),
        (lambda x: None, "return を書き忘れて"),
        (lambda x: "x", "数の配列で返して"),
    ],
)
def test_check_softmax_hints(answer, hint):
    fb = check_softmax(answer)
    assert not fb.passed and hint in fb.message


def test_check_softmax_does_not_warn_on_overflow():
    with warnings.catch_warnings():
        warnings.simplefilter("error")  # a RuntimeWarning would land on the notebook's stderr
        assert "nan や inf" in check_softmax(naive_softmax).message


def good_affine_backward(x, W, dout):
    return dout @ W.T, x.T @ dout, dout.sum(axis=0)


def test_check_affine_backward_passes_the_correct_gradients():
    assert check_affine_backward(good_affine_backward).passed


@pytest.mark.parametrize(
    ("answer", "hint"),
    [
        (lambda x, W, d: (d @ W.T, d.T @ x, d.sum(axis=0)), "dW の形が (2, 3) で"),
        (lambda x, W, d: (W @ d.T, x.T @ d, d.sum(axis=0)), "dx の形が (3, 5) で"),
        (lambda x, W, d: (d @ W.T, x.T @ d, d.sum(axis=1)), "ユニットの方向に足して"),
        (lambda x, W, d: (d @ W.T, x.T @ d, d.sum(axis=0, keepdims=True)), "db の形が (1, 2)"),
        (lambda x, W, d: (x.T @ d, d @ W.T, d.sum(axis=0)), "返す順番が違う"),
        (lambda x, W, d: (d @ W.T, x.T @ d / len(x), d.sum(axis=0)), "dW が N = 5 で割られて"),
        (lambda x, W, d: (d @ W.T, x.T @ d, d.mean(axis=0)), "db が N = 5 で割られて"),
        (lambda x, W, d: (2 * d @ W.T, x.T @ d, d.sum(axis=0)), "dx の値が数値微分と合いません"),
        (lambda x, W, d: (d @ W, x.T @ d, d.sum(axis=0)), "行列の積の形を確かめ"),
        (lambda x, W, d: (d @ W.T, x.T @ d), "3 つを"),
        (lambda x, W, d: None, "3 つを"),
        (lambda x, W, d: ("a", x.T @ d, d.sum(axis=0)), "dx を数の配列で"),
    ],
)
def test_check_affine_backward_hints(answer, hint):
    fb = check_affine_backward(answer)
    assert not fb.passed and hint in fb.message


def test_check_affine_backward_rejects_modified_arguments():
    def in_place(x, W, dout):
        dx, dW, db = good_affine_backward(x, W, dout)
        dout *= 0
        return dx, dW, db

    fb = check_affine_backward(in_place)
    assert not fb.passed and "書き換えないで" in fb.message


def test_check_accuracy():
    assert check_accuracy(0.93, target=0.93).passed
    assert repr(check_accuracy(0.97)) == "✅ 正解です！ 目標の正解率 95% 以上に届きました。"
    close = check_accuracy(0.9, target=0.93)
    assert not close.passed and "あと 3.0 ポイント" in close.message
    assert "num_hiddens" in close.message
    chance = check_accuracy(0.11, target=0.93)
    assert not chance.passed and "学習が進んでいません" in chance.message
    assert "発散" in check_accuracy(float("nan")).message
    assert "パーセントでは" in check_accuracy(95.0).message
    assert "0〜1 の割合です" in check_accuracy(-0.5).message
    assert "0〜1 の数で渡して" in check_accuracy("high").message
    assert check_accuracy(np.float32(0.96)).passed


def test_check_accuracy_rejects_a_bad_target():
    with pytest.raises(ValueError, match="Expected 0 < `target` <= 1"):
        check_accuracy(0.9, target=95)


def test_session_2_checkers_report_not_implemented_and_non_callables():
    def stub(*args):
        raise NotImplementedError("課題")

    for checker in (check_softmax, check_affine_backward):
        fb = checker(stub)
        assert not fb.passed and "まだ実装されていません" in fb.message
        assert "関数を渡してください" in checker(None).message


def test_every_checker_passes_in_the_instructor_notebook():
    assert_every_checker_passes("02_mlp_softmax.ipynb")
