"""Tests of seminar_lib.exercises.s00_numpy (課題1–4) and of the notebook 00_python_numpy.ipynb."""

import warnings

import numpy as np
import pytest
from notebook_checks import assert_every_checker_passes

from seminar_lib.exercises.s00_numpy import (
    check_flatten_images,
    check_normalize_rows,
    check_select_class,
    check_squares_of_evens,
)


def test_check_squares_of_evens_passes_a_comprehension_and_a_loop():
    assert check_squares_of_evens(lambda n: [i**2 for i in range(n) if i % 2 == 0]).passed
    assert check_squares_of_evens(lambda n: [i * i for i in range(0, n, 2)]).passed

    def loop(n):
        out = []
        for i in range(n):
            if i % 2 == 0:
                out.append(i**2)
        return out

    assert check_squares_of_evens(loop).passed
    fb = check_squares_of_evens(lambda n: [float(i**2) for i in range(0, n, 2)])
    assert fb.passed  # 4.0 is the number 4


@pytest.mark.parametrize(
    ("answer", "hint"),
    [
        (lambda n: [i**2 for i in range(n)], "奇数の 2 乗も入っています"),
        (lambda n: [i**2 for i in range(n) if i % 2 == 1], "奇数の 2 乗になっています"),
        (lambda n: [i for i in range(n) if i % 2 == 0], "偶数そのもの"),
        (lambda n: [2 * i for i in range(0, n, 2)], "2 倍になっています"),
        (lambda n: [i**2 for i in range(n + 1) if i % 2 == 0], "n を含みません"),
        (lambda n: [i**2 for i in range(1, n) if i % 2 == 0], "0 が抜けています"),
        (lambda n: [(2 * i) ** 2 for i in range(n)], "偶数を n 個作っています"),
        (lambda n: (i**2 for i in range(0, n, 2)), "ジェネレータ"),
        (lambda n: np.arange(0, n, 2) ** 2, "NumPy の配列ではなく"),
        (lambda n: tuple(i**2 for i in range(0, n, 2)), "返り値の型: tuple"),
        (lambda n: [(i, i**2) for i in range(0, n, 2)], "1 つずつの数"),
        (lambda n: [i**2 for i in range(0, n, 2)][::-1], "n=3 のとき [0, 4] になるはずが [4, 0]"),
        (lambda n: [i**2 for i in range(0, n, 2)] if n else [0], "n=0 のとき [] になるはずが [0]"),
        (lambda n: None, "return を書き忘れて"),
    ],
)
def test_check_squares_of_evens_hints(answer, hint):
    fb = check_squares_of_evens(answer)
    assert not fb.passed and hint in fb.message, fb.message


def test_check_flatten_images_passes_reshape_and_a_copy():
    assert check_flatten_images(lambda images: images.reshape(len(images), -1)).passed
    assert check_flatten_images(lambda images: images.reshape(-1, 784).copy()).passed
    assert check_flatten_images(lambda images: np.array([im.ravel() for im in images])).passed


def in_place_flatten(images):
    images.shape = (len(images), 784)
    return images


@pytest.mark.parametrize(
    ("answer", "hint"),
    [
        (lambda images: images.reshape(5, 784), "枚数を数字で決め打ち"),
        (lambda images: images.reshape(-1), "1 本のベクトルにつながって"),
        (lambda images: images.reshape(784, -1), "縦と横が逆"),
        (lambda images: images.reshape(len(images), 28, 28), "形 (5, 784) を返して"),
        (lambda images: images.transpose(0, 2, 1).reshape(len(images), -1), "並び順が違います"),
        (lambda images: images.reshape(len(images), -1) / 255, "dtype が uint8 から float64"),
        (lambda images: images.reshape(len(images), -1) // 2, "値が違います: 結果の [0, "),
        (lambda images: images.reshape(len(images), -1).tolist(), "返り値の型: list"),
        (in_place_flatten, "書き換えています"),
        (lambda images: None, "return を書き忘れて"),
    ],
)
def test_check_flatten_images_hints(answer, hint):
    fb = check_flatten_images(answer)
    assert not fb.passed and hint in fb.message, fb.message


def test_check_normalize_rows_passes_broadcasting_and_a_loop():
    assert check_normalize_rows(lambda X: X / X.sum(axis=1, keepdims=True)).passed
    assert check_normalize_rows(lambda X: (X.T / X.sum(axis=1)).T).passed
    assert check_normalize_rows(lambda X: np.array([row / row.sum() for row in X])).passed
    assert check_normalize_rows(lambda X: (X / X.sum(axis=1, keepdims=True)).tolist()).passed


def in_place_normalize(X):
    X /= X.sum(axis=1, keepdims=True)
    return X


@pytest.mark.parametrize(
    ("answer", "hint"),
    [
        (lambda X: X / X.sum(axis=1), "keepdims=True を使って"),
        (lambda X: X / X.sum(axis=0, keepdims=True), "列ごと (axis=0)"),
        (lambda X: X / X.sum(axis=0), "列ごと (axis=0)"),
        (lambda X: X / X.sum(), "配列全体の和"),
        (
            lambda X: X / (X.sum(axis=1) if X.shape == (3, 3) else X.sum(axis=1, keepdims=True)),
            "正方形の X",
        ),
        (lambda X: X / X.max(axis=1, keepdims=True), "各行の和が 1 になっていません"),
        (lambda X: np.sort(X / X.sum(axis=1, keepdims=True), axis=1), "各行の和は 1 ですが"),
        (lambda X: (X / X.sum(axis=1, keepdims=True)).ravel(), "同じ形 (2, 3)"),
        (in_place_normalize, "書き換えています"),
        (lambda X: None, "return を書き忘れて"),
        (lambda X: "X", "数の配列で返して"),
    ],
)
def test_check_normalize_rows_hints(answer, hint):
    fb = check_normalize_rows(answer)
    assert not fb.passed and hint in fb.message, fb.message


def test_check_normalize_rows_names_the_wrong_position():
    def off_by_one_place(X):
        out = X / X.sum(axis=1, keepdims=True)
        out[0, :2] = out[0, 1::-1]  # swap two values of the first row: the sums stay 1
        return out

    fb = check_normalize_rows(off_by_one_place)
    assert not fb.passed and "結果の [0, 0] は 0.2500 になるはずが 0.5000" in fb.message


def test_check_select_class_passes_boolean_and_fancy_indexing():
    assert check_select_class(lambda images, labels, k: images[labels == k]).passed
    assert check_select_class(lambda im, lab, k: im[np.flatnonzero(lab == k)]).passed
    assert check_select_class(lambda im, lab, k: im[lab == k].copy()).passed


def loop_select_class(images, labels, k):
    return np.array([image for image, label in zip(images, labels, strict=True) if label == k])


def global_select_class(images, labels, k):
    big = np.concatenate([images] * 10)  # like x_train instead of the argument
    return big[np.concatenate([labels] * 10) == k]


@pytest.mark.parametrize(
    ("answer", "hint"),
    [
        (lambda images, labels, k: labels == k, "マスク）そのもの"),
        (lambda images, labels, k: labels[labels == k], "ラベルを取り出しています"),
        (lambda images, labels, k: images[labels != k], "ではない画像を選んで"),
        (lambda images, labels, k: images[k], "画像が 1 枚だけです"),
        (lambda images, labels, k: images[labels == k][::-1], "[0, 2, 5, 9] 番目"),
        (lambda images, labels, k: images[labels == 3], "k=1 で選んだ画像が違います"),
        (lambda images, labels, k: list(images[labels == k]), "返り値の型: list"),
        (loop_select_class, "形 (0, 28, 28) を返してください（返り値の形: (0,)）。1 枚もないとき"),
        (global_select_class, "引数の images と labels を使って"),
        (lambda images, labels, k: None, "return を書き忘れて"),
    ],
)
def test_check_select_class_hints(answer, hint):
    fb = check_select_class(answer)
    assert not fb.passed and hint in fb.message, fb.message


def test_check_select_class_rejects_modified_arguments():
    def sorts_labels(images, labels, k):
        labels.sort()
        return images[labels == k]

    fb = check_select_class(sorts_labels)
    assert not fb.passed and "書き換えないで" in fb.message


def test_session_0_checkers_report_not_implemented_and_non_callables():
    def stub(*args):
        raise NotImplementedError("課題")

    for checker in (
        check_squares_of_evens,
        check_flatten_images,
        check_normalize_rows,
        check_select_class,
    ):
        fb = checker(stub)
        assert not fb.passed and "まだ実装されていません" in fb.message
        assert "関数を渡してください" in checker([1, 2]).message


def test_session_0_checkers_show_the_stored_notebook_lines():
    fb = check_normalize_rows(lambda X: X / X.sum(axis=1, keepdims=True))
    assert (
        repr(fb) == "✅ 正解です！ どの形の X でも、各行の和が 1 になり、X も書き換えていません。"
    )
    assert repr(check_squares_of_evens(lambda n: [])).startswith("❌ もう一歩です: n=1 のとき")


def test_check_normalize_rows_does_not_warn_on_a_division_by_zero():
    with warnings.catch_warnings():
        warnings.simplefilter("error")  # a RuntimeWarning would land on the notebook's stderr
        fb = check_normalize_rows(lambda X: X / 0)
    assert not fb.passed and "各行の和が 1 になっていません" in fb.message


def test_every_checker_passes_in_the_instructor_notebook():
    assert_every_checker_passes("00_python_numpy.ipynb")
