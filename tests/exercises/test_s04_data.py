"""Tests of seminar_lib.exercises.s04_data and of its notebook 04_data_cnn.ipynb."""

import warnings

import numpy as np
import pytest
from notebook_checks import assert_every_checker_passes, checker_cells

from seminar_lib.exercises.s04_data import (
    check_cifar_row,
    check_fashion_cnn,
    check_one_hot,
    check_standardize,
    check_to_float_images,
)


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


def test_every_checker_passes_in_the_instructor_notebook():
    assert_every_checker_passes("04_data_cnn.ipynb")


def test_notebook_04_has_at_least_three_checked_exercises():
    assert len(checker_cells("04_data_cnn.ipynb")) >= 3


# check_fashion_cnn: every model is made from the layer configs of build_fashion_cnn(), changed
# in one place, so that the tests follow the reference when its architecture changes.


@pytest.fixture(scope="module")
def keras():
    pytest.importorskip("keras")
    from seminar_lib.keras_models import keras

    return keras


@pytest.fixture(scope="module")
def reference(keras):
    from seminar_lib.keras_models import build_fashion_cnn

    return build_fashion_cnn()


@pytest.fixture(scope="module")
def specs(reference):
    """(class, config) of each layer of the reference, without the input layer."""
    return [
        (type(layer), layer.get_config())
        for layer in reference.layers
        if type(layer).__name__ != "InputLayer"
    ]


def sequential_from(specs, input_shape=(28, 28, 1)):
    """A build_model() that makes a new Sequential of the (class, config) layers each call."""

    def build_model():
        from seminar_lib.keras_models import keras

        inputs = [] if input_shape is None else [keras.Input(shape=input_shape)]
        return keras.Sequential(inputs + [cls.from_config(dict(config)) for cls, config in specs])

    return build_model


def index(specs, name, **where):
    """Position of the first layer of class ``name`` whose config has the values ``where``."""
    return next(
        i
        for i, (cls, config) in enumerate(specs)
        if cls.__name__ == name and all(config[k] == v for k, v in where.items())
    )


def changed(specs, i, **changes):
    out = list(specs)
    cls, config = out[i]
    out[i] = (cls, {**config, **changes})
    return out


def without(specs, i):
    return specs[:i] + specs[i + 1 :]


def layer_spec(layer):
    """(class, config) of a new layer, without its name: each copy gets its own name."""
    config = layer.get_config()
    del config["name"]
    return type(layer), config


def conv_with_relu(specs):
    """The first Conv2D -> BatchNormalization -> ReLU as Conv2D(relu) -> BatchNormalization."""
    i = next(
        i
        for i in range(len(specs) - 2)
        if [cls.__name__ for cls, _ in specs[i : i + 3]] == ["Conv2D", "BatchNormalization", "ReLU"]
    )
    return without(changed(specs, i, activation="relu"), i + 2)


def relu_before_batch_norm(specs):
    i = index(specs, "BatchNormalization")
    out = list(specs)
    out[i], out[i + 1] = out[i + 1], out[i]
    return out


def extra_pooling(specs):
    from seminar_lib.keras_models import keras

    i = index(specs, "ReLU") + 1
    return specs[:i] + [layer_spec(keras.layers.MaxPooling2D())] + specs[i:]


def global_pooling(specs):
    from seminar_lib.keras_models import keras

    out = list(specs)
    out[index(specs, "Flatten")] = layer_spec(keras.layers.GlobalAveragePooling2D())
    return out


def extra_softmax(specs):
    from seminar_lib.keras_models import keras

    return specs + [layer_spec(keras.layers.Softmax())]


def relu_as_activation(specs):
    from seminar_lib.keras_models import keras

    relu = layer_spec(keras.layers.Activation("relu"))
    return [relu if cls.__name__ == "ReLU" else (cls, c) for cls, c in specs]


def test_check_fashion_cnn_passes_copies_of_the_reference(keras, reference, specs):
    fb = check_fashion_cnn(sequential_from(specs))
    assert fb.passed, fb.message
    assert f"層の数 {len(specs)}、パラメータの数 {reference.count_params():,}" in fb.message
    assert check_fashion_cnn(sequential_from(relu_as_activation(specs))).passed  # the same layer

    def functional():
        x = inputs = keras.Input(shape=(28, 28, 1))
        for cls, config in specs:
            x = cls.from_config(dict(config))(x)
        return keras.Model(inputs, x)

    assert check_fashion_cnn(functional).passed


@pytest.mark.parametrize(
    ("mistake", "hint"),
    [
        (lambda s: changed(s, index(s, "Conv2D"), padding="valid"), 'padding="same" を付けて'),
        (
            lambda s: changed(s, index(s, "Conv2D", strides=(2, 2)), padding="valid"),
            'padding="same" を付けて',
        ),
        (
            lambda s: changed(s, index(s, "Conv2D", strides=(2, 2)), strides=(1, 1)),
            "strides=2 を付けてください",
        ),
        (
            lambda s: changed(s, index(s, "Conv2D", strides=(1, 1)), strides=(2, 2)),
            "strides=2 は付けません",
        ),
        (lambda s: changed(s, index(s, "Conv2D", use_bias=False), use_bias=True), "use_bias=False"),
        (
            lambda s: changed(s, i := index(s, "Conv2D"), filters=2 * s[i][1]["filters"]),
            "フィルターの数",
        ),
        (
            lambda s: changed(
                s, i := index(s, "Conv2D"), kernel_size=tuple(k + 2 for k in s[i][1]["kernel_size"])
            ),
            "カーネルの大きさは",
        ),
        (conv_with_relu, "ReLU は BatchNormalization の後に置きます"),
        (relu_before_batch_norm, "順番が逆"),
        (lambda s: without(s, index(s, "BatchNormalization")), "BatchNormalization が抜けて"),
        (lambda s: without(s, index(s, "ReLU")), "ReLU が抜けて"),
        (extra_pooling, "余分な MaxPooling2D"),
        (lambda s: changed(s, i := index(s, "Dropout"), rate=s[i][1]["rate"] + 0.2), "rate="),
        (lambda s: changed(s, len(s) - 1, activation="softmax"), "from_logits=True"),
        (extra_softmax, "from_logits=True"),
        (lambda s: changed(s, len(s) - 1, units=9), "units は 10 のはずが 9"),
        (global_pooling, "Flatten のはずが GlobalAveragePooling2D"),
        (lambda s: s[:-1], "足りません"),
    ],
)
def test_check_fashion_cnn_hints(specs, mistake, hint):
    fb = check_fashion_cnn(sequential_from(mistake(specs)))
    assert not fb.passed and hint in fb.message, fb.message


def test_check_fashion_cnn_input_hints(keras, specs):
    for input_shape, hint in [
        ((28, 28), "チャンネルの軸がありません"),
        ((1, 28, 28), "チャンネルが先頭"),
        ((32, 32, 3), "入力の形が (None, 32, 32, 3)"),
        (None, "keras.Input(shape=(28, 28, 1)) から始めて"),
    ]:
        fb = check_fashion_cnn(sequential_from(specs, input_shape))
        assert not fb.passed and hint in fb.message, fb.message
    reshape = layer_spec(keras.layers.Reshape((28, 28, 1)))  # builds, from a (28, 28) input
    fb = check_fashion_cnn(sequential_from([reshape, *specs], (28, 28)))
    assert not fb.passed and "チャンネルの軸がありません" in fb.message, fb.message


def test_check_fashion_cnn_wants_a_function_returning_a_new_model(keras, specs):
    model = sequential_from(specs)()

    def stub():
        raise NotImplementedError("課題")

    def broken():
        raise ValueError("typo")

    for answer, hint in [
        (lambda: model, "新しいモデルを返して"),
        (model, "モデルを作る関数を渡して"),
        (lambda: [cls.from_config(c) for cls, c in specs], "keras.Sequential([...]) で包んで"),
        (lambda: keras.layers.Dense(10), "keras.Model を返して"),
        (lambda: None, "return を書き忘れて"),
        (stub, "まだ実装されていません"),
        (broken, "ValueError: typo"),
        (np.zeros(3), "関数を渡してください"),
    ]:
        fb = check_fashion_cnn(answer)
        assert not fb.passed and hint in fb.message, fb.message


# The exercises must be done, not delegated to the library function the text forbids.
def test_session_4_checkers_reject_calling_the_library():
    from seminar_lib.keras_models import build_fashion_cnn
    from seminar_lib.preprocessing import Standardizer, one_hot

    def one_hot_by_library(y, num_classes):
        return one_hot(y, num_classes)

    def standardize_by_library(X_train, X_test):
        scaler = Standardizer(axis=0).fit(X_train)
        return scaler.transform(X_train), scaler.transform(X_test)

    def cnn_by_library():
        return build_fashion_cnn()

    def cnn_by_alias():  # the reference model reached without naming it here
        return aliased()

    aliased = build_fashion_cnn
    cases = [
        (check_one_hot, one_hot_by_library, "one_hot を使っています"),
        (check_standardize, standardize_by_library, "Standardizer を使っています"),
        (check_fashion_cnn, cnn_by_library, "build_fashion_cnn を使っています"),
        (check_fashion_cnn, build_fashion_cnn, "build_fashion_cnn() を呼ばずに"),
        (check_fashion_cnn, cnn_by_alias, "build_fashion_cnn() を呼ばずに"),
    ]
    for checker, answer, hint in cases:
        fb = checker(answer)
        assert not fb.passed and hint in fb.message, fb.message
