"""Where the course reads its data and writes what it generates.

Both folders come from an environment variable or from the checkout, never from site-packages:

- :func:`data_dir`: ``$SEMINAR_DATA_DIR`` if set, else ``data/`` of the checkout;
- :func:`build_dir`: ``$SEMINAR_BUILD_DIR`` if set, else ``build/`` of the checkout (ignored by
  git), where notebooks write demo images, checkpoints, logs and saved models.

The checkout is the folder above the ``seminar_lib`` package when it holds ``pyproject.toml``
and ``data/``: the editable install of ``make setup``. A copy of the package installed anywhere
else has no checkout, and the environment variable must say where the folder is.
"""

from __future__ import annotations

import os
from pathlib import Path

__all__ = ["BUILD_DIR_ENV", "DATA_DIR_ENV", "build_dir", "data_dir"]

#: Environment variable that overrides the data folder.
DATA_DIR_ENV = "SEMINAR_DATA_DIR"
#: Environment variable that overrides the build folder.
BUILD_DIR_ENV = "SEMINAR_BUILD_DIR"

# The folder of the seminar_lib package; the checkout is the folder above it.
_PACKAGE_DIR = Path(__file__).resolve().parent


def _checkout() -> Path | None:
    """The checkout that holds the package, or None when the package is installed elsewhere."""
    root = _PACKAGE_DIR.parent
    if (root / "pyproject.toml").is_file() and (root / "data").is_dir():
        return root
    return None


def _outside_checkout(folder: str, env: str, what: str) -> str:
    return (
        f"seminar_lib is installed outside a checkout of the course ({_PACKAGE_DIR}), so it has "
        f"no {folder}/ folder. Set the environment variable {env} to {what}. / seminar_lib が"
        f"リポジトリの外にインストールされています。環境変数 {env} でフォルダを指定してください。"
    )


def data_dir() -> Path:
    """The data folder: ``$SEMINAR_DATA_DIR`` if set, else ``data/`` of the checkout.

    Raises
    ------
    DatasetError
        The variable is not set and the package is not inside a checkout.
    """
    override = os.environ.get(DATA_DIR_ENV)
    if override:
        return Path(override).expanduser()
    root = _checkout()
    if root is None:
        from seminar_lib.datasets import DatasetError

        raise DatasetError(
            _outside_checkout(
                "data",
                DATA_DIR_ENV,
                "the folder that holds mnist/, fashion-mnist/ and course-text/",
            )
        )
    return root / "data"


def build_dir(*parts: str) -> Path:
    """A folder under the build folder, created if missing: ``build_dir("demo_images")``.

    The build folder is ``$SEMINAR_BUILD_DIR`` if set, else ``build/`` of the checkout (ignored
    by git). Notebooks write what they generate there (demo images, checkpoints, logs, saved
    models), so nothing generated lands in ``notebooks/`` or in a commit.

    Raises
    ------
    ValueError
        A part is not a relative folder name.
    RuntimeError
        The variable is not set and the package is not inside a checkout.
    """
    if not all(isinstance(p, str) and p and not os.path.isabs(p) for p in parts):
        raise ValueError(f"Expected relative folder names. Received: {parts!r}")
    override = os.environ.get(BUILD_DIR_ENV)
    if override:
        base = Path(override).expanduser()
    else:
        root = _checkout()
        if root is None:
            raise RuntimeError(
                _outside_checkout(
                    "build", BUILD_DIR_ENV, "a writable folder for the files notebooks generate"
                )
            )
        base = root / "build"
    path = base.joinpath(*parts)
    path.mkdir(parents=True, exist_ok=True)
    return path
