import warnings

import numpy as np
import pytest

from seminar_lib.exercises import (
    Feedback,
    check_accuracy,
    check_affine_backward,
    check_cifar_row,
    check_conv_output_size,
    check_edge_filter,
    check_flatten_images,
    check_gate_weights,
    check_lstm_step,
    check_make_windows,
    check_maxpool_forward,
    check_normalize_rows,
    check_one_hot,
    check_perceptron,
    check_rnn_step,
    check_select_class,
    check_sigmoid_grad,
    check_softmax,
    check_squares_of_evens,
    check_standardize,
    check_temperature_softmax,
    check_to_float_images,
    check_xor,
)
from seminar_lib.functions import sigmoid, softmax


def good_perceptron(x1, x2, w1, w2, theta):
    return np.where(w1 * x1 + w2 * x2 - theta > 0, 1, 0)


def test_feedback_shows_as_one_japanese_line():
    assert repr(Feedback(True, "よくできました。")) == "✅ 正解です！ よくできました。"
    assert repr(Feedback(False, "形が違います。")) == "❌ もう一歩です: 形が違います。"
    assert bool(Feedback(True, "")) and not bool(Feedback(False, ""))


def test_check_perceptron():
    assert check_perceptron(good_perceptron).passed
    ge = check_perceptron(lambda x1, x2, w1, w2, t: np.where(w1 * x1 + w2 * x2 - t >= 0, 1, 0))
    assert not ge.passed and "しきい値ちょうど" in ge.message
    scalar_only = check_perceptron(lambda x1, x2, w1, w2, t: 1 if w1 * x1 + w2 * x2 - t > 0 else 0)
    assert not scalar_only.passed and "ValueError" in scalar_only.message  # `if` on an array
    wrong_shape = check_perceptron(
        lambda x1, x2, w1, w2, t: np.sum(good_perceptron(x1, x2, w1, w2, t))
    )
    assert not wrong_shape.passed and "同じ形の配列" in wrong_shape.message
    sign = check_perceptron(lambda x1, x2, w1, w2, t: good_perceptron(x1, x2, w1, w2, -t))
    assert not sign.passed and "になるはずが" in sign.message


def test_checkers_report_not_implemented_and_non_callables():
    def stub(*args):
        raise NotImplementedError("課題")

    for checker in (check_perceptron, check_sigmoid_grad, check_xor):
        fb = checker(stub)
        assert not fb.passed and "まだ実装されていません" in fb.message
        assert "関数を渡してください" in checker(42).message


def test_check_gate_weights():
    assert check_gate_weights("NOR", -1, -1, -0.5).passed
    assert check_gate_weights("AND", 0.5, 0.5, 0.7).passed
    fb = check_gate_weights("NOR", 1, 1, 0.5)
    assert not fb.passed and "(0, 0) -> 0 (正しくは 1)" in fb.message
    xor = check_gate_weights("xor", 1, 1, 0.5)
    assert not xor.passed and "1 つのニューロンでは作れません" in xor.message
    assert "数を入れてください" in check_gate_weights("OR", "a", 1, 0).message


def test_check_sigmoid_grad():
    assert check_sigmoid_grad(lambda x, g: g * sigmoid(x, g) * (1 - sigmoid(x, g))).passed
    no_gain = check_sigmoid_grad(lambda x, g: sigmoid(x, g) * (1 - sigmoid(x, g)))
    assert not no_gain.passed and "ゲイン g を掛け忘れて" in no_gain.message
    itself = check_sigmoid_grad(lambda x, g: sigmoid(x, g))
    assert not itself.passed and "そのもの" in itself.message
    shape = check_sigmoid_grad(lambda x, g: 0.25)
    assert not shape.passed and "同じ形 (11,)" in shape.message
    other = check_sigmoid_grad(lambda x, g: g * sigmoid(x, g) * (1 - sigmoid(x, g)) + (x > 4))
    assert not other.passed and "X=5" in other.message


def test_check_xor():
    assert check_xor(lambda a, b: int(a != b)).passed
    fb = check_xor(lambda a, b: int(a or b))
    assert not fb.passed and "入力 (1, 1) で 0 になるはずが 1" in fb.message
    assert "0 か 1 を返して" in check_xor(lambda a, b: "x").message


def test_check_gate_weights_rejects_unknown_gate():
    with pytest.raises(ValueError, match="Unknown logic gate 'XNOR'"):
        check_gate_weights("XNOR", 1, 1, 1)


# ------------------------------------------------------------------------------- session 2
def stable_softmax(x):
    e = np.exp(x - x.max(axis=1, keepdims=True))
    return e / e.sum(axis=1, keepdims=True)


def naive_softmax(x):
    e = np.exp(x)
    return e / e.sum(axis=1, keepdims=True)


def global_max_softmax(x):
    e = np.exp(x - x.max())
    return e / e.sum(axis=1, keepdims=True)


def in_place_softmax(x):
    x -= x.max(axis=1, keepdims=True)
    return naive_softmax(x)


def test_check_softmax_passes_a_stable_softmax():
    assert check_softmax(stable_softmax).passed


@pytest.mark.parametrize(
    ("answer", "hint"),
    [
        (naive_softmax, "[10000.0, 0.0, -10000.0] で nan や inf"),
        (global_max_softmax, "[1000.0, 1001.0, 1002.0] で nan や inf"),
        (lambda x: np.exp(x) / np.exp(x).sum(axis=1), "keepdims=True"),
        (lambda x: np.exp(x - x.max()) / np.exp(x - x.max()).sum(), "配列全体の和"),
        (lambda x: np.exp(x - x.max()) / np.exp(x - x.max()).sum(axis=0), "列ごと (axis=0)"),
        (in_place_softmax, "書き換えています"),
        (lambda x: stable_softmax(x).ravel(), "同じ形 (2, 3)"),
        (lambda x: stable_softmax(2 * x), "各行の和は 1 ですが"),
        (lambda x: np.exp(x - x.max(axis=1, keepdims=True)), "各行の和が 1 になっていません"),
        (lambda x: None, "return を書き忘れて"),
        (lambda x: "x", "数の配列で返して"),
    ],
)
def test_check_softmax_hints(answer, hint):
    fb = check_softmax(answer)
    assert not fb.passed and hint in fb.message


def test_check_softmax_does_not_warn_on_overflow():
    with warnings.catch_warnings():
        warnings.simplefilter("error")  # a RuntimeWarning would land on the notebook's stderr
        assert "nan や inf" in check_softmax(naive_softmax).message


def good_affine_backward(x, W, dout):
    return dout @ W.T, x.T @ dout, dout.sum(axis=0)


def test_check_affine_backward_passes_the_correct_gradients():
    assert check_affine_backward(good_affine_backward).passed


@pytest.mark.parametrize(
    ("answer", "hint"),
    [
        (lambda x, W, d: (d @ W.T, d.T @ x, d.sum(axis=0)), "dW の形が (2, 3) で"),
        (lambda x, W, d: (W @ d.T, x.T @ d, d.sum(axis=0)), "dx の形が (3, 5) で"),
        (lambda x, W, d: (d @ W.T, x.T @ d, d.sum(axis=1)), "ユニットの方向に足して"),
        (lambda x, W, d: (d @ W.T, x.T @ d, d.sum(axis=0, keepdims=True)), "db の形が (1, 2)"),
        (lambda x, W, d: (x.T @ d, d @ W.T, d.sum(axis=0)), "返す順番が違う"),
        (lambda x, W, d: (d @ W.T, x.T @ d / len(x), d.sum(axis=0)), "dW が N = 5 で割られて"),
        (lambda x, W, d: (d @ W.T, x.T @ d, d.mean(axis=0)), "db が N = 5 で割られて"),
        (lambda x, W, d: (2 * d @ W.T, x.T @ d, d.sum(axis=0)), "dx の値が数値微分と合いません"),
        (lambda x, W, d: (d @ W, x.T @ d, d.sum(axis=0)), "行列の積の形を確かめ"),
        (lambda x, W, d: (d @ W.T, x.T @ d), "3 つを"),
        (lambda x, W, d: None, "3 つを"),
        (lambda x, W, d: ("a", x.T @ d, d.sum(axis=0)), "dx を数の配列で"),
    ],
)
def test_check_affine_backward_hints(answer, hint):
    fb = check_affine_backward(answer)
    assert not fb.passed and hint in fb.message


def test_check_affine_backward_rejects_modified_arguments():
    def in_place(x, W, dout):
        dx, dW, db = good_affine_backward(x, W, dout)
        dout *= 0
        return dx, dW, db

    fb = check_affine_backward(in_place)
    assert not fb.passed and "書き換えないで" in fb.message


def test_check_accuracy():
    assert check_accuracy(0.93, target=0.93).passed
    assert repr(check_accuracy(0.97)) == "✅ 正解です！ 目標の正解率 95% 以上に届きました。"
    close = check_accuracy(0.9, target=0.93)
    assert not close.passed and "あと 3.0 ポイント" in close.message
    assert "num_hiddens" in close.message
    chance = check_accuracy(0.11, target=0.93)
    assert not chance.passed and "学習が進んでいません" in chance.message
    assert "発散" in check_accuracy(float("nan")).message
    assert "パーセントでは" in check_accuracy(95.0).message
    assert "0〜1 の割合です" in check_accuracy(-0.5).message
    assert "0〜1 の数で渡して" in check_accuracy("high").message
    assert check_accuracy(np.float32(0.96)).passed


def test_check_accuracy_rejects_a_bad_target():
    with pytest.raises(ValueError, match="Expected 0 < `target` <= 1"):
        check_accuracy(0.9, target=95)


def test_session_2_checkers_report_not_implemented_and_non_callables():
    def stub(*args):
        raise NotImplementedError("課題")

    for checker in (check_softmax, check_affine_backward):
        fb = checker(stub)
        assert not fb.passed and "まだ実装されていません" in fb.message
        assert "関数を渡してください" in checker(None).message


# ------------------------------------------------------------------------------- session 3
def good_output_size(input_size, filter_size, stride=1, padding=0):
    return (input_size + 2 * padding - filter_size) // stride + 1


def test_check_conv_output_size_passes_the_formula():
    assert check_conv_output_size(good_output_size).passed
    assert check_conv_output_size(lambda H, FH, S, P: np.int64(good_output_size(H, FH, S, P)))
    assert check_conv_output_size(lambda H, FH, S, P: float(good_output_size(H, FH, S, P)))


@pytest.mark.parametrize(
    ("answer", "hint"),
    [
        (lambda H, FH, S, P: (H - FH) // S + 1, "パディング P を忘れて"),
        (lambda H, FH, S, P: (H + P - FH) // S + 1, "2P を足します"),
        (lambda H, FH, S, P: (H + 2 * P - FH) // S, "+ 1 を忘れて"),
        (lambda H, FH, S, P: H + 2 * P - FH + 1, "ストライド S で割っていません"),
        (lambda H, FH, S, P: (H + 2 * P - FH) / S + 1, "H=6, FH=3, S=2, P=0 のとき 2.5"),
        (lambda H, FH, S, P: -(-(H + 2 * P - FH) // S) + 1, "切り上げて"),
        (lambda H, FH, S, P: (H + 2 * S - FH) // P + 1, "0 で割りました"),
        (lambda H, FH, S, P: good_output_size(H, FH, S, P) + (H == 224), "55 になるはずが 56"),
        (lambda H, FH, S, P: None, "return を書き忘れて"),
        (lambda H, FH, S, P: (H, H), "1 つの整数で返して"),
        (lambda H, FH, S, P: True, "1 つの整数で返して"),
    ],
)
def test_check_conv_output_size_hints(answer, hint):
    fb = check_conv_output_size(answer)
    assert not fb.passed and hint in fb.message, fb.message


def good_max_pool(x):
    N, C, H, W = x.shape
    return x.reshape(N, C, H // 2, 2, W // 2, 2).max(axis=(3, 5))


def loop_max_pool(x, initial=-np.inf):
    N, C, H, W = x.shape
    out = np.full((N, C, H // 2, W // 2), initial)
    for i in range(H // 2):
        for j in range(W // 2):
            window = x[:, :, 2 * i : 2 * i + 2, 2 * j : 2 * j + 2]  # (N, C, 2, 2)
            out[:, :, i, j] = np.maximum(out[:, :, i, j], window.max(axis=(2, 3)))
    return out


def windows(x):
    N, C, H, W = x.shape
    return x.reshape(N, C, H // 2, 2, W // 2, 2)


def test_check_maxpool_forward_passes_vectorised_and_loop_answers():
    assert check_maxpool_forward(good_max_pool).passed
    assert check_maxpool_forward(loop_max_pool).passed
    assert check_maxpool_forward(lambda x: good_max_pool(x).tolist()).passed


def in_place_max_pool(x):
    out = good_max_pool(x)
    x[...] = 0
    return out


@pytest.mark.parametrize(
    ("answer", "hint"),
    [
        (lambda x: x.copy(), "入力と同じ形のまま"),
        (lambda x: good_max_pool(x).transpose(0, 1, 3, 2), "縦 (H) と横 (W) の軸が入れ替わって"),
        (lambda x: good_max_pool(x).max(axis=1), "チャンネルの軸 C まで"),
        (lambda x: good_max_pool(x)[:, :, :, :1], "形 (2, 3, 2, 3) (N, C, H/2, W/2)"),
        (lambda x: windows(x).mean(axis=(3, 5)), "平均プーリング"),
        (lambda x: windows(x).min(axis=(3, 5)), "最小値をとって"),
        (lambda x: x[:, :, ::2, ::2], "左上の値を取り出している"),
        (lambda x: loop_max_pool(x, initial=0.0), "初期値を 0 に"),
        (
            lambda x: x.reshape(*x.shape[:2], x.shape[2] // 2, x.shape[3] // 2, 4).max(-1),
            "窓の取り方",
        ),
        (lambda x: good_max_pool(x) + (good_max_pool(x) > 1), "の最大値"),
        (in_place_max_pool, "書き換えています"),
        (lambda x: None, "return を書き忘れて"),
        (lambda x: "x", "数の配列で返して"),
    ],
)
def test_check_maxpool_forward_hints(answer, hint):
    fb = check_maxpool_forward(answer)
    assert not fb.passed and hint in fb.message, fb.message


def test_check_maxpool_forward_catches_a_hard_coded_shape():
    fb = check_maxpool_forward(lambda x: good_max_pool(x).reshape(2, 3, 2, 3))
    assert not fb.passed and "ValueError" in fb.message  # the second input has another shape


SOBEL_X = np.array([[-1, 0, 1], [-2, 0, 2], [-1, 0, 1]])


@pytest.mark.parametrize(
    "kernel",
    [SOBEL_X, -SOBEL_X, [[-1, 1, 0]] * 3, 0.1 * SOBEL_X, np.array([[1, -1, 0]] * 3) / 3],
)
def test_check_edge_filter_passes_vertical_edge_filters(kernel):
    assert check_edge_filter(kernel).passed


@pytest.mark.parametrize(
    ("kernel", "hint"),
    [
        (SOBEL_X.T, "縦と横が逆"),
        (np.ones((3, 3)) / 9, "平らな所でも反応"),
        ([[0, 0, 1]] * 3, "いまの和: 3"),
        (SOBEL_X + np.eye(3) * 0.01, "平らな所でも反応"),
        ([[0, -1, 0], [-1, 4, -1], [0, -1, 0]], "横のエッジにも反応"),
        (
            [[1, 0, -1], [0, 0, 0], [-1, 0, 1]],
            "縦のエッジ（左右で明るさが変わる所）に反応していません",
        ),
        (np.zeros((3, 3)), "全部 0"),
        ([[1, -1], [1, -1]], "形は (3, 3)"),
        (SOBEL_X[None], "形は (3, 3)"),
        ("edge", "数の配列で"),
        ([[1, 2, 3], [4, 5]], "数の配列で"),
        ([[np.nan, 0, 0]] * 3, "nan や inf"),
    ],
)
def test_check_edge_filter_hints(kernel, hint):
    fb = check_edge_filter(kernel)
    assert not fb.passed and hint in fb.message, fb.message


def test_session_3_checkers_report_not_implemented_and_non_callables():
    def stub(*args):
        raise NotImplementedError("課題")

    for checker in (check_conv_output_size, check_maxpool_forward):
        fb = checker(stub)
        assert not fb.passed and "まだ実装されていません" in fb.message
        assert "関数を渡してください" in checker(3).message


# ------------------------------------------------------------------------------- session 0
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


# ------------------------------------------------------------------------------- session 4
def good_cifar_row(image):
    return image.transpose(2, 0, 1).reshape(3072)


def loop_cifar_row(image):
    row = np.zeros(3072, dtype=np.uint8)
    for c in range(3):
        for i in range(32):
            for j in range(32):
                row[c * 1024 + i * 32 + j] = image[i, j, c]
    return row


def test_check_cifar_row_passes_transpose_loop_and_concatenate_answers():
    assert check_cifar_row(good_cifar_row).passed
    assert check_cifar_row(loop_cifar_row).passed
    assert check_cifar_row(
        lambda image: np.concatenate([image[:, :, c].ravel() for c in range(3)])
    ).passed


def in_place_cifar_row(image):
    row = good_cifar_row(image).copy()
    image[...] = 0
    return row


@pytest.mark.parametrize(
    ("answer", "hint"),
    [
        (lambda image: image.reshape(3072), "R, G, B が交互に並んで"),
        (lambda image: image.flatten(), "transpose(2, 0, 1)"),
        (lambda image: image.transpose(2, 1, 0).reshape(3072), "縦と横が入れ替わって"),
        (lambda image: image[:, :, ::-1].transpose(2, 0, 1).reshape(3072), "B, G, R"),
        (lambda image: image.transpose(2, 0, 1), "(C, H, W) のまま"),
        (lambda image: image.transpose(2, 0, 1).reshape(3, 1024), "2 次元のまま"),
        (lambda image: image, "画像の形のまま"),
        (lambda image: good_cifar_row(image).astype(np.float32), "dtype が float32"),
        (lambda image: good_cifar_row(image).astype(np.float32) / 255, "になるはずが"),
        (lambda image: good_cifar_row(image).tolist(), "dtype が int64"),
        (in_place_cifar_row, "書き換えています"),
        (lambda image: None, "return を書き忘れて"),
    ],
)
def test_check_cifar_row_hints(answer, hint):
    fb = check_cifar_row(answer)
    assert not fb.passed and hint in fb.message, fb.message


def good_one_hot(y, num_classes):
    out = np.zeros((len(y), num_classes), dtype=np.float32)  # (N, K)
    out[np.arange(len(y)), y] = 1
    return out


def test_check_one_hot_passes_indexing_eye_and_loop_answers():
    assert check_one_hot(good_one_hot).passed
    assert check_one_hot(lambda y, k: np.eye(k)[y]).passed  # float64 is fine too

    def loop(y, k):
        out = np.zeros((len(y), k))
        for i, label in enumerate(y):
            out[i, label] = 1.0
        return out

    assert check_one_hot(loop).passed


def one_hot_all_columns(y, k):
    out = np.zeros((len(y), k))
    out[:, y] = 1
    return out


@pytest.mark.parametrize(
    ("answer", "hint"),
    [
        (lambda y, k: good_one_hot(y, k).T, "行と列が逆"),
        (lambda y, k: np.eye(int(y.max()) + 1)[y], "num_classes を使って"),
        (lambda y, k: good_one_hot(y, k).astype(int), "float"),
        (lambda y, k: good_one_hot(y, k).astype(bool), "float"),
        (one_hot_all_columns, "1 が 2 つ以上ある行"),
        (lambda y, k: good_one_hot(np.asarray(y, dtype=int) - 1, k), "1 つずれて"),
        (lambda y, k: good_one_hot(y, k)[:, ::-1], "になるはずが"),
        (lambda y, k: y, "1 次元のまま"),
        (lambda y, k: None, "return を書き忘れて"),
    ],
)
def test_check_one_hot_hints(answer, hint):
    fb = check_one_hot(answer)
    assert not fb.passed and hint in fb.message, fb.message


def test_check_one_hot_reports_an_index_error_with_a_hint():
    def too_small(y, k):  # columns from the labels that occur, so a larger label fails
        out = np.zeros((len(y), 3))
        out[np.arange(len(y)), y] = 1
        return out

    fb = check_one_hot(too_small)
    assert not fb.passed and "IndexError" in fb.message and "num_classes" in fb.message


def good_standardize(X_train, X_test):
    mean, std = X_train.mean(axis=0), X_train.std(axis=0)  # (D,), (D,)
    return (X_train - mean) / std, (X_test - mean) / std


def standardize_with(stats_of):
    def answer(X_train, X_test):
        mean, std = stats_of(X_train, X_test)
        return (X_train - mean) / std, (X_test - mean) / std

    return answer


def own_statistics(X_train, X_test):
    def z(X):
        return (X - X.mean(axis=0)) / X.std(axis=0)

    return z(X_train), z(X_test)


def in_place_standardize(X_train, X_test):
    mean, std = X_train.mean(axis=0), X_train.std(axis=0)
    X_train -= mean
    X_test -= mean
    return X_train / std, X_test / std


def test_check_standardize_passes_training_statistics_with_either_ddof():
    assert check_standardize(good_standardize).passed
    assert check_standardize(
        standardize_with(lambda X, _: (X.mean(axis=0), X.std(axis=0, ddof=1)))
    ).passed

    def with_the_library(X_train, X_test):
        from seminar_lib.preprocessing import Standardizer

        scaler = Standardizer(axis=0).fit(X_train)
        return scaler.transform(X_train), scaler.transform(X_test)

    assert check_standardize(with_the_library).passed


@pytest.mark.parametrize(
    ("answer", "hint"),
    [
        (own_statistics, "テストデータ自身の平均と標準偏差"),
        (
            standardize_with(lambda a, b: (np.vstack([a, b]).mean(0), np.vstack([a, b]).std(0))),
            "データリーク",
        ),
        (standardize_with(lambda X, _: (X.mean(), X.std())), "配列全体で 1 つ"),
        (
            lambda a, b: (
                (a - a.mean(axis=1, keepdims=True)) / a.std(axis=1, keepdims=True),
                (b - b.mean(axis=1, keepdims=True)) / b.std(axis=1, keepdims=True),
            ),
            "axis=1",
        ),
        (standardize_with(lambda X, _: (X.mean(axis=1), X.std(axis=1))), "broadcast"),
        (standardize_with(lambda X, _: (X.mean(axis=0), 1.0)), "平均を引いただけ"),
        (standardize_with(lambda X, _: (X.mean(axis=0), X.var(axis=0))), "分散で割って"),
        (lambda a, b: good_standardize(a, b)[::-1], "返す順番が逆"),
        (lambda a, b: good_standardize(a, b)[0], "2 つを return"),
        (lambda a, b: (good_standardize(a, b)[0], b), "Z_test が違います"),
        (lambda a, b: (a, b), "Z_train の値が違います"),
        (in_place_standardize, "書き換えています"),
        (lambda a, b: (good_standardize(a, b)[0].T, b), "Z_train の形"),
    ],
)
def test_check_standardize_hints(answer, hint):
    fb = check_standardize(answer)
    assert not fb.passed and hint in fb.message, fb.message


def test_check_standardize_never_passes_leaky_answers():
    leaky = [
        own_statistics,
        standardize_with(lambda a, b: (np.vstack([a, b]).mean(0), np.vstack([a, b]).std(0))),
        standardize_with(lambda a, b: (b.mean(axis=0), b.std(axis=0))),  # test statistics
    ]
    assert not any(check_standardize(answer).passed for answer in leaky)


def good_to_float_images(images):
    return (images.astype(np.float32) / 255.0)[..., np.newaxis]  # (N, 28, 28, 1)


def test_check_to_float_images_passes_several_ways():
    assert check_to_float_images(good_to_float_images).passed
    assert check_to_float_images(
        lambda images: (images / 255).astype(np.float32).reshape(-1, 28, 28, 1)
    ).passed
    assert check_to_float_images(
        lambda images: np.expand_dims(images, -1).astype(np.float32) / np.float32(255)
    ).passed


@pytest.mark.parametrize(
    ("answer", "hint"),
    [
        (lambda images: images.astype(np.float32) / 255.0, "チャンネルの軸がありません"),
        (lambda images: good_to_float_images(images).transpose(0, 3, 1, 2), "チャンネルが先頭"),
        (lambda images: images.astype(np.float32)[..., None], "0〜255 のまま"),
        (lambda images: (images.astype(np.float32) / 256)[..., None], "256 で割って"),
        (lambda images: (images // 255).astype(np.float32)[..., None], "切り捨て"),
        (lambda images: (images / 255.0)[..., None], "dtype が float64"),
        (lambda images: good_to_float_images(images).astype(np.float16), "dtype が float16"),
        (lambda images: good_to_float_images(images).reshape(5, 28, 28, 1), "決め打ち"),
        (lambda images: good_to_float_images(images).tolist(), "NumPy の配列で"),
        (lambda images: None, "return を書き忘れて"),
        (lambda images: 1 - good_to_float_images(images), "255 で割った値に"),
    ],
)
def test_check_to_float_images_hints(answer, hint):
    fb = check_to_float_images(answer)
    assert not fb.passed and hint in fb.message, fb.message


def test_session_4_checkers_report_not_implemented_and_non_callables():
    def stub(*args):
        raise NotImplementedError("課題")

    for checker in (check_cifar_row, check_one_hot, check_standardize, check_to_float_images):
        fb = checker(stub)
        assert not fb.passed and "まだ実装されていません" in fb.message
        assert "関数を渡してください" in checker(np.zeros(3)).message


def test_session_4_checkers_do_not_warn():
    with warnings.catch_warnings():
        warnings.simplefilter("error")  # a RuntimeWarning would land on the notebook's stderr
        assert not check_standardize(lambda a, b: (a / 0, b / 0)).passed
        assert not check_to_float_images(lambda images: images / 0).passed


# ------------------------------------------------------------------------------- session 6
def good_rnn_step(x, h_prev, Wx, Wh, b):
    return np.tanh(x @ Wx + h_prev @ Wh + b)  # (N, H)


def test_check_rnn_step_passes_matrix_and_loop_answers():
    assert check_rnn_step(good_rnn_step).passed

    def loop(x, h_prev, Wx, Wh, b):
        out = np.zeros((len(x), Wh.shape[0]))
        for n in range(len(x)):
            out[n] = np.tanh(x[n] @ Wx + h_prev[n] @ Wh + b)
        return out

    assert check_rnn_step(loop).passed
    assert check_rnn_step(
        lambda x, h, Wx, Wh, b: np.tanh(np.hstack([x, h]) @ np.vstack([Wx, Wh]) + b)
    ).passed


def rnn_step_in_place(x, h_prev, Wx, Wh, b):
    h_prev += x @ Wx  # modifies the argument
    return np.tanh(h_prev @ Wh + b)


@pytest.mark.parametrize(
    ("answer", "hint"),
    [
        (lambda x, h, Wx, Wh, b: x @ Wx + h @ Wh + b, "tanh をかけ忘れて"),
        (lambda x, h, Wx, Wh, b: sigmoid(x @ Wx + h @ Wh + b), "シグモイドではなく tanh"),
        (lambda x, h, Wx, Wh, b: np.tanh(x @ Wx + h @ Wh), "バイアス b を足し忘れて"),
        (lambda x, h, Wx, Wh, b: np.tanh(x @ Wx + b), "h_prev を使っていません"),
        (lambda x, h, Wx, Wh, b: np.tanh(x @ Wx + h @ Wh.T + b), "Wh を転置"),
        (lambda x, h, Wx, Wh, b: np.tanh(x @ Wh + h @ Wx + b), "形を確かめましょう"),
        (lambda x, h, Wx, Wh, b: np.tanh(x @ Wx + h @ Wh + b).T, "h_t の形は (3, 5)"),
        (lambda x, h, Wx, Wh, b: np.tanh(x @ Wx + 2 * h @ Wh + b), "になるはずが"),
        (rnn_step_in_place, "書き換えないで"),
        (lambda x, h, Wx, Wh, b: None, "return を書き忘れて"),
    ],
)
def test_check_rnn_step_hints(answer, hint):
    fb = check_rnn_step(answer)
    assert not fb.passed and hint in fb.message, fb.message


def lstm_step_with(order="ifgo", c_rule=None, h_rule=None, candidate=np.tanh, swap=False):
    """An LSTM step answer; the defaults are correct, each argument plants one mistake."""

    def answer(x, h_prev, c_prev, Wx, Wh, b):
        H = h_prev.shape[1]
        a = x @ Wx + h_prev @ Wh + b  # (N, 4H)
        blocks = {name: a[:, k * H : (k + 1) * H] for k, name in enumerate(order)}
        i, f, o = sigmoid(blocks["i"]), sigmoid(blocks["f"]), sigmoid(blocks["o"])
        g = candidate(blocks["g"])
        c = (c_rule or (lambda i, f, g, c_prev: f * c_prev + i * g))(i, f, g, c_prev)
        h = (h_rule or (lambda o, c, c_prev: o * np.tanh(c)))(o, c, c_prev)
        return (c, h) if swap else (h, c)

    return answer


def test_check_lstm_step_passes_slices_and_split():
    assert check_lstm_step(lstm_step_with()).passed

    def with_split(x, h_prev, c_prev, Wx, Wh, b):
        i, f, g, o = np.split(x @ Wx + h_prev @ Wh + b, 4, axis=1)  # each (N, H)
        c = sigmoid(f) * c_prev + sigmoid(i) * np.tanh(g)
        return sigmoid(o) * np.tanh(c), c

    assert check_lstm_step(with_split).passed


@pytest.mark.parametrize(
    ("answer", "hint"),
    [
        (lstm_step_with(order="ifog"), "i, f, o, g の順"),
        (lstm_step_with(order="figo"), "f, i, g, o の順"),
        (lstm_step_with(c_rule=lambda i, f, g, c: f * c + g), "入力ゲート i を掛け忘れて"),
        (lstm_step_with(c_rule=lambda i, f, g, c: c + i * g), "忘却ゲート f を掛け忘れて"),
        (lstm_step_with(candidate=sigmoid), "候補 g にはシグモイドではなく tanh"),
        (lstm_step_with(h_rule=lambda o, c, c_prev: o * c), "tanh を忘れて"),
        (lstm_step_with(h_rule=lambda o, c, c_prev: np.tanh(c)), "出力ゲート o を掛け忘れて"),
        (lstm_step_with(h_rule=lambda o, c, c_prev: o * np.tanh(c_prev)), "c_prev ではなく"),
        (lstm_step_with(h_rule=lambda o, c, c_prev: 0.5 * o * np.tanh(c)), "h の値が違います"),
        (lstm_step_with(swap=True), "返す順番が逆"),
        (lambda *args: lstm_step_with()(*args)[0], "2 つを return h, c"),
        (lambda x, h, c, Wx, Wh, b: (x @ Wh, c), "形を確かめましょう"),
        (lambda *args: (np.zeros((3, 8)), np.zeros((3, 8))), "h の形は h_prev と同じ (3, 2)"),
    ],
)
def test_check_lstm_step_hints(answer, hint):
    fb = check_lstm_step(answer)
    assert not fb.passed and hint in fb.message, fb.message


def good_windows(series, input_len, horizon):
    N = len(series) - input_len - horizon + 1
    X = np.array([series[i : i + input_len] for i in range(N)])  # (N, L)
    y = np.array([series[i + input_len - 1 + horizon] for i in range(N)])  # (N,)
    return X, y


def test_check_make_windows_passes_a_loop_and_the_library():
    from seminar_lib.sequences import make_windows

    assert check_make_windows(good_windows).passed

    def with_the_library(series, input_len, horizon):
        X, y = make_windows(series, input_len, horizon=horizon)  # (N, L, 1), (N, 1)
        return X[:, :, 0], y[:, 0]

    assert check_make_windows(with_the_library).passed


def windows_target_shift(shift):
    def answer(series, input_len, horizon):
        X, _ = good_windows(series, input_len, horizon)
        N = len(X)
        k = np.arange(N) + input_len - 1 + horizon + shift
        return X, series[np.clip(k, 0, len(series) - 1)]

    return answer


@pytest.mark.parametrize(
    ("answer", "hint"),
    [
        (windows_target_shift(1), "1 つ先の値"),
        (windows_target_shift(-1), "1 つ手前の値"),
        (lambda s, L, h: tuple(a[:-1] for a in good_windows(s, L, h)), "最後の窓が足りません"),
        (lambda s, L, h: good_windows(s, L, h - 1), "予測する値が系列の中にない窓"),
        (lambda s, L, h: (good_windows(s, L, h)[0].T, good_windows(s, L, h)[1]), "行と列が逆"),
        (lambda s, L, h: (good_windows(s, L, h)[0] + 1, good_windows(s, L, h)[1]), "X の値"),
        (lambda s, L, h: (good_windows(s, L, h)[0], good_windows(s, L, h)[1][:, None]), "y の形"),
        (lambda s, L, h: good_windows(s, L, h)[0], "2 つを return X, y"),
        (lambda s, L, h: (s[np.arange(len(s))[:, None] + np.arange(L)], s), "IndexError"),
    ],
)
def test_check_make_windows_hints(answer, hint):
    fb = check_make_windows(answer)
    assert not fb.passed and hint in fb.message, fb.message


def good_temperature_softmax(logits, temperature):
    z = logits / temperature  # (V,)
    e = np.exp(z - z.max())
    return e / e.sum()


def test_check_temperature_softmax_passes_stable_answers():
    assert check_temperature_softmax(good_temperature_softmax).passed
    assert check_temperature_softmax(lambda z, t: softmax(z / t)).passed


def naive_temperature_softmax(logits, temperature):
    e = np.exp(logits / temperature)  # overflows for logits near 1000
    return e / e.sum()


def in_place_temperature_softmax(logits, temperature):
    logits /= temperature
    return good_temperature_softmax(logits, 1.0)


@pytest.mark.parametrize(
    ("answer", "hint"),
    [
        (naive_temperature_softmax, "オーバーフロー"),
        (lambda z, t: good_temperature_softmax(z * t * t, t), "T を掛けて"),
        (lambda z, t: good_temperature_softmax(z, 1.0), "温度 T を使っていません"),
        (lambda z, t: np.exp((z - z.max()) / t), "exp の和で割って"),
        (lambda z, t: good_temperature_softmax(z, 1.0) ** (1 / t), "1/T 乗しただけ"),
        (lambda z, t: good_temperature_softmax(z, t)[:-1], "同じ形"),
        (lambda z, t: good_temperature_softmax(z, t)[::-1], "になるはずが"),
        (in_place_temperature_softmax, "書き換えないで"),
        (lambda z, t: None, "return を書き忘れて"),
    ],
)
def test_check_temperature_softmax_hints(answer, hint):
    fb = check_temperature_softmax(answer)
    assert not fb.passed and hint in fb.message, fb.message


def test_session_6_checkers_report_not_implemented_and_non_callables():
    def stub(*args):
        raise NotImplementedError("課題")

    checkers = (check_rnn_step, check_lstm_step, check_make_windows, check_temperature_softmax)
    for checker in checkers:
        fb = checker(stub)
        assert not fb.passed and "まだ実装されていません" in fb.message
        assert "関数を渡してください" in checker(np.zeros(3)).message


def test_session_6_checkers_do_not_warn():
    with warnings.catch_warnings():
        warnings.simplefilter("error")  # a RuntimeWarning would land on the notebook's stderr
        assert not check_temperature_softmax(naive_temperature_softmax).passed
        assert not check_temperature_softmax(lambda z, t: z / 0).passed
        assert not check_rnn_step(lambda x, h, Wx, Wh, b: x @ Wx / 0).passed
