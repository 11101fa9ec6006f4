"""Shared by the layer checkers of sessions 2 and 3 (:mod:`~seminar_lib.exercises.s02_layers`,
:mod:`~seminar_lib.exercises.s03_layers`): make the student's layer, call its methods safely,
read an array answer, and name a wrong gradient."""

from __future__ import annotations

import numpy as np

from seminar_lib.exercises._feedback import Feedback, _as_float_array, _call


def _make_layer(layer_class, *args, example="MyAffine"):
    """An instance of the student's class, or (None, Feedback); ``example`` names the class
    the notebook asks for."""
    if not isinstance(layer_class, type):
        return None, Feedback(
            False,
            f"クラスそのもの（例: {example}）を渡してください（受け取ったのは "
            f"{type(layer_class).__name__} です）。",
        )
    layer, err = _call(layer_class, *args)
    if err is not None:
        return None, err
    missing = [m for m in ("forward", "backward") if not callable(getattr(layer, m, None))]
    if missing:
        return None, Feedback(False, f"メソッド {' と '.join(missing)} を定義してください。")
    return layer, None


def _run(method, args, originals, names, what):
    """Call ``method(*args)``; (result, None) or (None, Feedback) for an error or a modified
    argument (``originals``: copies of ``args``; ``names``: how the notebook calls them)."""
    out, err = _call(method, *args)
    if err is not None:
        if "NoneType" in err.message or "AttributeError" in err.message:
            detail = err.message.removeprefix("実行中にエラーが出ました: ")
            return None, Feedback(
                False,
                f"{what}でエラーが出ました（{detail}）。"
                " backward に必要なものは、forward の中で self.x = x や self.mask = ... "
                "のように self に保存しておきます。",
            )
        return None, err
    for arg, original, name in zip(args, originals, names, strict=True):
        if isinstance(arg, np.ndarray) and not np.array_equal(arg, original):
            return None, Feedback(
                False,
                f"{what}で引数の {name} を書き換えています（-=, *=, {name}[...] = ... など）。"
                f"{name} は前後の層も使う配列です。新しい配列を作って返してください。",
            )
    return out, None


def _array_answer(out, shape, what):
    """The answer as a float array of ``shape``, or (None, Feedback)."""
    out, err = _as_float_array(out, f"{what} ")
    if err is not None:
        return None, err
    if out.shape != shape:
        return None, Feedback(False, f"{what} の形が {out.shape} です。正しい形は {shape} です。")
    return out, None


def _grad_hint(name, got, want, n, shapes):
    """A specific hint for a wrong gradient of the affine layer, or None."""
    if got.shape != want.shape:
        if got.ndim == 2 and got.shape == want.shape[::-1]:
            return (
                f"{name} の形が {got.shape} で、正しい形 {want.shape} の転置になっています。"
                f"勾配は元の変数と同じ形です（{shapes}）。掛ける順番と .T の位置を見直しましょう。"
            )
        if name == "db" and got.shape == (n, want.shape[0]):
            return (
                f"db の形が {got.shape} で、例ごとの勾配のままです。b はバッチのすべての例に"
                "足されたので、その勾配はバッチの方向 (axis=0) に合計します。"
            )
        if name == "db" and got.shape == (n,):
            return "db をバッチの方向ではなく、ユニットの方向 (axis=1) に足しています。"
        return f"{name} の形が {got.shape} です。正しい形は {want.shape} です（{shapes}）。"
    if np.allclose(got * n, want, atol=1e-6):
        return (
            f"{name} が N = {n} で割られています。バッチの平均は誤差の層（ソフトマックス + "
            "交差エントロピー）がすでにとっているので、ここでは割りません。"
        )
    if np.allclose(got, -want, atol=1e-6):
        return f"{name} の符号が逆です。"
    if not np.allclose(got, want, atol=1e-6):
        return f"{name} の値が違います。添字の式をもう一度、行列の積に書き直してみましょう。"
    return None
