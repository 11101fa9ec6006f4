"""Checkers of session 1 (formal neuron and simple perceptron): notebook
``01_neuron_perceptron.ipynb``.
"""

from __future__ import annotations

import numpy as np

from seminar_lib.datasets import logic_gate
from seminar_lib.exercises._feedback import Feedback, _call
from seminar_lib.functions import sigmoid, sigmoid_grad

__all__ = [
    "check_gate_weights",
    "check_perceptron",
    "check_sigmoid_grad",
    "check_xor",
]


def check_perceptron(perceptron) -> Feedback:
    """課題1: ``perceptron(x1, x2, w1, w2, theta)`` returns 1 if w1*x1 + w2*x2 - theta > 0 else 0,
    for scalars and for NumPy arrays of inputs (as produced by ``np.arange``)."""
    cases = [  # (x1, x2, w1, w2, theta)
        (1.0, 1.0, 0.5, 0.5, 0.7),
        (1.0, 0.0, 0.5, 0.5, 0.7),
        (0.0, 0.0, -0.5, -0.5, -0.7),
        (2.0, -1.0, 1.0, 1.5, 0.0),
        (
            0.3,
            0.3,
            1.0,
            1.0,
            0.6,
        ),  # exactly on the threshold: 0, the neuron does not fire
    ]
    for x1, x2, w1, w2, theta in cases:
        out, err = _call(perceptron, x1, x2, w1, w2, theta)
        if err is not None:
            return err
        expected = int(w1 * x1 + w2 * x2 - theta > 0)
        try:
            value = float(np.asarray(out))
        except (TypeError, ValueError):
            return Feedback(
                False,
                f"スカラーの入力には 0 か 1 の数を 1 つ返してください（返り値: {out!r}）。",
            )
        if value != expected:
            hint = (
                " しきい値ちょうど (= θ) のときは発火しない (0) ことに注意。" if x1 == 0.3 else ""
            )
            return Feedback(
                False,
                f"x1={x1}, x2={x2}, w1={w1}, w2={w2}, theta={theta} のとき {expected} になるはずが "
                f"{value:g} でした。 w1*x1 + w2*x2 - theta > 0 なら 1 です。{hint}",
            )
    x1 = np.arange(-1.0, 2.0, 0.25)  # (12,)
    out, err = _call(perceptron, x1, 1.0, 0.5, 0.5, 0.7)
    if err is not None:
        return err
    out = np.asarray(out)
    if out.shape != x1.shape:
        return Feedback(
            False,
            f"配列 x1 (形 {x1.shape}) を渡したら同じ形の配列を返してください"
            f"（返り値の形: {out.shape}）。"
            " if 文ではなく np.where や比較演算 (>) を使うと配列のまま計算できます。",
        )
    if not np.array_equal(out, (0.5 * x1 + 0.5 - 0.7 > 0).astype(int)):
        return Feedback(
            False,
            "配列を入力したときの値が違います。"
            "要素ごとに w1*x1 + w2*x2 - theta > 0 を判定してください。",
        )
    return Feedback(True, "スカラーでも配列でも正しく発火を判定できています。")


def check_gate_weights(gate: str, w1: float, w2: float, theta: float) -> Feedback:
    """課題2: weights and threshold for which a single neuron computes ``gate`` (e.g. "NOR")."""
    X, y = logic_gate(gate)
    try:
        w = np.array([w1, w2], dtype=float)
        theta = float(theta)
    except (TypeError, ValueError):
        return Feedback(False, "w1, w2, theta には数を入れてください。")
    y_hat = (X @ w - theta > 0).astype(int)  # (4, 2) @ (2,) -> (4,)
    wrong = [
        f"{tuple(int(v) for v in x)} -> {p} (正しくは {t})"
        for x, p, t in zip(X, y_hat, y, strict=True)
        if p != t
    ]
    if wrong:
        extra = ""
        if gate.upper() == "XOR":
            extra = " XOR は 1 つのニューロンでは作れません（この回の後半で確かめます）。"
        return Feedback(
            False,
            f"{gate.upper()} と合わない入力があります: " + ", ".join(wrong) + "。" + extra,
        )
    return Feedback(True, f"w1={w1:g}, w2={w2:g}, θ={theta:g} で {gate.upper()} になります。")


def check_sigmoid_grad(sigmoid_grad_fn) -> Feedback:
    """課題3: ``sigmoid_grad_fn(x, g)`` returns the derivative of the sigmoid with gain ``g``."""
    x = np.linspace(-5.0, 5.0, 11)
    for g in (1.0, 2.0):
        out, err = _call(sigmoid_grad_fn, x, g)
        if err is not None:
            return err
        out = np.asarray(out, dtype=float)
        if out.shape != x.shape:
            return Feedback(
                False,
                f"入力と同じ形 {x.shape} の配列を返してください（返り値の形: {out.shape}）。",
            )
        expected = sigmoid_grad(x, g)
        if not np.allclose(out, expected, atol=1e-6):
            if g == 2.0 and np.allclose(out, expected / g, atol=1e-6):
                return Feedback(
                    False,
                    "g = 2 のとき値が半分です。"
                    "合成関数の微分で出てくるゲイン g を掛け忘れていませんか？",
                )
            if np.allclose(out, sigmoid(x, g), atol=1e-6):
                return Feedback(
                    False,
                    "シグモイド関数そのものを返しています。"
                    "その微分 g·f(X)·(1 − f(X)) を返してください。",
                )
            i = int(np.argmax(np.abs(out - expected)))
            return Feedback(
                False,
                f"g={g:g}, X={x[i]:g} で {expected[i]:.6f} になるはずが {out[i]:.6f} でした。",
            )
    return Feedback(True, "数値微分とも一致する正しい導関数です。")


def check_xor(xor) -> Feedback:
    """課題4: ``xor(x1, x2)`` built from perceptrons returns XOR on all four inputs."""
    X, y = logic_gate("XOR")
    for (x1, x2), target in zip(X, y, strict=True):
        out, err = _call(xor, int(x1), int(x2))
        if err is not None:
            return err
        try:
            value = int(np.asarray(out))
        except (TypeError, ValueError):
            return Feedback(False, f"0 か 1 を返してください（返り値: {out!r}）。")
        if value != target:
            return Feedback(
                False,
                f"入力 ({int(x1)}, {int(x2)}) で {target} になるはずが {value} でした。"
                " XOR = AND(NAND(x1, x2), OR(x1, x2)) を思い出しましょう。",
            )
    return Feedback(True, "2 層のパーセプトロンで XOR を計算できました。")
