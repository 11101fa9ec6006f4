"""Example files for notebook 04's demonstrations and for the tests.

- :func:`write_cifar10_batches`: small data in the CIFAR-10 "python version" layout, readable by
  :func:`seminar_lib.datasets.load_cifar10`;
- :func:`make_demo_image_folder`: a deliberately messy folder of images (Fashion-MNIST test
  images in many sizes, modes and formats, with broken files) for
  :func:`seminar_lib.datasets.load_image_folder`.

The loaders never need this module; Pillow is imported only by the function that draws images.
"""

from __future__ import annotations

import io
import pickle
import shutil
from pathlib import Path

import numpy as np

from seminar_lib.datasets._files import _as_path
from seminar_lib.datasets.cifar10 import CIFAR10_TRAIN_BATCHES
from seminar_lib.datasets.idx import load_fashion_mnist

__all__ = ["DEMO_FOLDER_CLASSES", "make_demo_image_folder", "write_cifar10_batches"]

# --- CIFAR-10 batches (the "python version" layout) -------------------------------------------


def write_cifar10_batches(root, train, test, class_names) -> Path:
    """Write images in the CIFAR-10 "python version" layout, readable by :func:`load_cifar10`.

    For tests and demonstrations with small data: ``train`` is split into the five
    ``data_batch_*`` files as evenly as possible, ``test`` goes to ``test_batch``.

    Parameters
    ----------
    root : str or os.PathLike
        Folder to create (its parents too); existing batch files in it are overwritten.
    train, test : (images, labels)
        images (N, 32, 32, 3) uint8, labels (N,) ints 0-9.
    class_names : sequence of 10 str

    Returns
    -------
    Path
        ``root``.
    """
    root = _as_path(root)
    if isinstance(class_names, str) or len(class_names) != 10:
        raise ValueError(f"Expected 10 class names. Received: class_names={class_names!r}")
    splits = []
    for split, (images, labels) in (("train", train), ("test", test)):
        images, labels = np.asarray(images), np.asarray(labels)
        if images.dtype != np.uint8 or images.shape[1:] != (32, 32, 3):
            raise ValueError(
                f"Expected {split} images of shape (N, 32, 32, 3), uint8. "
                f"Received: shape={images.shape}, dtype={images.dtype}"
            )
        if labels.shape != images.shape[:1]:
            raise ValueError(
                f"Expected {split} labels of shape ({len(images)},). "
                f"Received: labels.shape={labels.shape}"
            )
        if labels.size and (labels.min() < 0 or labels.max() > 9):
            raise ValueError(
                f"Expected {split} labels in 0-9. Received: min={labels.min()}, max={labels.max()}"
            )
        rows = images.transpose(0, 3, 1, 2).reshape(len(images), 3072)  # R, G, B planes per row
        splits.append((rows, labels))
    root.mkdir(parents=True, exist_ok=True)
    (train_rows, train_labels), (test_rows, test_labels) = splits
    parts = np.array_split(np.arange(len(train_rows)), len(CIFAR10_TRAIN_BATCHES))
    files = [
        (name, train_rows[p], train_labels[p])
        for name, p in zip(CIFAR10_TRAIN_BATCHES, parts, strict=True)
    ]
    files.append(("test_batch", test_rows, test_labels))
    for name, rows, labels in files:
        batch = {
            b"batch_label": name.encode(),
            b"labels": [int(v) for v in labels],
            b"data": np.ascontiguousarray(rows, dtype=np.uint8),
            b"filenames": [f"{name}_{i:05d}.png".encode() for i in range(len(rows))],
        }
        (root / name).write_bytes(pickle.dumps(batch, protocol=2))
    meta = {
        b"label_names": [str(n).encode() for n in class_names],
        b"num_cases_per_batch": len(parts[0]),
        b"num_vis": 3072,
    }
    (root / "batches.meta").write_bytes(pickle.dumps(meta, protocol=2))
    return root


# --- A demo "raw" image folder, derived from Fashion-MNIST ------------------------------------

#: Class folder names of :func:`make_demo_image_folder` (Fashion-MNIST's classes, in label order).
DEMO_FOLDER_CLASSES = (
    "tshirt_top",
    "trouser",
    "pullover",
    "dress",
    "coat",
    "sandal",
    "shirt",
    "sneaker",
    "bag",
    "ankle_boot",
)
_DEMO_README = "dl-seminar の練習用の画像フォルダ"
_OLD_DEMO_README = (
    "dl-seminar demo image folder"  # the first line before the course went Japanese-only
)
# (Pillow mode, file format) of the demo images, drawn at random for each file.
_DEMO_KINDS = (
    ("L", "PNG"),
    ("L", "JPEG"),
    ("RGB", "PNG"),
    ("RGB", "JPEG"),
    ("RGB", "BMP"),
    ("RGBA", "PNG"),
    ("P", "PNG"),
    ("P", "GIF"),
    ("I;16", "PNG"),
)
_EXTENSIONS = {"PNG": "png", "JPEG": "jpg", "BMP": "bmp", "GIF": "gif"}


def _demo_image(image28: np.ndarray, mode: str, rng: np.random.Generator):
    """One Fashion-MNIST image as a raw file would hold it: another size, a tint, a mode."""
    from PIL import Image

    height = int(rng.integers(28, 113))
    width = int(np.clip(round(height * rng.uniform(0.8, 1.25)), 24, 140))
    gray = Image.fromarray(image28, "L").resize((width, height), Image.Resampling.BICUBIC)
    if mode == "L":
        return gray
    if mode == "I;16":
        return Image.fromarray(np.asarray(gray).astype(np.uint16) * 257)  # 16-bit grayscale
    tint = rng.integers(140, 256, size=3) / 255.0  # a coloured light on a grey object
    rgb = (np.asarray(gray, dtype=np.float64)[..., None] * tint).round().astype(np.uint8)
    img = Image.fromarray(rgb, "RGB")  # (H, W, 3)
    if mode == "RGBA":
        return img.convert("RGBA")  # opaque alpha channel
    if mode == "P":
        return img.convert("P", palette=Image.Palette.ADAPTIVE, colors=64)
    return img


def make_demo_image_folder(root, images_per_class: int = 30, seed: int = 0) -> Path:
    """Write a small, deliberately messy image folder for practising :func:`load_image_folder`.

    The images are Fashion-MNIST **test** images (so the folder holds nothing new: it shows
    what a folder of collected photos looks like). Each is saved in its class folder
    (``DEMO_FOLDER_CLASSES``) with a random size between 28 and 140 pixels, a random colour tint
    and a random mode and format: 8- and 16-bit grayscale, RGB, RGBA and palette images as PNG,
    JPEG, BMP and GIF. Classes get between half and all of ``images_per_class`` images, so the
    folder is imbalanced. Four broken files are added as a real collection has them: a truncated
    JPEG, an empty PNG, an HTML error page saved as ``.jpg`` and a text note; and a
    ``README.txt`` at the top says where the images come from.

    The same ``seed`` writes the same files. A folder written earlier by this function is
    replaced; any other non-empty folder is refused, so nothing of yours is deleted.

    Parameters
    ----------
    root : str or os.PathLike
        Folder to write, e.g. ``build/demo_images``.
    images_per_class : int
        Most images in one class (at least 2).
    seed : int
        Seed of the random sizes, modes and image choice.

    Returns
    -------
    Path
        ``root``.
    """
    from PIL import Image

    root = _as_path(root)
    if isinstance(images_per_class, bool) or not isinstance(images_per_class, (int, np.integer)):
        raise TypeError(f"Expected `images_per_class` to be an int. Received: {images_per_class!r}")
    if images_per_class < 2:
        raise ValueError(f"Expected `images_per_class` >= 2. Received: {images_per_class}")
    if isinstance(seed, bool) or not isinstance(seed, (int, np.integer)) or seed < 0:
        raise TypeError(f"Expected `seed` to be an int >= 0. Received: seed={seed!r}")
    readme = root / "README.txt"
    if root.exists():
        ours = readme.is_file() and readme.read_text(encoding="utf-8").startswith(
            (_DEMO_README, _OLD_DEMO_README)
        )
        if not ours and (not root.is_dir() or any(root.iterdir())):
            raise ValueError(
                f"Refusing to write the demo folder into {root}: it exists and was not written "
                "by make_demo_image_folder. Choose an empty or new folder."
            )
        shutil.rmtree(root)

    rng = np.random.default_rng(seed)
    _, (x_test, y_test) = load_fashion_mnist()
    number = 0
    for label, name in enumerate(DEMO_FOLDER_CLASSES):
        folder = root / name
        folder.mkdir(parents=True)
        count = int(rng.integers(images_per_class // 2, images_per_class + 1))
        for i in rng.choice(np.flatnonzero(y_test == label), size=count, replace=False):
            mode, fmt = _DEMO_KINDS[rng.integers(len(_DEMO_KINDS))]
            number += 1
            img = _demo_image(x_test[i], mode, rng)
            img.save(folder / f"{number:04d}.{_EXTENSIONS[fmt]}", format=fmt)

    buffer = io.BytesIO()
    Image.fromarray(x_test[0], "L").resize((96, 96)).save(buffer, format="JPEG", quality=90)
    (root / "sneaker" / "9991.jpg").write_bytes(buffer.getvalue()[: buffer.tell() // 2])
    (root / "coat" / "9992.png").write_bytes(b"")
    (root / "dress" / "9993.jpg").write_text(
        "<!DOCTYPE html>\n<html><head><title>404 Not Found</title></head>\n"
        "<body><h1>Not Found</h1></body></html>\n",
        encoding="utf-8",
    )
    (root / "bag" / "memo.txt").write_text("撮影メモ: バッグは 2 回目の撮影分\n", encoding="utf-8")
    readme.write_text(
        f"{_DEMO_README} (seminar_lib.demo_files.make_demo_image_folder, seed={seed})\n"
        "画像は Fashion-MNIST のテスト画像（Zalando, MIT ライセンス）の大きさ・色合いを変え、\n"
        "いろいろなモードと形式で保存し直したものです。4 つのファイルはわざと壊してあります。\n",
        encoding="utf-8",
    )
    return root
