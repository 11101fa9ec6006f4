"""CIFAR-10 "python version" batches: the row layout, missing, corrupt and malicious files."""

import pickle
from pathlib import Path

import numpy as np
import pytest

from seminar_lib.datasets import DatasetError, load_cifar10
from seminar_lib.datasets.cifar10 import CIFAR10_TRAIN_BATCHES
from seminar_lib.demo_files import write_cifar10_batches

NAMES = ("airplane", "automobile", "bird", "cat", "deer", "dog", "frog", "horse", "ship", "truck")


def random_split(n, seed):
    rng = np.random.default_rng(seed)
    return rng.integers(0, 256, size=(n, 32, 32, 3), dtype=np.uint8), rng.integers(0, 10, size=n)


def test_cifar10_reads_the_official_row_layout(tmp_path):
    """Batches pickled by hand, as the official files are: row = R plane, G plane, B plane."""
    x, y = random_split(5 * 3 + 4, seed=1)
    root = tmp_path / "cifar-10-batches-py"
    root.mkdir()
    rows = np.empty((len(x), 3072), dtype=np.uint8)
    for i in range(len(x)):
        for c in range(3):
            for r in range(32):
                rows[i, c * 1024 + r * 32 : c * 1024 + r * 32 + 32] = x[i, r, :, c]
    names = list(CIFAR10_TRAIN_BATCHES) + ["test_batch"]
    for k, name in enumerate(names):
        part = slice(3 * k, 3 * k + 3) if k < 5 else slice(15, 19)
        batch = {b"data": rows[part], b"labels": y[part].tolist(), b"batch_label": b"x"}
        (root / name).write_bytes(pickle.dumps(batch, protocol=2))
    meta = {b"label_names": [n.encode() for n in NAMES], b"num_vis": 3072}
    (root / "batches.meta").write_bytes(pickle.dumps(meta, protocol=2))

    (x_train, y_train), (x_test, y_test), class_names = load_cifar10(root)
    assert x_train.shape == (15, 32, 32, 3) and x_train.dtype == np.uint8
    assert x_test.shape == (4, 32, 32, 3) and y_test.dtype == np.uint8
    np.testing.assert_array_equal(x_train, x[:15])
    np.testing.assert_array_equal(x_test, x[15:])
    np.testing.assert_array_equal(y_train, y[:15])
    np.testing.assert_array_equal(y_test, y[15:])
    assert class_names == NAMES
    assert x_train[2, 5, 7, 1] == rows[2, 1024 + 5 * 32 + 7]  # green plane, row 5, column 7


def test_cifar10_missing_files_explain_where_to_put_them(tmp_path, monkeypatch):
    monkeypatch.setenv("SEMINAR_DATA_DIR", str(tmp_path))
    with pytest.raises(
        DatasetError, match=r"CIFAR-10 folder not found: .*cifar-10-batches-py.*data/"
    ):
        load_cifar10()
    root = write_cifar10_batches(tmp_path / "c", random_split(5, 0), random_split(1, 1), NAMES)
    (root / "data_batch_3").unlink()
    with pytest.raises(
        DatasetError, match=r"Missing CIFAR-10 file: .*data_batch_3.*cifar-10-python"
    ):
        load_cifar10(root)


def test_cifar10_corrupt_and_malicious_files(tmp_path):
    root = write_cifar10_batches(tmp_path / "c", random_split(5, 0), random_split(1, 1), NAMES)
    (root / "test_batch").write_bytes(b"\x80\x02garbage")
    with pytest.raises(
        DatasetError, match="Not a CIFAR-10 python batch, or a corrupt one: .*test_batch"
    ):
        load_cifar10(root)
    marker = tmp_path / "pwned"

    class Evil:
        def __reduce__(self):
            return (Path.touch, (marker,))

    (root / "test_batch").write_bytes(pickle.dumps({b"data": Evil()}, protocol=2))
    with pytest.raises(
        DatasetError, match="refusing to load __builtin__.getattr.*official archive"
    ):
        load_cifar10(root)
    assert not marker.exists()  # nothing ran
    bad = {b"data": np.zeros((2, 100), dtype=np.uint8), b"labels": [0, 1]}
    (root / "test_batch").write_bytes(pickle.dumps(bad, protocol=2))
    with pytest.raises(DatasetError, match=r"data.shape=\(2, 100\).*expected \(N, 3072\)"):
        load_cifar10(root)
    bad = {b"data": np.zeros((2, 3072), dtype=np.uint8), b"labels": [0, 10]}
    (root / "test_batch").write_bytes(pickle.dumps(bad, protocol=2))
    with pytest.raises(DatasetError, match="Labels outside 0-9"):
        load_cifar10(root)
