"""What every loader shares: ``DatasetError``, checksum checks, the restore hint and the cache."""

from __future__ import annotations

import hashlib
import os
from pathlib import Path

import numpy as np

from seminar_lib.paths import DATA_DIR_ENV

_RESTORE_HINT = (
    "The data files are part of the repository: restore them with "
    "`git checkout -- data/` (or a fresh clone), or point the environment variable "
    f"{DATA_DIR_ENV} at a folder that holds mnist/, fashion-mnist/ and course-text/. "
    "Nothing is downloaded. / データファイルはリポジトリに含まれています。"
    "`git checkout -- data/` で元に戻してください。"
    "配布の zip を使っている場合は、zip から data/ を展開し直してください。"
)


class DatasetError(RuntimeError):
    """A dataset file is missing, truncated, altered or not in the expected format."""


def _as_path(root) -> Path:
    """``root`` as a Path (``~`` expanded); TypeError unless it is a str or os.PathLike."""
    if not isinstance(root, (str, os.PathLike)):
        raise TypeError(f"Expected `root` to be a path (str or Path). Received: root={root!r}")
    return Path(root).expanduser()


def _missing_file(path: Path) -> DatasetError:
    """The error for a data file of the repository that is not there."""
    return DatasetError(f"Missing data file: {path}. {_RESTORE_HINT}")


def _check_sha256(path: Path, raw: bytes, sha256: str) -> None:
    """Raise DatasetError unless the SHA-256 of ``raw`` (the content of ``path``) is ``sha256``."""
    digest = hashlib.sha256(raw).hexdigest()
    if digest != sha256:
        raise DatasetError(
            f"Altered or corrupt data file: {path} (SHA-256 of its content is {digest}, "
            f"expected {sha256}). {_RESTORE_HINT}"
        )


# Verified arrays, keyed by (path, size, mtime): a second load in the same process is instant.
_CACHE: dict[tuple, np.ndarray] = {}
