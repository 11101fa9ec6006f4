"""Tests of seminar_lib.exercises.s03_cnn and of its notebook 03_deep_cnn.ipynb."""

from functools import partial

import numpy as np
import pytest
from notebook_checks import assert_every_checker_passes, checker_cells

from seminar_lib.exercises.s03_cnn import (
    check_conv_forward,
    check_conv_output_size,
    check_edge_filter,
    check_maxpool_forward,
)
from seminar_lib.layers import Conv2D, MaxPool2D, conv_output_size, im2col


def good_output_size(input_size, filter_size, stride=1, padding=0):
    return (input_size + 2 * padding - filter_size) // stride + 1


def test_check_conv_output_size_passes_the_formula():
    assert check_conv_output_size(good_output_size).passed
    assert check_conv_output_size(lambda H, FH, S, P: np.int64(good_output_size(H, FH, S, P)))
    assert check_conv_output_size(lambda H, FH, S, P: float(good_output_size(H, FH, S, P)))


@pytest.mark.parametrize(
    ("answer", "hint"),
    [
        (lambda H, FH, S, P: (H - FH) // S + 1, "パディング P を忘れて"),
        (lambda H, FH, S, P: (H + P - FH) // S + 1, "2P を足します"),
        (lambda H, FH, S, P: (H + 2 * P - FH) // S, "+ 1 を忘れて"),
        (lambda H, FH, S, P: H + 2 * P - FH + 1, "ストライド S で割っていません"),
        (lambda H, FH, S, P: (H + 2 * P - FH) / S + 1, "H=6, FH=3, S=2, P=0 のとき 2.5"),
        (lambda H, FH, S, P: -(-(H + 2 * P - FH) // S) + 1, "切り上げて"),
        (lambda H, FH, S, P: (H + 2 * S - FH) // P + 1, "0 で割りました"),
        (lambda H, FH, S, P: good_output_size(H, FH, S, P) + (H == 224), "55 になるはずが 56"),
        (lambda H, FH, S, P: None, "return を書き忘れて"),
        (lambda H, FH, S, P: (H, H), "1 つの整数で返して"),
        (lambda H, FH, S, P: True, "1 つの整数で返して"),
    ],
)
def test_check_conv_output_size_hints(answer, hint):
    fb = check_conv_output_size(answer)
    assert not fb.passed and hint in fb.message, fb.message


def good_max_pool(x):
    N, C, H, W = x.shape
    return x.reshape(N, C, H // 2, 2, W // 2, 2).max(axis=(3, 5))


def loop_max_pool(x, initial=-np.inf):
    N, C, H, W = x.shape
    out = np.full((N, C, H // 2, W // 2), initial)
    for i in range(H // 2):
        for j in range(W // 2):
            window = x[:, :, 2 * i : 2 * i + 2, 2 * j : 2 * j + 2]  # (N, C, 2, 2)
            out[:, :, i, j] = np.maximum(out[:, :, i, j], window.max(axis=(2, 3)))
    return out


def windows(x):
    N, C, H, W = x.shape
    return x.reshape(N, C, H // 2, 2, W // 2, 2)


def test_check_maxpool_forward_passes_vectorised_and_loop_answers():
    assert check_maxpool_forward(good_max_pool).passed
    assert check_maxpool_forward(loop_max_pool).passed
    assert check_maxpool_forward(lambda x: good_max_pool(x).tolist()).passed


def in_place_max_pool(x):
    out = good_max_pool(x)
    x[...] = 0
    return out


@pytest.mark.parametrize(
    ("answer", "hint"),
    [
        (lambda x: x.copy(), "入力と同じ形のまま"),
        (lambda x: good_max_pool(x).transpose(0, 1, 3, 2), "縦 (H) と横 (W) の軸が入れ替わって"),
        (lambda x: good_max_pool(x).max(axis=1), "チャンネルの軸 C まで"),
        (lambda x: good_max_pool(x)[:, :, :, :1], "形 (2, 3, 2, 3) (N, C, H/2, W/2)"),
        (lambda x: windows(x).mean(axis=(3, 5)), "平均プーリング"),
        (lambda x: windows(x).min(axis=(3, 5)), "最小値をとって"),
        (lambda x: x[:, :, ::2, ::2], "左上の値を取り出している"),
        (lambda x: loop_max_pool(x, initial=0.0), "初期値を 0 に"),
        (
            lambda x: x.reshape(*x.shape[:2], x.shape[2] // 2, x.shape[3] // 2, 4).max(-1),
            "窓の取り方",
        ),
        (lambda x: good_max_pool(x) + (good_max_pool(x) > 1), "の最大値"),
        (in_place_max_pool, "書き換えています"),
        (lambda x: None, "return を書き忘れて"),
        (lambda x: "x", "数の配列で返して"),
    ],
)
def test_check_maxpool_forward_hints(answer, hint):
    fb = check_maxpool_forward(answer)
    assert not fb.passed and hint in fb.message, fb.message


def test_check_maxpool_forward_catches_a_hard_coded_shape():
    fb = check_maxpool_forward(lambda x: good_max_pool(x).reshape(2, 3, 2, 3))
    assert not fb.passed and "ValueError" in fb.message  # the second input has another shape


SOBEL_X = np.array([[-1, 0, 1], [-2, 0, 2], [-1, 0, 1]])


@pytest.mark.parametrize(
    "kernel",
    [
        [[-1, 0, 1]] * 3,  # Prewitt
        [[1, 0, -1]] * 3,
        [[-1, 1, 0]] * 3,
        np.array([[1, -1, 0]] * 3) / 3,
        [[-3, 0, 3], [-10, 0, 10], [-3, 0, 3]],  # Scharr
        [[0, 0, 0], [-1, 0, 1], [0, 0, 0]],
    ],
)
def test_check_edge_filter_passes_vertical_edge_filters(kernel):
    assert check_edge_filter(kernel).passed


@pytest.mark.parametrize("kernel", [SOBEL_X, -SOBEL_X, 0.1 * SOBEL_X, SOBEL_X.astype(np.float32)])
def test_check_edge_filter_rejects_the_sobel_filter_the_text_forbids(kernel):
    fb = check_edge_filter(kernel)
    assert not fb.passed and "Sobel フィルタ" in fb.message, fb.message


@pytest.mark.parametrize(
    ("kernel", "hint"),
    [
        (SOBEL_X.T, "縦と横が逆"),
        (np.ones((3, 3)) / 9, "平らな所でも反応"),
        ([[0, 0, 1]] * 3, "いまの和: 3"),
        (SOBEL_X + np.eye(3) * 0.01, "平らな所でも反応"),
        ([[0, -1, 0], [-1, 4, -1], [0, -1, 0]], "横のエッジにも反応"),
        (
            [[1, 0, -1], [0, 0, 0], [-1, 0, 1]],
            "縦のエッジ（左右で明るさが変わる所）に反応していません",
        ),
        (np.zeros((3, 3)), "全部 0"),
        ([[1, -1], [1, -1]], "形は (3, 3)"),
        (SOBEL_X[None], "形は (3, 3)"),
        ("edge", "数の配列で"),
        ([[1, 2, 3], [4, 5]], "数の配列で"),
        ([[np.nan, 0, 0]] * 3, "nan や inf"),
    ],
)
def test_check_edge_filter_hints(kernel, hint):
    fb = check_edge_filter(kernel)
    assert not fb.passed and hint in fb.message, fb.message


def naive_conv(x, filters, bias, stride=1, padding=0):
    N, C, H, W = x.shape
    FN, _, FH, FW = filters.shape
    OH, OW = (H + 2 * padding - FH) // stride + 1, (W + 2 * padding - FW) // stride + 1
    xp = np.pad(x, ((0, 0), (0, 0), (padding, padding), (padding, padding)))
    out = np.zeros((N, FN, OH, OW))
    for n in range(N):
        for f in range(FN):
            for i in range(OH):
                for j in range(OW):
                    window = xp[n, :, i * stride : i * stride + FH, j * stride : j * stride + FW]
                    out[n, f, i, j] = (window * filters[f]).sum() + bias[f]
    return out


def im2col_conv(x, filters, bias, stride=1, padding=0, *, mistake=None):
    N, C, H, W = x.shape
    FN, _, FH, FW = filters.shape
    OH, OW = (H + 2 * padding - FH) // stride + 1, (W + 2 * padding - FW) // stride + 1
    if mistake == "flip":
        filters = filters[:, :, ::-1, ::-1]
    if mistake == "no stride":
        stride, padding = 1, 0
        OH, OW = H - FH + 1, W - FW + 1
    cols = im2col(x, FH, FW, stride, padding)  # (N*OH*OW, C*FH*FW)
    weights = filters.reshape(-1, FN) if mistake == "reshape W" else filters.reshape(FN, -1).T
    out = cols @ weights + (0 if mistake == "no bias" else bias)  # (N*OH*OW, FN)
    if mistake == "no transpose":
        return out.reshape(N, OH, OW, FN)
    if mistake == "reshape only":
        return out.reshape(N, FN, OH, OW)
    return out.reshape(N, OH, OW, FN).transpose(0, 3, 1, 2)


def test_check_conv_forward_passes_im2col_and_the_loop():
    assert check_conv_forward(im2col_conv).passed
    assert check_conv_forward(naive_conv).passed
    assert check_conv_forward(lambda *a: im2col_conv(*a).astype(np.float32)).passed


def in_place_conv(x, filters, bias, stride=1, padding=0):
    x -= x.mean()
    return naive_conv(x, filters, bias, stride, padding)


@pytest.mark.parametrize(
    ("answer", "hint"),
    [
        (partial(im2col_conv, mistake="no transpose"), "(N, OH, OW, FN) のまま"),
        (partial(im2col_conv, mistake="reshape only"), "いきなり (N, FN, OH, OW) に reshape"),
        (partial(im2col_conv, mistake="no bias"), "バイアス b を足し忘れて"),
        (partial(im2col_conv, mistake="flip"), "反転しています"),
        (partial(im2col_conv, mistake="no stride"), "stride と padding を im2col に渡して"),
        (partial(im2col_conv, mistake="reshape W"), "reshape(FN, -1)"),
        (in_place_conv, "書き換えています"),
        (lambda *a: None, "return を書き忘れて"),
        (lambda *a: "out", "数の配列で返して"),
    ],
)
def test_check_conv_forward_hints(answer, hint):
    fb = check_conv_forward(answer)
    assert not fb.passed and hint in fb.message, fb.message


def test_session_3_checkers_report_not_implemented_and_non_callables():
    def stub(*args):
        raise NotImplementedError("課題")

    for checker in (check_conv_output_size, check_maxpool_forward, check_conv_forward):
        fb = checker(stub)
        assert not fb.passed and "まだ実装されていません" in fb.message
        assert "関数を渡してください" in checker(3).message


def test_every_checker_passes_in_the_instructor_notebook():
    assert_every_checker_passes("03_deep_cnn.ipynb")


def test_notebook_03_has_at_least_four_checked_exercises():
    assert len(checker_cells("03_deep_cnn.ipynb")) >= 4


# The exercises must be done, not delegated: a direct call of the library's (or the notebook's)
# function that does the work is rejected, although its output would pass the value checks.
def size_by_library(input_size, filter_size, stride=1, padding=0):
    return conv_output_size(input_size, filter_size, stride, padding)


def pool_by_library(x):
    return MaxPool2D(2).forward(x)


def conv_naive(x, filters, bias, stride=1, padding=0):  # the notebook's name for the loop
    return naive_conv(x, filters, bias, stride, padding)


def conv_by_notebook_loop(x, filters, bias, stride=1, padding=0):
    return conv_naive(x, filters, bias, stride, padding)


def conv_by_library_layer(x, filters, bias, stride=1, padding=0):
    FN, C, FH, FW = filters.shape
    layer = Conv2D(C, FN, (FH, FW), np.random.default_rng(0), stride, padding, dtype=np.float64)
    layer.params["W"], layer.params["b"] = filters, bias
    return layer.forward(x)


def test_library_shortcuts_would_give_the_right_values():
    assert size_by_library(28, 5, 1, 2) == good_output_size(28, 5, 1, 2)
    x = np.random.default_rng(0).standard_normal((2, 3, 4, 6))
    assert np.array_equal(pool_by_library(x), x.reshape(2, 3, 2, 2, 3, 2).max(axis=(3, 5)))


@pytest.mark.parametrize(
    ("checker", "answer", "name"),
    [
        (check_conv_output_size, size_by_library, "conv_output_size"),
        (check_maxpool_forward, pool_by_library, "MaxPool2D"),
        (check_conv_forward, conv_by_notebook_loop, "conv_naive"),
        (check_conv_forward, conv_by_library_layer, "Conv2D"),
    ],
)
def test_session_3_checkers_reject_calling_the_library(checker, answer, name):
    fb = checker(answer)
    assert not fb.passed, fb.message
    assert name in fb.message and "自分で書く課題" in fb.message, fb.message
