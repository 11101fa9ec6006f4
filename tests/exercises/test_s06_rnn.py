"""Tests of seminar_lib.exercises.s06_rnn and of its notebook 06_rnn_lstm.ipynb."""

import warnings

import numpy as np
import pytest
from notebook_checks import assert_every_checker_passes, checker_cells

from seminar_lib.exercises.s06_rnn import (
    check_lstm_step,
    check_make_windows,
    check_rnn_step,
    check_temperature_softmax,
)
from seminar_lib.functions import sigmoid, softmax


def good_rnn_step(x, h_prev, Wx, Wh, b):
    return np.tanh(x @ Wx + h_prev @ Wh + b)  # (N, H)


def test_check_rnn_step_passes_matrix_and_loop_answers():
    assert check_rnn_step(good_rnn_step).passed

    def loop(x, h_prev, Wx, Wh, b):
        out = np.zeros((len(x), Wh.shape[0]))
        for n in range(len(x)):
            out[n] = np.tanh(x[n] @ Wx + h_prev[n] @ Wh + b)
        return out

    assert check_rnn_step(loop).passed
    assert check_rnn_step(
        lambda x, h, Wx, Wh, b: np.tanh(np.hstack([x, h]) @ np.vstack([Wx, Wh]) + b)
    ).passed


def rnn_step_in_place(x, h_prev, Wx, Wh, b):
    h_prev += x @ Wx  # modifies the argument
    return np.tanh(h_prev @ Wh + b)


@pytest.mark.parametrize(
    ("answer", "hint"),
    [
        (lambda x, h, Wx, Wh, b: x @ Wx + h @ Wh + b, "tanh をかけ忘れて"),
        (lambda x, h, Wx, Wh, b: sigmoid(x @ Wx + h @ Wh + b), "シグモイドではなく tanh"),
        (lambda x, h, Wx, Wh, b: np.tanh(x @ Wx + h @ Wh), "バイアス b を足し忘れて"),
        (lambda x, h, Wx, Wh, b: np.tanh(x @ Wx + b), "h_prev を使っていません"),
        (lambda x, h, Wx, Wh, b: np.tanh(x @ Wx + h @ Wh.T + b), "Wh を転置"),
        (lambda x, h, Wx, Wh, b: np.tanh(x @ Wh + h @ Wx + b), "形を確かめましょう"),
        (lambda x, h, Wx, Wh, b: np.tanh(x @ Wx + h @ Wh + b).T, "h_t の形は (3, 5)"),
        (lambda x, h, Wx, Wh, b: np.tanh(x @ Wx + 2 * h @ Wh + b), "になるはずが"),
        (rnn_step_in_place, "書き換えないで"),
        (lambda x, h, Wx, Wh, b: None, "return を書き忘れて"),
    ],
)
def test_check_rnn_step_hints(answer, hint):
    fb = check_rnn_step(answer)
    assert not fb.passed and hint in fb.message, fb.message


def lstm_step_with(order="ifgo", c_rule=None, h_rule=None, candidate=np.tanh, swap=False):
    """An LSTM step answer; the defaults are correct, each argument plants one mistake."""

    def answer(x, h_prev, c_prev, Wx, Wh, b):
        H = h_prev.shape[1]
        a = x @ Wx + h_prev @ Wh + b  # (N, 4H)
        blocks = {name: a[:, k * H : (k + 1) * H] for k, name in enumerate(order)}
        i, f, o = sigmoid(blocks["i"]), sigmoid(blocks["f"]), sigmoid(blocks["o"])
        g = candidate(blocks["g"])
        c = (c_rule or (lambda i, f, g, c_prev: f * c_prev + i * g))(i, f, g, c_prev)
        h = (h_rule or (lambda o, c, c_prev: o * np.tanh(c)))(o, c, c_prev)
        return (c, h) if swap else (h, c)

    return answer


def test_check_lstm_step_passes_slices_and_split():
    assert check_lstm_step(lstm_step_with()).passed

    def with_split(x, h_prev, c_prev, Wx, Wh, b):
        i, f, g, o = np.split(x @ Wx + h_prev @ Wh + b, 4, axis=1)  # each (N, H)
        c = sigmoid(f) * c_prev + sigmoid(i) * np.tanh(g)
        return sigmoid(o) * np.tanh(c), c

    assert check_lstm_step(with_split).passed


@pytest.mark.parametrize(
    ("answer", "hint"),
    [
        (lstm_step_with(order="ifog"), "i, f, o, g の順"),
        (lstm_step_with(order="figo"), "f, i, g, o の順"),
        (lstm_step_with(c_rule=lambda i, f, g, c: f * c + g), "入力ゲート i を掛け忘れて"),
        (lstm_step_with(c_rule=lambda i, f, g, c: c + i * g), "忘却ゲート f を掛け忘れて"),
        (lstm_step_with(candidate=sigmoid), "候補 g にはシグモイドではなく tanh"),
        (lstm_step_with(h_rule=lambda o, c, c_prev: o * c), "tanh を忘れて"),
        (lstm_step_with(h_rule=lambda o, c, c_prev: np.tanh(c)), "出力ゲート o を掛け忘れて"),
        (lstm_step_with(h_rule=lambda o, c, c_prev: o * np.tanh(c_prev)), "c_prev ではなく"),
        (lstm_step_with(h_rule=lambda o, c, c_prev: 0.5 * o * np.tanh(c)), "h の値が違います"),
        (lstm_step_with(swap=True), "返す順番が逆"),
        (lambda *args: lstm_step_with()(*args)[0], "2 つを return h, c"),
        (lambda x, h, c, Wx, Wh, b: (x @ Wh, c), "形を確かめましょう"),
        (lambda *args: (np.zeros((3, 8)), np.zeros((3, 8))), "h の形は h_prev と同じ (3, 2)"),
    ],
)
def test_check_lstm_step_hints(answer, hint):
    fb = check_lstm_step(answer)
    assert not fb.passed and hint in fb.message, fb.message


def good_windows(series, input_len, horizon):
    N = len(series) - input_len - horizon + 1
    X = np.array([series[i : i + input_len] for i in range(N)])  # (N, L)
    y = np.array([series[i + input_len - 1 + horizon] for i in range(N)])  # (N,)
    return X, y


def test_check_make_windows_passes_a_loop_and_the_library():
    from seminar_lib.sequences import make_windows

    assert check_make_windows(good_windows).passed

    def with_the_library(series, input_len, horizon):
        X, y = make_windows(series, input_len, horizon=horizon)  # (N, L, 1), (N, 1)
        return X[:, :, 0], y[:, 0]

    assert check_make_windows(with_the_library).passed


def windows_target_shift(shift):
    def answer(series, input_len, horizon):
        X, _ = good_windows(series, input_len, horizon)
        N = len(X)
        k = np.arange(N) + input_len - 1 + horizon + shift
        return X, series[np.clip(k, 0, len(series) - 1)]

    return answer


@pytest.mark.parametrize(
    ("answer", "hint"),
    [
        (windows_target_shift(1), "1 つ先の値"),
        (windows_target_shift(-1), "1 つ手前の値"),
        (lambda s, L, h: tuple(a[:-1] for a in good_windows(s, L, h)), "最後の窓が足りません"),
        (lambda s, L, h: good_windows(s, L, h - 1), "予測する値が系列の中にない窓"),
        (lambda s, L, h: (good_windows(s, L, h)[0].T, good_windows(s, L, h)[1]), "行と列が逆"),
        (lambda s, L, h: (good_windows(s, L, h)[0] + 1, good_windows(s, L, h)[1]), "X の値"),
        (lambda s, L, h: (good_windows(s, L, h)[0], good_windows(s, L, h)[1][:, None]), "y の形"),
        (lambda s, L, h: good_windows(s, L, h)[0], "2 つを return X, y"),
        (lambda s, L, h: (s[np.arange(len(s))[:, None] + np.arange(L)], s), "IndexError"),
    ],
)
def test_check_make_windows_hints(answer, hint):
    fb = check_make_windows(answer)
    assert not fb.passed and hint in fb.message, fb.message


def good_temperature_softmax(logits, temperature):
    z = logits / temperature  # (V,)
    e = np.exp(z - z.max())
    return e / e.sum()


def test_check_temperature_softmax_passes_stable_answers():
    assert check_temperature_softmax(good_temperature_softmax).passed
    assert check_temperature_softmax(lambda z, t: softmax(z / t)).passed


def naive_temperature_softmax(logits, temperature):
    e = np.exp(logits / temperature)  # overflows for logits near 1000
    return e / e.sum()


def in_place_temperature_softmax(logits, temperature):
    logits /= temperature
    return good_temperature_softmax(logits, 1.0)


@pytest.mark.parametrize(
    ("answer", "hint"),
    [
        (naive_temperature_softmax, "オーバーフロー"),
        (lambda z, t: good_temperature_softmax(z * t * t, t), "T を掛けて"),
        (lambda z, t: good_temperature_softmax(z, 1.0), "温度 T を使っていません"),
        (lambda z, t: np.exp((z - z.max()) / t), "exp の和で割って"),
        (lambda z, t: good_temperature_softmax(z, 1.0) ** (1 / t), "1/T 乗しただけ"),
        (lambda z, t: good_temperature_softmax(z, t)[:-1], "同じ形"),
        (lambda z, t: good_temperature_softmax(z, t)[::-1], "になるはずが"),
        (in_place_temperature_softmax, "書き換えないで"),
        (lambda z, t: None, "return を書き忘れて"),
    ],
)
def test_check_temperature_softmax_hints(answer, hint):
    fb = check_temperature_softmax(answer)
    assert not fb.passed and hint in fb.message, fb.message


def test_session_6_checkers_report_not_implemented_and_non_callables():
    def stub(*args):
        raise NotImplementedError("課題")

    checkers = (check_rnn_step, check_lstm_step, check_make_windows, check_temperature_softmax)
    for checker in checkers:
        fb = checker(stub)
        assert not fb.passed and "まだ実装されていません" in fb.message
        assert "関数を渡してください" in checker(np.zeros(3)).message


def test_session_6_checkers_do_not_warn():
    with warnings.catch_warnings():
        warnings.simplefilter("error")  # a RuntimeWarning would land on the notebook's stderr
        assert not check_temperature_softmax(naive_temperature_softmax).passed
        assert not check_temperature_softmax(lambda z, t: z / 0).passed
        assert not check_rnn_step(lambda x, h, Wx, Wh, b: x @ Wx / 0).passed


def test_every_checker_passes_in_the_instructor_notebook():
    assert_every_checker_passes("06_rnn_lstm.ipynb")


def test_notebook_06_has_at_least_three_checked_exercises():
    assert len(checker_cells("06_rnn_lstm.ipynb")) >= 3
