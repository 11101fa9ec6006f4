"""Checker of session 4's Keras CNN: notebook ``04_data_cnn.ipynb`` (imported from ``s04_data``).

The student's model is compared layer by layer with the library's reference
:func:`seminar_lib.keras_models.build_fashion_cnn`, built afresh at every check, so the checker
follows any change of the reference architecture. Keras is imported inside the checker only:
importing this module does not import TensorFlow.
"""

from __future__ import annotations

from seminar_lib.exercises._feedback import Feedback, _call, _uses_forbidden

__all__ = ["check_fashion_cnn"]

_INPUT_HINT = "keras.Input(shape=(28, 28, 1))"
_NO_CHANNEL = f"入力にチャンネルの軸がありません。入力は {_INPUT_HINT} にしてください。"
_LOGITS_HINT = (
    "モデルはソフトマックスをかける前のロジットを出力します。ソフトマックスは誤差関数の中で"
    "計算されます（SparseCategoricalCrossentropy(from_logits=True)）。"
)

_NOT_THE_ANSWER = Feedback(
    False,
    "build_fashion_cnn() のモデルがそのまま返っています。build_fashion_cnn() を呼ばずに、"
    "keras.layers の層を自分で並べてください。",
)


def _kind(layer) -> str:
    """The layer's class name; ``Activation("relu")`` counts as ``ReLU`` (the same layer)."""
    name = type(layer).__name__
    if name == "Activation" and _activation(layer) == "relu":
        return "ReLU"
    return name


def _activation(layer) -> str:
    """The name of the layer's ``activation`` argument ("linear" when there is none)."""
    value = layer.get_config().get("activation") or "linear"
    return value if isinstance(value, str) else getattr(value, "__name__", str(value))


def _shape(shape) -> str:
    """A shape without the batch axis, e.g. ``(14, 14, 32)``."""
    return str(tuple(shape[1:]))


def _kernel(size) -> str:
    size = tuple(size)
    return f"kernel_size={size[0]}" if len(set(size)) == 1 else f"kernel_size={size}"


def _summary(model):
    """``[(layer, output shape, number of parameters)]`` without the input layer."""
    rows, shape = [], tuple(model.input_shape)
    for layer in model.layers:
        if type(layer).__name__ == "InputLayer":
            continue
        try:
            shape = tuple(layer.compute_output_shape(shape))
        except Exception:  # noqa: BLE001 -- a layer without shape inference: its own output
            shape = tuple(layer.output.shape)
        rows.append((layer, shape, layer.count_params()))
    return rows


def _conv_shape_hint(where, got, want, mine, ref) -> str:
    """Why a Conv2D's output shape ``got`` differs from ``want`` (``mine``/``ref``: configs)."""
    shapes = f"{where}の出力の形が {_shape(want)} のはずが {_shape(got)} でした。"
    if got[1:3] != want[1:3]:
        if mine["padding"] != ref["padding"]:
            if ref["padding"] == "same":
                if tuple(ref["strides"]) == (1, 1):
                    keep, valid = (
                        "畳み込みの前後で高さと幅が変わらない",
                        "端の kernel_size - 1 画素ぶん",
                    )
                else:
                    keep, valid = f"高さと幅がちょうど 1/{ref['strides'][0]} になる", "出力が"
                return (
                    f"{shapes}高さと幅が {want[1] - got[1]} 小さくなっています。"
                    f'padding="same" を付けて、{keep}ようにしてください（指定しないと '
                    'padding="valid" で、カーネルがはみ出さない位置だけを計算するので、'
                    f"{valid}小さくなります）。"
                )
            return f'{shapes}padding="{ref["padding"]}" にしてください。'
        if tuple(mine["strides"]) != tuple(ref["strides"]):
            stride = ref["strides"][0]
            if got[1] > want[1]:
                return (
                    f"{shapes}高さと幅が縮んでいません。この Conv2D は strides={stride} で"
                    f"高さと幅を 1/{stride} にします。strides={stride} を付けてください。"
                )
            if stride == 1:
                return (
                    f"{shapes}高さと幅が小さくなりすぎています。この Conv2D は高さと幅を"
                    "変えないので、strides=2 は付けません。strides=2 を付けるのは、"
                    "build_fashion_cnn() で高さと幅を半分にしている Conv2D だけです。"
                )
            return f"{shapes}この Conv2D は strides={stride} です。"
        if tuple(mine["kernel_size"]) != tuple(ref["kernel_size"]):
            return f"{shapes}カーネルの大きさは {_kernel(ref['kernel_size'])} です。"
        return shapes
    return (
        f"{shapes}フィルターの数（出力のチャンネル数）は {want[-1]} のはずが {got[-1]} でした"
        f"（filters={want[-1]}）。"
    )


def _params_hint(where, got, want, mine, ref) -> str:
    """Why a layer with the right output shape has ``got`` parameters instead of ``want``."""
    counts = f"{where}のパラメータの数が {want:,} のはずが {got:,} でした。"
    if mine.get("use_bias") and ref.get("use_bias") is False:
        units = mine.get("filters", mine.get("units"))
        if units is not None and got == want + units:
            return (
                f"{counts}バイアスの {units} 個が余分です。use_bias=False を付けてください。"
                "すぐ後の BatchNormalization が平均を引いてから β を足すので、"
                "バイアスは打ち消され、その役目は β が果たします。"
            )
    if ref.get("use_bias") and mine.get("use_bias") is False:
        return f"{counts}バイアスが足りません。この層には use_bias=False を付けません。"
    if "kernel_size" in ref and tuple(mine["kernel_size"]) != tuple(ref["kernel_size"]):
        return (
            f"{counts}カーネルの大きさは {_kernel(ref['kernel_size'])} のはずが "
            f"{_kernel(mine['kernel_size'])} でした。"
        )
    return counts


def _config_hint(i, where, mine, ref, ref_kinds, last) -> str | None:
    """A difference of two layers with the same class, output shape and parameter count."""
    if "kernel_size" in ref and tuple(mine["kernel_size"]) != tuple(ref["kernel_size"]):
        return f"{where}のカーネルの大きさは {_kernel(ref['kernel_size'])} です。"
    if "activation" in ref and mine.get("activation") != ref["activation"]:
        got, want = mine.get("activation"), ref["activation"]
        if ref_kinds[i + 1 : i + 3] == ["BatchNormalization", "ReLU"] and want == "linear":
            return (
                f'{where}に activation="{got}" が付いています。ReLU は BatchNormalization の'
                "後に置きます（Conv2D → BatchNormalization → ReLU）。Conv2D には activation を"
                "付けず、BatchNormalization の後に keras.layers.ReLU() を入れてください。"
            )
        if last and want == "linear":
            return f'最後の Dense に activation="{got}" が付いています。{_LOGITS_HINT}'
        return f'{where}の activation は "{want}" のはずが "{got}" でした。'
    if "rate" in ref and mine.get("rate") != ref["rate"]:
        return f"{where}の割合は rate={ref['rate']} のはずが rate={mine.get('rate')} でした。"
    return None


def _kind_hint(i, mine_kinds, ref_kinds) -> str:
    """The layer at position ``i`` is of another class than the reference's."""
    want, got = ref_kinds[i], mine_kinds[i]
    text = f"{i + 1} 番目の層は {want} のはずが {got} でした。"
    if mine_kinds[i + 1 : i + 2] == [want] and ref_kinds[i + 1 : i + 2] == [got]:
        order = " → ".join(ref_kinds[max(i - 1, 0) : i + 2])
        return f"{text}{want} と {got} の順番が逆です（正しい順番は {order}）。"
    if i + 1 < len(ref_kinds) and got == ref_kinds[i + 1]:
        after = f"{i} 番目の {ref_kinds[i - 1]} の後の" if i else "最初の"
        return f"{text}{after} {want} が抜けていませんか？"
    if i + 1 < len(mine_kinds) and mine_kinds[i + 1] == want:
        return f"{text}余分な {got} の層があるようです。"
    return text


def _length_hint(model_layers, ref_layers) -> str:
    n, m = len(ref_layers), len(model_layers)
    text = f"層の数が {n} のはずが {m} でした。"
    if m < n:
        missing = ", ".join(_kind(layer) for layer in ref_layers[m:])
        return f"{text}最後の {missing} が足りません。"
    extra = model_layers[n:]
    if any("softmax" in (type(x).__name__.lower(), _activation(x)) for x in extra):
        return f"{text}最後の Dense の後のソフトマックスは要りません。{_LOGITS_HINT}"
    return f"{text}最後の {', '.join(_kind(layer) for layer in extra)} は余分です。"


def _input_hint(model) -> str | None:
    try:
        shape = model.input_shape
    except (AttributeError, ValueError):
        return (
            "入力の形が決まっていません（モデルが作られていません）。層のリストを "
            f"{_INPUT_HINT} から始めてください。"
        )
    if shape == (None, 28, 28, 1):
        return None
    if shape == (None, 28, 28):
        return _NO_CHANNEL
    if shape == (None, 1, 28, 28):
        return (
            "チャンネルが先頭 (C, H, W) になっています。Keras ではチャンネルが最後なので、"
            f"入力は {_INPUT_HINT} です。"
        )
    return f"入力の形が {shape} です。Fashion-MNIST の画像に合わせて {_INPUT_HINT} にしてください。"


def _build_error_hint(err) -> Feedback:
    if "ndim=3" in err.message and "(None, 28, 28)" in err.message:
        return Feedback(False, f"{err.message} {_NO_CHANNEL}")
    return err


def check_fashion_cnn(build_model) -> Feedback:
    """第4回 5 節の課題: ``build_model()`` returns a new ``keras.Sequential`` CNN for Fashion-MNIST,
    input (28, 28, 1) and 10 logits out, with the same layers (class, output shape and number of
    parameters, in order) as :func:`seminar_lib.keras_models.build_fashion_cnn`."""
    from seminar_lib.keras_models import build_fashion_cnn, keras

    if isinstance(build_model, keras.layers.Layer):  # a Model is callable, but not the builder
        return Feedback(
            False,
            "モデルではなく、モデルを作る関数を渡してください（例: "
            "check_fashion_cnn(build_my_cnn)、関数名の後に () を付けません）。",
        )
    forbidden = _uses_forbidden(build_model, {"build_fashion_cnn"}, "CNN の層を並べるところ")
    if forbidden is not None:
        return forbidden
    model, err = _call(build_model)
    if err is not None:
        return _build_error_hint(err)
    if model is None:
        return Feedback(False, "値が返っていません。return を書き忘れていませんか？")
    if not isinstance(model, keras.Model):
        if isinstance(model, list | tuple):
            return Feedback(
                False,
                "層のリストが返っています。keras.Sequential([...]) で包んで、モデルにして"
                "返してください。",
            )
        return Feedback(
            False,
            f"keras.Model を返してください（返り値の型: {type(model).__name__}）。",
        )
    again, err = _call(build_model)
    if err is not None:
        return err
    if again is model:
        return Feedback(
            False,
            "2 回呼んで同じモデルが返りました。関数の中で keras.Sequential(...) を作って、"
            "呼ぶたびに新しいモデルを返してください（外で作ったモデルを返すと、学習済みの"
            "重みが次の実験に引き継がれてしまいます）。",
        )
    if model.name == "fashion_cnn":  # the reference itself, e.g. through another function
        return _NOT_THE_ANSWER
    problem = _input_hint(model)
    if problem is not None:
        return Feedback(False, problem)
    reference = build_fashion_cnn()
    ref = _summary(reference)
    try:
        mine = _summary(model)
    except Exception as exc:  # noqa: BLE001 -- e.g. a layer that was never built
        return Feedback(
            False,
            f"モデルの層を調べられませんでした（{type(exc).__name__}: {exc}）。"
            f"keras.Sequential([{_INPUT_HINT}, ...]) の形で作ってください。",
        )
    mine_kinds = [_kind(layer) for layer, _, _ in mine]
    ref_kinds = [_kind(layer) for layer, _, _ in ref]
    for i, ((layer, got, n_got), (ref_layer, want, n_want)) in enumerate(
        zip(mine, ref, strict=False)
    ):
        if mine_kinds[i] != ref_kinds[i]:
            return Feedback(False, _kind_hint(i, mine_kinds, ref_kinds))
        where = f"{i + 1} 番目の層（{ref_kinds[i]}）"
        last = i == len(ref) - 1
        config, ref_config = layer.get_config(), ref_layer.get_config()
        if got != want:
            if ref_kinds[i] == "Conv2D":
                return Feedback(False, _conv_shape_hint(where, got, want, config, ref_config))
            if last and ref_kinds[i] == "Dense":
                return Feedback(
                    False,
                    f"最後の Dense の units は {want[-1]} のはずが {got[-1]} でした。出力は "
                    f"{want[-1]} クラスそれぞれのロジット（ソフトマックスの前の値）です。",
                )
            return Feedback(
                False, f"{where}の出力の形が {_shape(want)} のはずが {_shape(got)} でした。"
            )
        if n_got != n_want:
            return Feedback(False, _params_hint(where, n_got, n_want, config, ref_config))
        problem = _config_hint(i, where, config, ref_config, ref_kinds, last)
        if problem is not None:
            return Feedback(False, problem)
    if len(mine) != len(ref):
        return Feedback(False, _length_hint([x for x, _, _ in mine], [x for x, _, _ in ref]))
    total, ref_total = model.count_params(), reference.count_params()
    if total != ref_total:
        return Feedback(False, f"パラメータの数の合計が {ref_total:,} のはずが {total:,} でした。")
    return Feedback(
        True,
        f"1 層ずつ比べて同じ CNN が作れています。層の数 {len(mine)}、パラメータの数 {total:,}"
        "（build_fashion_cnn() と同じ）。",
    )
