"""Checkers of session 6 on sequence data: windows for forecasting and sampling with a temperature
(notebook ``06_rnn_lstm.ipynb``; imported there through :mod:`seminar_lib.exercises.s06_rnn`)."""

from __future__ import annotations

import numpy as np

from seminar_lib.exercises._feedback import Feedback, _as_float_array, _call
from seminar_lib.functions import softmax

__all__ = ["check_make_windows", "check_temperature_softmax"]


def check_make_windows(make_windows_fn) -> Feedback:
    """第6回 課題4: ``make_windows_fn(series, input_len, horizon)`` cuts a 1-D series (T,) into
    ``X`` (N, input_len), the windows ``series[s : s + input_len]`` for every start ``s``
    (stride 1), and ``y`` (N,), the value ``horizon`` steps after each window's last value;
    N = T - input_len - horizon + 1. The series is not modified."""
    cases = [
        (np.arange(10.0), 3, 1),
        (np.arange(20.0) ** 2, 4, 3),
        (np.linspace(0.0, 1.0, 7), 2, 5),  # exactly one window
    ]
    for series, input_len, horizon in cases:
        original = series.copy()
        out, err = _call(make_windows_fn, series, input_len, horizon)
        if err is not None:
            if "IndexError" in err.message:
                return Feedback(
                    False,
                    f"{err.message} 系列の外を読んでいます。窓の数は "
                    "N = len(series) - input_len - horizon + 1 です。",
                )
            return err
        if not np.array_equal(series, original):
            return Feedback(False, "引数の series を書き換えないでください。")
        try:
            answers = tuple(out)
        except TypeError:
            answers = ()
        if len(answers) != 2:
            return Feedback(False, "X と y の 2 つを return X, y で返してください。")
        X, err = _as_float_array(answers[0], "X ")
        if err is not None:
            return err
        y, err = _as_float_array(answers[1], "y ")
        if err is not None:
            return err
        T = len(series)
        N = T - input_len - horizon + 1
        starts = np.arange(N)
        X_ref = series[starts[:, None] + np.arange(input_len)]  # (N, L)
        y_ref = series[starts + input_len - 1 + horizon]  # (N,)
        where = f"len(series)={T}, input_len={input_len}, horizon={horizon}"
        if X.shape != (N, input_len):
            more = ""
            if X.shape == (N - 1, input_len):
                more = " 最後の窓が足りません。range の終わりを確かめましょう。"
            elif X.shape == (N + 1, input_len) or X.shape == (N + horizon, input_len):
                more = " 予測する値が系列の中にない窓まで作っています。"
            elif X.shape == (input_len, N):
                more = " 行と列が逆です。1 行が 1 つの窓です。"
            return Feedback(
                False,
                f"{where} のとき、X の形は ({N}, {input_len}) です"
                f"（返り値の形: {X.shape}）。{more}",
            )
        if y.shape != (N,):
            return Feedback(
                False, f"{where} のとき、y の形は ({N},) です（返り値の形: {y.shape}）。"
            )
        if not np.allclose(X, X_ref):
            return Feedback(
                False,
                f"{where} で X の値が違います。i 番目の窓は series[i : i + input_len] です。",
            )
        if not np.allclose(y, y_ref):
            for shift, problem in ((1, "1 つ先"), (-1, "1 つ手前")):
                k = starts + input_len - 1 + horizon + shift
                inside = (k >= 0) & (k < T)  # the positions that exist in the series
                if inside.any() and np.allclose(y[inside], series[k[inside]]):
                    return Feedback(
                        False,
                        f"y が正しい位置より{problem}の値です。窓の最後の値は "
                        "series[i + input_len - 1] なので、その horizon 先は "
                        "series[i + input_len - 1 + horizon] です。",
                    )
            return Feedback(
                False,
                f"{where} で y の値が違います。y[i] = series[i + input_len - 1 + horizon] です。",
            )
    return Feedback(True, "どの長さ・どの先の予測でも、窓と答えの組を正しく作れました。")


def check_temperature_softmax(temperature_softmax) -> Feedback:
    r"""第6回 課題5: ``temperature_softmax(logits, temperature)`` returns the probabilities
    :math:`\mathrm{softmax}(\text{logits} / \tau)` (V,), without overflow for logits near 1000 and
    without modifying ``logits``."""
    small = np.array([2.0, 1.0, 0.0, -1.0, 0.5])
    big = np.array([1000.0, 999.0, 995.0, 990.0])
    cases = [(small, 1.0), (small, 0.5), (small, 2.0), (big, 0.7)]
    for logits, temperature in cases:
        original = logits.copy()
        with np.errstate(all="ignore"):  # a naive exp overflows: report it, do not warn
            out, err = _call(temperature_softmax, logits, temperature)
        if err is not None:
            return err
        if not np.array_equal(logits, original):
            return Feedback(
                False, "引数の logits を書き換えないでください（logits /= τ ではなく logits / τ）。"
            )
        out, err = _as_float_array(out, "確率")
        if err is not None:
            return err
        if out.shape != logits.shape:
            return Feedback(
                False,
                f"logits と同じ形 {logits.shape} で返してください（返り値の形: {out.shape}）。",
            )
        expected = softmax(logits / temperature)
        if np.allclose(out, expected, atol=1e-6):
            continue
        where = f"logits={logits.tolist()}, τ={temperature:g}"
        if not np.all(np.isfinite(out)):
            return Feedback(
                False,
                f"{where} で nan や inf が出ました。exp がオーバーフローしています。exp の前に "
                "z = logits / τ の最大値を引きましょう（引いても確率は変わりません）。",
            )
        if temperature != 1 and np.allclose(out, softmax(logits) ** (1 / temperature)):
            return Feedback(
                False,
                f"{where} のとき: 確率を 1/τ 乗しただけでは和が 1 になりません。最後に和で割るか、"
                "logits / τ の softmax を計算してください。",
            )
        total = out.sum()
        if not np.isclose(total, 1.0) and total > 0 and np.allclose(out / total, expected):
            return Feedback(
                False,
                f"{where} のとき、確率の和が {total:.4g} です。和が 1 になるように、exp の和で"
                "割ってください。",
            )
        with np.errstate(all="ignore"):
            wrong = [
                (softmax(logits * temperature), "τ で割るところを、τ を掛けています。"),
                (softmax(logits), "温度 τ を使っていません。logits / τ の softmax です。"),
            ]
        for value, message in wrong:
            if np.allclose(out, value, atol=1e-6):
                return Feedback(False, f"{where} のとき: {message}")
        return Feedback(
            False,
            f"{where} のとき {np.round(expected, 4).tolist()} になるはずが "
            f"{np.round(out, 4).tolist()} でした。",
        )
    return Feedback(True, "温度で割ってから softmax をとり、大きな logits でもあふれません。")
