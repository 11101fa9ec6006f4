"""The course's own Japanese text, the corpus of the character-level language model."""

from __future__ import annotations

from seminar_lib.datasets._files import _check_sha256, _missing_file
from seminar_lib.paths import data_dir

__all__ = ["load_course_text"]

#: The course's own Japanese text (see data/README.md): path under the data folder, SHA-256.
_COURSE_TEXT = (
    "course-text/course_text_ja.txt",
    "13dad5ae5a4e4a154eaa9bca0f952b6963cb60198ef11d50ecee66a24a095473",
)


def load_course_text() -> str:
    """The Japanese prose of notebooks 00-04 of this course (61,546 characters, 879 lines),
    from ``data/course-text/course_text_ja.txt``, verified by SHA-256: the text that the
    character-level language model of session 6 learns from.

    The file was written by ``python -m tools corpus``; the project owns it (MIT).
    """
    name, sha256 = _COURSE_TEXT
    path = data_dir() / name
    try:
        raw = path.read_bytes()
    except FileNotFoundError:
        raise _missing_file(path) from None
    _check_sha256(path, raw, sha256)
    return raw.decode("utf-8")
