"""Talking to the contest server from a notebook: submit a prediction, read the boards.

Only the standard library (:mod:`urllib`), so a student needs nothing beyond the course::

    from seminar_lib.contest import read_student_pack, submit
    ids, images = read_student_pack("contest/student")
    labels = model.predict(images / 255.0).argmax(axis=1)   # (N,)
    submit(labels, ids=ids, url="http://127.0.0.1:8000", token="...")   # -> public score
"""

from __future__ import annotations

import json
import urllib.error
import urllib.request
from pathlib import Path

import numpy as np

from seminar_lib.contest.submission import submission_csv

__all__ = ["ServerError", "fetch_history", "fetch_leaderboard", "submit"]


class ServerError(RuntimeError):
    """The server refused a request; ``str(err)`` is its Japanese message, ``status`` the code."""

    def __init__(self, message: str, status: int | None = None):
        super().__init__(message)
        self.status = status


def _request(
    url: str,
    path: str,
    token: str | None = None,
    data: bytes | None = None,
    content_type: str = "text/csv",
    timeout: float = 30,
) -> dict:
    if not isinstance(url, str) or not url.startswith(("http://", "https://")):
        raise ValueError(f"Expected `url` like 'http://127.0.0.1:8000'. Received: url={url!r}")
    headers = {"Accept": "application/json"}
    if token is not None:
        headers["Authorization"] = f"Bearer {token}"
    if data is not None:
        headers["Content-Type"] = content_type
    request = urllib.request.Request(
        url.rstrip("/") + path,
        data=data,
        headers=headers,
        method="POST" if data is not None else "GET",
    )
    try:
        with urllib.request.urlopen(request, timeout=timeout) as response:
            return json.loads(response.read())
    except urllib.error.HTTPError as err:
        try:
            detail = json.loads(err.read())["detail"]
        except (ValueError, KeyError, TypeError):
            detail = f"HTTP {err.code} {err.reason}"
        raise ServerError(detail, err.code) from None
    except urllib.error.URLError as err:
        raise ServerError(
            f"サーバー {url} に接続できません ({err.reason})。"
            "URL とサーバーが動いているかを確かめてください。"
        ) from None


def _as_csv(predictions, ids) -> bytes:
    if isinstance(predictions, bytes):
        return predictions
    if isinstance(predictions, str) and "\n" in predictions:  # the CSV text itself
        return predictions.encode("utf-8")
    if isinstance(predictions, str | Path):  # a file
        return Path(predictions).read_bytes()
    if ids is None:
        raise ValueError(
            "Expected `ids` with the predicted labels (the ids of read_student_pack). "
            "Received: ids=None"
        )
    return submission_csv(ids, np.asarray(predictions)).encode("utf-8")


def submit(predictions_or_csv, url: str, token: str, ids=None, timeout: float = 30) -> float:
    """Submit and return the public score.

    Parameters
    ----------
    predictions_or_csv : array of int (N,), path, or CSV text/bytes
        Predicted labels in the order of ``ids``; or a CSV file (path) or its content.
    url : str
        The server, for example ``"http://127.0.0.1:8000"``.
    token : str
        The team's token.
    ids : array of int (N,), optional
        Needed with an array of labels.

    Raises
    ------
    ServerError
        The server refused the submission (bad file, wrong token, daily limit, closed); the
        message is the server's, in Japanese.
    """
    data = _as_csv(predictions_or_csv, ids)
    return _request(url, "/api/submit", token, data, timeout=timeout)["public_score"]


def fetch_leaderboard(url: str, timeout: float = 30) -> dict:
    """The boards as the server shows them to everyone (``public``; ``private`` after the
    reveal): a dict with lists of rows ``rank, team, score, ...``."""
    return _request(url, "/api/leaderboard", timeout=timeout)


def fetch_history(url: str, token: str, timeout: float = 30) -> list[dict]:
    """The team's own submissions, oldest first (no private score before the reveal)."""
    return _request(url, "/api/history", token, timeout=timeout)["submissions"]
