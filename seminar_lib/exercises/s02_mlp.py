"""Checkers of session 2 (multilayer perceptron, softmax and backpropagation): notebook
``02_mlp_softmax.ipynb``, 課題1 (a stable softmax) and 課題6 (hyperparameters chosen on the
validation split). 課題2-5, the student's own layers and network, are checked by
:mod:`seminar_lib.exercises.s02_layers`.
"""

from __future__ import annotations

import numbers

import numpy as np

from seminar_lib.exercises._feedback import Feedback, _as_float_array, _call, _number
from seminar_lib.functions import softmax

__all__ = ["check_hyperparameters", "check_softmax"]


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


# --- 課題6: hyperparameters --------------------------------------------------------------------

#: The exercise's budget and target, and the lecture's setting (which must not be handed in).
TARGET_VAL_ACCURACY = 0.92
MAX_HIDDENS = 300
LECTURE_SETTING = (100, 0.1)


def check_hyperparameters(num_hiddens, lr, val_acc) -> Feedback:
    """第2回 課題6: ``num_hiddens`` (at most ``MAX_HIDDENS``, the time budget) and ``lr`` chosen
    on the validation split, other than the lecture's setting, reach a validation accuracy
    ``val_acc`` (a fraction) of at least ``TARGET_VAL_ACCURACY``."""
    if (
        isinstance(num_hiddens, bool)
        or not isinstance(num_hiddens, numbers.Integral)
        or num_hiddens < 1
    ):
        return Feedback(False, f"num_hiddens は正の整数です（受け取った値: {num_hiddens!r}）。")
    if num_hiddens > MAX_HIDDENS:
        return Feedback(
            False,
            f"num_hiddens = {num_hiddens} は時間の予算を超えています。{MAX_HIDDENS} 以下で"
            "選んでください。",
        )
    rate = None if isinstance(lr, bool) or not isinstance(lr, numbers.Real) else float(lr)
    if rate is None or not rate > 0:
        return Feedback(False, f"学習率 lr は正の数です（受け取った値: {lr!r}）。")
    acc = _number(val_acc)
    if acc is None:
        return Feedback(
            False, f"検証正解率を 0〜1 の数で渡してください（受け取った値: {val_acc!r}）。"
        )
    if np.isnan(acc):
        return Feedback(
            False, "検証正解率が nan です。学習が発散しています。lr を小さくしましょう。"
        )
    if not 0 <= acc <= 1:
        return Feedback(
            False, f"検証正解率は 0〜1 の割合で渡してください（受け取った値: {acc:g}）。"
        )
    if (int(num_hiddens), rate) == LECTURE_SETTING:
        return Feedback(
            False,
            f"講義の設定 (num_hiddens={LECTURE_SETTING[0]}, lr={LECTURE_SETTING[1]}) のままです。"
            "train_and_validate でいくつか試して、検証正解率の高い設定を選びましょう。",
        )
    if acc >= TARGET_VAL_ACCURACY:
        return Feedback(
            True,
            f"num_hiddens={int(num_hiddens)}, lr={rate:g} で、検証正解率が目標 "
            f"{TARGET_VAL_ACCURACY:.0%} に届きました。",
        )
    if acc < 0.5:
        return Feedback(
            False,
            f"検証正解率 {acc:.1%} は低すぎます。学習率が大きすぎて発散したか、小さすぎて"
            "進んでいません。lr を 10 倍ずつ変えて（0.01, 0.1, 1）ようすを見ましょう。",
        )
    return Feedback(
        False,
        f"検証正解率 {acc:.1%} は目標 {TARGET_VAL_ACCURACY:.0%} まであと "
        f"{100 * (TARGET_VAL_ACCURACY - acc):.1f} ポイントです。学習率を 0.1 から大きくする"
        f"（0.3, 0.5, 1 …）、num_hiddens を増やす（{MAX_HIDDENS} まで）を試しましょう。",
    )
