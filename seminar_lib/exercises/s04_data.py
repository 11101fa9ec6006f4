"""Checkers of session 4 (data shaping for a CNN): notebook ``04_data_cnn.ipynb``.

The checker of the Keras CNN lives in :mod:`seminar_lib.exercises.s04_cnn` and is imported from
here too, so that the notebook imports every checker of session 4 from this module."""

from __future__ import annotations

import numpy as np

from seminar_lib.exercises._feedback import Feedback, _as_float_array, _call, _uses_forbidden
from seminar_lib.exercises.s04_cnn import check_fashion_cnn

__all__ = [
    "check_cifar_row",
    "check_fashion_cnn",
    "check_one_hot",
    "check_standardize",
    "check_to_float_images",
]


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
    forbidden = _uses_forbidden(one_hot_fn, {"one_hot", "to_categorical"}, "one-hot 表現")
    if forbidden is not None:
        return forbidden
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
    forbidden = _uses_forbidden(
        standardize, {"Standardizer", "StandardScaler"}, "訓練データの平均と標準偏差での標準化"
    )
    if forbidden is not None:
        return forbidden
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
