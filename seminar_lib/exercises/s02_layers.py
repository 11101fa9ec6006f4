"""Checkers of session 2, 課題2-5: the student's own layers and two-layer network (notebook
``02_mlp_softmax.ipynb``).

The layers are written in the textbook style the library trains: ``forward`` keeps what
``backward`` needs, ``backward(dout)`` returns the gradient of the input and stores the
parameters' gradients in a dict ``grads`` with the keys of ``params``; nothing is modified in
place. Each checker runs the student's class on known cases and names the typical mistake it
finds (transposes swapped, a bias gradient not summed over the batch, a ReLU mask taken from
``dout`` or not kept per layer, a loss gradient not divided by N, an argument modified).
"""

from __future__ import annotations

import numpy as np

from seminar_lib.exercises._feedback import Feedback, _as_float_array, _call, _number
from seminar_lib.exercises._layer_checks import _array_answer, _grad_hint, _make_layer, _run

__all__ = [
    "check_affine_layer",
    "check_relu_layer",
    "check_softmax_with_loss",
    "check_two_layer_net",
]


# --- 課題2-4: layers --------------------------------------------------------------------------


def check_affine_layer(layer_class) -> Feedback:
    """第2回 課題2: ``layer_class(W, b)`` is a fully connected layer ``Y = XW + b`` with
    ``params``/``grads`` dicts ``{"W", "b"}``; ``forward(x)`` keeps what ``backward(dout)``
    needs; ``backward`` stores dW, db in ``grads`` and returns dx; nothing modified in place."""
    rng = np.random.default_rng(22)
    n, d, h = 5, 3, 2  # distinct sizes, so a transposed answer has the wrong shape
    W, b = rng.standard_normal((d, h)), rng.standard_normal(h)
    x, dout = rng.standard_normal((n, d)), rng.standard_normal((n, h))
    layer, err = _make_layer(layer_class, W.copy(), b.copy())
    if err is not None:
        return err
    params = getattr(layer, "params", None)
    if not isinstance(params, dict) or set(params) != {"W", "b"}:
        return Feedback(
            False,
            'self.params を {"W": W, "b": b} の辞書にしてください（最適化手法はこの辞書の'
            "配列を更新します）。",
        )
    out, err = _run(layer.forward, (x,), (x.copy(),), ("x",), "forward ")
    if err is not None:
        return err
    out, err = _array_answer(out, (n, h), "forward の出力")
    if err is not None:
        return err
    if np.allclose(out, x @ W, atol=1e-6):
        return Feedback(False, "forward でバイアス b を足していません: Y = XW + b です。")
    if not np.allclose(out, x @ W + b, atol=1e-6):
        return Feedback(False, "forward の値が XW + b と違います。")
    dx, err = _run(layer.backward, (dout,), (dout.copy(),), ("dout",), "backward ")
    if err is not None:
        return err
    if dx is None:
        return Feedback(False, "backward は入力の勾配 dx を return で返してください。")
    grads = getattr(layer, "grads", None)
    if not isinstance(grads, dict) or not {"W", "b"} <= set(grads):
        return Feedback(
            False,
            'backward で self.grads["W"] と self.grads["b"] に勾配を入れてください'
            "（params と同じキーです）。",
        )
    shapes = "dx は x と同じ (N, D)、dW は W と同じ (D, H)、db は b と同じ (H,)"
    expected = {"dW": x.T @ dout, "db": dout.sum(axis=0), "dx": dout @ W.T}
    answers = {"dW": grads["W"], "db": grads["b"], "dx": dx}
    for name, want in expected.items():
        got, err = _as_float_array(answers[name], f"{name} ")
        if err is not None:
            return err
        if name != "dx" and got.shape == want.shape and not got.any():
            key = name[1:]
            return Feedback(
                False,
                f'{name} が 0 のままです。backward で self.grads["{key}"] = ... と勾配を'
                "入れてください。",
            )
        hint = _grad_hint(name, got, want, n, shapes)
        if hint is not None:
            return Feedback(False, hint)
    W_new = rng.standard_normal((d, h))
    layer.params["W"][...] = W_new  # an optimizer changes the arrays of params in place
    x2 = rng.standard_normal((n - 1, d))
    out2, err = _run(layer.forward, (x2,), (x2.copy(),), ("x",), "2 回目の forward ")
    if err is not None:
        return err
    if not np.allclose(np.asarray(out2, dtype=float), x2 @ W_new + b, atol=1e-6):
        return Feedback(
            False,
            'forward では self.params["W"] と self.params["b"] を使ってください。最適化手法が '
            "params の配列を書き換えたとき、その新しい重みで計算される必要があります。",
        )
    return Feedback(True, "forward も backward も正しく、dx・dW・db が一致しました。")


def check_relu_layer(layer_class) -> Feedback:
    """第2回 課題3: ``layer_class()`` is a ReLU layer: ``forward(x)`` returns max(x, 0) and keeps
    the mask of positive inputs; ``backward(dout)`` lets the gradient through where the input
    was positive; neither modifies its argument; each instance keeps its own mask."""
    rng = np.random.default_rng(23)
    x = rng.standard_normal((4, 3)) + 0.1  # no exact zeros; both signs
    dout = rng.standard_normal((4, 3))  # both signs where x > 0 and where x <= 0
    layer, err = _make_layer(layer_class)
    if err is not None:
        return err
    out, err = _run(layer.forward, (x,), (x.copy(),), ("x",), "forward ")
    if err is not None:
        if "書き換えて" in err.message:
            return Feedback(
                False,
                f"{err.message} x[x <= 0] = 0 ではなく、np.maximum(x, 0) や x * mask のように"
                "新しい配列を作りましょう。",
            )
        return err
    out, err = _array_answer(out, x.shape, "forward の出力")
    if err is not None:
        return err
    if not np.allclose(out, np.maximum(x, 0)):
        return Feedback(False, "forward の値が max(x, 0) と違います。")
    dx, err = _run(layer.backward, (dout,), (dout.copy(),), ("dout",), "backward ")
    if err is not None:
        if "書き換えて" in err.message:
            return Feedback(
                False,
                f"{err.message} dout[self.mask] = 0 は、上流から来た配列を壊します。"
                "dout * self.mask のように新しい配列を作りましょう。",
            )
        return err
    dx, err = _array_answer(dx, x.shape, "backward の出力 dx")
    if err is not None:
        return err
    if not np.allclose(dx, dout * (x > 0)):
        if np.allclose(dx, dout * (dout > 0)):
            return Feedback(
                False,
                "勾配を通すかどうかを dout の正負で決めています。決めるのは順伝播の入力 x が"
                "正だったかどうかです。forward で mask = (x > 0) を self に保存しましょう。",
            )
        if np.allclose(dx, dout):
            return Feedback(
                False,
                "dout をそのまま返しています。入力が 0 以下だったところの勾配は 0 です。",
            )
        if np.allclose(dx, dout * (x <= 0)):
            return Feedback(False, "mask が逆です。勾配を通すのは入力が正だったところです。")
        return Feedback(False, "dx の値が違います。dx = dout × (入力 x が正なら 1、それ以外は 0)。")
    try:  # two ReLU layers of one network, run forward one after the other
        first, second = layer_class(), layer_class()
        first.forward(x.copy())
        second.forward(-x)  # the opposite signs
        dx_first = np.asarray(first.backward(dout.copy()), dtype=float)
    except Exception as exc:  # noqa: BLE001 -- reported, not raised
        return Feedback(False, f"2 つ目の ReLU 層を作って使うとエラーが出ました: {exc!r}")
    if not np.allclose(dx_first, dout * (x > 0)):
        return Feedback(
            False,
            "2 つの ReLU 層を順に forward すると、1 つ目の backward が 2 つ目の mask を使いました。"
            "mask はクラス変数やグローバル変数ではなく、self.mask に保存しましょう"
            "（ネットワークの中には ReLU 層がいくつもあります）。",
        )
    return Feedback(True, "forward も backward も正しく、入力も dout も書き換えていません。")


def _expected_loss(logits, y):
    e = np.exp(logits - logits.max(axis=1, keepdims=True))
    probs = e / e.sum(axis=1, keepdims=True)  # (N, K)
    T = np.eye(logits.shape[1])[y]  # (N, K)
    return float(-np.log(probs[np.arange(len(y)), y]).mean()), probs, T


def check_softmax_with_loss(layer_class) -> Feedback:
    """第2回 課題4: ``layer_class()`` with ``forward(logits, y)`` -> the mean cross-entropy of
    the softmax of ``logits`` (N, K) against class ids ``y`` (N,), and ``backward(dout=1.0)`` ->
    ``dout * (O - T) / N``; stable for large logits; ``logits`` not modified."""
    rng = np.random.default_rng(24)
    n, k = 4, 3
    logits = rng.standard_normal((n, k))
    y = np.array([0, 2, 1, 2])
    layer, err = _make_layer(layer_class)
    if err is not None:
        return err
    loss, err = _run(
        layer.forward, (logits, y), (logits.copy(), y.copy()), ("logits", "y"), "forward "
    )
    if err is not None:
        if "IndexError" in err.message or "broadcast" in err.message:
            return Feedback(
                False,
                f"{err.message} y は正解のクラス番号 (N,) です（例: [0, 2, 1, 2]）。one-hot の"
                " T (N, K) が要るなら np.eye(K)[y] で作れます。",
            )
        return err
    want, probs, T = _expected_loss(logits, y)
    value = _number(loss)
    if value is None:
        if np.shape(loss) == (n,):
            return Feedback(
                False,
                "例ごとの誤差を返しています。バッチの平均を 1 つの数で返してください（.mean()）。",
            )
        return Feedback(False, f"forward は誤差を 1 つの数で返してください（返り値: {loss!r}）。")
    if not np.isclose(value, want, atol=1e-5):
        if np.isclose(value, want * n, atol=1e-5):
            return Feedback(
                False,
                f"誤差がバッチの合計になっています。N = {n} で割って平均にしてください。",
            )
        return Feedback(
            False,
            f"forward の誤差が違います（{value:.4f}、正しくは {want:.4f}）。"
            "正解クラスの確率 O の -log を、バッチで平均します。",
        )
    grad, err = _run(layer.backward, (), (), (), "backward ")
    if err is not None:
        if "positional argument" in err.message:
            return Feedback(
                False,
                "backward() を引数なしで呼べるように、def backward(self, dout=1.0) と"
                "既定値を書いてください（誤差の層は逆伝播の出発点です）。",
            )
        return err
    grad, err = _array_answer(grad, (n, k), "backward の出力")
    if err is not None:
        return err
    want_grad = (probs - T) / n
    if not np.allclose(grad, want_grad, atol=1e-6):
        if np.allclose(grad, want_grad * n, atol=1e-6):
            return Feedback(
                False,
                f"勾配が O - T のままです。誤差はバッチの平均なので、N = {n} で割ります: "
                "(O - T) / N。",
            )
        if np.allclose(grad, -want_grad, atol=1e-6) or np.allclose(grad, -want_grad * n):
            return Feedback(False, "勾配の符号が逆です。O - T の順に引きます。")
        return Feedback(False, "backward の勾配が (O - T) / N と違います。")
    doubled, err = _run(layer.backward, (2.0,), (2.0,), ("dout",), "backward(2.0) ")
    if err is not None:
        return err
    if not np.allclose(np.asarray(doubled, dtype=float), 2 * want_grad, atol=1e-6):
        return Feedback(False, "backward(dout) では、(O - T) / N に dout を掛けて返してください。")
    big = logits * 3 + 1000.0
    with np.errstate(all="ignore"):
        loss_big, err = _run(layer.forward, (big, y), (big.copy(), y.copy()), ("logits", "y"), "")
    if err is not None:
        return err
    value_big = _number(loss_big)
    if value_big is None or not np.isclose(value_big, _expected_loss(big, y)[0], atol=1e-5):
        return Feedback(
            False,
            "logits が 1000 のように大きいと誤差が nan や inf になります。exp の前に各行の最大値を"
            "引く（課題1）か、F.softmax を使いましょう。",
        )
    gap = np.array([[0.0, 1000.0]])  # 正解クラス 0 の確率は exp(-1000): 0 に丸められる
    with np.errstate(all="ignore"):
        loss_gap, err = _run(
            layer.forward, (gap, np.array([0])), (gap.copy(), np.array([0])), ("logits", "y"), ""
        )
    if err is not None:
        return err
    value_gap = _number(loss_gap)
    if value_gap is None or not np.isclose(value_gap, 1000.0, rtol=1e-6):
        return Feedback(
            False,
            "logits = [[0, 1000]]、正解 0 のとき誤差は 1000 のはずですが、"
            f"{loss_gap!r} になりました。正解クラスの確率 O が 0 に丸められるので、"
            "np.log(O) ではなく log-softmax x - max - log(sum(exp(x - max))) で"
            " log O を求めましょう。",
        )
    return Feedback(True, "誤差も勾配 (O - T) / N も正しく、大きな logits でもあふれません。")


# --- 課題5: the two-layer network --------------------------------------------------------------


def check_two_layer_net(make_net) -> Feedback:
    """第2回 課題5: ``make_net(num_inputs, num_hiddens, num_outputs, rng, dtype=np.float32)``
    returns a ``Sequential`` of the student's affine, ReLU and affine layers with He-initialised
    weights (std sqrt(2 / fan_in)) drawn from ``rng``, zero biases and ``dtype`` arrays, whose
    backpropagation agrees with numerical gradients."""
    from seminar_lib.gradcheck import check_gradients
    from seminar_lib.layers import SoftmaxCrossEntropy

    net, err = _call(make_net, 400, 50, 10, np.random.default_rng(0), np.float32)
    if err is not None:
        if "positional argument" in err.message:
            return Feedback(
                False,
                f"{err.message} 引数は (num_inputs, num_hiddens, num_outputs, rng, dtype) です。",
            )
        return err
    params = getattr(net, "params", None)
    layers = getattr(net, "layers", None)
    if not isinstance(params, dict) or not isinstance(layers, list):
        return Feedback(
            False,
            "Sequential([...]) で層をつないだネットワークを返してください"
            f"（返り値: {type(net).__name__}）。",
        )
    if len(layers) != 3:
        return Feedback(
            False,
            f"層は 3 つ（全結合層, ReLU, 全結合層）です（受け取った層の数: {len(layers)}）。",
        )
    library = [
        type(layer).__name__ for layer in layers if type(layer).__module__.startswith("seminar_lib")
    ]
    if library:
        return Feedback(
            False,
            f"ライブラリの層 {library} ではなく、課題2・3 で作った自分の層を使いましょう。",
        )
    shapes = {"0.W": (400, 50), "0.b": (50,), "2.W": (50, 10), "2.b": (10,)}
    got = {k: np.shape(v) for k, v in params.items()}
    if got != shapes:
        return Feedback(
            False,
            f"make_net(400, 50, 10, ...) のパラメータの形が {got} です。"
            f"正しくは {shapes} です（W1: (D, H), b1: (H,), W2: (H, K), b2: (K,)）。",
        )
    wrong_dtype = [k for k, v in params.items() if np.asarray(v).dtype != np.float32]
    if wrong_dtype:
        return Feedback(
            False,
            f"dtype=np.float32 のとき {wrong_dtype} が float32 になっていません。"
            ".astype(dtype) で、引数の dtype に合わせてください。",
        )
    for key, fan_in in (("0.W", 400), ("2.W", 50)):
        std, he = float(np.std(params[key])), np.sqrt(2 / fan_in)
        if std == 0:
            return Feedback(
                False,
                f"{key} がすべて同じ値です。重みが同じだと中間層のユニットがみな同じ計算をして、"
                "学習しても同じままです（対称性）。rng から乱数で初期化しましょう。",
            )
        if not 0.7 * he < std < 1.4 * he:
            return Feedback(
                False,
                f"{key} の標準偏差が {std:.3g} です。He の初期値の標準偏差は "
                f"√(2 / 入力の数) = {he:.3g} です。",
            )
    if any(np.any(np.asarray(params[key]) != 0) for key in ("0.b", "2.b")):
        return Feedback(False, "バイアスは 0 から始めましょう（np.zeros）。")
    again, _ = _call(make_net, 400, 50, 10, np.random.default_rng(0), np.float32)
    other, _ = _call(make_net, 400, 50, 10, np.random.default_rng(1), np.float32)
    same_seed = again is not None and np.array_equal(again.params["0.W"], params["0.W"])
    other_seed = other is not None and not np.array_equal(other.params["0.W"], params["0.W"])
    if not (same_seed and other_seed):
        return Feedback(
            False,
            "重みは引数の rng から引いてください（rng.standard_normal(...)）。"
            "np.random.randn では、同じ rng から同じネットワークが作れません。",
        )
    small, err = _call(make_net, 4, 5, 3, np.random.default_rng(2), np.float64)
    if err is not None:
        return err
    data = np.random.default_rng(3)
    X, y = data.standard_normal((6, 4)), data.integers(0, 3, size=6)
    try:
        errors = check_gradients(small, SoftmaxCrossEntropy(), X, y)
    except Exception as exc:  # noqa: BLE001 -- reported, not raised
        return Feedback(False, f"勾配確認の途中でエラーが出ました: {type(exc).__name__}: {exc}")
    worst = max(errors, key=errors.get)
    if errors[worst] > 1e-5:
        return Feedback(
            False,
            f"勾配確認で {worst} の相対誤差が {errors[worst]:.1e} です（1e-5 未満が合格）。"
            "課題2・3 の層の backward を見直しましょう。",
        )
    return Feedback(True, "形・初期値・乱数の使い方が正しく、勾配確認も合格です。")
