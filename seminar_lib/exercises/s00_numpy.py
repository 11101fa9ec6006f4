"""Checkers of session 0 (Python and NumPy), 課題1–4: notebook ``00_python_numpy.ipynb``.

課題5 (a two-layer forward pass) and 課題6 (a gradient by the chain rule) are in
:mod:`seminar_lib.exercises.s00_maths`.
"""

from __future__ import annotations

import numpy as np

from seminar_lib.exercises._feedback import Feedback, _as_float_array, _call, _number

__all__ = [
    "check_flatten_images",
    "check_normalize_rows",
    "check_select_class",
    "check_squares_of_evens",
]


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
