"""MNIST and Fashion-MNIST from the IDX files: shapes, counts, checksums, broken files."""

import gzip
import hashlib
import shutil

import numpy as np
import pytest

from seminar_lib.datasets import (
    FASHION_MNIST_CLASSES,
    FASHION_MNIST_CLASSES_JA,
    DatasetError,
    data_dir,
    load_fashion_mnist,
    load_mnist,
)
from seminar_lib.datasets.idx import _IDX_FILES

# Label counts of the published datasets (train, test).
MNIST_TRAIN_COUNTS = [5923, 6742, 5958, 6131, 5842, 5421, 5918, 6265, 5851, 5949]
MNIST_TEST_COUNTS = [980, 1135, 1032, 1010, 982, 892, 958, 1028, 974, 1009]


def test_load_mnist_shapes_dtypes_and_counts_like_keras():
    (x_train, y_train), (x_test, y_test) = load_mnist()
    assert x_train.shape == (60000, 28, 28) and x_train.dtype == np.uint8
    assert y_train.shape == (60000,) and y_train.dtype == np.uint8
    assert x_test.shape == (10000, 28, 28) and x_test.dtype == np.uint8
    assert y_test.shape == (10000,) and y_test.dtype == np.uint8
    assert np.bincount(y_train).tolist() == MNIST_TRAIN_COUNTS
    assert np.bincount(y_test).tolist() == MNIST_TEST_COUNTS
    assert y_train[:10].tolist() == [5, 0, 4, 1, 9, 2, 1, 3, 1, 4]
    assert x_train.max() == 255 and x_train.min() == 0
    # The arrays are the student's own: writing to them must not corrupt the next load.
    x_train[0] = 0
    assert load_mnist()[0][0][0].max() == 255


def test_load_mnist_normalize_flatten_one_hot():
    (x_raw, y_raw), _ = load_mnist()
    (x, y), (x_t, y_t) = load_mnist(normalize=True, flatten=True, one_hot=True)
    assert x.shape == (60000, 784) and x.dtype == np.float32
    assert x_t.shape == (10000, 784)
    assert 0.0 == x.min() and x.max() == 1.0
    np.testing.assert_allclose(x[0], x_raw[0].reshape(-1) / 255.0, rtol=1e-6)
    assert y.shape == (60000, 10) and y.dtype == np.float32 and y_t.shape == (10000, 10)
    np.testing.assert_array_equal(y.argmax(axis=1), y_raw)
    np.testing.assert_array_equal(y.sum(axis=1), 1.0)


def test_load_fashion_mnist_and_class_names():
    (x, y), (x_t, y_t) = load_fashion_mnist()
    assert x.shape == (60000, 28, 28) and x_t.shape == (10000, 28, 28)
    assert np.bincount(y).tolist() == [6000] * 10
    assert np.bincount(y_t).tolist() == [1000] * 10
    assert len(FASHION_MNIST_CLASSES) == len(FASHION_MNIST_CLASSES_JA) == 10
    assert FASHION_MNIST_CLASSES[9] == "Ankle boot"
    assert FASHION_MNIST_CLASSES_JA[7] == "スニーカー"


@pytest.mark.parametrize("name", ["mnist", "fashion-mnist"])
def test_checksums_in_code_match_the_files_and_data_readme(name):
    readme = (data_dir() / "README.md").read_text(encoding="utf-8")
    for stem, (sha, _shape) in _IDX_FILES[name].items():
        with gzip.open(data_dir() / name / f"{stem}.gz", "rb") as f:
            assert hashlib.sha256(f.read()).hexdigest() == sha
        assert sha in readme


@pytest.fixture
def data_copy(tmp_path, monkeypatch):
    """A private copy of data/mnist under SEMINAR_DATA_DIR, to break on purpose."""
    shutil.copytree(data_dir() / "mnist", tmp_path / "mnist")
    monkeypatch.setenv("SEMINAR_DATA_DIR", str(tmp_path))
    return tmp_path / "mnist"


def test_data_dir_override(data_copy):
    assert data_dir() == data_copy.parent
    (x, _), _ = load_mnist()
    assert x.shape == (60000, 28, 28)


def test_missing_file_is_named_with_the_fix(data_copy):
    (data_copy / "t10k-labels-idx1-ubyte.gz").unlink()
    with pytest.raises(DatasetError, match=r"Missing data file: .*t10k-labels-idx1-ubyte.gz") as e:
        load_mnist()
    assert "git checkout -- data/" in str(e.value)
    assert "zip から data/ を展開し直してください" in str(e.value)
    assert "SEMINAR_DATA_DIR" in str(e.value)


def test_truncated_file_is_reported(data_copy):
    path = data_copy / "train-labels-idx1-ubyte.gz"
    path.write_bytes(path.read_bytes()[:5000])
    with pytest.raises(DatasetError, match=r"Truncated or corrupt data file: .*train-labels-idx1"):
        load_mnist()


def test_altered_content_fails_the_checksum(data_copy):
    path = data_copy / "t10k-labels-idx1-ubyte.gz"
    with gzip.open(path, "rb") as f:
        raw = bytearray(f.read())
    raw[100] = (raw[100] + 1) % 10  # one label changed, the file is still valid gzip
    with gzip.open(path, "wb") as f:
        f.write(bytes(raw))
    with pytest.raises(
        DatasetError, match=r"Altered or corrupt data file: .*t10k-labels.*expected ff7bcfd4"
    ):
        load_mnist()


def test_not_gzip_at_all_is_reported(data_copy):
    (data_copy / "t10k-images-idx3-ubyte.gz").write_text("<html>not found</html>")
    with pytest.raises(DatasetError, match=r"Truncated or corrupt data file: .*t10k-images"):
        load_mnist()


def test_a_recompressed_copy_with_the_same_content_is_accepted(data_copy):
    path = data_copy / "t10k-labels-idx1-ubyte.gz"
    with gzip.open(path, "rb") as f:
        raw = f.read()
    path.write_bytes(
        gzip.compress(raw, compresslevel=1, mtime=0)
    )  # other gzip header, same content
    assert load_mnist()[1][1].shape == (10000,)


def test_loader_flags_must_be_bool():
    with pytest.raises(
        TypeError, match=r"Expected `normalize` to be True or False. Received: normalize='yes'"
    ):
        load_mnist(normalize="yes")
    with pytest.raises(TypeError, match=r"Expected `one_hot` to be True or False"):
        load_fashion_mnist(one_hot=1)
