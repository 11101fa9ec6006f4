"""CIFAR-10 from the official "python version" batches, read with a restricted unpickler."""

from __future__ import annotations

import io
import pickle
from pathlib import Path

import numpy as np

from seminar_lib.datasets._files import DatasetError, _as_path
from seminar_lib.paths import data_dir

__all__ = ["CIFAR10_CLASSES_JA", "CIFAR10_FOLDER", "CIFAR10_TRAIN_BATCHES", "load_cifar10"]

#: The folder name inside the official archive ``cifar-10-python.tar.gz``.
CIFAR10_FOLDER = "cifar-10-batches-py"
CIFAR10_TRAIN_BATCHES = tuple(f"data_batch_{i}" for i in range(1, 6))
CIFAR10_CLASSES_JA = (
    "飛行機",
    "自動車",
    "鳥",
    "猫",
    "鹿",
    "犬",
    "蛙",
    "馬",
    "船",
    "トラック",
)

_CIFAR10_HINT = (
    "CIFAR-10 is not part of the repository (163 MB). On a machine with internet access, download "
    "the 'CIFAR-10 python version' (cifar-10-python.tar.gz, MD5 c58f30108f718f92721af3b95e74349a) "
    "from Alex Krizhevsky's CIFAR-10 page, extract it, and put its folder cifar-10-batches-py/ "
    "into data/ (or pass root=...). Nothing is downloaded by the course. / CIFAR-10 は"
    "リポジトリに含まれていません。公式の Python 版を展開した cifar-10-batches-py/ を data/ に"
    "置いてください。"
)

# The only globals a CIFAR-10 batch pickle may name: NumPy's array reconstruction (the batches
# were written by Python 2's cPickle) and the codec call protocol 2 uses for bytes. Anything else
# is refused, so a tampered file cannot run code when it is loaded.
_PICKLE_ALLOWED = {
    ("numpy.core.multiarray", "_reconstruct"),
    ("numpy._core.multiarray", "_reconstruct"),
    ("numpy.core.multiarray", "scalar"),
    ("numpy._core.multiarray", "scalar"),
    ("numpy", "ndarray"),
    ("numpy", "dtype"),
    ("_codecs", "encode"),
}


class _BatchUnpickler(pickle.Unpickler):
    def find_class(self, module, name):
        if (module, name) not in _PICKLE_ALLOWED:
            raise pickle.UnpicklingError(f"refusing to load {module}.{name}")
        if module.startswith("numpy.core") and hasattr(np, "_core"):
            module = "numpy._core" + module[len("numpy.core") :]  # NumPy 2 moved numpy.core
        return super().find_class(module, name)


def _read_pickle(path: Path) -> dict:
    if not path.is_file():
        raise DatasetError(f"Missing CIFAR-10 file: {path}. {_CIFAR10_HINT}")
    try:
        with path.open("rb") as f:
            obj = _BatchUnpickler(io.BufferedReader(f), encoding="bytes").load()
    except (pickle.UnpicklingError, EOFError, ValueError, TypeError, AttributeError) as exc:
        raise DatasetError(
            f"Not a CIFAR-10 python batch, or a corrupt one: {path} ({type(exc).__name__}: {exc}). "
            "Replace it with the file of the same name from the official archive "
            "cifar-10-python.tar.gz. / 壊れたファイルです。公式のアーカイブから取り直してください。"
        ) from exc
    if not isinstance(obj, dict):
        raise DatasetError(f"Not a CIFAR-10 python batch: {path} (holds a {type(obj).__name__}).")
    return {k.decode() if isinstance(k, bytes) else k: v for k, v in obj.items()}


def _read_cifar10_batch(path: Path) -> tuple[np.ndarray, np.ndarray]:
    batch = _read_pickle(path)
    data, labels = batch.get("data"), batch.get("labels")
    if not isinstance(data, np.ndarray) or data.dtype != np.uint8 or data.ndim != 2:
        raise DatasetError(f"Unexpected 'data' in {path}: expected a uint8 array (N, 3072).")
    if data.shape[1] != 3 * 32 * 32 or labels is None or len(labels) != len(data):
        raise DatasetError(
            f"Unexpected CIFAR-10 batch {path}: data.shape={data.shape}, "
            f"{'no' if labels is None else len(labels)} labels; expected (N, 3072) and N labels."
        )
    labels = np.asarray(labels, dtype=np.int64)  # (N,)
    if labels.size and (labels.min() < 0 or labels.max() > 9):
        raise DatasetError(f"Labels outside 0-9 in {path}.")
    # Each row is 1024 red, then 1024 green, then 1024 blue bytes, each plane row by row.
    images = data.reshape(-1, 3, 32, 32).transpose(0, 2, 3, 1)  # (N, C, H, W) -> (N, H, W, C)
    return np.ascontiguousarray(images), labels.astype(np.uint8)


def load_cifar10(root=None):
    """Load CIFAR-10 from the official "python version" batches (offline; nothing is downloaded).

    The folder ``cifar-10-batches-py/`` of ``cifar-10-python.tar.gz`` holds ``data_batch_1`` to
    ``data_batch_5``, ``test_batch`` and ``batches.meta``: pickled dicts whose ``data`` is a
    (10000, 3072) uint8 array, each row the 1024 red, 1024 green and 1024 blue values of one
    32x32 image, row by row. The pickles are read with an unpickler that accepts arrays, lists and
    bytes only.

    Parameters
    ----------
    root : str or os.PathLike, optional
        The ``cifar-10-batches-py`` folder; by default ``data/cifar-10-batches-py``.

    Returns
    -------
    (x_train, y_train), (x_test, y_test), class_names
        x_train (50000, 32, 32, 3) uint8, y_train (50000,) uint8, x_test (10000, 32, 32, 3)
        uint8, y_test (10000,) uint8 for the real data set, and the 10 label names of
        ``batches.meta`` (``CIFAR10_CLASSES_JA`` has them in Japanese).

    Raises
    ------
    DatasetError
        The folder or a file is missing (the message says where to put the data set), or a file
        is not a CIFAR-10 batch.
    """
    root = data_dir() / CIFAR10_FOLDER if root is None else _as_path(root)
    if not root.is_dir():
        raise DatasetError(f"CIFAR-10 folder not found: {root}. {_CIFAR10_HINT}")
    meta = _read_pickle(root / "batches.meta")
    names = meta.get("label_names")
    if not isinstance(names, list) or len(names) != 10:
        raise DatasetError(f"Unexpected 'label_names' in {root / 'batches.meta'}.")
    class_names = tuple(n.decode() if isinstance(n, bytes) else str(n) for n in names)
    train = [_read_cifar10_batch(root / name) for name in CIFAR10_TRAIN_BATCHES]
    x_test, y_test = _read_cifar10_batch(root / "test_batch")
    x_train = np.concatenate([x for x, _ in train])  # 5 x (10000, 32, 32, 3) -> (50000, ...)
    y_train = np.concatenate([y for _, y in train])
    return (x_train, y_train), (x_test, y_test), class_names
