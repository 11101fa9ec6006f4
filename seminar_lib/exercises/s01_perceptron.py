"""Checkers of session 1 (formal neuron and simple perceptron): notebook
``01_neuron_perceptron.ipynb``.
"""

from __future__ import annotations

import numpy as np

from seminar_lib.datasets import logic_gate
from seminar_lib.exercises._feedback import Feedback, _as_float_array, _call, _names_used
from seminar_lib.functions import sigmoid
from seminar_lib.gradcheck import numerical_derivative

__all__ = [
    "check_gate_weights",
    "check_perceptron",
    "check_perceptron_epoch",
    "check_tanh_grad",
    "check_xnor",
    "check_xor",
]

_TANH_NAMES = {"tanh", "tanh_grad"}


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


def check_tanh_grad(tanh_grad_fn) -> Feedback:
    r"""課題3: ``tanh_grad_fn(X)`` returns the derivative of tanh, derived from
    :math:`\tanh X = 2 f(2X) - 1` (``f`` the sigmoid): :math:`4 f(2X)(1 - f(2X))`.

    The answer is compared with the numerical derivative of ``np.tanh``; the usual slips of the
    chain rule (a factor 2 missing or counted twice, ``f(X)`` for ``f(2X)``, the sign) get
    their own hint.
    """
    x = np.linspace(-3.0, 3.0, 13)  # (13,), X = 0 included
    out, err = _call(tanh_grad_fn, x.copy())
    if err is not None:
        return err
    out, err = _as_float_array(out, "tanh の微分")
    if err is not None:
        return err
    if out.shape != x.shape:
        return Feedback(
            False, f"入力と同じ形 {x.shape} の配列を返してください（返り値の形: {out.shape}）。"
        )
    expected = numerical_derivative(np.tanh, x)  # (13,), float64 central differences
    if np.allclose(out, expected, atol=1e-6):
        if _uses_tanh(tanh_grad_fn):
            return Feedback(
                False,
                "値は正しいですが、np.tanh / tanh_grad を使っています。"
                "np.tanh / tanh_grad を使わずに、F.sigmoid だけで導いてください。",
            )
        return Feedback(True, "数値微分と一致します。tanh の導関数を自分で導けました。")
    s1, s2 = sigmoid(x), sigmoid(x, 2.0)  # f(X), f(2X)
    hints = [
        (
            expected / 2,
            "値がちょうど半分です。tanh X = 2 f(2X) − 1 の前の 2 か、内側の 2X の微分 2 の"
            "どちらかを掛け忘れていませんか？（合成関数の微分）",
        ),
        (
            expected / 4,
            "値が 1/4 です。tanh X = 2 f(2X) − 1 の前の 2 と、内側の 2X の微分 2 の"
            "両方を掛けましょう。",
        ),
        (
            expected * 2,
            "値が 2 倍です。F.sigmoid(X, 2) の微分 g f (1 − f) にはゲイン g = 2 が"
            "もう入っています。内側の微分 2 を二重に掛けていませんか？",
        ),
        (
            4 * s1 * (1 - s1),
            "f(2X) ではなく f(X) を使っています。tanh X = 2 f(2X) − 1 の中身は "
            "2X です（F.sigmoid(X, 2) が f(2X) です）。",
        ),
        (np.tanh(x), "tanh そのものを返しています。その微分を返してください。"),
        (-expected, "符号が逆です。tanh は増加関数なので、微分はどこでも正です。"),
        (s2, "f(2X) そのものを返しています。微分 f'(u) = f(u)(1 − f(u)) を使いましょう。"),
    ]
    for wrong, hint in hints:
        if np.allclose(out, wrong, atol=1e-6):
            return Feedback(False, hint)
    i = int(np.argmax(np.abs(out - expected)))
    return Feedback(
        False,
        f"X={x[i]:g} で {expected[i]:.6f}（数値微分）になるはずが {out[i]:.6f} でした。",
    )


def _uses_tanh(fn) -> bool:
    """Whether ``fn``'s code names ``tanh`` / ``tanh_grad`` (``np.tanh``, ``F.tanh_grad``, a
    global ``tanh``), nested functions and lambdas included."""
    return bool(_names_used(fn) & _TANH_NAMES)


def _epoch_reference(X, y, w, theta, lr, variant=None):
    """One epoch of Rosenblatt's rule, or of one of its typical slips (``variant``)."""
    w, theta, num_errors = w.copy(), float(theta), 0
    dw, dtheta = np.zeros_like(w), 0.0  # for the "batch" slip: updates applied at the end
    for x_n, y_n in zip(X, y, strict=True):
        u = x_n @ w - theta
        fired = u >= 0 if variant == "ge" else u > 0
        delta = int(y_n) - int(fired)
        if delta == 0:
            continue
        num_errors += 1
        step_w = lr * delta * (np.ones_like(x_n) if variant == "no_x" else x_n)
        step_theta = lr * delta if variant == "theta_sign" else -lr * delta
        if variant == "batch":
            dw, dtheta = dw + step_w, dtheta + step_theta
        else:
            w, theta = w + step_w, theta + step_theta
    return w + dw, theta + dtheta, num_errors


_EPOCH_HINTS = {
    "theta_sign": "しきい値の更新の符号が逆です。θ ← θ − η (t − ŷ) です"
    "（出力が小さすぎたらしきい値を下げます）。",
    "ge": "重み付き和がしきい値ちょうど (w·x − θ = 0) のときは発火しません (ŷ = 0)。"
    " >= ではなく > で判定してください。",
    "no_x": "重みの更新に入力 x_i を掛け忘れています。w_i ← w_i + η (t − ŷ) x_i です。",
    "batch": "重みとしきい値は、例を 1 つ見るたびにすぐ更新します。"
    "エポックの最後にまとめて更新すると、次の例の予測が変わってしまいます。",
}


def check_perceptron_epoch(perceptron_epoch) -> Feedback:
    """課題5: ``perceptron_epoch(X, y, w, theta, lr) -> (w, theta, num_errors)`` runs one epoch
    of Rosenblatt's rule (the samples in order, one update per error), as
    :class:`~seminar_lib.perceptron.Perceptron` does; compared with it on AND, OR, NAND, XOR."""
    from seminar_lib.perceptron import Perceptron

    for gate in ["AND", "OR", "NAND", "XOR"]:
        X, y = logic_gate(gate)
        X = X.astype(float)
        reference = Perceptron(num_inputs=2).fit(X, y, lr=0.5, num_epochs=6)
        history = reference.history
        for epoch in range(len(history["errors"])):
            w, theta = history["w"][epoch], float(history["theta"][epoch])
            out, err = _call(perceptron_epoch, X.copy(), y.copy(), w.copy(), theta, 0.5)
            if err is not None:
                return err
            if not isinstance(out, tuple) or len(out) != 3:
                return Feedback(
                    False,
                    "(w, theta, num_errors) の 3 つを組 (tuple) で返してください"
                    f"（返り値: {out!r}）。",
                )
            try:
                w_out = np.asarray(out[0], dtype=float)
                theta_out, errors_out = float(out[1]), int(out[2])
            except (TypeError, ValueError):
                return Feedback(
                    False,
                    f"w は数の配列、theta と num_errors は数で返してください（返り値: {out!r}）。",
                )
            expected = (history["w"][epoch + 1], history["theta"][epoch + 1])
            if (
                w_out.shape == (2,)
                and np.allclose(w_out, expected[0])
                and np.isclose(theta_out, expected[1])
            ):
                if errors_out != history["errors"][epoch]:
                    return Feedback(
                        False,
                        f"{gate} のエポック {epoch + 1}: 重みとしきい値は正しいですが、誤った数が"
                        f" {history['errors'][epoch]} のはずが {errors_out} でした。"
                        "重みを直すたびに 1 つ数えます。",
                    )
                continue
            for variant, hint in _EPOCH_HINTS.items():
                w_v, theta_v, _ = _epoch_reference(X, y, w, theta, 0.5, variant)
                if (
                    w_out.shape == (2,)
                    and np.allclose(w_out, w_v)
                    and np.isclose(theta_out, theta_v)
                ):
                    return Feedback(False, hint)
            return Feedback(
                False,
                f"{gate} のエポック {epoch + 1}（w={w.tolist()}, θ={theta:g}, lr=0.5 から）の後は "
                f"w={expected[0].tolist()}, θ={expected[1]:g} になるはずが、"
                f"w={w_out.tolist()}, θ={theta_out:g} でした。",
            )
    return Feedback(
        True, "AND・OR・NAND・XOR のどのエポックでも、ライブラリの Perceptron と一致します。"
    )


def check_xor(xor) -> Feedback:
    """``xor(x1, x2)`` built from perceptrons returns XOR on all four inputs."""
    return _check_two_layer(xor, "XOR", "XOR = AND(NAND(x1, x2), OR(x1, x2)) を思い出しましょう。")


def check_xnor(xnor) -> Feedback:
    """課題4: ``xnor(x1, x2)`` built from perceptrons returns XNOR (1 when x1 == x2)."""
    return _check_two_layer(
        xnor,
        "XNOR",
        "XNOR は (1, 1) と (0, 0) で 1 です。1 層目で AND と NOR を計算してみましょう。",
    )


def _check_two_layer(fn, gate: str, hint: str) -> Feedback:
    X, y = logic_gate("XOR")
    if gate == "XNOR":
        y = 1 - y
    for (x1, x2), target in zip(X, y, strict=True):
        out, err = _call(fn, int(x1), int(x2))
        if err is not None:
            return err
        try:
            value = int(np.asarray(out))
        except (TypeError, ValueError):
            return Feedback(False, f"0 か 1 を返してください（返り値: {out!r}）。")
        if value != target:
            return Feedback(
                False,
                f"入力 ({int(x1)}, {int(x2)}) で {target} になるはずが {value} でした。 {hint}",
            )
    return Feedback(True, f"2 層のパーセプトロンで {gate} を計算できました。")
