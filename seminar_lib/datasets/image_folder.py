"""Folders of images with one sub-folder per class (the Caltech101 layout), decoded with Pillow.

Pillow is imported inside the functions that decode images, so importing this module is cheap.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import numpy as np

from seminar_lib._validation import check_bool
from seminar_lib.datasets._files import DatasetError, _as_path

__all__ = ["COLOR_MODES", "ImageFolder", "load_image_folder"]

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
        return None, "空のファイルです (0 バイト)"
    try:
        with Image.open(path) as img:
            img.load()  # decode now: truncated or corrupt data fails here, not later
            img = ImageOps.exif_transpose(img)
            img = _to_mode(img, mode, background)
            if img.size != (size_hw[1], size_hw[0]):
                img = img.resize((size_hw[1], size_hw[0]), Image.Resampling.BILINEAR)
            return np.asarray(img, dtype=np.uint8), None
    except UnidentifiedImageError:
        return None, "画像のファイルではありません（Pillow が形式を判別できません）"
    except Image.DecompressionBombError:
        return None, "大きすぎる画像です（画素の数が Pillow の上限を超えています）"
    except (OSError, SyntaxError, ValueError, EOFError):
        return None, "途中で切れているか、壊れた画像です"


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
            skipped.append((entry.name, "隠しファイル・フォルダなので無視しました"))
        elif entry.is_dir():
            class_dirs.append(entry)
        else:
            skipped.append((entry.name, "クラスのフォルダの外にあります"))
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
                    skipped.append((rel, "隠しファイル・フォルダなので無視しました"))
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
