"""Checkers for the exercises (課題): instant feedback in Japanese.

Each checker runs the student's answer on known cases and returns a :class:`Feedback`, which
shows as one line in the notebook: a pass, or a specific hint (wrong shape, wrong value on which
input, an error raised, not implemented yet). Checkers never raise because of the answer.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from seminar_lib.datasets import logic_gate
from seminar_lib.functions import sigmoid, sigmoid_grad, softmax
from seminar_lib.gradcheck import numerical_gradient

__all__ = [
    "Feedback",
    "check_accuracy",
    "check_affine_backward",
    "check_cifar_row",
    "check_conv_output_size",
    "check_edge_filter",
    "check_flatten_images",
    "check_gate_weights",
    "check_lstm_step",
    "check_make_windows",
    "check_maxpool_forward",
    "check_normalize_rows",
    "check_one_hot",
    "check_perceptron",
    "check_rnn_step",
    "check_select_class",
    "check_sigmoid_grad",
    "check_softmax",
    "check_squares_of_evens",
    "check_standardize",
    "check_temperature_softmax",
    "check_to_float_images",
    "check_xor",
]


@dataclass(frozen=True)
class Feedback:
    """Result of a checker: ``passed`` and a Japanese ``message``; shown as one line."""

    passed: bool
    message: str

    def __bool__(self) -> bool:
        return self.passed

    def __repr__(self) -> str:
        return ("✅ 正解です！ " if self.passed else "❌ もう一歩です: ") + self.message


def _call(fn, *args):
    """Run the student's function; return (result, None) or (None, Feedback for the error)."""
    if not callable(fn):
        return None, Feedback(
            False, f"関数を渡してください（受け取ったのは {type(fn).__name__} です）。"
        )
    try:
        return fn(*args), None
    except NotImplementedError:
        return None, Feedback(
            False,
            "まだ実装されていません。raise NotImplementedError の行を消して実装してください。",
        )
    except Exception as exc:  # noqa: BLE001 -- any failure of the answer is reported
        return None, Feedback(False, f"実行中にエラーが出ました: {type(exc).__name__}: {exc}")


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


# ------------------------------------------------------------------------------- session 2
def _as_float_array(out, what: str):
    """The answer as a float array, or (None, Feedback) when it is not numbers."""
    if out is None:
        return None, Feedback(False, "値が返っていません。return を書き忘れていませんか？")
    try:
        return np.asarray(out, dtype=float), None
    except (TypeError, ValueError):
        return None, Feedback(False, f"{what}を数の配列で返してください（返り値: {out!r}）。")


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


# ------------------------------------------------------------------------------- session 3
#: (H, FH, S, P) cases of 課題1 of session 3, chosen so that every typical mistake shows:
#: padding on both sides, a stride that does not divide (floor), AlexNet's first layer.
CONV_SIZE_CASES = [
    (28, 3, 1, 0),
    (28, 3, 1, 1),
    (28, 5, 1, 2),
    (28, 2, 2, 0),
    (7, 3, 2, 1),
    (6, 3, 2, 0),
    (224, 11, 4, 2),
    (32, 5, 1, 0),
]

#: Typical wrong formulas of the output size and the hint for each.
_CONV_SIZE_MISTAKES = [
    (
        lambda H, FH, S, P: (H - FH) // S + 1,
        "パディング P を忘れています。上下（左右）に P ずつ足すので、H + 2P - FH です。",
    ),
    (
        lambda H, FH, S, P: (H + P - FH) // S + 1,
        "パディングは両側に付くので、P ではなく 2P を足します: H + 2P - FH。",
    ),
    (
        lambda H, FH, S, P: (H + 2 * P - FH) // S,
        "最後の + 1 を忘れています。窓の最初の位置の 1 つ分を数えましょう。",
    ),
    (
        lambda H, FH, S, P: H + 2 * P - FH + 1,
        "ストライド S で割っていません。窓は S 画素ずつ動きます: (H + 2P - FH) // S + 1。",
    ),
    (
        lambda H, FH, S, P: -(-(H + 2 * P - FH) // S) + 1,
        "割り切れないときに切り上げています。はみ出す窓は数えないので、// で切り捨てます。",
    ),
]


def _number(value):
    """``value`` as a float, or None when it is not one number."""
    if isinstance(value, bool):
        return None
    try:
        array = np.asarray(value, dtype=float)
    except (TypeError, ValueError):
        return None
    return float(array) if array.shape == () else None


def check_conv_output_size(output_size) -> Feedback:
    r"""第3回 課題1: ``output_size(input_size, filter_size, stride, padding)`` returns
    :math:`OH = \lfloor (H + 2P - FH) / S \rfloor + 1` (an integer) for every case of
    :data:`CONV_SIZE_CASES`."""
    answers = []
    for H, FH, S, P in CONV_SIZE_CASES:
        out, err = _call(output_size, H, FH, S, P)
        if err is not None:
            if "ZeroDivisionError" in err.message:
                return Feedback(
                    False,
                    f"H={H}, FH={FH}, S={S}, P={P} で 0 で割りました。パディング P で割って"
                    "いませんか？ 引数は (input_size, filter_size, stride, padding) の順です。",
                )
            return err
        if out is None:
            return Feedback(False, "値が返っていません。return を書き忘れていませんか？")
        value = _number(out)
        if value is None:
            return Feedback(
                False, f"出力の大きさを 1 つの整数で返してください（返り値: {out!r}）。"
            )
        answers.append(value)
    expected = [(H + 2 * P - FH) // S + 1 for H, FH, S, P in CONV_SIZE_CASES]
    if answers == expected:
        return Feedback(
            True,
            "ストライドとパディングのどの組み合わせでも、出力の大きさが正しく計算できています。",
        )
    for formula, hint in _CONV_SIZE_MISTAKES:
        if answers == [formula(*case) for case in CONV_SIZE_CASES]:
            return Feedback(False, hint)
    for (H, FH, S, P), value, want in zip(CONV_SIZE_CASES, answers, expected, strict=True):
        if value == want:
            continue
        where = f"H={H}, FH={FH}, S={S}, P={P} のとき"
        if value == (H + 2 * P - FH) / S + 1:
            return Feedback(
                False,
                f"{where} {value:g} になりました。割り切れないときは、はみ出す窓を数えないので "
                f"// で切り捨てて整数にします（正しくは {want}）。",
            )
        return Feedback(
            False,
            f"{where} {want} になるはずが {value:g} でした。OH = (H + 2P - FH) // S + 1 です。",
        )
    raise AssertionError("unreachable: some answer differs")  # pragma: no cover


def _maxpool_reference(x: np.ndarray) -> np.ndarray:
    N, C, H, W = x.shape
    return x.reshape(N, C, H // 2, 2, W // 2, 2).max(axis=(3, 5))  # (N, C, H/2, W/2)


def check_maxpool_forward(max_pool) -> Feedback:
    """第3回 課題2: ``max_pool(x)`` is 2x2 max pooling with stride 2 of ``x`` (N, C, H, W)
    (H and W even): the largest value of each window, channel by channel, shape
    (N, C, H/2, W/2); ``x`` is not modified."""
    rng = np.random.default_rng(3)
    inputs = [
        rng.standard_normal((2, 3, 4, 6)),  # N, C, H, W all different; values of both signs
        -rng.uniform(1, 2, (1, 2, 6, 2)),  # every value negative; another shape
    ]
    for x in inputs:
        original = x.copy()
        out, err = _call(max_pool, x)
        if err is not None:
            return err
        if not np.array_equal(x, original):
            return Feedback(
                False, "引数の配列 x を書き換えています。結果は新しい配列に入れてください。"
            )
        out, err = _as_float_array(out, "プーリングの結果")
        if err is not None:
            return err
        N, C, H, W = x.shape
        want = (N, C, H // 2, W // 2)
        if out.shape != want:
            if out.shape == x.shape:
                problem = (
                    "入力と同じ形のままです。2×2 の窓を 2 画素ずつ動かすので、縦横が半分です。"
                )
            elif out.shape == (N, C, W // 2, H // 2):
                problem = "縦 (H) と横 (W) の軸が入れ替わっています。"
            elif out.shape in {(N, H // 2, W // 2), (N, 1, H // 2, W // 2)}:
                problem = (
                    "チャンネルの軸 C までまとめて最大値をとっています。"
                    "プーリングはチャンネルごとに行うので、C 軸は残します。"
                )
            else:
                problem = ""
            return Feedback(
                False,
                f"x.shape={x.shape} に対して形 {want} (N, C, H/2, W/2) を返してください"
                f"（返り値の形: {out.shape}）。{problem}",
            )
        expected = _maxpool_reference(x)
        if np.allclose(out, expected):
            continue
        windows = x.reshape(N, C, H // 2, 2, W // 2, 2)
        if np.allclose(out, windows.mean(axis=(3, 5))):
            return Feedback(
                False, "窓の平均をとっています（平均プーリング）。最大値 max をとってください。"
            )
        if np.allclose(out, windows.min(axis=(3, 5))):
            return Feedback(False, "窓の最小値をとっています。最大値 max をとってください。")
        if np.allclose(out, x[:, :, ::2, ::2]):
            return Feedback(
                False,
                "各窓の左上の値を取り出しているだけです（間引き）。2×2 の窓の 4 つの値の"
                "最大値をとってください。",
            )
        if np.allclose(out, np.maximum(expected, 0)):
            return Feedback(
                False,
                "値がすべて負の窓で 0 が返っています。最大値の初期値を 0 にしていませんか？"
                "窓の中の値だけから最大値を選んでください（初期値は -np.inf か、窓の最初の値）。",
            )
        if np.allclose(out, x.reshape(N, C, H // 2, W // 2, 4).max(axis=-1)):
            return Feedback(
                False,
                "窓の取り方が違います。reshape(N, C, H // 2, W // 2, 4) だと、同じ行の横に並んだ "
                "4 つの値が 1 つの窓になってしまいます。縦と横を別々に分けて "
                "reshape(N, C, H // 2, 2, W // 2, 2) とし、axis=(3, 5) で最大値をとりましょう。",
            )
        n, c, i, j = np.argwhere(~np.isclose(out, expected))[0]
        return Feedback(
            False,
            f"out[{n}, {c}, {i}, {j}] は、x[{n}, {c}, {2 * i}:{2 * i + 2}, {2 * j}:{2 * j + 2}] "
            f"の最大値 {expected[n, c, i, j]:.4f} になるはずが {out[n, c, i, j]:.4f} でした。",
        )
    return Feedback(
        True, "どの形の入力でも、チャンネルごとに 2×2 の最大値プーリングができています。"
    )


def _correlate_valid(image: np.ndarray, kernel: np.ndarray) -> np.ndarray:
    """What a convolution layer computes for one channel (no flip, no padding), float64."""
    from numpy.lib.stride_tricks import sliding_window_view

    windows = sliding_window_view(image, kernel.shape)  # (OH, OW, KH, KW)
    return np.einsum("ijuv,uv->ij", windows, kernel)


def check_edge_filter(kernel) -> Feedback:
    """第3回 課題3: a 3x3 ``kernel`` that responds to a vertical edge (dark | bright) and gives
    0 on a horizontal edge and on a flat image (either sign of the response is fine)."""
    try:
        K = np.asarray(kernel, dtype=float)
    except (TypeError, ValueError):
        return Feedback(
            False, f"フィルタを 3×3 の数の配列で作ってください（受け取ったのは {kernel!r}）。"
        )
    if K.shape != (3, 3):
        return Feedback(False, f"フィルタの形は (3, 3) にしてください（受け取った形: {K.shape}）。")
    if not np.all(np.isfinite(K)):
        return Feedback(False, "フィルタに nan や inf が入っています。")
    size = np.abs(K).sum()
    if size == 0:
        return Feedback(False, "要素が全部 0 のフィルタは、どんな画像にも反応しません。")
    step = (np.arange(8) >= 4).astype(float)  # 0 0 0 0 1 1 1 1
    vertical = np.tile(step, (8, 1))  # (8, 8): left dark, right bright: a vertical edge
    horizontal = vertical.T  # top dark, bottom bright: a horizontal edge
    flat = np.ones((8, 8))
    r_vertical, r_horizontal, r_flat = (
        np.abs(_correlate_valid(img, K)).max() / size for img in (vertical, horizontal, flat)
    )
    tolerance = 1e-6
    if r_flat > tolerance:
        return Feedback(
            False,
            "明るさが一定の平らな所でも反応しています（出力が 0 になりません）。"
            f"要素の和を 0 にしましょう（いまの和: {K.sum():g}）。",
        )
    if r_horizontal > tolerance and r_vertical <= tolerance:
        return Feedback(
            False,
            "横のエッジ（上下で明るさが変わる所）にだけ反応しています。縦と横が逆です: "
            "フィルタを転置 (kernel.T) してみましょう。",
        )
    if r_horizontal > tolerance:
        return Feedback(
            False,
            "縦のエッジだけでなく、横のエッジにも反応しています。上下方向には変化を見ないように、"
            "各行の和を 0 にしましょう"
            f"（いまの行ごとの和: {np.round(K.sum(axis=1), 4).tolist()}）。",
        )
    if r_vertical <= tolerance:
        return Feedback(
            False,
            "縦のエッジ（左右で明るさが変わる所）に反応していません。"
            "左の列と右の列に符号の違う値を置きましょう（例: 左の列を -1、右の列を +1）。",
        )
    return Feedback(True, "縦のエッジにだけ反応し、横のエッジと平らな所では 0 になるフィルタです。")


# --- Session 0: Python and NumPy ---
def _squares_of_evens_reference(n: int) -> list[int]:
    return [i**2 for i in range(n) if i % 2 == 0]


#: The values of n of 課題1 of session 0: the empty range, odd and even ends.
SQUARES_OF_EVENS_CASES = [0, 1, 2, 3, 7, 10, 11]

#: Typical wrong answers of 課題1 of session 0 and the hint for each.
_SQUARES_OF_EVENS_MISTAKES = [
    (
        lambda n: [i**2 for i in range(n)],
        "奇数の 2 乗も入っています。if を使って、偶数だけを選んでください。",
    ),
    (
        lambda n: [i**2 for i in range(n) if i % 2 == 1],
        "奇数の 2 乗になっています。偶数は「2 で割った余りが 0」の数です。",
    ),
    (
        lambda n: [i for i in range(n) if i % 2 == 0],
        "偶数そのものが並んでいます。2 乗してください（i**2 または i * i）。",
    ),
    (
        lambda n: [2 * i for i in range(n) if i % 2 == 0],
        "2 乗ではなく 2 倍になっています。2 乗は i**2 です。",
    ),
    (
        lambda n: [i**2 for i in range(n + 1) if i % 2 == 0],
        "n 自身も含めています。range(n) は 0 から n - 1 までで、n を含みません。",
    ),
    (
        lambda n: [i**2 for i in range(1, n) if i % 2 == 0],
        "0 が抜けています。range(n) は 0 から始まり、0 も偶数です。",
    ),
    (
        lambda n: [(2 * i) ** 2 for i in range(n)],
        "偶数を n 個作っています。求めるのは range(n) の中（0 以上 n 未満）にある偶数の 2 乗です。",
    ),
]


def check_squares_of_evens(squares_of_evens) -> Feedback:
    """第0回 課題1: ``squares_of_evens(n)`` returns the list of the squares of the even numbers
    of ``range(n)``, in increasing order, as a Python ``list`` (``[]`` for n = 0)."""
    answers = []
    for n in SQUARES_OF_EVENS_CASES:
        out, err = _call(squares_of_evens, n)
        if err is not None:
            return err
        if out is None:
            return Feedback(False, "値が返っていません。return を書き忘れていませんか？")
        if not isinstance(out, list):
            kind = type(out).__name__
            if kind == "generator":
                hint = (
                    "丸かっこ ( ... ) で囲むとジェネレータになります。"
                    "リスト内包表記は角かっこ [ ... ] で書きます。"
                )
            elif isinstance(out, np.ndarray):
                hint = "NumPy の配列ではなく、Python のリストで返してください。"
            else:
                hint = "角かっこ [ ... ] のリスト内包表記で作ってみましょう。"
            return Feedback(False, f"リスト (list) を返してください（返り値の型: {kind}）。{hint}")
        values = [_number(v) for v in out]
        if any(v is None for v in values):
            return Feedback(
                False, f"リストの要素は 1 つずつの数にしてください（n={n} の返り値: {out!r}）。"
            )
        answers.append(values)
    expected = [_squares_of_evens_reference(n) for n in SQUARES_OF_EVENS_CASES]
    if answers == expected:
        return Feedback(True, "n が 0 のときも含めて、偶数の 2 乗のリストを正しく作れています。")
    for mistake, hint in _SQUARES_OF_EVENS_MISTAKES:
        if answers == [mistake(n) for n in SQUARES_OF_EVENS_CASES]:
            return Feedback(False, hint)
    for n, got, want in zip(SQUARES_OF_EVENS_CASES, answers, expected, strict=True):
        if got != want:
            shown = [int(v) if v.is_integer() else v for v in got]
            return Feedback(False, f"n={n} のとき {want} になるはずが {shown} でした。")
    raise AssertionError("unreachable: some answer differs")  # pragma: no cover


def check_flatten_images(flatten_images) -> Feedback:
    """第0回 課題2: ``flatten_images(images)`` turns ``images`` (N, 28, 28) into (N, 784), each
    row one image read row by row (C order), the dtype unchanged, ``images`` not modified."""
    rng = np.random.default_rng(0)
    for n in (5, 1, 3):  # several N, so that a hard-coded number of images shows
        images = rng.integers(0, 256, size=(n, 28, 28), dtype=np.uint8)
        original = images.copy()
        out, err = _call(flatten_images, images)
        if err is not None:
            if "reshape" in err.message:
                return Feedback(
                    False,
                    f"{err.message} 画像 {n} 枚の入力で reshape できませんでした。"
                    "枚数を数字で決め打ちにしていませんか？ 枚数は len(images) か -1 で書けます。",
                )
            return err
        if images.shape != original.shape or not np.array_equal(images, original):
            return Feedback(
                False,
                "引数の配列 images を書き換えています（images.shape = ... など）。"
                "reshape の結果を新しい変数に入れて返してください。",
            )
        if out is None:
            return Feedback(False, "値が返っていません。return を書き忘れていませんか？")
        if not isinstance(out, np.ndarray):
            return Feedback(
                False, f"NumPy の配列で返してください（返り値の型: {type(out).__name__}）。"
            )
        if out.shape != (n, 784):
            if out.shape == (n * 784,):
                problem = "全部の画像が 1 本のベクトルにつながっています。1 行に 1 枚ずつにします。"
            elif out.shape == (784, n):
                problem = "縦と横が逆です。行が画像 1 枚、列が 784 個の画素です。"
            else:
                problem = ""
            return Feedback(
                False,
                f"images.shape={images.shape} に対して形 ({n}, 784) を返してください"
                f"（返り値の形: {out.shape}）。{problem}",
            )
        if out.dtype != images.dtype:
            return Feedback(
                False,
                f"dtype が {images.dtype} から {out.dtype} に変わっています。"
                "形だけを変えて、値と dtype はそのままにしてください。",
            )
        if np.array_equal(out, images.transpose(0, 2, 1).reshape(n, 784)):
            return Feedback(
                False,
                "画素の並び順が違います（縦の列ごとに並んでいます）。"
                "1 行目の 28 画素、2 行目の 28 画素、… の順に並べてください。",
            )
        if not np.array_equal(out, original.reshape(n, 784)):
            i, j = np.argwhere(out != original.reshape(n, 784))[0]
            return Feedback(
                False,
                f"値が違います: 結果の [{i}, {j}] は images[{i}, {j // 28}, {j % 28}] "
                f"= {original[i, j // 28, j % 28]} になるはずが {out[i, j]} でした。",
            )
    return Feedback(True, "何枚の画像でも (N, 28, 28) を (N, 784) に並べ直せています。")


def check_normalize_rows(normalize_rows) -> Feedback:
    """第0回 課題3: ``normalize_rows(X)`` returns ``X`` (N, D) with each row divided by its sum
    (every row sums to 1), the same shape, without modifying ``X``; non-square and square
    inputs, so that a wrong axis or a missing ``keepdims=True`` shows."""
    rng = np.random.default_rng(1)
    inputs = [
        np.array([[1.0, 2.0, 1.0], [3.0, 3.0, 6.0]]),  # (2, 3): row sums 4 and 12
        rng.uniform(0.5, 2.0, size=(3, 3)),  # square: X / X.sum(axis=1) runs, but is wrong
        rng.uniform(0.5, 2.0, size=(4, 2)),
    ]
    for X in inputs:
        original = X.copy()
        with np.errstate(all="ignore"):
            out, err = _call(normalize_rows, X)
        if err is not None:
            if "broadcast" in err.message:
                return Feedback(
                    False,
                    f"形 {X.shape} の X で、形が合わずに割り算できませんでした（broadcast の"
                    "エラー）。行ごとの和を (N, 1) の形で残すと (N, D) の配列を割れます: "
                    "sum の keepdims=True を使ってみましょう。",
                )
            return err
        if not np.array_equal(X, original):
            return Feedback(
                False,
                "引数の配列 X を書き換えています。X /= ... ではなく、X / ... のように"
                "新しい配列を作って返してください。",
            )
        out, err = _as_float_array(out, "結果")
        if err is not None:
            return err
        if out.shape != X.shape:
            return Feedback(
                False,
                f"形 {X.shape} の X に対して同じ形 {X.shape} の配列を返してください"
                f"（返り値の形: {out.shape}）。",
            )
        row_sums = original.sum(axis=1, keepdims=True)  # (N, 1)
        expected = original / row_sums  # (N, D) / (N, 1) -> (N, D)
        if np.allclose(out, expected, atol=1e-6):
            continue
        if np.allclose(out, original / original.sum(axis=0, keepdims=True), atol=1e-6):
            return Feedback(
                False,
                "列ごと (axis=0) の和で割っています。各行の和が 1 になるように、"
                "行ごと (axis=1) の和で割ってください。",
            )
        if np.allclose(out, original / original.sum(), atol=1e-6):
            return Feedback(
                False, "配列全体の和で割っています。行ごと (axis=1) の和で割ってください。"
            )
        if X.shape[0] == X.shape[1] and np.allclose(out, original / row_sums.T, atol=1e-6):
            return Feedback(
                False,
                f"正方形の X (形 {X.shape}) で値が違います。行ごとの和を形 (N,) のまま割ると、"
                "ブロードキャストで列の方向に並んでしまいます。keepdims=True で (N, 1) の形に"
                "残してから割りましょう。",
            )
        if np.allclose(out.sum(axis=1), 1.0, atol=1e-6):
            i, j = np.argwhere(~np.isclose(out, expected, atol=1e-6))[0]
            return Feedback(
                False,
                f"各行の和は 1 ですが、値が違います: 形 {X.shape} の X で、結果の [{i}, {j}] は "
                f"{expected[i, j]:.4f} になるはずが {out[i, j]:.4f} でした。"
                "各要素を、その行の和で割ってください。",
            )
        return Feedback(
            False,
            f"各行の和が 1 になっていません（形 {X.shape} の X で、行ごとの和: "
            f"{np.round(out.sum(axis=1), 4).tolist()}）。各要素をその行の和で割ってください。",
        )
    return Feedback(True, "どの形の X でも、各行の和が 1 になり、X も書き換えていません。")


def check_select_class(select_class) -> Feedback:
    """第0回 課題4: ``select_class(images, labels, k)`` returns the images (M, 28, 28) whose
    label is ``k``, in their original order, as a NumPy array ((0, 28, 28) when there is
    none), without modifying the arguments."""
    rng = np.random.default_rng(2)
    labels = np.array([3, 1, 3, 0, 2, 3, 1, 1, 0, 3, 2, 1], dtype=np.uint8)  # (12,)
    images = rng.integers(0, 256, size=(len(labels), 28, 28), dtype=np.uint8)
    originals = (images.copy(), labels.copy())
    for k in (3, 1, 7):  # 7 does not occur: the answer is an empty (0, 28, 28) array
        out, err = _call(select_class, images, labels, k)
        if err is not None:
            return err
        if not (np.array_equal(images, originals[0]) and np.array_equal(labels, originals[1])):
            return Feedback(False, "引数の配列 (images, labels) を書き換えないでください。")
        if out is None:
            return Feedback(False, "値が返っていません。return を書き忘れていませんか？")
        if not isinstance(out, np.ndarray):
            return Feedback(
                False,
                f"NumPy の配列で返してください（返り値の型: {type(out).__name__}）。"
                "ブールインデックス images[マスク] を使うと、配列のまま取り出せます。",
            )
        chosen = np.flatnonzero(originals[1] == k)  # the indices of the wanted images
        want = (len(chosen), 28, 28)
        if np.array_equal(out, originals[0][originals[1] != k]):
            return Feedback(
                False, f"ラベルが {k} ではない画像を選んでいます。等しいかどうかの比較は == です。"
            )
        if out.shape != want:
            n = len(labels)
            if out.shape == (n,) and out.dtype == bool:
                problem = (
                    "True/False の配列（マスク）そのものを返しています。"
                    "マスクを images の [ ] に入れて、画像を取り出してください。"
                )
            elif len(chosen) == 0:
                problem = (
                    "1 枚もないときも 3 次元の配列が必要です。"
                    "空のリストから np.array を作ると、形 (0,) になってしまいます。"
                )
            elif out.shape == (len(chosen),):
                problem = "ラベルを取り出しています。取り出すのは画像 images の方です。"
            elif out.shape == (28, 28):
                problem = "画像が 1 枚だけです。ラベルが k の画像をすべて取り出してください。"
            elif out.ndim == 3 and out.shape[0] > n:
                problem = (
                    f"渡した images は {n} 枚なのに、返り値は {out.shape[0]} 枚です。"
                    "x_train などではなく、引数の images と labels を使ってください。"
                )
            else:
                problem = ""
            return Feedback(
                False,
                f"k={k} では、ラベルが {k} の画像は {len(chosen)} 枚なので、形 {want} を返して"
                f"ください（返り値の形: {out.shape}）。{problem}",
            )
        if np.array_equal(out, originals[0][chosen]):
            continue
        return Feedback(
            False,
            f"k={k} で選んだ画像が違います。ラベルが {k} なのは {chosen.tolist()} 番目の画像"
            "です。元の順番のまま取り出してください。",
        )
    return Feedback(True, "ブールインデックスで、ラベルが k の画像だけを正しく取り出せています。")


# --- Session 4: data shaping ---
def _cifar_row_reference(image: np.ndarray) -> np.ndarray:
    return image.transpose(2, 0, 1).reshape(3072)  # (H, W, C) -> (C, H, W) -> (3072,)


def check_cifar_row(image_to_row) -> Feedback:
    """第4回 課題1: ``image_to_row(image)`` turns one image (32, 32, 3) uint8 into the row
    (3072,) uint8 that CIFAR-10 stores: the 1024 red values row by row, then the 1024 green,
    then the 1024 blue values; ``image`` is not modified."""
    rng = np.random.default_rng(4)
    for _ in range(2):  # random pixels: every ordering mistake gives other values
        image = rng.integers(0, 256, size=(32, 32, 3), dtype=np.uint8)
        original = image.copy()
        out, err = _call(image_to_row, image)
        if err is not None:
            return err
        if not np.array_equal(image, original):
            return Feedback(
                False, "引数の配列 image を書き換えています。結果は新しい配列で返してください。"
            )
        if out is None:
            return Feedback(False, "値が返っていません。return を書き忘れていませんか？")
        try:
            row = np.asarray(out)
        except (TypeError, ValueError):
            return Feedback(False, f"NumPy の配列で返してください（返り値: {out!r}）。")
        if row.shape != (3072,):
            if row.shape == (3, 32, 32):
                problem = (
                    "チャンネルを先頭にした (C, H, W) のままです。"
                    "最後に reshape(3072) で 1 列に並べます。"
                )
            elif row.shape in {(3, 1024), (1024, 3), (1, 3072), (3072, 1)}:
                problem = "2 次元のままです。1 次元の (3072,) にしてください。"
            elif row.shape == image.shape:
                problem = "画像の形のままです。"
            else:
                problem = ""
            return Feedback(
                False,
                f"形 (3072,) の 1 次元の配列を返してください（返り値の形: {row.shape}）。{problem}",
            )
        expected = _cifar_row_reference(original)
        if np.array_equal(row, original.reshape(3072)):
            return Feedback(
                False,
                "画素ごとに R, G, B が交互に並んでいます（画像の (H, W, C) の順のまま）。"
                "CIFAR-10 では先に R を 1024 個、次に G を 1024 個、最後に B を 1024 個並べます。"
                "transpose(2, 0, 1) でチャンネルの軸を先頭に移してから reshape してください。",
            )
        if np.array_equal(row, original.transpose(2, 1, 0).reshape(3072)):
            return Feedback(
                False,
                "色ごとに分けられていますが、各色の中で縦と横が入れ替わっています"
                "（列ごとに並んでいます）。transpose(2, 0, 1) で (C, H, W) にしてください。",
            )
        if np.array_equal(row, original[:, :, ::-1].transpose(2, 0, 1).reshape(3072)):
            return Feedback(
                False, "色の順番が B, G, R になっています。CIFAR-10 は R, G, B の順です。"
            )
        if not np.array_equal(row.astype(np.int64), expected.astype(np.int64)):
            k = int(np.flatnonzero(row.astype(np.int64) != expected)[0])
            c, rest = divmod(k, 1024)
            i, j = divmod(rest, 32)
            return Feedback(
                False,
                f"row[{k}] は image[{i}, {j}, {c}]（{'RGB'[c]} の {i} 行 {j} 列）"
                f"= {expected[k]} になるはずが {row[k]} でした。",
            )
        if row.dtype != np.uint8:
            return Feedback(
                False,
                f"値は正しいのですが、dtype が {row.dtype} です。"
                "CIFAR-10 は 1 つの値を 1 バイトの uint8 で保存します。"
                "dtype は変えないでください。",
            )
    return Feedback(
        True, "CIFAR-10 と同じ順番（R の 1024 個、G の 1024 個、B の 1024 個）に並べられました。"
    )


def check_one_hot(one_hot_fn) -> Feedback:
    """第4回 課題2: ``one_hot_fn(y, num_classes)`` turns class ids ``y`` (N,) into a float array
    (N, num_classes) with a single 1 in column ``y[i]`` of row ``i``; ``y`` is not modified.
    Some classes do not occur in ``y``, and N differs from ``num_classes``."""
    cases = [
        (np.array([2, 0, 1, 2, 4]), 6),  # class 5 never occurs; N != K
        (np.array([3, 9, 0, 0, 7, 1, 1, 5, 2, 8, 6, 4], dtype=np.uint8), 10),  # uint8 labels
        (np.array([1]), 3),
    ]
    for y, num_classes in cases:
        original = y.copy()
        out, err = _call(one_hot_fn, y, num_classes)
        if err is not None:
            if "IndexError" in err.message:
                return Feedback(
                    False,
                    f"{err.message} 配列の大きさが足りません。列の数は y の最大値ではなく "
                    "num_classes で決めてください。",
                )
            return err
        if not np.array_equal(y, original):
            return Feedback(False, "引数の配列 y を書き換えないでください。")
        if out is None:
            return Feedback(False, "値が返っていません。return を書き忘れていませんか？")
        try:
            array = np.asarray(out)
        except (TypeError, ValueError):
            return Feedback(False, f"NumPy の配列で返してください（返り値: {out!r}）。")
        n = len(y)
        expected = np.zeros((n, num_classes))
        expected[np.arange(n), y] = 1
        if array.shape != (n, num_classes):
            if array.shape == (num_classes, n):
                problem = "行と列が逆です。行が 1 つの例、列がクラスです。"
            elif array.shape == (n, int(y.max()) + 1):
                problem = (
                    "列の数を y の最大値 + 1 で決めていませんか？ y に出てこないクラスもあるので、"
                    "num_classes を使ってください。"
                )
            elif array.shape == (n,):
                problem = "1 次元のままです。"
            else:
                problem = ""
            return Feedback(
                False,
                f"y の長さ {n}、num_classes={num_classes} のとき、形 ({n}, {num_classes}) の"
                f"配列を返してください（返り値の形: {array.shape}）。{problem}",
            )
        if not np.issubdtype(array.dtype, np.number) or array.dtype == bool:
            return Feedback(
                False,
                f"0 と 1 の float (np.float32) の配列で返してください（dtype: {array.dtype}）。",
            )
        values = array.astype(float)
        if not np.array_equal(values, expected):
            ones = (values == 1).sum(axis=1)
            if n > 1 and np.any(ones > 1):
                return Feedback(
                    False,
                    "1 が 2 つ以上ある行があります。out[:, y] = 1 だと、y に出てくる列が"
                    "すべての行で 1 になります。行ごとに 1 か所だけ、"
                    "out[np.arange(N), y] = 1 のように行の番号と列の番号を組にして指定します。",
                )
            if any(np.array_equal(values, np.roll(expected, s, axis=1)) for s in (-1, 1)):
                return Feedback(
                    False,
                    "1 の位置が 1 つずれています。クラス k の 1 は、0 から数えて k 番目の列"
                    "（out[i, y[i]]）に置きます。y - 1 や y + 1 にしていませんか？",
                )
            i = int(np.flatnonzero(np.any(values != expected, axis=1))[0])
            return Feedback(
                False,
                f"y[{i}] = {y[i]} の行は {expected[i].astype(int).tolist()} になるはずが "
                f"{np.round(values[i], 4).tolist()} でした。",
            )
        if not np.issubdtype(array.dtype, np.floating):
            return Feedback(
                False,
                f"値は正しいのですが、dtype が {array.dtype} です。"
                "誤差関数の計算に使うので、float (np.float32) の配列にしてください。",
            )
    return Feedback(True, "y に出てこないクラスがあっても、正しい形の one-hot 表現が作れています。")


def _standardize_with(X, mean, std):
    return (X - mean) / std


def check_standardize(standardize) -> Feedback:
    """第4回 課題3: ``standardize(X_train, X_test)`` returns ``(Z_train, Z_test)``: both splits
    shifted and scaled feature by feature (axis 0) with the mean and standard deviation of
    ``X_train`` only (either ``ddof``); the arguments are not modified. Using the statistics of
    ``X_test``, or of both splits together, is data leakage."""
    rng = np.random.default_rng(5)
    mean, scale = np.array([10.0, -3.0, 0.5, 200.0]), np.array([2.0, 0.5, 0.1, 40.0])
    X_train = rng.normal(mean, scale, size=(60, 4))  # (N, D) with N != D
    X_test = rng.normal(mean + 1.5 * scale, 2 * scale, size=(25, 4))  # other statistics
    originals = (X_train.copy(), X_test.copy())
    out, err = _call(standardize, X_train, X_test)
    if err is not None:
        if "broadcast" in err.message:
            return Feedback(
                False,
                f"{err.message} 平均を axis=1 でとっていませんか？ 特徴（列）ごとの平均は "
                "axis=0 で、形は (D,) です。",
            )
        return err
    if not (np.array_equal(X_train, originals[0]) and np.array_equal(X_test, originals[1])):
        return Feedback(
            False,
            "引数の配列を書き換えています（X_train -= ... など）。X_train - mean のように"
            "新しい配列を作ってください。",
        )
    try:
        answers = tuple(out)
    except TypeError:
        answers = ()
    if len(answers) != 2:
        return Feedback(
            False, "Z_train, Z_test の 2 つを return Z_train, Z_test で返してください。"
        )
    arrays = []
    for name, value in zip(("Z_train", "Z_test"), answers, strict=True):
        array, err = _as_float_array(value, f"{name} ")
        if err is not None:
            return err
        arrays.append(array)
    Z_train, Z_test = arrays
    X_tr, X_te = originals
    if Z_train.shape == X_te.shape and Z_test.shape == X_tr.shape:
        return Feedback(False, "返す順番が逆です。return Z_train, Z_test の順に返してください。")
    for name, Z, X in (("Z_train", Z_train, X_tr), ("Z_test", Z_test, X_te)):
        if Z.shape != X.shape:
            return Feedback(
                False, f"{name} の形が {Z.shape} です。入力と同じ形 {X.shape} にしてください。"
            )
    mu = X_tr.mean(axis=0)  # (D,)
    good = [(_standardize_with(X_tr, mu, X_tr.std(axis=0, ddof=d)), d) for d in (0, 1)]
    for Z_ref, ddof in good:
        std = X_tr.std(axis=0, ddof=ddof)
        if np.allclose(Z_train, Z_ref, atol=1e-5) and np.allclose(
            Z_test, _standardize_with(X_te, mu, std), atol=1e-5
        ):
            return Feedback(
                True, "訓練データの平均と標準偏差だけで、訓練とテストの両方を変換できています。"
            )
    train_ok = any(np.allclose(Z_train, Z_ref, atol=1e-5) for Z_ref, _ in good)

    def close(Z, X, m, s):
        return np.allclose(Z, _standardize_with(X, m, s), atol=1e-5)

    both = np.concatenate([X_tr, X_te])
    if close(Z_train, X_tr, both.mean(axis=0), both.std(axis=0)) or close(
        Z_train, X_tr, both.mean(axis=0), both.std(axis=0, ddof=1)
    ):
        return Feedback(
            False,
            "訓練とテストを合わせたデータで平均と標準偏差を計算しています。これではテストデータの"
            "情報が前処理を通して訓練に漏れてしまいます（データリーク, data leakage）。"
            "平均と標準偏差は X_train だけから計算してください。",
        )
    if train_ok and (
        close(Z_test, X_te, X_te.mean(axis=0), X_te.std(axis=0))
        or close(Z_test, X_te, X_te.mean(axis=0), X_te.std(axis=0, ddof=1))
    ):
        return Feedback(
            False,
            "テストデータを、テストデータ自身の平均と標準偏差で変換しています。本番ではテストの"
            "データは 1 枚ずつ届くので、その統計は使えません（使うとデータリークです）。"
            "テストにも、訓練データで求めた平均と標準偏差を使ってください。",
        )
    if train_ok:
        return Feedback(
            False,
            "Z_train は正しいのですが、Z_test が違います。テストにも訓練データの平均と"
            "標準偏差を使って (X_test - mean) / std を計算してください。",
        )
    if close(Z_train, X_tr, X_tr.mean(), X_tr.std()):
        return Feedback(
            False,
            "配列全体で 1 つの平均と標準偏差を計算しています。特徴（列）ごとに計算するので、"
            "mean(axis=0), std(axis=0) を使ってください。",
        )
    if close(Z_train, X_tr, X_tr.mean(axis=1, keepdims=True), X_tr.std(axis=1, keepdims=True)):
        return Feedback(
            False,
            "例（行）ごとに平均と標準偏差を計算しています (axis=1)。特徴（列）ごとなので "
            "axis=0 です。",
        )
    if np.allclose(Z_train, X_tr - mu, atol=1e-5):
        return Feedback(False, "平均を引いただけです。さらに標準偏差で割ってください。")
    if np.allclose(Z_train, (X_tr - mu) / X_tr.var(axis=0), atol=1e-5):
        return Feedback(
            False, "分散で割っています。分散の平方根の標準偏差 std(axis=0) で割ってください。"
        )
    return Feedback(
        False,
        "Z_train の値が違います。特徴ごとに、訓練データの平均 mean(axis=0) を引いて標準偏差 "
        f"std(axis=0) で割ってください（正しければ各列の平均は 0、標準偏差は 1 です。いまの"
        f"各列の平均: {np.round(Z_train.mean(axis=0), 3).tolist()}）。",
    )


def check_to_float_images(to_float_images) -> Feedback:
    """第4回 課題4: ``to_float_images(images)`` turns uint8 images (N, 28, 28) into float32
    images (N, 28, 28, 1) in [0, 1] (divided by 255), the input for Keras; ``images`` is not
    modified."""
    rng = np.random.default_rng(6)
    for n in (5, 1, 3):  # several N, so that a hard-coded number of images shows
        images = rng.integers(0, 256, size=(n, 28, 28), dtype=np.uint8)
        images[0, 0, :2] = (0, 255)  # both ends of the range occur
        original = images.copy()
        out, err = _call(to_float_images, images)
        if err is not None:
            if "reshape" in err.message:
                return Feedback(
                    False,
                    f"{err.message} 画像 {n} 枚の入力で reshape できませんでした。枚数を数字で"
                    "決め打ちにしていませんか？ 枚数は len(images) か -1 で書けます。",
                )
            return err
        if not np.array_equal(images, original):
            return Feedback(False, "引数の配列 images を書き換えないでください。")
        if out is None:
            return Feedback(False, "値が返っていません。return を書き忘れていませんか？")
        if not isinstance(out, np.ndarray):
            return Feedback(
                False, f"NumPy の配列で返してください（返り値の型: {type(out).__name__}）。"
            )
        want = (n, 28, 28, 1)
        if out.shape != want:
            if out.shape == (n, 28, 28):
                problem = (
                    "チャンネルの軸がありません。最後に大きさ 1 の軸を足します: "
                    "images[..., np.newaxis] か reshape(-1, 28, 28, 1)。"
                )
            elif out.shape == (n, 1, 28, 28):
                problem = (
                    "チャンネルが先頭 (N, C, H, W) になっています。Keras はチャンネルが最後 "
                    "(N, H, W, C) です。"
                )
            else:
                problem = ""
            return Feedback(
                False,
                f"images.shape={images.shape} に対して形 {want} を返してください"
                f"（返り値の形: {out.shape}）。{problem}",
            )
        values = out[..., 0].astype(np.float64)
        expected = original / 255.0
        if not np.allclose(values, expected, atol=1e-3):  # float16 is close: its dtype is named
            if np.allclose(values, original):
                problem = "値が 0〜255 のままです。255 で割って 0〜1 にしてください。"
            elif np.allclose(values, original / 256.0, atol=1e-6):
                problem = "256 で割っています。最大値 255 が 1 になるように 255 で割ってください。"
            elif np.array_equal(values, original // 255):
                problem = (
                    "値が 0 と 1 だけになっています。// は切り捨ての割り算です。"
                    "/ で割ってください。"
                )
            else:
                problem = "各画素を 255 で割った値にしてください。"
            return Feedback(False, f"値が違います。{problem}")
        if out.dtype != np.float32:
            return Feedback(
                False,
                f"値は正しいのですが、dtype が {out.dtype} です。Keras の計算に合わせて float32 "
                "にしてください（astype(np.float32)）。float64 はメモリを 2 倍使います。",
            )
    return Feedback(
        True, "何枚の画像でも、Keras に渡せる (N, 28, 28, 1) の float32 にできています。"
    )


# ------------------------------------------------------------------------------- session 6
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
    r"""第6回 課題2: ``lstm_step(x, h_prev, c_prev, Wx, Wh, b)`` returns ``(h, c)`` of one LSTM
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


def check_make_windows(make_windows_fn) -> Feedback:
    """第6回 課題3: ``make_windows_fn(series, input_len, horizon)`` cuts a 1-D series (T,) into
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
    r"""第6回 課題4: ``temperature_softmax(logits, temperature)`` returns the probabilities
    :math:`\mathrm{softmax}(\text{logits} / T)` (V,), without overflow for logits near 1000 and
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
                False, "引数の logits を書き換えないでください（logits /= T ではなく logits / T）。"
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
        where = f"logits={logits.tolist()}, T={temperature:g}"
        if not np.all(np.isfinite(out)):
            return Feedback(
                False,
                f"{where} で nan や inf が出ました。exp がオーバーフローしています。exp の前に "
                "z = logits / T の最大値を引きましょう（引いても確率は変わりません）。",
            )
        if temperature != 1 and np.allclose(out, softmax(logits) ** (1 / temperature)):
            return Feedback(
                False,
                f"{where} のとき: 確率を 1/T 乗しただけでは和が 1 になりません。最後に和で割るか、"
                "logits / T の softmax を計算してください。",
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
                (softmax(logits * temperature), "T で割るところを、T を掛けています。"),
                (softmax(logits), "温度 T を使っていません。logits / T の softmax です。"),
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
