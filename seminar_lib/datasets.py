"""Verified, offline dataset loaders and small toy datasets.

Nothing here downloads anything. MNIST and Fashion-MNIST are read from the repository's ``data/``
folder (or from ``$SEMINAR_DATA_DIR``) and every file is checked against the SHA-256 of its
decompressed content, so a missing, truncated or altered file is reported instead of being used.
"""

from __future__ import annotations

import gzip
import hashlib
import io
import os
import pickle
import shutil
import zlib
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from seminar_lib._validation import check_bool

__all__ = [
    "CIFAR10_CLASSES_JA",
    "CIFAR10_FOLDER",
    "COLOR_MODES",
    "DATA_DIR_ENV",
    "DEMO_FOLDER_CLASSES",
    "FASHION_MNIST_CLASSES",
    "FASHION_MNIST_CLASSES_JA",
    "LOGIC_GATES",
    "DatasetError",
    "ImageFolder",
    "build_dir",
    "data_dir",
    "load_cifar10",
    "load_course_text",
    "load_fashion_mnist",
    "load_image_folder",
    "load_mnist",
    "logic_gate",
    "make_demo_image_folder",
    "write_cifar10_batches",
]

#: Environment variable that overrides the data folder.
DATA_DIR_ENV = "SEMINAR_DATA_DIR"

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

_RESTORE_HINT = (
    "The data files are part of the repository: restore them with "
    "`git checkout -- data/` (or a fresh clone), or point the environment variable "
    f"{DATA_DIR_ENV} at a folder that holds mnist/, fashion-mnist/ and course-text/. "
    "Nothing is downloaded. / データファイルはリポジトリに含まれています。"
    "`git checkout -- data/` で元に戻してください。"
)


class DatasetError(RuntimeError):
    """A dataset file is missing, truncated, altered or not in the expected format."""


def data_dir() -> Path:
    """The data folder: ``$SEMINAR_DATA_DIR`` if set, else ``data/`` of the repository."""
    override = os.environ.get(DATA_DIR_ENV)
    if override:
        return Path(override).expanduser()
    return Path(__file__).resolve().parent.parent / "data"


def _as_path(root) -> Path:
    """``root`` as a Path (``~`` expanded); TypeError unless it is a str or os.PathLike."""
    if not isinstance(root, (str, os.PathLike)):
        raise TypeError(f"Expected `root` to be a path (str or Path). Received: root={root!r}")
    return Path(root).expanduser()


def build_dir(*parts: str) -> Path:
    """A folder under the repository's ``build/`` (ignored by git), created if missing.

    Notebooks write what they generate there (demo images, checkpoints, logs, saved models), so
    nothing generated lands in ``notebooks/`` or in a commit: ``build_dir("demo_images")``.
    """
    if not all(isinstance(p, str) and p and not os.path.isabs(p) for p in parts):
        raise ValueError(f"Expected relative folder names. Received: {parts!r}")
    path = Path(__file__).resolve().parent.parent / "build"
    path = path.joinpath(*parts)
    path.mkdir(parents=True, exist_ok=True)
    return path


# Verified arrays, keyed by (path, size, mtime): a second load in the same process is instant.
_CACHE: dict[tuple, np.ndarray] = {}


def _read_idx(path: Path, sha256: str, shape: tuple[int, ...]) -> np.ndarray:
    """Read one gzipped IDX file, verify its content checksum and return a read-only array."""
    try:
        stat = path.stat()
    except FileNotFoundError:
        raise DatasetError(f"Missing data file: {path}. {_RESTORE_HINT}") from None
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
    digest = hashlib.sha256(raw).hexdigest()
    if digest != sha256:
        raise DatasetError(
            f"Altered or corrupt data file: {path} (SHA-256 of its content is {digest}, "
            f"expected {sha256}). {_RESTORE_HINT}"
        )
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


#: The course's own Japanese text (see data/README.md): path under the data folder, SHA-256.
_COURSE_TEXT = (
    "course-text/course_text_ja.txt",
    "13dad5ae5a4e4a154eaa9bca0f952b6963cb60198ef11d50ecee66a24a095473",
)


def load_course_text() -> str:
    """The Japanese prose of notebooks 00-04 of this course (61,546 characters, 879 lines),
    from ``data/course-text/course_text_ja.txt``, verified by SHA-256: the text that the
    character-level language model of session 6 learns from.

    The file was written by ``python -m seminar_lib.course corpus``; the project owns it (MIT).
    """
    name, sha256 = _COURSE_TEXT
    path = data_dir() / name
    try:
        raw = path.read_bytes()
    except FileNotFoundError:
        raise DatasetError(f"Missing data file: {path}. {_RESTORE_HINT}") from None
    digest = hashlib.sha256(raw).hexdigest()
    if digest != sha256:
        raise DatasetError(
            f"Altered or corrupt data file: {path} (SHA-256 of its content is {digest}, "
            f"expected {sha256}). {_RESTORE_HINT}"
        )
    return raw.decode("utf-8")


#: Truth tables of the logic gates, for inputs (0, 0), (0, 1), (1, 0), (1, 1).
LOGIC_GATES = {
    "AND": (0, 0, 0, 1),
    "OR": (0, 1, 1, 1),
    "NAND": (1, 1, 1, 0),
    "NOR": (1, 0, 0, 0),
    "XOR": (0, 1, 1, 0),
}


def logic_gate(name: str):
    """Inputs and outputs of a two-input logic gate.

    Parameters
    ----------
    name : str
        One of ``"AND"``, ``"OR"``, ``"NAND"``, ``"NOR"``, ``"XOR"`` (case-insensitive).

    Returns
    -------
    X : ndarray of shape (4, 2), float64
        The inputs (0, 0), (0, 1), (1, 0), (1, 1).
    y : ndarray of shape (4,), int64
        The gate's output for each row of ``X``.
    """
    if not isinstance(name, str):
        raise TypeError(f"Expected `name` to be a str such as 'AND'. Received: name={name!r}")
    key = name.strip().upper()
    if key not in LOGIC_GATES:
        raise ValueError(f"Unknown logic gate {name!r}. Expected one of: {', '.join(LOGIC_GATES)}.")
    X = np.array([[0, 0], [0, 1], [1, 0], [1, 1]], dtype=np.float64)  # (4, 2)
    y = np.array(LOGIC_GATES[key], dtype=np.int64)  # (4,)
    return X, y


# --- Image folders (one sub-folder per class, the Caltech101 layout) -------------------------

#: ``color_mode`` of :func:`load_image_folder` -> (Pillow mode, channels).
COLOR_MODES = {"grayscale": ("L", 1), "rgb": ("RGB", 3), "rgba": ("RGBA", 4)}


@dataclass(frozen=True, repr=False)
class ImageFolder:
    """What :func:`load_image_folder` read: arrays, class names, and every file it skipped.

    Attributes
    ----------
    images : ndarray of shape (N, H, W, C), uint8
        The decoded, resized images; C is 1, 3 or 4 for grayscale, rgb and rgba.
    labels : ndarray of shape (N,), int64
        The class id of each image: the index of its folder in ``class_names``.
    class_names : tuple of str
        The class folders, sorted by name (the label order).
    files : tuple of str
        The path of each image relative to the root, with ``/`` (same order as ``images``).
    skipped : tuple of (str, str)
        ``(relative path, reason)`` for every file that was not loaded.
    """

    images: np.ndarray
    labels: np.ndarray
    class_names: tuple[str, ...]
    files: tuple[str, ...]
    skipped: tuple[tuple[str, str], ...] = ()

    @property
    def class_counts(self) -> dict[str, int]:
        """Number of images per class, in label order (empty classes count 0)."""
        counts = np.bincount(self.labels, minlength=len(self.class_names))
        return {name: int(n) for name, n in zip(self.class_names, counts, strict=True)}

    def report(self) -> str:
        """A short report in Japanese: images loaded, images per class, skipped files and why."""
        n, h, w, c = self.images.shape
        lines = [
            f"{n} 枚の画像を読み込みました: images {self.images.shape} {self.images.dtype}, "
            f"{len(self.class_names)} クラス"
        ]
        counts = self.class_counts
        lines.append("クラスごとの枚数: " + ", ".join(f"{k} {v}" for k, v in counts.items()))
        empty = [name for name, count in counts.items() if count == 0]
        if empty:
            lines.append(f"画像が 1 枚もないクラス: {', '.join(empty)}")
        if self.skipped:
            lines.append(f"読み込めなかったのでスキップしたファイル {len(self.skipped)} 件:")
            lines += [f"  {path}: {reason}" for path, reason in self.skipped]
        else:
            lines.append("スキップしたファイルはありません")
        return "\n".join(lines)

    def __repr__(self) -> str:
        return (
            f"ImageFolder(images={self.images.shape} {self.images.dtype}, "
            f"classes={len(self.class_names)}, skipped={len(self.skipped)})"
        )


def _check_image_size(image_size) -> tuple[int, int]:
    if isinstance(image_size, (int, np.integer)) and not isinstance(image_size, bool):
        image_size = (image_size, image_size)
    ok = (
        isinstance(image_size, (tuple, list))
        and len(image_size) == 2
        and all(isinstance(s, (int, np.integer)) and not isinstance(s, bool) for s in image_size)
    )
    if not ok:
        raise TypeError(
            "Expected `image_size` to be an int or a pair of ints (height, width). "
            f"Received: image_size={image_size!r}"
        )
    if min(image_size) < 1:
        raise ValueError(f"Expected `image_size` >= 1. Received: image_size={tuple(image_size)}")
    return int(image_size[0]), int(image_size[1])


def _to_mode(img, mode: str, background: int):
    """Convert a decoded Pillow image to ``mode`` ("L", "RGB" or "RGBA").

    16-bit grayscale is scaled to 8 bits (Pillow's ``convert`` would clip it); transparent pixels
    are composited on a ``background`` grey level when the target mode has no alpha.
    """
    from PIL import Image

    if img.mode in ("I", "F") or img.mode.startswith("I;16"):
        values = np.asarray(img, dtype=np.float64)
        scale = 257.0 if values.max(initial=0) > 255 or img.mode.startswith("I;16") else 1.0
        img = Image.fromarray(np.clip(np.rint(values / scale), 0, 255).astype(np.uint8), "L")
    has_alpha = img.mode in ("RGBA", "LA", "PA", "La", "RGBa") or "transparency" in img.info
    if mode == "RGBA":
        return img.convert("RGBA")
    if has_alpha:
        rgba = img.convert("RGBA")
        canvas = Image.new("RGBA", rgba.size, (background, background, background, 255))
        img = Image.alpha_composite(canvas, rgba)
    return img.convert(mode)


def _decode_image(path: Path, mode: str, size_hw: tuple[int, int], background: int):
    """Decode, orient, convert and resize one image; return (array, None) or (None, reason)."""
    from PIL import Image, ImageOps, UnidentifiedImageError

    if path.stat().st_size == 0:
        return None, "empty file (0 bytes) / 空のファイル"
    try:
        with Image.open(path) as img:
            img.load()  # decode now: truncated or corrupt data fails here, not later
            img = ImageOps.exif_transpose(img)
            img = _to_mode(img, mode, background)
            if img.size != (size_hw[1], size_hw[0]):
                img = img.resize((size_hw[1], size_hw[0]), Image.Resampling.BILINEAR)
            return np.asarray(img, dtype=np.uint8), None
    except UnidentifiedImageError:
        return None, "not an image file (Pillow cannot identify it) / 画像ではありません"
    except Image.DecompressionBombError as exc:
        return None, f"image too large ({exc}) / 大きすぎる画像"
    except (OSError, SyntaxError, ValueError, EOFError) as exc:
        return None, f"truncated or corrupt image ({exc}) / 壊れた画像"


def load_image_folder(
    root,
    image_size=(64, 64),
    color_mode: str = "rgb",
    background: int = 255,
    verbose: bool = True,
) -> ImageFolder:
    """Load a folder of images with one sub-folder per class (the Caltech101 layout).

    ``root/<class name>/<any name>.<png|jpg|bmp|gif|...>``: the class names are the sub-folder
    names sorted alphabetically, and an image's label is the index of its folder. Images of any
    size and mode (grayscale, 16-bit grayscale, RGB, RGBA, palette) are decoded with Pillow,
    turned upright by their EXIF orientation, converted to ``color_mode`` and resized to
    ``image_size`` with bilinear interpolation (the aspect ratio is not kept, as in Keras's
    ``image_dataset_from_directory``). Files inside class folders are read recursively.

    A file that cannot be read (not an image, empty, truncated, corrupt) is skipped and listed in
    ``skipped`` with the reason, as is a file outside the class folders or a hidden one; a good
    image is never dropped and a bad one never stops the load. A class folder without images is
    kept in ``class_names`` (its label id stays reserved) and named in the report.

    Parameters
    ----------
    root : str or os.PathLike
        The folder that holds the class folders.
    image_size : int or (int, int)
        Output (height, width); an int means a square.
    color_mode : {"grayscale", "rgb", "rgba"}
        Channels of the output: 1, 3 or 4.
    background : int
        Grey level 0-255 on which transparent pixels are composited for "grayscale" and "rgb".
    verbose : bool
        Print :meth:`ImageFolder.report` (how many images, per class, and the skipped files).

    Returns
    -------
    ImageFolder
        ``images`` (N, H, W, C) uint8, ``labels`` (N,) int64, ``class_names``, ``files``,
        ``skipped``.

    Raises
    ------
    DatasetError
        ``root`` does not exist, is not a folder, has no class folders, or no image in it could
        be read.
    """
    root = _as_path(root)
    size_hw = _check_image_size(image_size)
    if color_mode not in COLOR_MODES:
        raise ValueError(
            f"Expected `color_mode` to be one of {', '.join(map(repr, COLOR_MODES))}. "
            f"Received: color_mode={color_mode!r}"
        )
    if isinstance(background, bool) or not isinstance(background, (int, np.integer)):
        raise TypeError(f"Expected `background` to be an int 0-255. Received: {background!r}")
    if not 0 <= background <= 255:
        raise ValueError(f"Expected `background` in 0-255. Received: background={background}")
    verbose = check_bool(verbose, "verbose")
    layout = "Expected a folder with one sub-folder per class: root/<class>/<image files>."
    if not root.exists():
        raise DatasetError(f"Image folder not found: {root}. {layout}")
    if not root.is_dir():
        raise DatasetError(f"Not a folder: {root}. {layout}")

    mode, channels = COLOR_MODES[color_mode]
    skipped: list[tuple[str, str]] = []
    class_dirs = []
    for entry in sorted(root.iterdir()):
        if entry.name.startswith("."):
            skipped.append((entry.name, "hidden, ignored / 隠しファイル・フォルダ"))
        elif entry.is_dir():
            class_dirs.append(entry)
        else:
            skipped.append((entry.name, "not inside a class folder / クラスのフォルダの外"))
    if not class_dirs:
        raise DatasetError(f"No class folders in {root}. {layout}")

    images, labels, files = [], [], []
    for label, class_dir in enumerate(class_dirs):
        for path in sorted(class_dir.rglob("*")):
            rel = path.relative_to(root).as_posix()
            parts = path.relative_to(class_dir).parts
            hidden = [i for i, part in enumerate(parts) if part.startswith(".")]
            if hidden:  # report the hidden entry itself once, not what a hidden folder holds
                if hidden[0] == len(parts) - 1:
                    skipped.append((rel, "hidden, ignored / 隠しファイル・フォルダ"))
                continue
            if not path.is_file():
                continue
            array, reason = _decode_image(path, mode, size_hw, background)
            if reason is not None:
                skipped.append((rel, reason))
                continue
            images.append(array.reshape(*size_hw, channels))  # (H, W) -> (H, W, C)
            labels.append(label)
            files.append(rel)
    if not images:
        raise DatasetError(f"No readable image in {root} ({len(skipped)} files skipped). {layout}")
    result = ImageFolder(
        images=np.stack(images),  # (N, H, W, C) uint8
        labels=np.asarray(labels, dtype=np.int64),  # (N,)
        class_names=tuple(d.name for d in class_dirs),
        files=tuple(files),
        skipped=tuple(skipped),
    )
    if verbose:
        print(result.report())
    return result


# --- CIFAR-10, "python version" ---------------------------------------------------------------

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
_DEMO_README = "dl-seminar demo image folder"
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
        ours = readme.is_file() and readme.read_text(encoding="utf-8").startswith(_DEMO_README)
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
        f"{_DEMO_README} (seminar_lib.datasets.make_demo_image_folder, seed={seed}).\n"
        "The images are Fashion-MNIST test images (Zalando, MIT licence), resized, tinted and\n"
        "saved in various modes and formats. Four files are broken on purpose.\n"
        "画像は Fashion-MNIST のテスト画像を加工したものです。\n"
        "4 つのファイルはわざと壊してあります。\n",
        encoding="utf-8",
    )
    return root
