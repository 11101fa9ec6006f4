"""The contest database: SQLite in WAL mode, one short transaction per submission.

Every accepted submission is one row with its file (zlib-compressed), the SHA-256 of the file,
the time and both scores. The daily limit is checked inside the same ``BEGIN IMMEDIATE``
transaction that inserts the row, so parallel uploads of one team cannot exceed it; a rejected
file never reaches this module. Each call opens its own connection (threads of the server
never share one) and ``synchronous=FULL`` makes a committed row survive a crash of the server.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import hmac
import os
import sqlite3
import threading
import zlib
from contextlib import closing, contextmanager, nullcontext
from pathlib import Path

__all__ = ["DailyLimitError", "RevealedError", "Store", "hash_token"]

SCHEMA = """
CREATE TABLE IF NOT EXISTS meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS teams (
    id INTEGER PRIMARY KEY,
    name TEXT UNIQUE NOT NULL,
    token_hash TEXT NOT NULL
);
CREATE TABLE IF NOT EXISTS submissions (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    team_id INTEGER NOT NULL REFERENCES teams(id),
    created_at TEXT NOT NULL,  -- UTC, ISO 8601
    day TEXT NOT NULL,         -- the contest's local date, for the daily limit
    sha256 TEXT NOT NULL,
    size INTEGER NOT NULL,
    public REAL NOT NULL,
    private REAL NOT NULL,
    final INTEGER NOT NULL DEFAULT 0  -- marked as final by the team
);
CREATE INDEX IF NOT EXISTS submissions_team_day ON submissions (team_id, day);
-- The files apart, so that the boards never read through them.
CREATE TABLE IF NOT EXISTS submission_files (
    submission_id INTEGER PRIMARY KEY REFERENCES submissions(id),
    csv BLOB NOT NULL          -- the file as uploaded, zlib-compressed
);
"""


class DailyLimitError(Exception):
    """The team has used all of today's submissions (nothing was stored)."""


class RevealedError(Exception):
    """The private leaderboard is revealed: nothing more is stored or changed."""


def _check_not_revealed(conn) -> None:
    """Inside a write transaction, so a reveal cannot slip in between the check and the write."""
    if conn.execute("SELECT 1 FROM meta WHERE key = 'revealed_at'").fetchone():
        raise RevealedError


def hash_token(token: str) -> str:
    """SHA-256 of a token (tokens are 128-bit random strings, so no salt or stretching)."""
    return hashlib.sha256(token.encode("utf-8")).hexdigest()


class Store:
    """The database of one contest (``contest.sqlite3`` in the organiser's folder)."""

    def __init__(self, path):
        self.path = Path(path)

    def __repr__(self) -> str:
        return f"Store({str(self.path)!r})"

    # Writers of one process take turns at this lock instead of polling SQLite's lock (whose
    # back-off made parallel uploads wait for seconds); other processes (the CLI's `reveal`)
    # still wait on SQLite's own lock, up to the connection's timeout.
    _write_lock = threading.Lock()

    @contextmanager
    def _connect(self, write: bool = False):
        with (
            self._write_lock if write else nullcontext(),
            closing(sqlite3.connect(self.path, timeout=30, isolation_level=None)) as conn,
        ):
            conn.row_factory = sqlite3.Row
            conn.execute("PRAGMA synchronous=FULL")
            conn.execute("PRAGMA foreign_keys=ON")
            conn.execute("BEGIN IMMEDIATE" if write else "BEGIN")
            try:
                yield conn
            except BaseException:
                conn.execute("ROLLBACK")
                raise
            conn.execute("COMMIT")

    # --- setup (python -m seminar_lib.contest init) ---------------------------------------
    def create(self, team_hashes: dict[str, str], organizer_hash: str) -> None:
        """A new database with the teams' and the organiser's token hashes."""
        if self.path.exists():
            raise FileExistsError(f"{self.path} already exists")
        os.close(os.open(self.path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600))  # owner only
        with closing(sqlite3.connect(self.path, isolation_level=None)) as conn:
            conn.execute("PRAGMA journal_mode=WAL")  # persistent: stored in the file
            conn.executescript(SCHEMA)
        with self._connect(write=True) as conn:
            conn.executemany(
                "INSERT INTO teams (name, token_hash) VALUES (?, ?)", team_hashes.items()
            )
            conn.execute("INSERT INTO meta VALUES ('organizer_token_hash', ?)", (organizer_hash,))

    def set_team_token(self, name: str, token_hash: str) -> None:
        with self._connect(write=True) as conn:
            cur = conn.execute("UPDATE teams SET token_hash = ? WHERE name = ?", (token_hash, name))
            if cur.rowcount != 1:
                raise KeyError(name)

    # --- who is calling -------------------------------------------------------------------
    def team_for_token(self, token: str) -> dict | None:
        """The team (id, name) whose token this is, comparing every hash in constant time."""
        presented = hash_token(token)
        found = None
        with self._connect() as conn:
            for row in conn.execute("SELECT id, name, token_hash FROM teams ORDER BY id"):
                if hmac.compare_digest(presented, row["token_hash"]):
                    found = {"id": row["id"], "name": row["name"]}
        return found

    def is_organizer(self, token: str) -> bool:
        return hmac.compare_digest(hash_token(token), self.meta("organizer_token_hash") or "")

    def teams(self) -> list[dict]:
        with self._connect() as conn:
            return [dict(r) for r in conn.execute("SELECT id, name FROM teams ORDER BY id")]

    # --- submissions ------------------------------------------------------------------------
    def add_submission(
        self,
        team_id: int,
        data: bytes,
        public: float,
        private: float,
        now: dt.datetime,
        day: str,
        daily_limit: int,
    ) -> dict:
        """Store one scored submission unless the team already has ``daily_limit`` on ``day``.

        Returns the stored row (without the file and the private score) and
        ``submissions_today``; raises :class:`DailyLimitError` (or :class:`RevealedError` once
        the private board is out) and stores nothing otherwise.
        """
        sha256, blob = hashlib.sha256(data).hexdigest(), zlib.compress(data, 1)  # outside the lock
        created_at = now.astimezone(dt.UTC).isoformat()
        with self._connect(write=True) as conn:
            _check_not_revealed(conn)
            (used,) = conn.execute(
                "SELECT COUNT(*) FROM submissions WHERE team_id = ? AND day = ?", (team_id, day)
            ).fetchone()
            if used >= daily_limit:
                raise DailyLimitError(used)
            cur = conn.execute(
                "INSERT INTO submissions (team_id, created_at, day, sha256, size, public, private)"
                " VALUES (?, ?, ?, ?, ?, ?, ?)",
                (team_id, created_at, day, sha256, len(data), public, private),
            )
            conn.execute("INSERT INTO submission_files VALUES (?, ?)", (cur.lastrowid, blob))
        return {"id": cur.lastrowid, "public": public, "submissions_today": used + 1}

    def submissions(self, team_id: int | None = None) -> list[dict]:
        """Every submission (or one team's), oldest first, with both scores and no file."""
        query = (
            "SELECT s.id, s.team_id, t.name AS team, s.created_at, s.day, s.sha256, s.size,"
            " s.public, s.private, s.final FROM submissions s JOIN teams t ON t.id = s.team_id"
        )
        with self._connect() as conn:
            if team_id is None:
                rows = conn.execute(query + " ORDER BY s.id")
            else:
                rows = conn.execute(query + " WHERE s.team_id = ? ORDER BY s.id", (team_id,))
            return [dict(r) for r in rows]

    def submission_file(self, submission_id: int) -> bytes:
        with self._connect() as conn:
            row = conn.execute(
                "SELECT csv FROM submission_files WHERE submission_id = ?", (submission_id,)
            )
            (blob,) = row.fetchone()
        return zlib.decompress(blob)

    def used_today(self, team_id: int, day: str) -> int:
        with self._connect() as conn:
            (used,) = conn.execute(
                "SELECT COUNT(*) FROM submissions WHERE team_id = ? AND day = ?", (team_id, day)
            ).fetchone()
        return used

    def set_final(self, team_id: int, submission_ids: list[int]) -> None:
        """Mark exactly these submissions of the team as final (an empty list: the default);
        :class:`RevealedError` once the private board is out."""
        with self._connect(write=True) as conn:
            _check_not_revealed(conn)
            owned = {
                r[0]
                for r in conn.execute("SELECT id FROM submissions WHERE team_id = ?", (team_id,))
            }
            foreign = [i for i in submission_ids if i not in owned]
            if foreign:
                raise KeyError(foreign)
            conn.execute("UPDATE submissions SET final = 0 WHERE team_id = ?", (team_id,))
            conn.executemany(
                "UPDATE submissions SET final = 1 WHERE id = ?", [(i,) for i in submission_ids]
            )

    # --- the contest's state ----------------------------------------------------------------
    def meta(self, key: str) -> str | None:
        with self._connect() as conn:
            row = conn.execute("SELECT value FROM meta WHERE key = ?", (key,)).fetchone()
        return None if row is None else row[0]

    def set_meta(self, key: str, value: str) -> None:
        with self._connect(write=True) as conn:
            conn.execute("INSERT OR REPLACE INTO meta VALUES (?, ?)", (key, value))
