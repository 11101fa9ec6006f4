"""Splits, one-hot labels and the standardiser: exact counts, statistics and error messages."""

import numpy as np
import pytest

from seminar_lib.preprocessing import Standardizer, one_hot, train_val_test_split


def labelled(counts):
    """X[i] = i (to follow rows through a split) and y with counts[k] examples of class k."""
    y = np.repeat(np.arange(len(counts)), counts)
    return np.arange(len(y)) * 10, y


def test_split_is_stratified_disjoint_and_complete():
    X, y = labelled([100, 50, 30, 20])
    (X_tr, y_tr), (X_val, y_val), (X_te, y_te) = train_val_test_split(
        X, y, val_size=0.2, test_size=0.1, rng=np.random.default_rng(0)
    )
    assert np.bincount(y_te).tolist() == [10, 5, 3, 2]
    assert np.bincount(y_val).tolist() == [20, 10, 6, 4]
    assert np.bincount(y_tr).tolist() == [70, 35, 21, 14]
    rows = np.concatenate([X_tr, X_val, X_te]) // 10
    assert sorted(rows.tolist()) == list(range(len(y)))  # every example exactly once
    np.testing.assert_array_equal(y[X_tr // 10], y_tr)  # X and y stay paired
    np.testing.assert_array_equal(y[X_te // 10], y_te)
    assert not np.all(np.diff(y_tr) >= 0)  # the classes are mixed, not sorted


def test_split_is_reproducible_with_the_same_seed():
    X, y = labelled([40, 40, 40])
    first = train_val_test_split(X, y, rng=np.random.default_rng(7))
    second = train_val_test_split(X, y, rng=np.random.default_rng(7))
    other = train_val_test_split(X, y, rng=np.random.default_rng(8))
    for (a, _), (b, _) in zip(first, second, strict=True):
        np.testing.assert_array_equal(a, b)
    assert not np.array_equal(first[2][0], other[2][0])


def test_split_without_stratification_and_with_images():
    X, y = labelled([90, 10])
    images = np.broadcast_to(X[:, None, None, None], (100, 4, 4, 3)).copy()  # (N, H, W, C)
    (X_tr, y_tr), (X_val, _), (X_te, y_te) = train_val_test_split(
        images, y, val_size=0.25, test_size=0.25, rng=np.random.default_rng(0), stratify=False
    )
    assert X_tr.shape == (50, 4, 4, 3) and X_val.shape == (25, 4, 4, 3) and len(y_te) == 25
    np.testing.assert_array_equal(y[X_tr[:, 0, 0, 0] // 10], y_tr)
    (_, _), (_, y_val0), (_, y_te0) = train_val_test_split(
        X, y, val_size=0.0, test_size=0.5, rng=np.random.default_rng(0)
    )
    assert len(y_val0) == 0 and np.bincount(y_te0).tolist() == [45, 5]


@pytest.mark.parametrize(
    "kwargs, error, message",
    [
        ({"val_size": 0.6, "test_size": 0.4}, ValueError, r"val_size \+ test_size` < 1"),
        ({"val_size": -0.1}, ValueError, r"Expected 0 <= `val_size` < 1. Received: val_size=-0.1"),
        ({"test_size": "10%"}, TypeError, "Expected `test_size` to be a fraction"),
        ({"rng": 0}, TypeError, "Expected `rng` to be a numpy.random.Generator.*Received: int"),
        ({"stratify": "yes"}, TypeError, "Expected `stratify` to be True or False"),
    ],
)
def test_split_errors(kwargs, error, message):
    X, y = labelled([5, 5])
    kwargs = {"rng": np.random.default_rng(0), **kwargs}
    with pytest.raises(error, match=message):
        train_val_test_split(X, y, **kwargs)


def test_split_input_errors():
    rng = np.random.default_rng(0)
    with pytest.raises(ValueError, match=r"same number of examples. Received: X.shape=\(3,\), y"):
        train_val_test_split(np.zeros(3), np.zeros(4, dtype=int), rng=rng)
    with pytest.raises(TypeError, match="integer class ids. Received: y.dtype=<U1"):
        train_val_test_split(np.zeros(2), np.array(["a", "b"]), rng=rng)
    with pytest.raises(ValueError, match="class ids >= 0"):
        train_val_test_split(np.zeros(2), np.array([0, -1]), rng=rng)
    with pytest.raises(TypeError, match="rng"):
        train_val_test_split(np.zeros(2), np.array([0, 1]))  # rng is keyword-only and required


def test_one_hot_values_and_errors():
    out = one_hot([2, 0, 1, 2])
    np.testing.assert_array_equal(out, [[0, 0, 1], [1, 0, 0], [0, 1, 0], [0, 0, 1]])
    assert out.dtype == np.float32
    wide = one_hot(np.array([1.0, 3.0]), num_classes=5, dtype=np.int64)
    assert (
        wide.shape == (2, 5) and wide.dtype == np.int64 and wide.argmax(axis=1).tolist() == [1, 3]
    )
    assert one_hot([], num_classes=3).shape == (0, 3)
    with pytest.raises(ValueError, match="Expected class ids < num_classes=3. Received: max"):
        one_hot([0, 3], num_classes=3)
    with pytest.raises(TypeError, match="integer class ids. Received: y.dtype=float64"):
        one_hot([0.5, 1.0])
    with pytest.raises(ValueError, match=r"Expected `y` with 1 dim \(N,\).*y.shape=\(2, 2\)"):
        one_hot([[0, 1], [1, 0]])
    with pytest.raises(TypeError, match="Expected `num_classes` to be an int"):
        one_hot([0], num_classes=2.0)


def test_standardizer_uses_training_statistics_only():
    rng = np.random.default_rng(0)
    X_train = rng.normal(loc=[5.0, -3.0], scale=[2.0, 0.5], size=(200, 2))
    X_test = rng.normal(loc=[50.0, 0.0], scale=1.0, size=(10, 2))  # a shifted test set
    scaler = Standardizer()
    Z_train = scaler.fit_transform(X_train)
    np.testing.assert_allclose(Z_train.mean(axis=0), 0.0, atol=1e-12)
    np.testing.assert_allclose(Z_train.std(axis=0), 1.0, rtol=1e-12)
    expected = (X_test - X_train.mean(axis=0)) / X_train.std(axis=0)
    np.testing.assert_allclose(scaler.transform(X_test), expected, rtol=1e-12)
    assert scaler.transform(X_test).mean() > 5  # the test statistics did not leak in
    np.testing.assert_allclose(scaler.inverse_transform(scaler.transform(X_test)), X_test)
    assert repr(scaler) == "Standardizer(axis=0, mean_.shape=(1, 2))"


def test_standardizer_per_channel_images_constant_features_and_dtypes():
    rng = np.random.default_rng(1)
    images = rng.integers(0, 256, size=(6, 4, 4, 3), dtype=np.uint8)  # (N, H, W, C)
    before = images.copy()
    scaler = Standardizer(axis=(0, 1, 2)).fit(images)
    assert scaler.mean_.shape == (1, 1, 1, 3)
    np.testing.assert_allclose(scaler.mean_.ravel(), images.reshape(-1, 3).mean(axis=0))
    out = scaler.transform(images[:2])
    assert out.dtype == np.float32 and out.shape == (2, 4, 4, 3)
    np.testing.assert_array_equal(images, before)  # input untouched
    flat = np.column_stack([np.arange(5.0), np.full(5, 7.0)])  # second feature is constant
    np.testing.assert_allclose(Standardizer().fit_transform(flat)[:, 1], 0.0)
    whole = Standardizer(axis=None).fit(flat)
    assert whole.mean_.shape == (1, 1) and whole.mean_.item() == pytest.approx(flat.mean())


def test_standardizer_errors():
    with pytest.raises(ValueError, match="not fitted yet: call fit"):
        Standardizer().transform(np.zeros((2, 2)))
    scaler = Standardizer().fit(np.zeros((3, 4)))
    with pytest.raises(
        ValueError, match=r"shaped like the fitted data \('\*', 4\). Received: X.shape=\(3, 5\)"
    ):
        scaler.transform(np.zeros((3, 5)))
    with pytest.raises(ValueError, match=r"Received: Z.shape=\(4,\)"):
        scaler.inverse_transform(np.zeros(4))
    with pytest.raises(
        ValueError, match=r"`axis` within the 2 dims of X, each once. Received: axis=2"
    ):
        Standardizer(axis=2).fit(np.zeros((3, 4)))
    with pytest.raises(ValueError, match="each once"):
        Standardizer(axis=(0, -2)).fit(np.zeros((3, 4)))
    with pytest.raises(TypeError, match="Expected `axis` to be an int, a tuple of ints or None"):
        Standardizer(axis=[0, 1])
    with pytest.raises(TypeError, match="array of real numbers. Received: X.dtype=<U1"):
        Standardizer().fit(np.array([["a"]]))
    with pytest.raises(ValueError, match="non-empty"):
        Standardizer().fit(np.zeros((0, 3)))
    with pytest.raises(ValueError, match="Expected `eps` > 0"):
        Standardizer(eps=0)
