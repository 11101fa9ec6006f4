"""Checkers of session 3 (convolution and pooling): notebook ``03_deep_cnn.ipynb``."""

from __future__ import annotations

import numpy as np

from seminar_lib.exercises._feedback import (
    Feedback,
    _as_float_array,
    _call,
    _number,
    _uses_forbidden,
)

__all__ = [
    "check_conv_forward",
    "check_conv_output_size",
    "check_edge_filter",
    "check_maxpool_forward",
]


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


def check_conv_output_size(output_size) -> Feedback:
    r"""第3回 課題1: ``output_size(input_size, filter_size, stride, padding)`` returns
    :math:`OH = \lfloor (H + 2P - FH) / S \rfloor + 1` (an integer) for every case of
    :data:`CONV_SIZE_CASES`."""
    forbidden = _uses_forbidden(output_size, {"conv_output_size"}, "出力の大きさの式")
    if forbidden is not None:
        return forbidden
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
    forbidden = _uses_forbidden(
        max_pool, {"MaxPool2D", "AvgPool2D", "MaxPooling2D", "max_pool2d"}, "マックスプーリング"
    )
    if forbidden is not None:
        return forbidden
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


#: The vertical-edge Sobel filter of section 4 of the notebook, which 課題3 asks not to reuse.
SOBEL_X = np.array([[-1.0, 0.0, 1.0], [-2.0, 0.0, 2.0], [-1.0, 0.0, 1.0]])


def check_edge_filter(kernel) -> Feedback:
    """第3回 課題3: a 3x3 ``kernel`` that responds to a vertical edge (dark | bright) and gives
    0 on a horizontal edge and on a flat image (either sign of the response is fine), and is
    not the Sobel filter of section 4 (nor a multiple of it)."""
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
    if abs(abs(np.sum(K * SOBEL_X)) - np.linalg.norm(K) * np.linalg.norm(SOBEL_X)) < 1e-9 * size:
        return Feedback(
            False,
            "これは 4 節の Sobel フィルタ（かその定数倍・符号を変えたもの）です。"
            "課題の条件を満たす、Sobel フィルタとは違う値を考えてみましょう"
            "（ヒント: 列の中の重みを 1, 2, 1 以外にしても、縦のエッジは取り出せます）。",
        )
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


def _conv_reference(x, filters, bias, stride, padding):
    """The definition of the convolution layer, one output value at a time (float64)."""
    N, C, H, W = x.shape
    FN, _, FH, FW = filters.shape
    OH, OW = (H + 2 * padding - FH) // stride + 1, (W + 2 * padding - FW) // stride + 1
    x_padded = np.pad(x, ((0, 0), (0, 0), (padding, padding), (padding, padding)))
    out = np.zeros((N, FN, OH, OW))
    for i in range(OH):
        for j in range(OW):
            window = x_padded[:, :, i * stride : i * stride + FH, j * stride : j * stride + FW]
            out[:, :, i, j] = np.einsum("nchw,fchw->nf", window, filters) + bias
    return out


def check_conv_forward(conv_forward) -> Feedback:
    """第3回 課題4: ``conv_forward(x, filters, bias, stride, padding)`` is the forward pass of a
    convolution layer (x (N, C, H, W), filters (FN, C, FH, FW), bias (FN,)) -> (N, FN, OH, OW),
    equal to the loop over the definition; ``x`` and ``filters`` are not modified. It may use
    ``im2col`` and ``conv_output_size`` but not the notebook's loop ``conv_naive`` or a layer."""
    forbidden = _uses_forbidden(
        conv_forward,
        {"conv_naive", "Conv2D", "conv2d", "correlate", "convolve"},
        "im2col の畳み込み",
    )
    if forbidden is not None:
        return forbidden
    rng = np.random.default_rng(4)
    cases = [  # (x shape, filters shape, stride, padding): N, C, FN all different
        ((2, 3, 7, 7), (5, 3, 3, 3), 2, 1),  # -> (2, 5, 4, 4)
        ((3, 2, 5, 6), (1, 2, 2, 3), 1, 0),  # a kernel that is not square, no padding
    ]
    for x_shape, f_shape, stride, padding in cases:
        x, filters = rng.standard_normal(x_shape), rng.standard_normal(f_shape)
        bias = rng.standard_normal(f_shape[0])
        originals = (x.copy(), filters.copy())
        out, err = _call(conv_forward, x, filters, bias, stride, padding)
        if err is not None:
            return err
        if not (np.array_equal(x, originals[0]) and np.array_equal(filters, originals[1])):
            return Feedback(False, "引数の x か filters を書き換えています。")
        if out is None:
            return Feedback(False, "値が返っていません。return を書き忘れていませんか？")
        out, err = _as_float_array(out, "畳み込みの結果")
        if err is not None:
            return err
        want = _conv_reference(x, filters, bias, stride, padding)
        N, FN, OH, OW = want.shape
        where = f"x.shape={x_shape}, filters.shape={f_shape}, stride={stride}, padding={padding}"
        if out.shape == (N, OH, OW, FN) and np.allclose(out.transpose(0, 3, 1, 2), want):
            return Feedback(
                False,
                "値は合っていますが、形が (N, OH, OW, FN) のままです。"
                ".transpose(0, 3, 1, 2) で (N, FN, OH, OW) に並べ替えましょう。",
            )
        if out.shape != want.shape:
            return Feedback(
                False,
                f"{where} のとき、形 {want.shape} (N, FN, OH, OW) を返してください（返り値の形: "
                f"{out.shape}）。stride と padding を im2col に渡していますか？",
            )
        if np.allclose(out, want):
            continue
        rows = (want.transpose(0, 2, 3, 1)).reshape(-1, FN)  # the right (N·OH·OW, FN) matrix
        if np.allclose(out, rows.reshape(N, FN, OH, OW)):
            return Feedback(
                False,
                "(N·OH·OW, FN) の行列を、いきなり (N, FN, OH, OW) に reshape しています。"
                "行列の行は窓 (n, i, j)、列はフィルタなので、まず reshape(N, OH, OW, FN) とし、"
                "それから transpose(0, 3, 1, 2) で軸を並べ替えます。",
            )
        if np.allclose(out, want - bias[None, :, None, None]):
            return Feedback(False, "バイアス b を足し忘れています（フィルタごとに 1 つ）。")
        flipped = _conv_reference(x, filters[:, :, ::-1, ::-1], bias, stride, padding)
        if np.allclose(out, flipped):
            return Feedback(
                False,
                "フィルタを上下左右に反転しています（数学の畳み込み）。畳み込み層は反転しない"
                "相互相関を計算します。",
            )
        n, f, i, j = np.argwhere(~np.isclose(out, want))[0]
        return Feedback(
            False,
            f"{where} のとき、out[{n}, {f}, {i}, {j}] は {want[n, f, i, j]:.4f} になるはずが "
            f"{out[n, f, i, j]:.4f} でした。filters は reshape(FN, -1) で 1 枚を 1 行にし、"
            "その転置を im2col の行列に右から掛けます。",
        )
    return Feedback(
        True,
        "im2col と行列の積 1 回で、定義どおりのループと同じ畳み込みの出力になりました"
        "（ストライド・パディング・長方形のフィルタでも）。",
    )
