"""Checkers of session 0 for sections 4 and 6 of ``00_python_numpy.ipynb``: 課題5 (two layers
with matrix products and ReLU) and 課題6 (a gradient by the chain rule, against a numerical one).
課題1–4 are in :mod:`seminar_lib.exercises.s00_numpy`."""

from __future__ import annotations

import numpy as np

from seminar_lib.exercises._feedback import Feedback, _as_float_array, _call, _number

__all__ = ["check_grad_wb", "check_two_layer_forward"]


def _relu(h: np.ndarray) -> np.ndarray:
    return np.where(h > 0, h, 0.0)


def _two_layer_cases() -> list[tuple[np.ndarray, ...]]:
    """(x, W1, b1, W2, b2) of 課題5: all sizes equal first, where every typical mistake runs and
    can be named, then N, D, H, K all different, and a batch of one example."""
    rng = np.random.default_rng(5)
    return [
        tuple(rng.normal(size=s) for s in [(n, d), (d, h), (h,), (h, k), (k,)])
        for n, d, h, k in [(3, 3, 3, 3), (5, 4, 6, 3), (1, 2, 4, 5)]
    ]


_ORDER = (
    "行列の積の順番が逆です（W1 @ x など）。x は (N, D)、W1 は (D, H) なので x @ W1、"
    "中間層の出力 h は (N, H)、W2 は (H, K) なので h @ W2 の順に書きます。"
)
_HIDDEN_ONLY = "中間層の出力 h (N, H) を返しています。h @ W2 + b2 まで計算してください。"
_TRANSPOSED = "結果が転置されています。行が例（N 個）、列が出力（K 個）の (N, K) にしてください。"
_ELEMENTWISE = "* は要素ごとの掛け算です。行列の積は @ で書きます（x @ W1、h @ W2）。"

#: Typical wrong answers of 課題5 of session 0 (run on the first case) and the hint for each.
_TWO_LAYER_MISTAKES = [
    (lambda x, W1, b1, W2, b2: _relu(W1 @ x + b1) @ W2 + b2, _ORDER),
    (lambda x, W1, b1, W2, b2: W2 @ _relu(x @ W1 + b1) + b2, _ORDER),
    (lambda x, W1, b1, W2, b2: W2 @ _relu(W1 @ x + b1) + b2, _ORDER),
    (lambda x, W1, b1, W2, b2: _relu(x * W1 + b1) * W2 + b2, _ELEMENTWISE),
    (lambda x, W1, b1, W2, b2: _relu(x * W1 + b1) @ W2 + b2, _ELEMENTWISE),
    (lambda x, W1, b1, W2, b2: _relu(x @ W1 + b1) * W2 + b2, _ELEMENTWISE),
    (
        lambda x, W1, b1, W2, b2: (x @ W1 + b1) @ W2 + b2,
        "ReLU をかけていません。中間層の出力は h = ReLU(x @ W1 + b1) です"
        "（np.where(条件, a, b) で、正ならそのまま、そうでなければ 0）。",
    ),
    (
        lambda x, W1, b1, W2, b2: _relu(_relu(x @ W1 + b1) @ W2 + b2),
        "最後の出力にも ReLU をかけています。ReLU をかけるのは中間層だけで、"
        "出力は h @ W2 + b2 のままにします。",
    ),
    (
        lambda x, W1, b1, W2, b2: _relu((x @ W1 + b1) @ W2 + b2),
        "ReLU を中間層ではなく最後の出力にかけています。h = ReLU(x @ W1 + b1) のように、"
        "1 層目の結果にかけてください。",
    ),
    (
        lambda x, W1, b1, W2, b2: (_relu(x @ W1) + b1) @ W2 + b2,
        "ReLU をかけてから b1 を足しています。先に b1 を足し、その和 x @ W1 + b1 に ReLU を"
        "かけます。",
    ),
    (
        lambda x, W1, b1, W2, b2: np.where(x @ W1 + b1 > 0, 1.0, 0.0) @ W2 + b2,
        "中間層がステップ関数（正なら 1）になっています。ReLU は、正なら値そのまま、"
        "そうでなければ 0 です: np.where(h > 0, h, 0)。",
    ),
    (
        lambda x, W1, b1, W2, b2: np.where(x @ W1 + b1 > 0, 0.0, x @ W1 + b1) @ W2 + b2,
        "np.where の 2 つの選択肢が逆です。条件 h > 0 が True のところで h を、"
        "False のところで 0 を選びます: np.where(h > 0, h, 0)。",
    ),
    (
        lambda x, W1, b1, W2, b2: _relu(x @ W1) @ W2 + b2,
        "1 層目のバイアス b1 を足し忘れています。x @ W1 + b1 に ReLU をかけます。",
    ),
    (
        lambda x, W1, b1, W2, b2: _relu(x @ W1 + b1) @ W2,
        "2 層目のバイアス b2 を足し忘れています。h @ W2 に b2 を足してください。",
    ),
    (
        lambda x, W1, b1, W2, b2: _relu(x @ W1) @ W2,
        "バイアス b1 と b2 を 2 つとも足し忘れています。",
    ),
    (
        lambda x, W1, b1, W2, b2: _relu(x @ W1 + b2) @ W2 + b1,
        "b1 と b2 が入れ替わっています。1 層目には b1、2 層目には b2 を足します。",
    ),
    (
        lambda x, W1, b1, W2, b2: _relu(x @ W2 + b2) @ W1 + b1,
        "1 層目と 2 層目の重みが入れ替わっています。先に x @ W1 + b1、次に h @ W2 + b2 です。",
    ),
    (lambda x, W1, b1, W2, b2: _relu(x @ W1 + b1), _HIDDEN_ONLY),
    (lambda x, W1, b1, W2, b2: (_relu(x @ W1 + b1) @ W2 + b2).T, _TRANSPOSED),
]


def check_two_layer_forward(two_layer_forward) -> Feedback:
    """第0回 課題5: ``two_layer_forward(x, W1, b1, W2, b2)`` returns
    ``relu(x @ W1 + b1) @ W2 + b2`` (N, K) for a batch ``x`` (N, D), ``W1`` (D, H), ``b1`` (H,),
    ``W2`` (H, K), ``b2`` (K,), without modifying the arguments; equal and different sizes, so
    that a wrong order, ``*`` for ``@``, a missing bias or a misplaced ReLU shows."""
    for args in _two_layer_cases():
        x, W1, b1, W2, b2 = args
        shapes = f"x: {x.shape}, W1: {W1.shape}, b1: {b1.shape}, W2: {W2.shape}, b2: {b2.shape}"
        originals = tuple(a.copy() for a in args)
        out, err = _call(two_layer_forward, *args)
        if err is not None:
            if "matmul" in err.message or "not aligned" in err.message:
                hint = (
                    "行列の積の内側の長さがそろっていません。(N, D) @ (D, H) のように、"
                    "左の列の数と右の行の数が同じになる順番で書きましょう（x @ W1、h @ W2）。"
                )
            elif "broadcast" in err.message:
                hint = "要素ごとの計算で形が合いませんでした。行列の積は * ではなく @ です。"
            else:
                hint = ""
            return Feedback(False, f"{err.message}（{shapes} のとき）{hint}")
        if not all(np.array_equal(a, o) for a, o in zip(args, originals, strict=True)):
            return Feedback(
                False, "引数の配列を書き換えないでください（h = ... と新しい変数に入れます）。"
            )
        out, err = _as_float_array(out, "結果")
        if err is not None:
            return err
        hidden = _relu(x @ W1 + b1)  # (N, D) @ (D, H) + (H,) -> (N, H)
        expected = hidden @ W2 + b2  # (N, H) @ (H, K) + (K,) -> (N, K)
        if out.shape == expected.shape and np.allclose(out, expected, rtol=1e-5, atol=1e-6):
            continue
        for mistake, hint in _TWO_LAYER_MISTAKES:
            try:  # with different sizes most mistakes do not run
                wrong = mistake(*originals)
            except ValueError:
                continue
            if out.shape == wrong.shape and np.allclose(out, wrong, rtol=1e-5, atol=1e-6):
                return Feedback(False, hint)
        if out.shape != expected.shape:
            if out.shape == hidden.shape:
                problem = _HIDDEN_ONLY
            elif out.shape == expected.shape[::-1]:
                problem = _TRANSPOSED
            else:
                problem = ""
            return Feedback(
                False,
                f"{shapes} に対して形 {expected.shape} を返してください"
                f"（返り値の形: {out.shape}）。{problem}",
            )
        n, k = np.argwhere(~np.isclose(out, expected, rtol=1e-5, atol=1e-6))[0]
        return Feedback(
            False,
            f"値が違います（{shapes}）: 結果の [{n}, {k}] は {expected[n, k]:.4f} になるはずが "
            f"{out[n, k]:.4f} でした。h = ReLU(x @ W1 + b1)、出力 = h @ W2 + b2 です。",
        )
    return Feedback(
        True,
        "どの形でも、ReLU(x @ W1 + b1) @ W2 + b2 で N 個の例を 2 層に通せています。",
    )


#: (w, b, x, T) of 課題6: x is never 0 or ±1, b never 0, O − T never 0, so that each mistake shows.
GRAD_WB_CASES = [(0.5, 0.25, 2.0, 3.0), (-1.0, 0.5, -1.5, 1.0), (2.0, -1.0, 0.5, -0.5)]


def _squared_error(w: float, b: float, x: float, T: float) -> float:
    out = w * x + b  # the neuron's output O
    return 0.5 * (T - out) ** 2  # E_n


def _numerical_grad_wb(w: float, b: float, x: float, T: float, h: float = 1e-5):
    """(∂E_n/∂w, ∂E_n/∂b) by central differences: each parameter moved by ±h, the other fixed."""
    dE_dw = (_squared_error(w + h, b, x, T) - _squared_error(w - h, b, x, T)) / (2 * h)
    dE_db = (_squared_error(w, b + h, x, T) - _squared_error(w, b - h, x, T)) / (2 * h)
    return dE_dw, dE_db


_SIGN = (
    "の符号が逆です。E_n = ½(T − O)² を O で微分すると、内側の (T − O) を O で微分した −1 が"
    "掛かって ∂E_n/∂O = −(T − O) = O − T になります。"
)
_TWICE = "が 2 倍になっています。½(T − O)² を微分すると、2 乗から出る 2 と ½ が打ち消し合います。"
_NO_B = "O を w x だけで計算しています。O = w x + b なので、誤差の計算にも b を入れてください。"

#: Typical wrong values of ∂E_n/∂w in 課題6 and the hint for each (O = w x + b).
_DW_MISTAKES = [
    (lambda w, b, x, T: (T - (w * x + b)) * x, "∂E_n/∂w " + _SIGN),
    (
        lambda w, b, x, T: w * x + b - T,
        "∂E_n/∂w に x が掛かっていません。連鎖律で ∂E_n/∂O = O − T に ∂O/∂w = x を掛けます。",
    ),
    (
        lambda w, b, x, T: T - (w * x + b),
        "∂E_n/∂w の符号が逆で、x も掛かっていません。連鎖律で ∂E_n/∂O = O − T に ∂O/∂w = x を"
        "掛けます。",
    ),
    (
        lambda w, b, x, T: x,
        "∂E_n/∂w が ∂O/∂w = x だけになっています。連鎖律では、O を通る外側の微分 "
        "∂E_n/∂O = O − T も掛けます。",
    ),
    (lambda w, b, x, T: 2 * (w * x + b - T) * x, "∂E_n/∂w " + _TWICE),
    (lambda w, b, x, T: (w * x - T) * x, _NO_B),
    (
        lambda w, b, x, T: (w * x + b - T) * w,
        "∂E_n/∂w に w を掛けています。O = w x + b を w で微分すると x です。",
    ),
]

#: Typical wrong values of ∂E_n/∂b in 課題6 and the hint for each.
_DB_MISTAKES = [
    (lambda w, b, x, T: T - (w * x + b), "∂E_n/∂b " + _SIGN),
    (
        lambda w, b, x, T: (w * x + b - T) * x,
        "∂E_n/∂b に x が掛かっています。O = w x + b を b で微分すると 1 なので、"
        "∂E_n/∂b = (O − T) × 1 です。",
    ),
    (
        lambda w, b, x, T: 1.0,
        "∂E_n/∂b が ∂O/∂b = 1 だけになっています。連鎖律では、∂E_n/∂O = O − T も掛けます。",
    ),
    (lambda w, b, x, T: 2 * (w * x + b - T), "∂E_n/∂b " + _TWICE),
    (lambda w, b, x, T: w * x - T, _NO_B),
]


def _pair(out):
    """The answer as two numbers, or None."""
    if isinstance(out, str):
        return None
    try:
        values = list(out)
    except TypeError:
        return None
    if len(values) != 2:
        return None
    values = [_number(v) for v in values]
    return None if None in values else values


def _matches(answers, formula) -> bool:
    return all(
        np.isclose(got, formula(*case), rtol=1e-6, atol=1e-5)
        for got, case in zip(answers, GRAD_WB_CASES, strict=True)
    )


def check_grad_wb(grad_wb) -> Feedback:
    """第0回 課題6: ``grad_wb(w, b, x, T)`` returns ``(∂E_n/∂w, ∂E_n/∂b)`` of
    ``E_n = ½ (T − O)²`` with ``O = w x + b``, i.e. ``((O − T) x, O − T)``, compared with central
    differences; the typical mistakes (sign, the factor x, the chain through O, the factor 2,
    b left out of O, the two values swapped) are named."""
    dws, dbs = [], []
    for case in GRAD_WB_CASES:
        out, err = _call(grad_wb, *case)
        if err is not None:
            return err
        if out is None:
            return Feedback(False, "値が返っていません。return を書き忘れていませんか？")
        pair = _pair(out)
        if pair is None:
            return Feedback(
                False,
                "∂E_n/∂w と ∂E_n/∂b の 2 つの数を、return dE_dw, dE_db のようにカンマで区切って"
                f"返してください（w, b, x, T = {case} の返り値: {out!r}）。",
            )
        dws.append(pair[0])
        dbs.append(pair[1])
    numerical = [_numerical_grad_wb(*case) for case in GRAD_WB_CASES]
    dw_ok = _matches(dws, lambda *case: _numerical_grad_wb(*case)[0])
    db_ok = _matches(dbs, lambda *case: _numerical_grad_wb(*case)[1])
    if dw_ok and db_ok:
        return Feedback(
            True,
            "連鎖律で求めた ∂E_n/∂w = (O − T) x と ∂E_n/∂b = O − T が、"
            "どの例でも数値微分と一致しています。",
        )
    if _matches(dws, lambda w, b, x, T: w * x + b - T) and _matches(
        dbs, lambda w, b, x, T: (w * x + b - T) * x
    ):
        return Feedback(
            False,
            "∂E_n/∂w と ∂E_n/∂b が入れ替わっています。return dE_dw, dE_db の順に返してください。",
        )
    for answers, ok, mistakes, name, index in [
        (dws, dw_ok, _DW_MISTAKES, "∂E_n/∂w", 0),
        (dbs, db_ok, _DB_MISTAKES, "∂E_n/∂b", 1),
    ]:
        if ok:
            continue
        for formula, hint in mistakes:
            if _matches(answers, formula):
                return Feedback(False, hint)
        for got, want, case in zip(answers, numerical, GRAD_WB_CASES, strict=True):
            if not np.isclose(got, want[index], rtol=1e-6, atol=1e-5):
                w, b, x, T = case
                return Feedback(
                    False,
                    f"w={w}, b={b}, x={x}, T={T} のとき、{name} は数値微分で約 "
                    f"{want[index]:.4f} ですが、返り値は {got:.4f} でした。"
                    "O = w x + b、∂E_n/∂O = O − T から連鎖律で求めてください。",
                )
    raise AssertionError("unreachable: some answer differs")  # pragma: no cover
