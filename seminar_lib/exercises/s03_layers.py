"""Checker of session 3's own layer (``03_deep_cnn.ipynb``, 課題5): inverted dropout written by
the student as a class with ``forward(x, training=False)`` and ``backward(dout)``, which then
trains inside the library's ``Sequential`` with ``fit``."""

from __future__ import annotations

import numpy as np

from seminar_lib.exercises._feedback import Feedback, _uses_forbidden
from seminar_lib.exercises._layer_checks import _array_answer, _make_layer, _run
from seminar_lib.layers import Dropout
from seminar_lib.models import _takes_training

__all__ = ["check_dropout_layer"]

_RATE = 0.3


def check_dropout_layer(layer_class) -> Feedback:
    """第3回 課題5: ``layer_class(rate, rng)`` is an inverted-dropout layer: in training each value
    is 0 with probability ``rate``, else multiplied by 1 / (1 - rate), with a new mask at every
    call; at inference ``forward`` returns ``x`` unchanged; ``backward`` applies the forward
    pass's own mask; arguments are not modified and float32 stays float32."""
    layer, err = _make_layer(layer_class, _RATE, np.random.default_rng(0), example="MyDropout")
    if err is not None:
        return err
    if issubclass(layer_class, Dropout):
        return Feedback(
            False,
            "ライブラリの Dropout を継承しています。この課題は、ドロップアウトの forward と "
            "backward を自分で書く課題です。Dropout を使わずに書いてください。",
        )
    for method in [v for v in vars(layer_class).values() if callable(v)]:  # __init__ included
        err = _uses_forbidden(method, ["Dropout"], "ドロップアウトの forward と backward ")
        if err is not None:
            return err
    if not _takes_training(layer):
        return Feedback(
            False,
            "forward の引数は forward(self, x, training=False) のままにしてください。"
            "Sequential と fit は training という名前で学習中か推論かを伝えるので、"
            "名前が違う（train_flg など）と、ネットワークの中でドロップアウトが切り替わりません。",
        )
    rng = np.random.default_rng(3)
    x = rng.uniform(0.5, 1.5, size=(200, 50)).astype(np.float32)  # no zeros: a 0 is a drop
    dout = rng.standard_normal((200, 50)).astype(np.float32)

    out, err = _run(
        layer.forward, (x, False), (x.copy(), False), ("x", "training"), "推論の forward "
    )
    if err is not None:
        return err
    out, err = _array_answer(out, x.shape, "推論の forward の出力")
    if err is not None:
        return err
    if not np.allclose(out, x):
        if np.allclose(out, x * (1 - _RATE)) or np.allclose(out, x / (1 - _RATE)):
            return Feedback(
                False,
                "推論 (training=False) で値を何倍かしています。1 / (1 - r) 倍は学習中にだけ"
                "かけるので（逆ドロップアウト）、推論では x をそのまま返します。",
            )
        return Feedback(False, "推論 (training=False) では、x をそのまま返してください。")

    out, err = _run(
        layer.forward, (x, True), (x.copy(), True), ("x", "training"), "学習中の forward "
    )
    if err is not None:
        return err
    out_dtype = getattr(out, "dtype", None)  # before _array_answer makes it float64
    out, err = _array_answer(out, x.shape, "学習中の forward の出力")
    if err is not None:
        return err
    dropped = out == 0
    share = dropped.mean()  # about rate = 0.3 of 10000 values: 0.3 +- 0.014 (3 sigma)
    if not dropped.any():
        return Feedback(
            False,
            "学習中 (training=True) なのに、0 になった値がありません。forward(x, training=True) "
            "では、値ごとに確率 r で 0 にします。",
        )
    for axis, unit in ((0, "列"), (1, "行")):  # one draw per feature or per example
        if (dropped == dropped.take([0], axis=axis)).all():
            return Feedback(
                False,
                f"{unit}ごとにまとめて 0 になっています。マスクは x と同じ形の "
                "self.rng.random(x.shape) から引き、値 1 つずつ確率 rate で 0 にします。",
            )
    if abs(share - (1 - _RATE)) < 0.03:
        return Feedback(
            False,
            f"rate={_RATE} なのに、{share:.0%} の値が 0 になりました。rate は 0 にする割合です"
            "（残すのは 1 - rate）。比べる向き（>= と <）を確かめましょう。",
        )
    if abs(share - _RATE) > 0.03:
        return Feedback(
            False,
            f"rate={_RATE} なのに、{share:.0%} の値が 0 になりました。"
            "値ごとに確率 rate で 0 にします。",
        )
    kept = ~dropped
    if np.allclose(out[kept], x[kept]):
        return Feedback(
            False,
            "残った値がそのままです。残った値は 1 / (1 - r) 倍して、期待値を変えないように"
            "します（逆ドロップアウト）。",
        )
    if not np.allclose(out[kept], x[kept] / (1 - _RATE)):
        return Feedback(False, "残った値は、x の 1 / (1 - r) 倍にしてください。")
    if out_dtype != x.dtype:
        return Feedback(
            False,
            f"float32 の x から {out_dtype} の出力ができました。マスクを "
            "keep.astype(x.dtype) のように x と同じ型にすると、後ろの層も float32 のまま速く"
            "計算できます。",
        )

    dx, err = _run(layer.backward, (dout,), (dout.copy(),), ("dout",), "backward ")
    if err is not None:
        return err
    dx, err = _array_answer(dx, x.shape, "backward の出力 dx")
    if err is not None:
        return err
    expected = np.where(dropped, 0.0, dout / (1 - _RATE))
    if not np.allclose(dx, expected, atol=1e-6):
        if np.allclose(dx, dout):
            return Feedback(
                False,
                "dout をそのまま返しています。順伝播で 0 にした所には勾配が流れず、残った所は"
                "順伝播と同じく 1 / (1 - r) 倍になります。",
            )
        if np.allclose(dx[dropped], 0) and np.allclose(dx[kept], dout[kept]):
            return Feedback(False, "backward でも、残った所の勾配を 1 / (1 - r) 倍してください。")
        if not np.array_equal(dx == 0, dropped):
            return Feedback(
                False,
                "backward で 0 にした所が、直前の forward で 0 にした所と違います。backward で"
                "新しい乱数を引かずに、forward で self.mask に保存したマスクを使いましょう。",
            )
        return Feedback(False, "dx の値が違います。dx = dout × (forward と同じマスク)。")

    second = np.asarray(layer.forward(x, True))
    if np.array_equal(second == 0, dropped):
        return Feedback(
            False,
            "2 回の forward で、まったく同じ所が 0 になりました。ミニバッチごとに違うユニットを"
            "間引くので、forward のたびに self.rng から新しいマスクを引きましょう。",
        )
    layer.forward(x, False)
    dx_inference, err = _run(
        layer.backward, (dout,), (dout.copy(),), ("dout",), "推論の後の backward "
    )
    if err is not None:
        if "NoneType" in err.message:
            return Feedback(
                False,
                "推論 (training=False) の forward の後に backward を呼ぶと、マスクが None なので"
                "エラーになりました。推論では何もしていないので、self.mask が None のときは "
                "dout をそのまま返しましょう。",
            )
        return err
    if not np.allclose(np.asarray(dx_inference, dtype=float), dout):
        return Feedback(
            False,
            "推論 (training=False) の forward の後の backward は、dout をそのまま返します"
            "（前の学習中のマスクが残っていませんか）。",
        )
    return Feedback(
        True,
        f"rate={_RATE} で試すと、学習中は値の約 3 割を 0 にして残りを 1 / (1 - r) 倍し、"
        "推論では何もせず、"
        "backward は forward と同じマスクを使っています。",
    )
