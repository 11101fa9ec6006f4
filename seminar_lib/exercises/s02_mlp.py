"""Checkers of session 2 (multilayer perceptron and softmax): notebook
``02_mlp_softmax.ipynb``.
"""

from __future__ import annotations

import numpy as np

from seminar_lib.exercises._feedback import Feedback, _as_float_array, _call
from seminar_lib.functions import softmax
from seminar_lib.gradcheck import numerical_gradient

__all__ = [
    "check_accuracy",
    "check_affine_backward",
    "check_softmax",
]


def check_softmax(softmax_fn) -> Feedback:
    """第2回 課題1: ``softmax_fn(x)`` returns the softmax of each row of ``x`` (N, K), the same
    shape, without overflowing for large inputs (1e4) and without modifying ``x``."""
    x = np.array([[1.0, 2.0, 3.0], [0.0, 0.0, 0.0]])  # (2, 3): not square, so axes matter
    big = np.array([[1e4, 0.0, -1e4], [1000.0, 1001.0, 1002.0]])
    for inputs, name in [(x, "小さな入力"), (big, "大きな入力")]:
        original = inputs.copy()
        with np.errstate(all="ignore"):  # a naive exp overflows: report it, do not warn
            out, err = _call(softmax_fn, inputs)
        if err is not None:
            if "broadcast" in err.message:
                return Feedback(
                    False,
                    "形が合わずに割り算できませんでした（broadcast のエラー）。"
                    "行ごとの和は sum(axis=1, keepdims=True) で (N, 1) の形のまま残すと、"
                    "(N, K) の配列を割れます。",
                )
            return err
        if not np.array_equal(inputs, original):
            return Feedback(
                False,
                "引数の配列 x を書き換えています。x -= ... ではなく、"
                "x - ... のように新しい配列を作ってください。",
            )
        out, err = _as_float_array(out, "ソフトマックスの値")
        if err is not None:
            return err
        if out.shape != inputs.shape:
            return Feedback(
                False,
                f"入力と同じ形 {inputs.shape} の配列を返してください（返り値の形: {out.shape}）。"
                " 和をとるときは keepdims=True で次元を残しましょう。",
            )
        expected = softmax(inputs)
        if np.allclose(out, expected, atol=1e-6):
            continue
        if not np.all(np.isfinite(out)) and inputs is big:
            row = int(np.argmin(np.isfinite(out).all(axis=1)))  # the first row with nan or inf
            return Feedback(
                False,
                f"{name} {inputs[row].tolist()} で nan や inf が出ました。"
                "exp がオーバーフローしています。"
                "exp の前に各行の最大値 x.max(axis=1, keepdims=True) を引きましょう"
                "（全体の最大値ではなく行ごとの最大値です。引いても O_k は変わりません）。",
            )
        e = np.exp(inputs - inputs.max())
        if np.allclose(out, e / e.sum(), atol=1e-6):
            return Feedback(
                False,
                "配列全体の和で割っています。各行 (1 つの例) の確率の和が 1 になるように、"
                "行ごとの和 sum(axis=1, keepdims=True) で割ってください。",
            )
        if np.allclose(out, e / e.sum(axis=0), atol=1e-6):
            return Feedback(
                False,
                "列ごと (axis=0) の和で割っています。行ごと (axis=1) の和で割ってください。",
            )
        if np.allclose(out.sum(axis=1), 1.0, atol=1e-6):
            return Feedback(
                False,
                f"各行の和は 1 ですが、値が違います。{name}の 1 行目は "
                f"{np.round(expected[0], 4).tolist()} になるはずが "
                f"{np.round(out[0], 4).tolist()} でした。exp(x) を行ごとの和で割りましょう。",
            )
        return Feedback(
            False,
            "各行の和が 1 になっていません"
            f"（行ごとの和: {np.round(out.sum(axis=1), 4).tolist()}）。"
            " O_k = exp(P_k) / Σ_j exp(P_j) を行ごとに計算してください。",
        )
    return Feedback(True, "行ごとの確率の和が 1 になり、大きな入力でもあふれない安定な実装です。")


def check_affine_backward(affine_backward) -> Feedback:
    """第2回 課題2: ``affine_backward(x, W, dout)`` returns ``(dx, dW, db)`` for ``x @ W + b``,
    compared with numerical gradients of ``sum((x @ W + b) * dout)`` (float64)."""
    rng = np.random.default_rng(0)
    n, d, h = 5, 3, 2  # distinct sizes, so a transposed answer has the wrong shape
    x, W = rng.standard_normal((n, d)), rng.standard_normal((d, h))
    b, dout = rng.standard_normal(h), rng.standard_normal((n, h))
    originals = (x.copy(), W.copy(), dout.copy())
    out, err = _call(affine_backward, x, W, dout)
    if err is not None:
        if "ValueError" in err.message:  # a product of mismatched shapes
            return Feedback(
                False,
                f"{err.message} 行列の積の形を確かめましょう: x は (N, D)、W は (D, H)、"
                "dout は (N, H) です。",
            )
        return err
    if any(not np.array_equal(a, o) for a, o in zip((x, W, dout), originals, strict=True)):
        return Feedback(False, "引数の配列 (x, W, dout) を書き換えないでください。")
    try:
        answers = tuple(out)
    except TypeError:
        answers = ()
    if len(answers) != 3:
        return Feedback(
            False, "(dx, dW, db) の 3 つを、この順に return dx, dW, db で返してください。"
        )
    arrays = []
    for name, value in zip(("dx", "dW", "db"), answers, strict=True):
        array, err = _as_float_array(value, f"{name} ")
        if err is not None:
            return err
        arrays.append(array)

    def objective():  # the loss whose gradient w.r.t. the output is dout
        return float(((x @ W + b) * dout).sum())

    expected = {
        "dx": numerical_gradient(objective, x),  # (N, D)
        "dW": numerical_gradient(objective, W),  # (D, H)
        "db": numerical_gradient(objective, b),  # (H,)
    }
    shapes = [a.shape for a in arrays]
    wanted = [e.shape for e in expected.values()]
    if shapes != wanted and sorted(shapes) == sorted(wanted):
        return Feedback(False, "返す順番が違うようです。return dx, dW, db の順に返してください。")
    formulas = {
        "dx": "dx = dout @ W.T  # (N, H) @ (H, D) -> (N, D)",
        "dW": "dW = x.T @ dout  # (D, N) @ (N, H) -> (D, H)",
        "db": "db = dout.sum(axis=0)  # (N, H) -> (H,)",
    }
    for (name, ref), array in zip(expected.items(), arrays, strict=True):
        if array.shape != ref.shape:
            if array.shape == ref.shape[::-1] and len(ref.shape) == 2:
                problem = f"の形が {array.shape} で、正しい形 {ref.shape} の転置になっています。"
            elif name == "db" and array.shape == (n,):
                problem = "をバッチの方向ではなく、ユニットの方向に足しています。"
            else:
                problem = f"の形が {array.shape} です。正しい形は {ref.shape} です。"
            return Feedback(False, f"{name} {problem} 勾配は元の変数と同じ形です: {formulas[name]}")
        if not np.allclose(array, ref, atol=1e-6):
            if np.allclose(array * n, ref, atol=1e-6):
                return Feedback(
                    False,
                    f"{name} が N = {n} で割られています。平均は損失の層 (SoftmaxCrossEntropy) "
                    f"がすでにとっているので、ここでは割りません: {formulas[name]}",
                )
            return Feedback(False, f"{name} の値が数値微分と合いません: {formulas[name]}")
    return Feedback(True, "dx, dW, db のすべてが数値微分と一致しました。")


def check_accuracy(test_acc, target: float = 0.95) -> Feedback:
    """第2回 課題3: the test accuracy reached by the student's settings is at least ``target``.

    ``test_acc`` is a fraction in [0, 1]; the pass message shows only the target (an exact
    output), the hints show the accuracy itself.
    """
    if not 0 < target <= 1:
        raise ValueError(f"Expected 0 < `target` <= 1. Received: target={target!r}")
    try:
        acc = float(test_acc)
    except (TypeError, ValueError):
        return Feedback(
            False, f"テスト正解率を 0〜1 の数で渡してください（受け取ったのは {test_acc!r}）。"
        )
    if np.isnan(acc):
        return Feedback(
            False, "正解率が nan です。学習が発散しています。学習率 lr を小さくしてみましょう。"
        )
    if 1 < acc <= 100:
        return Feedback(
            False,
            f"正解率は 0〜1 の割合で渡してください（{acc:g} はパーセントではありませんか？）。",
        )
    if not 0 <= acc <= 1:
        return Feedback(False, f"正解率は 0〜1 の割合です（受け取った値: {acc:g}）。")
    if acc >= target:
        return Feedback(True, f"目標の正解率 {target:.0%} 以上に届きました。")
    if acc < 0.2:
        return Feedback(
            False,
            f"正解率 {acc:.1%} は、でたらめに答えたとき (10%) とほとんど同じで、"
            "学習が進んでいません。"
            "学習率 lr が小さすぎないか (例: 1e-5)、大きすぎないかを確かめましょう。"
            "Adam なら 1e-3 前後が目安です。",
        )
    return Feedback(
        False,
        f"正解率 {acc:.1%} は目標 {target:.0%} まであと {100 * (target - acc):.1f} ポイントです。"
        " 中間層のユニット数 num_hiddens を増やす (例: 100〜300)、"
        "学習率 lr を 1e-3 の前後で変えてみる、を試しましょう。",
    )
