"""Submission files: the CSV ``id,label`` checked line by line, with messages in Japanese.

A student calls :func:`validate_submission` on their file before uploading it; the server calls
the same function, so a file that passes here is accepted there (up to the contest's size
limit, 1 MiB by default, and the daily limit).
Every problem is reported with the line number and the offending value::

    >>> validate_submission("id,label\\n1,3\\n", ids=[1, 2])
    Traceback (most recent call last):
    ...
    SubmissionError: id が 1 件足りません (missing ids)。例: 2。...
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from pathlib import Path

import numpy as np

__all__ = [
    "HEADER",
    "SubmissionError",
    "read_student_pack",
    "submission_csv",
    "validate_submission",
    "write_submission",
]

HEADER = ("id", "label")
_SHOW = 5  # how many examples a message lists


class SubmissionError(ValueError):
    """A submission file that cannot be scored; ``str(err)`` is the Japanese message."""


def _decode(data, max_bytes: int | None) -> str:
    if isinstance(data, str):
        data = data.encode("utf-8")
    if not isinstance(data, bytes | bytearray):
        raise TypeError(f"Expected the CSV as bytes or str. Received: {type(data).__name__}")
    if max_bytes is not None and len(data) > max_bytes:
        raise SubmissionError(
            f"ファイルが大きすぎます (file too large): {len(data):,} バイト。"
            f"上限は {max_bytes:,} バイトです。id,label の 2 列だけを書いてください。"
        )
    if data.startswith(b"\xef\xbb\xbf"):  # Excel's UTF-8 BOM
        data = data[3:]
    if not data.strip():
        raise SubmissionError("ファイルが空です (empty file)。1 行目に id,label と書いてください。")
    try:
        text = bytes(data).decode("utf-8")
    except UnicodeDecodeError as err:
        line = data[: err.start].count(b"\n") + 1
        raise SubmissionError(
            f"{line} 行目が UTF-8 ではありません (encoding)。UTF-8 で保存し直してください"
            "（Excel では「CSV UTF-8 (コンマ区切り)」）。"
        ) from None
    if "\x00" in text:
        raise SubmissionError(
            "ファイルに NUL 文字があります (NUL character)。"
            "Excel 形式 (.xlsx) や zip ではなく、CSV を提出してください。"
        )
    return text


def _split_lines(text: str) -> list[str]:
    """Lines ended by LF or CRLF; a lone CR (old Mac files) is rejected, one final newline kept."""
    if "\r" in text:
        text = text.replace("\r\n", "\n")
        if "\r" in text:
            number = text[: text.index("\r")].count("\n") + 1
            raise SubmissionError(
                f"{number} 行目の改行コードが CR だけです (line endings)。"
                "改行は LF か CRLF にしてください。"
            )
    lines = text.split("\n")
    while lines and not lines[-1].strip():
        lines.pop()  # the newline at the end of the last line, and blank lines after it
    return lines


def _check_header(line: str) -> None:
    fields = tuple(f.strip() for f in line.split(","))
    if fields != HEADER:
        hint = "pandas なら to_csv(..., index=False) で書けます。" if line.startswith(",") else ""
        raise SubmissionError(
            f"1 行目（ヘッダ, header）は id,label にしてください。読み取った値: {line[:60]!r}。"
            + hint
        )


_INT = re.compile(r"[+-]?[0-9]{1,18}")
_FLOAT = re.compile(r"[+-]?[0-9]*\.[0-9]*(e[+-]?[0-9]+)?", re.IGNORECASE)


def _parse_int(text: str) -> int | None:
    """The integer written in ``text`` (spaces around it allowed), or None."""
    text = text.strip()
    return int(text) if _INT.fullmatch(text) else None


def validate_submission(
    data, ids: Sequence[int], num_classes: int = 10, max_bytes: int | None = None
) -> np.ndarray:
    """Check a submission CSV and return its labels in the order of ``ids``.

    The server runs the same check (with the contest's size limit), so a file that passes here
    with ``max_bytes`` set as on the server is accepted there, up to the daily limit.

    Parameters
    ----------
    data : bytes or str
        The file's content: a header ``id,label``, then one line ``<id>,<label>`` per test image
        in any order. UTF-8 (a BOM is accepted), LF or CRLF line endings.
    ids : sequence of int, length N
        The ids of the test images (``read_student_pack``); each must appear exactly once.
    num_classes : int
        Labels are integers in ``0 .. num_classes - 1``.
    max_bytes : int, optional
        Size limit of the file.

    Returns
    -------
    labels : ndarray of int64, shape (N,)
        ``labels[i]`` is the label written for ``ids[i]``.

    Raises
    ------
    SubmissionError
        The file cannot be scored; the Japanese message names the line and the value.
    """
    lines = _split_lines(_decode(data, max_bytes))
    _check_header(lines[0])
    labels = _plain_rows(lines[1:], ids, num_classes)
    return labels if labels is not None else _check_rows(lines[1:], ids, num_classes)


# A row as programs write it: digits, a comma, digits (no spaces, no signs).
_PLAIN_ROWS = re.compile(r"[0-9]{1,18},[0-9]{1,2}(?:\n[0-9]{1,18},[0-9]{1,2})*")


def _plain_rows(rows: list[str], ids: Sequence[int], num_classes: int) -> np.ndarray | None:
    """The labels in the order of ``ids`` when every row is plain and right, else None.

    The fast path of a file that will be accepted (one regular expression and a sort instead of
    a loop over 10,000 rows); any other file goes through :func:`_check_rows`, which finds the
    first problem and says where it is.
    """
    body = "\n".join(rows)
    if len(rows) != len(ids) or not _PLAIN_ROWS.fullmatch(body):
        return None
    pairs = np.array(body.replace("\n", ",").split(","), dtype=np.int64).reshape(-1, 2)  # (N, 2)
    row_ids, labels = pairs[:, 0], pairs[:, 1]
    ids = np.asarray(ids, dtype=np.int64)
    rows_by_id, ids_by_id = np.argsort(row_ids), np.argsort(ids)
    # Sorted, the written ids equal the test ids: each id exactly once, none unknown.
    if not np.array_equal(row_ids[rows_by_id], ids[ids_by_id]) or labels.max() >= num_classes:
        return None
    out = np.empty(len(ids), dtype=np.int64)
    out[ids_by_id] = labels[rows_by_id]
    return out


def _check_rows(rows: list[str], ids: Sequence[int], num_classes: int) -> np.ndarray:
    """Row by row: the labels in the order of ``ids``, or the first problem as SubmissionError."""
    position = {int(i): k for k, i in enumerate(ids)}  # id -> index in `ids`
    labels = np.full(len(position), -1, dtype=np.int64)
    first_line = {}  # id -> the line it was first written on
    unknown = []
    for number, line in enumerate(rows, start=2):
        fields = line.split(",")
        if len(fields) != 2:
            what = (
                "空行です (empty line)"
                if not line.strip()
                else f"{len(fields)} 列あります (wrong number of columns)"
            )
            raise SubmissionError(
                f"{number} 行目: {what}。各行は id,label の 2 列にしてください。"
                f"読み取った値: {line[:60]!r}"
            )
        id_, label = _parse_int(fields[0]), _parse_int(fields[1])
        if id_ is None:
            raise SubmissionError(
                f"{number} 行目: id が整数ではありません (not an integer): {fields[0][:30]!r}"
            )
        if label is None and _FLOAT.fullmatch(fields[1].strip()):
            raise SubmissionError(
                f"{number} 行目: label が整数ではありません (not an integer): {fields[1][:30]!r}。"
                f"0 から {num_classes - 1} の整数で書いてください（3.0 ではなく 3）。"
            )
        if label is None or not 0 <= label < num_classes:
            raise SubmissionError(
                f"{number} 行目: label は 0 から {num_classes - 1} の整数にしてください "
                f"(label out of range)。読み取った値: {fields[1][:30]!r}"
            )
        if id_ in first_line:
            raise SubmissionError(
                f"{number} 行目: id {id_} は {first_line[id_]} 行目にもあります "
                "(duplicate id)。各 id は 1 回だけ書いてください。"
            )
        if id_ not in position:
            unknown.append((number, id_))
            if len(unknown) > _SHOW:
                break
            continue
        first_line[id_] = number
        labels[position[id_]] = label
    if unknown:
        listed = "、".join(f"{n} 行目の {i}" for n, i in unknown[:_SHOW])
        raise SubmissionError(
            f"テストデータにない id があります (unknown ids): {listed}。"
            "id は sample_submission.csv と同じものを使ってください。"
        )
    missing = [int(i) for i, k in position.items() if labels[k] < 0]
    if missing:
        shown = ", ".join(str(i) for i in missing[:_SHOW])
        raise SubmissionError(
            f"id が {len(missing):,} 件足りません (missing ids)。例: {shown}。"
            "すべての id を 1 回ずつ書いてください。"
        )
    return labels


def submission_csv(ids: Sequence[int], labels) -> str:
    """The CSV text of a submission: ``id,label`` and one line per id (LF line endings)."""
    labels = np.asarray(labels)
    if labels.ndim != 1 or len(labels) != len(ids):
        raise ValueError(
            f"Expected `labels` with 1 dim (N,) and N = len(ids) = {len(ids)}. "
            f"Received: labels.shape={labels.shape}"
        )
    if not np.issubdtype(labels.dtype, np.integer):
        raise TypeError(
            "Expected integer class labels (for example probs.argmax(axis=1)). "
            f"Received: labels.dtype={labels.dtype}"
        )
    rows = "".join(f"{int(i)},{int(y)}\n" for i, y in zip(ids, labels, strict=True))
    return "id,label\n" + rows


def write_submission(path, ids: Sequence[int], labels) -> Path:
    """Write ``submission_csv(ids, labels)`` to ``path`` (UTF-8) and return the path."""
    path = Path(path)
    path.write_text(submission_csv(ids, labels), encoding="utf-8", newline="\n")
    return path


def read_student_pack(folder) -> tuple[np.ndarray, np.ndarray]:
    """The test images of a contest's student pack: ``ids`` (N,) int64, ``images`` (N, 28, 28)
    uint8, from ``<folder>/test_images.npz`` (written by ``python -m seminar_lib.contest init``)."""
    path = Path(folder) / "test_images.npz"
    if not path.is_file():
        raise FileNotFoundError(
            f"{path} がありません。"
            "主催者から配られた学生用フォルダ (student pack) を指定してください。"
        )
    with np.load(path, allow_pickle=False) as pack:
        return pack["ids"].astype(np.int64), pack["images"]
