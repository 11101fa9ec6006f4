"""Tests of seminar_lib.exercises.s02_mlp (課題1 and 課題6) and of notebook 02_mlp_softmax.ipynb."""

import warnings

import numpy as np
import pytest
from notebook_checks import assert_every_checker_passes

from seminar_lib.exercises.s02_mlp import check_hyperparameters, check_softmax


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


def test_check_hyperparameters_passes_a_setting_above_the_target():
    fb = check_hyperparameters(200, 0.7, 0.935)
    assert repr(fb) == (
        "✅ 正解です！ num_hiddens=200, lr=0.7 で、検証正解率が目標 92% に届きました。"
    )
    assert check_hyperparameters(np.int64(300), np.float32(0.5), np.float64(0.92)).passed


@pytest.mark.parametrize(
    ("args", "hint"),
    [
        ((100, 0.1, 0.95), "講義の設定 (num_hiddens=100, lr=0.1) のままです"),
        ((400, 0.5, 0.95), "時間の予算を超えています"),
        ((200, 0.5, 0.91), "あと 1.0 ポイント"),
        ((200, 0.5, 0.91), "学習率を 0.1 から大きくする"),
        ((200, 5.0, 0.1), "発散したか"),
        ((200, 5.0, float("nan")), "nan"),
        ((200, 0.5, 93.5), "0〜1 の割合"),
        ((200, 0.5, "high"), "0〜1 の数で渡して"),
        ((0, 0.5, 0.95), "正の整数"),
        ((200.0, 0.5, 0.95), "正の整数"),
        ((True, 0.5, 0.95), "正の整数"),
        ((200, -0.1, 0.95), "正の数"),
        ((200, "0.1", 0.95), "正の数"),
    ],
)
def test_check_hyperparameters_hints(args, hint):
    fb = check_hyperparameters(*args)
    assert not fb.passed and hint in fb.message, fb.message


def test_check_softmax_reports_not_implemented_and_non_callables():
    def stub(*args):
        raise NotImplementedError("課題")

    fb = check_softmax(stub)
    assert not fb.passed and "まだ実装されていません" in fb.message
    assert "関数を渡してください" in check_softmax(None).message


def test_every_checker_passes_in_the_instructor_notebook():
    assert_every_checker_passes("02_mlp_softmax.ipynb")
