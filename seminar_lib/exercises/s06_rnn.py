"""Checkers of session 6 (RNN and LSTM): notebook ``06_rnn_lstm.ipynb``.

The RNN and LSTM steps are checked here; the checkers on sequence data (windows, temperature)
live in :mod:`seminar_lib.exercises.s06_sequences` and are imported from here too, as the
notebook does."""

from __future__ import annotations

import numpy as np

from seminar_lib.exercises._feedback import Feedback, _as_float_array, _call
from seminar_lib.exercises.s06_sequences import check_make_windows, check_temperature_softmax
from seminar_lib.functions import sigmoid
from seminar_lib.gradcheck import numerical_gradient

__all__ = [
    "check_lstm_step",
    "check_make_windows",
    "check_rnn_step",
    "check_rnn_step_backward",
    "check_temperature_softmax",
]


def _tanh_rnn_step(x, h_prev, Wx, Wh, b):
    return np.tanh(x @ Wx + h_prev @ Wh + b)  # (N, D) @ (D, H) + (N, H) @ (H, H) -> (N, H)


def _first_bad_row(out, expected) -> int:
    return int(np.flatnonzero(~np.isclose(out, expected, atol=1e-6).all(axis=-1))[0])


def check_rnn_step(rnn_step) -> Feedback:
    r"""第6回 課題1: ``rnn_step(x, h_prev, Wx, Wh, b)`` returns one step of a simple RNN,
    :math:`h_t = \tanh(x_t W_x + h_{t-1} W_h + b)`: ``x`` (N, D), ``h_prev`` (N, H),
    ``Wx`` (D, H), ``Wh`` (H, H), ``b`` (H,) -> (N, H); no argument is modified."""
    rng = np.random.default_rng(61)
    n, d, h = 3, 4, 5  # distinct sizes, so that a swapped weight has the wrong shape
    args = (
        rng.standard_normal((n, d)),  # x
        rng.standard_normal((n, h)) * 0.5,  # h_prev
        rng.standard_normal((d, h)) * 0.5,  # Wx
        rng.standard_normal((h, h)) * 0.5,  # Wh
        rng.standard_normal(h) * 0.5,  # b
    )
    originals = [a.copy() for a in args]
    out, err = _call(rnn_step, *args)
    if err is not None:
        if "ValueError" in err.message:  # a product of mismatched shapes
            return Feedback(
                False,
                f"{err.message} 形を確かめましょう: x (N, D) は Wx (D, H) と、h_prev (N, H) は "
                "Wh (H, H) と掛けます。",
            )
        return err
    if any(not np.array_equal(a, o) for a, o in zip(args, originals, strict=True)):
        return Feedback(False, "引数の配列を書き換えないでください（+= などを使っていませんか）。")
    out, err = _as_float_array(out, "h_t ")
    if err is not None:
        return err
    if out.shape != (n, h):
        return Feedback(
            False,
            f"x.shape={args[0].shape}, h_prev.shape={args[1].shape} のとき、h_t の形は ({n}, {h}) "
            f"です（返り値の形: {out.shape}）。",
        )
    x, h_prev, Wx, Wh, b = args
    expected = _tanh_rnn_step(*args)
    if np.allclose(out, expected, atol=1e-6):
        return Feedback(True, "RNN の 1 ステップ h_t = tanh(x_t W_x + h_{t-1} W_h + b) です。")
    a = x @ Wx + h_prev @ Wh + b  # (N, H): the pre-activation
    hints = [
        (a, "tanh をかけ忘れています。h_t = tanh(x_t W_x + h_{t-1} W_h + b) です。"),
        (sigmoid(a), "シグモイドではなく tanh を使います（-1〜1 の値になります）。"),
        (np.tanh(x @ Wx + h_prev @ Wh), "バイアス b を足し忘れています。"),
        (
            np.tanh(x @ Wx + b),
            "前の状態 h_prev を使っていません。h_prev @ Wh を足すのが「再帰」の部分です。",
        ),
        (np.tanh(x @ Wx + h_prev @ Wh.T + b), "Wh を転置しています。h_prev @ Wh で掛けます。"),
    ]
    for value, message in hints:
        if np.allclose(out, value, atol=1e-6):
            return Feedback(False, message)
    i = _first_bad_row(out, expected)
    return Feedback(
        False,
        f"{i} 行目が {np.round(expected[i], 4).tolist()} になるはずが "
        f"{np.round(out[i], 4).tolist()} でした。",
    )


_BACKWARD_NAMES = ("dx", "dh_prev", "dWx", "dWh", "db")


def _numerical_step_grads(dh, x, h_prev, Wx, Wh, b):
    """Central differences of E = sum(dh * h_t) w.r.t. x, h_prev, Wx, Wh, b (float64)."""
    arrays = [a.copy() for a in (x, h_prev, Wx, Wh, b)]

    def loss():
        return np.sum(dh * _tanh_rnn_step(*arrays))

    return [numerical_gradient(loss, a, eps=1e-5) for a in arrays]


def check_rnn_step_backward(rnn_step_backward) -> Feedback:
    r"""第6回 課題2: ``rnn_step_backward(dh, x, h_prev, h, Wx, Wh)`` returns
    ``(dx, dh_prev, dWx, dWh, db)`` of one RNN step :math:`h = \tanh(x W_x + h_{prev} W_h + b)`,
    given ``dh`` = dE/dh (N, H). The answer is compared with central differences of
    E = sum(dh * h) (numerical gradients), not only with a formula."""
    rng = np.random.default_rng(63)
    n, d, h = 3, 4, 5  # distinct sizes, so that a transposed gradient has the wrong shape
    x = rng.standard_normal((n, d))
    h_prev = rng.standard_normal((n, h)) * 0.5
    Wx, Wh = rng.standard_normal((d, h)) * 0.5, rng.standard_normal((h, h)) * 0.5
    b = rng.standard_normal(h) * 0.5
    dh = rng.standard_normal((n, h))
    h_t = _tanh_rnn_step(x, h_prev, Wx, Wh, b)
    args = (dh, x, h_prev, h_t, Wx, Wh)
    originals = [a.copy() for a in args]
    out, err = _call(rnn_step_backward, *args)
    if err is not None:
        return err
    if any(not np.array_equal(a, o) for a, o in zip(args, originals, strict=True)):
        return Feedback(False, "引数の配列を書き換えないでください（+= などを使っていませんか）。")
    if out is None:
        return Feedback(False, "値が返っていません。return を書き忘れていませんか？")
    if not isinstance(out, tuple | list) or len(out) != 5:
        return Feedback(False, "dx, dh_prev, dWx, dWh, db の 5 つを return してください。")
    answers = []
    for name, value in zip(_BACKWARD_NAMES, out, strict=True):
        array, err = _as_float_array(value, f"{name} ")
        if err is not None:
            return err
        answers.append(array)
    expected = _numerical_step_grads(dh, x, h_prev, Wx, Wh, b)  # the numerical gradients
    da = dh * (1 - h_t**2)  # (N, H)
    hints = {
        "dx": [
            (dh @ Wx.T, "dx に tanh の微分 (1 - h**2) が掛かっていません。"),
            ((dh * (1 - h_t)) @ Wx.T, "tanh の微分は 1 - h**2 です（1 - h ではありません）。"),
        ],
        "dh_prev": [
            (dh @ Wh.T, "dh_prev に tanh の微分 (1 - h**2) が掛かっていません。"),
            (da @ Wh, "dh_prev は da @ Wh.T です（Wh の転置を掛けます）。"),
        ],
        "dWx": [(x.T @ dh, "dWx に tanh の微分 (1 - h**2) が掛かっていません。")],
        "dWh": [
            (h_prev.T @ dh, "dWh に tanh の微分 (1 - h**2) が掛かっていません。"),
            (
                h_t.T @ da,
                "dWh は h_prev.T @ da です（新しい h ではなく、前の h_prev を使います）。",
            ),
        ],
        "db": [(dh.sum(axis=0), "db に tanh の微分 (1 - h**2) が掛かっていません。")],
    }
    for name, answer, value in zip(_BACKWARD_NAMES, answers, expected, strict=True):
        if answer.shape != value.shape:
            if name == "db" and answer.shape == da.shape:
                return Feedback(
                    False,
                    "db は、バッチの N 個の例について和をとります（da.sum(axis=0)、形 (H,)）。",
                )
            transposed = "転置していませんか？" if answer.shape == value.shape[::-1] else ""
            return Feedback(
                False,
                f"{name} の形は {value.shape} のはずが {answer.shape} でした。{transposed}"
                f"勾配は、もとの配列と同じ形です。",
            )
        if np.allclose(answer, value, rtol=1e-5, atol=1e-7):
            continue
        for wrong, message in hints[name]:
            if np.allclose(answer, wrong, atol=1e-6):
                return Feedback(False, message)
        error = float(np.abs(answer - value).max())
        return Feedback(
            False,
            f"{name} が数値微分と合いません（差の最大 {error:.2g}）。da = dh * (1 - h**2) から "
            "始めて、順伝播の式の逆をたどりましょう。",
        )
    return Feedback(
        True,
        "5 つの勾配がすべて数値微分と一致しました（da = dh * (1 - h**2) から、dx, dh_prev, "
        "dWx, dWh, db）。",
    )


def _lstm_reference(x, h_prev, c_prev, Wx, Wh, b, order="ifgo", candidate=np.tanh):
    """One LSTM step with the gate blocks of ``Wx``, ``Wh``, ``b`` read in ``order``."""
    H = h_prev.shape[1]
    a = x @ Wx + h_prev @ Wh + b  # (N, 4H)
    blocks = {name: a[:, k * H : (k + 1) * H] for k, name in enumerate(order)}  # each (N, H)
    i, f, o = sigmoid(blocks["i"]), sigmoid(blocks["f"]), sigmoid(blocks["o"])
    g = candidate(blocks["g"])
    c = f * c_prev + i * g
    return o * np.tanh(c), c, (i, f, g, o)


def check_lstm_step(lstm_step) -> Feedback:
    r"""第6回 課題3: ``lstm_step(x, h_prev, c_prev, Wx, Wh, b)`` returns ``(h, c)`` of one LSTM
    step with Keras's gate order (i, f, g, o) in the columns of ``Wx`` (D, 4H), ``Wh`` (H, 4H)
    and ``b`` (4H,): :math:`c_t = f \odot c_{t-1} + i \odot g`, :math:`h_t = o \odot \tanh(c_t)`.
    """
    rng = np.random.default_rng(62)
    n, d, h = 3, 4, 2
    args = (
        rng.standard_normal((n, d)),  # x
        rng.standard_normal((n, h)) * 0.5,  # h_prev
        rng.standard_normal((n, h)),  # c_prev
        rng.standard_normal((d, 4 * h)),  # Wx
        rng.standard_normal((h, 4 * h)),  # Wh
        rng.standard_normal(4 * h),  # b
    )
    originals = [a.copy() for a in args]
    out, err = _call(lstm_step, *args)
    if err is not None:
        if "ValueError" in err.message:
            return Feedback(
                False,
                f"{err.message} 形を確かめましょう: x @ Wx と h_prev @ Wh はどちらも (N, 4H) で、"
                "その列を H 個ずつ 4 つ (i, f, g, o) に分けます。",
            )
        return err
    if any(not np.array_equal(a, o) for a, o in zip(args, originals, strict=True)):
        return Feedback(False, "引数の配列を書き換えないでください（+= などを使っていませんか）。")
    try:
        answers = tuple(out)
    except TypeError:
        answers = ()
    if len(answers) != 2:
        return Feedback(False, "h と c の 2 つを return h, c で返してください。")
    arrays = []
    for name, value in zip(("h", "c"), answers, strict=True):
        array, err = _as_float_array(value, f"{name} ")
        if err is not None:
            return err
        if array.shape != (n, h):
            return Feedback(
                False,
                f"{name} の形は h_prev と同じ ({n}, {h}) です（返り値の形: {array.shape}）。",
            )
        arrays.append(array)
    h_out, c_out = arrays
    h_ref, c_ref, (i, f, g, o) = _lstm_reference(*args)
    if np.allclose(h_out, h_ref, atol=1e-6) and np.allclose(c_out, c_ref, atol=1e-6):
        return Feedback(True, "ゲートの順番 (i, f, g, o) も、c と h の更新の式も正しい LSTM です。")
    if np.allclose(h_out, c_ref, atol=1e-6) and np.allclose(c_out, h_ref, atol=1e-6):
        return Feedback(False, "返す順番が逆です。return h, c の順に返してください。")
    c_prev = args[2]
    if not np.allclose(c_out, c_ref, atol=1e-6):
        for order in ("ifog", "figo", "gifo", "oifg"):
            h_alt, c_alt, _ = _lstm_reference(*args, order=order)
            if np.allclose(c_out, c_alt, atol=1e-6):
                return Feedback(
                    False,
                    f"ゲートを {', '.join(order)} の順に切り出しています。Keras と同じく、列は "
                    "i（入力）, f（忘却）, g（候補）, o（出力）の順に H 列ずつです。",
                )
        c_hints = [
            (f * c_prev + g, "c_t に候補 g を足すときに、入力ゲート i を掛け忘れています。"),
            (c_prev + i * g, "前のセル状態 c_prev に忘却ゲート f を掛け忘れています。"),
            (
                _lstm_reference(*args, candidate=sigmoid)[1],
                "候補 g にはシグモイドではなく tanh を使います（-1〜1 の値を書き込むため）。",
            ),
        ]
        for value, message in c_hints:
            if np.allclose(c_out, value, atol=1e-6):
                return Feedback(False, message)
        return Feedback(
            False,
            f"c の値が違います。1 行目は {np.round(c_ref[0], 4).tolist()} になるはずが "
            f"{np.round(c_out[0], 4).tolist()} でした。c_t = f * c_prev + i * g です。",
        )
    h_hints = [
        (o * c_ref, "h_t = o * tanh(c_t) の tanh を忘れています。"),
        (np.tanh(c_ref), "出力ゲート o を掛け忘れています: h_t = o * tanh(c_t) です。"),
        (o * np.tanh(c_prev), "h_t には新しいセル状態 c_t を使います（c_prev ではなく）。"),
    ]
    for value, message in h_hints:
        if np.allclose(h_out, value, atol=1e-6):
            return Feedback(False, f"c は正しいのですが、{message}")
    return Feedback(
        False,
        "c は正しいのですが、h の値が違います。h_t = o * tanh(c_t) です"
        f"（1 行目は {np.round(h_ref[0], 4).tolist()} になるはずが "
        f"{np.round(h_out[0], 4).tolist()} でした）。",
    )
