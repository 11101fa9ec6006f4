"""Tests of seminar_lib.exercises.s00_maths: 課題5 (two layers) and 課題6 (grad_wb) of session 0."""

import numpy as np
import pytest

from seminar_lib.exercises.s00_maths import GRAD_WB_CASES, check_grad_wb, check_two_layer_forward


def relu(h):
    return np.where(h > 0, h, 0.0)


def test_check_two_layer_forward_passes_where_maximum_dot_and_a_loop():
    assert check_two_layer_forward(lambda x, W1, b1, W2, b2: relu(x @ W1 + b1) @ W2 + b2).passed
    assert check_two_layer_forward(
        lambda x, W1, b1, W2, b2: np.maximum(x @ W1 + b1, 0) @ W2 + b2
    ).passed
    assert check_two_layer_forward(
        lambda x, W1, b1, W2, b2: np.dot(relu(np.dot(x, W1) + b1), W2) + b2
    ).passed
    assert check_two_layer_forward(
        lambda x, W1, b1, W2, b2: [list(relu(row @ W1 + b1) @ W2 + b2) for row in x]
    ).passed
    fb = check_two_layer_forward(
        lambda x, W1, b1, W2, b2: (relu(x @ W1 + b1) @ W2 + b2).astype(np.float32)
    )
    assert fb.passed  # float32 is close enough


def in_place_relu(x, W1, b1, W2, b2):
    h = x @ W1
    h += b1
    h[h < 0] = 0  # fine: h is a new array
    x *= 1.5  # not fine: the argument changes
    return h @ W2 + b2


def hard_coded_square(x, W1, b1, W2, b2):
    return relu(x @ W1 + b1) @ W2 + b2 if x.shape == (3, 3) else relu(W1 @ x + b1) @ W2 + b2


def elementwise_on_other_shapes(x, W1, b1, W2, b2):
    return relu(x @ W1 + b1) @ W2 + b2 if x.shape == (3, 3) else relu(x * W1 + b1) @ W2 + b2


def hidden_on_other_shapes(x, W1, b1, W2, b2):
    return relu(x @ W1 + b1) @ W2 + b2 if x.shape == (3, 3) else x @ W1 + b1  # no ReLU either


def first_outputs_only(x, W1, b1, W2, b2):
    return (relu(x @ W1 + b1) @ W2 + b2)[:, :3]  # K hard-coded to 3


@pytest.mark.parametrize(
    ("answer", "hint"),
    [
        (lambda x, W1, b1, W2, b2: relu(W1 @ x + b1) @ W2 + b2, "積の順番が逆です"),
        (lambda x, W1, b1, W2, b2: W2 @ relu(x @ W1 + b1) + b2, "積の順番が逆です"),
        (lambda x, W1, b1, W2, b2: relu(x * W1 + b1) * W2 + b2, "* は要素ごとの掛け算"),
        (lambda x, W1, b1, W2, b2: relu(x * W1 + b1) @ W2 + b2, "* は要素ごとの掛け算"),
        (lambda x, W1, b1, W2, b2: relu(x @ W1 + b1) * W2 + b2, "* は要素ごとの掛け算"),
        (lambda x, W1, b1, W2, b2: (x @ W1 + b1) @ W2 + b2, "ReLU をかけていません"),
        (lambda x, W1, b1, W2, b2: relu(relu(x @ W1 + b1) @ W2 + b2), "最後の出力にも ReLU"),
        (lambda x, W1, b1, W2, b2: relu((x @ W1 + b1) @ W2 + b2), "中間層ではなく最後の出力"),
        (lambda x, W1, b1, W2, b2: (relu(x @ W1) + b1) @ W2 + b2, "ReLU をかけてから b1"),
        (
            lambda x, W1, b1, W2, b2: np.where(x @ W1 + b1 > 0, 1, 0) @ W2 + b2,
            "ステップ関数",
        ),
        (
            lambda x, W1, b1, W2, b2: np.where(x @ W1 + b1 > 0, 0, x @ W1 + b1) @ W2 + b2,
            "2 つの選択肢が逆",
        ),
        (lambda x, W1, b1, W2, b2: relu(x @ W1) @ W2 + b2, "1 層目のバイアス b1 を足し忘れ"),
        (lambda x, W1, b1, W2, b2: relu(x @ W1 + b1) @ W2, "2 層目のバイアス b2 を足し忘れ"),
        (lambda x, W1, b1, W2, b2: relu(x @ W1) @ W2, "2 つとも足し忘れ"),
        (lambda x, W1, b1, W2, b2: relu(x @ W1 + b2) @ W2 + b1, "b1 と b2 が入れ替わって"),
        (lambda x, W1, b1, W2, b2: relu(x @ W2 + b2) @ W1 + b1, "重みが入れ替わって"),
        (lambda x, W1, b1, W2, b2: relu(x @ W1 + b1), "中間層の出力 h (N, H) を返して"),
        (lambda x, W1, b1, W2, b2: (relu(x @ W1 + b1) @ W2 + b2).T, "結果が転置されています"),
        (lambda x, W1, b1, W2, b2: relu(x @ W1 + b1) @ W2 + 2 * b2, "結果の [0, 0] は"),
        (
            hidden_on_other_shapes,
            "形 (5, 3) を返してください（返り値の形: (5, 6)）。中間層の出力 h",
        ),
        (first_outputs_only, "形 (1, 5) を返してください（返り値の形: (1, 3)）。"),
        (in_place_relu, "書き換えないで"),
        (lambda x, W1, b1, W2, b2: None, "return を書き忘れて"),
        (lambda x, W1, b1, W2, b2: "out", "数の配列で返して"),
    ],
)
def test_check_two_layer_forward_hints(answer, hint):
    fb = check_two_layer_forward(answer)
    assert not fb.passed and hint in fb.message, fb.message


def test_check_two_layer_forward_explains_shape_errors():
    fb = check_two_layer_forward(hard_coded_square)  # right when all sizes are 3
    assert not fb.passed and "matmul" in fb.message
    assert "x: (5, 4), W1: (4, 6)" in fb.message and "左の列の数と右の行の数" in fb.message
    fb = check_two_layer_forward(elementwise_on_other_shapes)
    assert not fb.passed and "broadcast" in fb.message and "* ではなく @" in fb.message


def reference_grad_wb(w, b, x, T):
    O = w * x + b  # noqa: E741 -- the notation of the notebook
    return (O - T) * x, O - T


def test_check_grad_wb_passes_the_chain_rule_in_any_container():
    assert check_grad_wb(reference_grad_wb).passed
    assert check_grad_wb(lambda w, b, x, T: [(w * x + b - T) * x, w * x + b - T]).passed
    assert check_grad_wb(lambda w, b, x, T: np.array(reference_grad_wb(w, b, x, T))).passed
    fb = check_grad_wb(
        lambda w, b, x, T: tuple(np.float32(v) for v in reference_grad_wb(w, b, x, T))
    )
    assert fb.passed  # float32 is close enough


def test_grad_wb_cases_separate_the_mistakes():
    for w, b, x, T in GRAD_WB_CASES:
        assert x not in (0.0, 1.0, -1.0) and b != 0.0 and w * x + b != T


@pytest.mark.parametrize(
    ("answer", "hint"),
    [
        (lambda w, b, x, T: ((T - w * x - b) * x, T - w * x - b), "∂E_n/∂w の符号が逆です"),
        (lambda w, b, x, T: ((w * x + b - T) * x, T - w * x - b), "∂E_n/∂b の符号が逆です"),
        (lambda w, b, x, T: (w * x + b - T, w * x + b - T), "∂E_n/∂w に x が掛かっていません"),
        (lambda w, b, x, T: (T - w * x - b, T - w * x - b), "符号が逆で、x も掛かっていません"),
        (lambda w, b, x, T: (x, 1.0), "∂O/∂w = x だけ"),
        (lambda w, b, x, T: ((w * x + b - T) * x, 1), "∂O/∂b = 1 だけ"),
        (lambda w, b, x, T: (2 * (w * x + b - T) * x, 2 * (w * x + b - T)), "∂E_n/∂w が 2 倍"),
        (lambda w, b, x, T: ((w * x + b - T) * x, 2 * (w * x + b - T)), "∂E_n/∂b が 2 倍"),
        (lambda w, b, x, T: ((w * x - T) * x, w * x - T), "O を w x だけで計算して"),
        (lambda w, b, x, T: ((w * x + b - T) * w, w * x + b - T), "∂E_n/∂w に w を掛けて"),
        (lambda w, b, x, T: ((w * x + b - T) * x,) * 2, "∂E_n/∂b に x が掛かっています"),
        (lambda w, b, x, T: (w * x + b - T, (w * x + b - T) * x), "入れ替わっています"),
        (
            lambda w, b, x, T: ((w * x + b - T) * x + 1, w * x + b - T),
            "w=0.5, b=0.25, x=2.0, T=3.0 のとき、∂E_n/∂w は数値微分で約 -3.5000 ですが、"
            "返り値は -2.5000",
        ),
        (
            lambda w, b, x, T: ((w * x + b - T) * x, (w * x + b - T) / 2),
            "∂E_n/∂b は数値微分で約 -1.7500",
        ),
        (lambda w, b, x, T: (w * x + b - T) * x, "2 つの数を"),
        (lambda w, b, x, T: ((w * x + b - T) * x, "db"), "2 つの数を"),
        (lambda w, b, x, T: None, "return を書き忘れて"),
    ],
)
def test_check_grad_wb_hints(answer, hint):
    fb = check_grad_wb(answer)
    assert not fb.passed and hint in fb.message, fb.message


def test_session_0_maths_checkers_report_not_implemented_and_non_callables():
    def stub(*args):
        raise NotImplementedError("課題")

    for checker in (check_two_layer_forward, check_grad_wb):
        fb = checker(stub)
        assert not fb.passed and "まだ実装されていません" in fb.message
        assert "関数を渡してください" in checker([1, 2]).message
    fb = check_grad_wb(lambda w, b, x, T: 1 / 0)
    assert not fb.passed and "ZeroDivisionError" in fb.message
