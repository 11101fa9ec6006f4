"""MNIST and Fashion-MNIST from the IDX files in ``data/`` (offline, verified by SHA-256).

Each gzipped file is checked against the SHA-256 of its decompressed content (listed in
``data/README.md``), so a missing, truncated or altered file is reported instead of being used.
"""

from __future__ import annotations

import gzip
import zlib
from pathlib import Path

import numpy as np

from seminar_lib._validation import check_bool
from seminar_lib.datasets._files import (
    _CACHE,
    _RESTORE_HINT,
    DatasetError,
    _check_sha256,
    _missing_file,
)
from seminar_lib.paths import data_dir

__all__ = [
    "FASHION_MNIST_CLASSES",
    "FASHION_MNIST_CLASSES_JA",
    "load_fashion_mnist",
    "load_mnist",
]

FASHION_MNIST_CLASSES = (
    "T-shirt/top",
    "Trouser",
    "Pullover",
    "Dress",
    "Coat",
    "Sandal",
    "Shirt",
    "Sneaker",
    "Bag",
    "Ankle boot",
)
FASHION_MNIST_CLASSES_JA = (
    "Tシャツ/トップス",
    "ズボン",
    "プルオーバー",
    "ドレス",
    "コート",
    "サンダル",
    "シャツ",
    "スニーカー",
    "バッグ",
    "アンクルブーツ",
)

# SHA-256 of the decompressed IDX content (see data/README.md), and the array shape it holds.
_IDX_FILES = {
    "mnist": {
        "train-images-idx3-ubyte": (
            "ba891046e6505d7aadcbbe25680a0738ad16aec93bde7f9b65e87a2fc25776db",
            (60000, 28, 28),
        ),
        "train-labels-idx1-ubyte": (
            "65a50cbbf4e906d70832878ad85ccda5333a97f0f4c3dd2ef09a8a9eef7101c5",
            (60000,),
        ),
        "t10k-images-idx3-ubyte": (
            "0fa7898d509279e482958e8ce81c8e77db3f2f8254e26661ceb7762c4d494ce7",
            (10000, 28, 28),
        ),
        "t10k-labels-idx1-ubyte": (
            "ff7bcfd416de33731a308c3f266cc351222c34898ecbeaf847f06e48f7ec33f2",
            (10000,),
        ),
    },
    "fashion-mnist": {
        "train-images-idx3-ubyte": (
            "c59f468a2f672dc815687fe0f83887768d799fd8a3f3276145d20f83aa44d888",
            (60000, 28, 28),
        ),
        "train-labels-idx1-ubyte": (
            "bad3541b69d912435c50bb6ba87bec294ff4f6a2e1246121d8633921760443d9",
            (60000,),
        ),
        "t10k-images-idx3-ubyte": (
            "5b4141f0afbad91edebe8549f8fcffe087ea10ca49f1dbef5c9a5cd8815ce37b",
            (10000, 28, 28),
        ),
        "t10k-labels-idx1-ubyte": (
            "0402a96d92fd2663957122ceb108a494c5af83dab82d92729df917d7dec38c34",
            (10000,),
        ),
    },
}


def _read_idx(path: Path, sha256: str, shape: tuple[int, ...]) -> np.ndarray:
    """Read one gzipped IDX file, verify its content checksum and return a read-only array."""
    try:
        stat = path.stat()
    except FileNotFoundError:
        raise _missing_file(path) from None
    key = (str(path), stat.st_size, stat.st_mtime_ns)
    if key in _CACHE:
        return _CACHE[key]
    try:
        with gzip.open(path, "rb") as f:
            raw = f.read()
    except (EOFError, OSError, zlib.error) as exc:
        raise DatasetError(
            f"Truncated or corrupt data file: {path} ({type(exc).__name__}: {exc}). {_RESTORE_HINT}"
        ) from exc
    _check_sha256(path, raw, sha256)
    # IDX header: 2 zero bytes, dtype code 0x08 (uint8), number of dims, then big-endian sizes.
    ndim = raw[3]
    dims = tuple(int.from_bytes(raw[4 + 4 * i : 8 + 4 * i], "big") for i in range(ndim))
    if raw[:3] != b"\x00\x00\x08" or dims != shape:  # cannot happen with a matching checksum
        raise DatasetError(f"Unexpected IDX header in {path}: dims={dims}, expected {shape}.")
    arr = np.frombuffer(raw, dtype=np.uint8, offset=4 + 4 * ndim).reshape(shape)
    _CACHE[key] = arr
    return arr


def _load_idx_dataset(name: str, normalize, flatten, one_hot):
    normalize = check_bool(normalize, "normalize")
    flatten = check_bool(flatten, "flatten")
    one_hot = check_bool(one_hot, "one_hot")
    folder = data_dir() / name
    arrays = {
        stem: _read_idx(folder / f"{stem}.gz", sha, shape)
        for stem, (sha, shape) in _IDX_FILES[name].items()
    }
    splits = []
    for prefix in ("train", "t10k"):
        x = arrays[f"{prefix}-images-idx3-ubyte"]  # (N, 28, 28) uint8
        y = arrays[f"{prefix}-labels-idx1-ubyte"]  # (N,) uint8
        if flatten:
            x = x.reshape(len(x), -1)  # (N, 28, 28) -> (N, 784)
        x = x.astype(np.float32) / 255.0 if normalize else x.copy()
        y = np.eye(10, dtype=np.float32)[y] if one_hot else y.copy()  # (N,) -> (N, 10)
        splits.append((x, y))
    return splits[0], splits[1]


def load_mnist(normalize: bool = False, flatten: bool = False, one_hot: bool = False):
    """Load MNIST handwritten digits from ``data/mnist`` (verified by SHA-256, offline).

    Parameters
    ----------
    normalize : bool
        Scale pixels to float32 in [0, 1] instead of uint8 in [0, 255].
    flatten : bool
        Return images as (N, 784) vectors instead of (N, 28, 28).
    one_hot : bool
        Return labels as one-hot float32 (N, 10) instead of uint8 class ids (N,).

    Returns
    -------
    (x_train, y_train), (x_test, y_test)
        The shapes and dtypes of the Keras MNIST loader: x_train (60000, 28, 28) uint8,
        y_train (60000,) uint8, x_test (10000, 28, 28) uint8, y_test (10000,) uint8.

    Raises
    ------
    DatasetError
        A file is missing, truncated or altered; the message names it and how to restore it.
    """
    return _load_idx_dataset("mnist", normalize, flatten, one_hot)


def load_fashion_mnist(normalize: bool = False, flatten: bool = False, one_hot: bool = False):
    """Load Fashion-MNIST (Zalando) from ``data/fashion-mnist``; same arguments and shapes as
    :func:`load_mnist`. Class names: ``FASHION_MNIST_CLASSES`` (English) and
    ``FASHION_MNIST_CLASSES_JA`` (Japanese), indexed by label."""
    return _load_idx_dataset("fashion-mnist", normalize, flatten, one_hot)
