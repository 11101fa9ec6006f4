"""Tests of seminar_lib.exercises.s06_rnn and of its notebook 06_rnn_lstm.ipynb."""

import warnings

import numpy as np
import pytest
from notebook_checks import assert_every_checker_passes, checker_cells

from seminar_lib.exercises.s06_rnn import (
    check_lstm_step,
    check_make_windows,
    check_rnn_step,
    check_rnn_step_backward,
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
        (lambda z, t: good_temperature_softmax(z * t * t, t), "τ を掛けて"),
        (lambda z, t: good_temperature_softmax(z, 1.0), "温度 τ を使っていません"),
        (lambda z, t: np.exp((z - z.max()) / t), "exp の和で割って"),
        (lambda z, t: good_temperature_softmax(z, 1.0) ** (1 / t), "1/τ 乗しただけ"),
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

    checkers = (
        check_rnn_step,
        check_rnn_step_backward,
        check_lstm_step,
        check_make_windows,
        check_temperature_softmax,
    )
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


def good_rnn_step_backward(dh, x, h_prev, h, Wx, Wh):
    da = dh * (1 - h**2)  # (N, H)
    return da @ Wx.T, da @ Wh.T, x.T @ da, h_prev.T @ da, da.sum(axis=0)


def test_check_rnn_step_backward_passes_the_reference_and_a_loop():
    assert check_rnn_step_backward(good_rnn_step_backward).passed

    def loop(dh, x, h_prev, h, Wx, Wh):
        dx, dh_prev, dWx, dWh, db = (
            np.zeros_like(x),
            np.zeros_like(h_prev),
            np.zeros_like(Wx),
            np.zeros_like(Wh),
            np.zeros(Wh.shape[0]),
        )
        for n in range(len(x)):
            da = dh[n] * (1 - h[n] ** 2)  # (H,)
            dx[n], dh_prev[n] = Wx @ da, Wh @ da
            dWx += np.outer(x[n], da)
            dWh += np.outer(h_prev[n], da)
            db += da
        return [dx, dh_prev, dWx, dWh, db]

    assert check_rnn_step_backward(loop).passed


def _backward_with(da_fn=None, dh_prev_fn=None, dWx_fn=None, dWh_fn=None, db_fn=None):
    def answer(dh, x, h_prev, h, Wx, Wh):
        da = da_fn(dh, h) if da_fn else dh * (1 - h**2)
        return (
            da @ Wx.T,
            dh_prev_fn(da, Wh) if dh_prev_fn else da @ Wh.T,
            dWx_fn(x, da) if dWx_fn else x.T @ da,
            dWh_fn(h_prev, h, da) if dWh_fn else h_prev.T @ da,
            db_fn(da) if db_fn else da.sum(axis=0),
        )

    return answer


def backward_in_place(dh, x, h_prev, h, Wx, Wh):
    dh *= 1 - h**2  # modifies the argument
    return dh @ Wx.T, dh @ Wh.T, x.T @ dh, h_prev.T @ dh, dh.sum(axis=0)


@pytest.mark.parametrize(
    ("answer", "hint"),
    [
        (_backward_with(da_fn=lambda dh, h: dh), "dx に tanh の微分 (1 - h**2) が掛かって"),
        (_backward_with(da_fn=lambda dh, h: dh * (1 - h)), "1 - h ではありません"),
        (_backward_with(dh_prev_fn=lambda da, Wh: da @ Wh), "Wh の転置を掛けます"),
        (_backward_with(dWx_fn=lambda x, da: da.T @ x), "転置していませんか"),
        (_backward_with(dWh_fn=lambda hp, h, da: h.T @ da), "前の h_prev を使います"),
        (_backward_with(db_fn=lambda da: da), "N 個の例について和"),
        (_backward_with(db_fn=lambda da: da.mean(axis=0)), "db が数値微分と合いません"),
        (backward_in_place, "書き換えないで"),
        (lambda *args: good_rnn_step_backward(*args)[:4], "5 つを return"),
        (lambda *args: None, "return を書き忘れて"),
        (lambda *args: ("abc", 1, 2, 3, 4), "dx を数の配列で"),
    ],
)
def test_check_rnn_step_backward_hints(answer, hint):
    fb = check_rnn_step_backward(answer)
    assert not fb.passed and hint in fb.message, fb.message


def test_check_rnn_step_backward_uses_numerical_gradients(monkeypatch):
    # The reference is numerical: a checker whose numerical gradient is perturbed rejects the
    # analytic answer.
    from seminar_lib.exercises import s06_rnn

    real = s06_rnn._numerical_step_grads
    monkeypatch.setattr(s06_rnn, "_numerical_step_grads", lambda *a: [g * 1.01 for g in real(*a)])
    assert not check_rnn_step_backward(good_rnn_step_backward).passed
