"""One contest on the organiser's machine: its definition, answer key, database and rules.

The organiser's folder (written by :func:`seminar_lib.contest.organizer.init_contest`)::

    contest.toml         the definition (see seminar_lib.contest.config)
    solution.csv         the answer key: id,label,Usage (Public / Private) -- never handed out
    contest.sqlite3      teams (token hashes), submissions, state (WAL mode)
    student/             the student pack: test_images.npz, sample_submission.csv, README.md

:class:`Contest` is what the server and the command line use: it validates, scores and stores a
submission, and builds the leaderboards without ever showing a private score before the reveal.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
from pathlib import Path

import numpy as np

from seminar_lib.contest.config import ContestConfig, load_config
from seminar_lib.contest.leaderboard import final_board, final_choice, public_board
from seminar_lib.contest.rules import japanese_time
from seminar_lib.contest.scoring import score
from seminar_lib.contest.store import RevealedError, Store
from seminar_lib.contest.submission import validate_submission

__all__ = ["Contest", "ContestClosedError", "read_solution"]

# Above these, a score is better than the best published models on the dataset (Fashion-MNIST
# about 0.96-0.97, MNIST about 0.998): the organiser should look at the team's method.
SUSPICIOUS_SCORE = {"fashion-mnist": 0.97, "mnist": 0.998}
CONFIG_FILE = "contest.toml"
SOLUTION_FILE = "solution.csv"
DATABASE_FILE = "contest.sqlite3"
STUDENT_DIR = "student"


class ContestClosedError(Exception):
    """Submissions are closed: the deadline has passed or the private board is revealed."""


def read_solution(path) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """``ids`` (N,) int64, ``labels`` (N,) int64 and ``public`` (N,) bool from solution.csv."""
    with open(path, encoding="utf-8", newline="") as f:
        rows = list(csv.DictReader(f))
    ids = np.array([int(r["id"]) for r in rows], dtype=np.int64)
    labels = np.array([int(r["label"]) for r in rows], dtype=np.int64)
    public = np.array([r["Usage"] == "Public" for r in rows])
    return ids, labels, public


def solution_csv(ids, labels, public) -> str:
    out = io.StringIO()
    out.write("id,label,Usage\n")
    for i, y, p in zip(ids, labels, public, strict=True):
        out.write(f"{int(i)},{int(y)},{'Public' if p else 'Private'}\n")
    return out.getvalue()


class Contest:
    """The contest in an organiser's folder (see the module docstring)."""

    def __init__(self, folder, clock=None):
        self.folder = Path(folder)
        for name in (CONFIG_FILE, SOLUTION_FILE, DATABASE_FILE):
            if not (self.folder / name).is_file():
                raise FileNotFoundError(
                    f"{self.folder / name} is missing: is {self.folder} a contest folder "
                    "written by `python -m seminar_lib.contest init`?"
                )
        self.config: ContestConfig = load_config(self.folder / CONFIG_FILE)
        self.ids, self.y_true, self.public = read_solution(self.folder / SOLUTION_FILE)
        self.store = Store(self.folder / DATABASE_FILE)
        self._clock = clock or (lambda: dt.datetime.now(dt.UTC))

    def __repr__(self) -> str:
        return f"Contest({str(self.folder)!r}, title={self.config.title!r})"

    # --- time -------------------------------------------------------------------------------
    def now(self) -> dt.datetime:
        return self._clock().astimezone(self.config.tz)

    @property
    def revealed(self) -> bool:
        return self.store.meta("revealed_at") is not None

    def closed_reason(self, now: dt.datetime | None = None) -> str | None:
        """Why submissions are closed now (Japanese), or None while they are open."""
        now = now or self.now()
        if self.revealed:
            return "private リーダーボードが公開されたため、提出の受付は終了しました。"
        if self.config.deadline is not None and now >= self.config.deadline:
            return (
                f"締め切り（{japanese_time(self.config.deadline)}）を過ぎたため、"
                "提出は受け付けていません。"
            )
        return None

    # --- scoring ----------------------------------------------------------------------------
    def check(self, data: bytes) -> np.ndarray:
        """The labels of a submission file in the order of ``self.ids`` (SubmissionError)."""
        return validate_submission(
            data, self.ids, self.config.num_classes, self.config.max_upload_bytes
        )

    def scores(self, labels: np.ndarray) -> tuple[float, float]:
        """(public, private) scores of labels in the order of ``self.ids``."""
        metric = self.config.metric
        public = score(metric, self.y_true[self.public], labels[self.public])
        private = score(metric, self.y_true[~self.public], labels[~self.public])
        return public, private

    def submit(self, team_id: int, data: bytes) -> dict:
        """Validate, score and store one file; returns ``id, public, submissions_today``.

        Raises SubmissionError (bad file), ContestClosedError or DailyLimitError; in every case
        nothing is stored and nothing counts against the limit.
        """
        labels = self.check(data)
        now = self.now()
        reason = self.closed_reason(now)
        if reason:
            raise ContestClosedError(reason)
        public, private = self.scores(labels)
        try:
            return self.store.add_submission(
                team_id,
                bytes(data),
                public,
                private,
                now,
                now.date().isoformat(),
                self.config.daily_limit,
            )
        except RevealedError:  # revealed while this file was being scored
            raise ContestClosedError(self.closed_reason(now)) from None

    # --- what may be shown ------------------------------------------------------------------
    def history(self, team_id: int, revealed: bool | None = None) -> list[dict]:
        """A team's submissions, oldest first; ``private`` only after the reveal, ``chosen``
        marks the submissions that count as final (marked or by default). A page that shows
        more than the history passes the ``revealed`` it read once, so the two agree."""
        subs = self.store.submissions(team_id)
        chosen = {s["id"] for s in final_choice(subs, self.config.max_final)}
        revealed = self.revealed if revealed is None else revealed
        return [
            {
                "id": s["id"],
                "created_at": s["created_at"],
                "sha256": s["sha256"],
                "public": s["public"],
                "final": bool(s["final"]),
                "chosen": s["id"] in chosen,
                **({"private": s["private"]} if revealed else {}),
            }
            for s in subs
        ]

    def leaderboard(self) -> dict:
        """What anyone may see: the public board, and the final board after the reveal."""
        subs = self.store.submissions()
        board = {
            "title": self.config.title,
            "metric": self.config.metric,
            "revealed": self.revealed,
            "public": public_board(subs),
        }
        if board["revealed"]:
            board["private"] = final_board(subs, self.config.max_final)
        return board

    def reveal(self) -> None:
        """Show the private leaderboard (and close submissions); idempotent."""
        if not self.revealed:
            self.store.set_meta("revealed_at", self.now().isoformat())

    def export(self) -> dict:
        """Everything, private scores included (organiser only); ``review`` lists the teams whose
        best public score is above what the dataset's best published models reach."""
        subs = self.store.submissions()
        threshold = SUSPICIOUS_SCORE[self.config.dataset]
        board = public_board(subs)
        return {
            "review": [
                {"team": r["team"], "public": r["score"], "threshold": threshold}
                for r in board
                if r["score"] >= threshold
            ],
            "title": self.config.title,
            "metric": self.config.metric,
            "revealed": self.revealed,
            "public": board,
            "private": final_board(subs, self.config.max_final),
            "submissions": subs,
        }
