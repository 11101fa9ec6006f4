"""Many teams at once on a real server (and on two servers over one folder), and the server
killed (SIGKILL) in the middle of a burst.

The SIGKILL test proves that a submission is acknowledged only after its transaction has
committed and that a killed server leaves no partial row; it cannot tell ``synchronous=FULL``
from ``NORMAL``, since the operating system keeps a killed process's writes (that setting is
about power loss)."""

import hashlib
import sqlite3
import threading
import time
from concurrent.futures import ThreadPoolExecutor

import numpy as np
from contest_helpers import make_contest

from seminar_lib.contest import ServerError, fetch_leaderboard, submit
from seminar_lib.contest.contest import Contest
from seminar_lib.contest.local import LocalServer

TEAMS = [f"班{k}" for k in range(8)]


def random_csvs(contest_path, count, seed=0):
    c = Contest(contest_path)
    rng = np.random.default_rng(seed)
    for _ in range(count):
        labels = np.where(rng.random(len(c.ids)) < 0.8, c.y_true, rng.integers(0, 10, len(c.ids)))
        yield "id,label\n" + "".join(f"{i},{y}\n" for i, y in zip(c.ids, labels, strict=True))


def test_parallel_teams_never_exceed_the_daily_limit(tmp_path):
    folder = make_contest(tmp_path, teams=TEAMS, daily_limit=5)
    server = LocalServer(folder.path).start()
    csvs = list(random_csvs(folder.path, 3))
    attempts = [(team, csvs[k % 3]) for team in TEAMS for k in range(8)]  # 8 tries, 5 allowed
    results = {team: {"ok": 0, "limit": 0} for team in TEAMS}
    lock = threading.Lock()

    def one(team, text):
        try:
            submit(text, url=server.url, token=folder.tokens[team])
            outcome = "ok"
        except ServerError as err:
            assert err.status == 429, err
            outcome = "limit"
        with lock:
            results[team][outcome] += 1

    try:
        with ThreadPoolExecutor(16) as pool:
            list(pool.map(lambda a: one(*a), attempts))
        board = fetch_leaderboard(server.url)
    finally:
        server.stop()
    assert results == {team: {"ok": 5, "limit": 3} for team in TEAMS}
    stored = Contest(folder.path).store.submissions()
    assert len(stored) == 40
    assert {team: sum(s["team"] == team for s in stored) for team in TEAMS} == dict.fromkeys(
        TEAMS, 5
    )
    assert sorted(r["team"] for r in board["public"]) == sorted(TEAMS)
    assert all(r["entries"] == 5 for r in board["public"])
    for row in board["public"]:  # the board shows each team's best stored score
        assert row["score"] == max(s["public"] for s in stored if s["team"] == row["team"])


def test_sigkill_during_a_burst_loses_no_acknowledged_submission(tmp_path):
    folder = make_contest(tmp_path, teams=TEAMS, daily_limit=10_000)
    server = LocalServer(folder.path).start()
    csvs = list(random_csvs(folder.path, 4, seed=1))
    acknowledged, lock, stop = [], threading.Lock(), threading.Event()

    def burst(team):
        k = 0
        while not stop.is_set():
            text = csvs[k % len(csvs)]
            k += 1
            try:
                submit(text, url=server.url, token=folder.tokens[team], timeout=10)
            except (ServerError, OSError):
                continue  # refused or cut off: never acknowledged
            with lock:
                acknowledged.append((team, hashlib.sha256(text.encode()).hexdigest()))

    threads = [threading.Thread(target=burst, args=(team,)) for team in TEAMS]
    for t in threads:
        t.start()
    try:
        deadline = time.monotonic() + 120
        while len(acknowledged) < 30 and time.monotonic() < deadline:
            time.sleep(0.05)
        server.kill()  # in the middle of the burst
        stop.set()
        for t in threads:
            t.join(30)
    finally:
        stop.set()
        server.stop()
    assert len(acknowledged) >= 30
    with sqlite3.connect(folder.path / "contest.sqlite3") as conn:
        assert conn.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
    restarted = LocalServer(folder.path).start()  # the same folder, a new process
    try:
        stored = Contest(folder.path).store
        rows = stored.submissions()
        for row in rows:  # nothing partial: each stored file is whole and matches its hash
            assert hashlib.sha256(stored.submission_file(row["id"])).hexdigest() == row["sha256"]
        kept = [(r["team"], r["sha256"]) for r in rows]
        for item in set(acknowledged):
            assert kept.count(item) >= acknowledged.count(item), item
        assert len(rows) - len(acknowledged) <= len(TEAMS)  # at most the requests in flight
        board = fetch_leaderboard(restarted.url)
        assert sum(r["entries"] for r in board["public"]) == len(rows)
        submit(csvs[0], url=restarted.url, token=folder.tokens[TEAMS[0]])
        assert len(stored.submissions()) == len(rows) + 1
    finally:
        restarted.stop()


def test_two_servers_over_one_folder_share_the_daily_limit(tmp_path):
    """Two server processes (say, one restarted beside the old one) take turns at SQLite's
    own lock: the daily limit holds across them."""
    folder = make_contest(tmp_path, teams=TEAMS[:4], daily_limit=4)
    csvs = list(random_csvs(folder.path, 2))
    with LocalServer(folder.path) as first, LocalServer(folder.path) as second:
        attempts = [(team, (first, second)[k % 2]) for team in TEAMS[:4] for k in range(7)]

        def one(attempt):
            team, server = attempt
            try:
                submit(csvs[0], url=server.url, token=folder.tokens[team])
                return "ok"
            except ServerError as err:
                assert err.status == 429, err
                return "limit"

        with ThreadPoolExecutor(8) as pool:
            outcomes = list(pool.map(one, attempts))
    assert outcomes.count("ok") == 16 and outcomes.count("limit") == 12
    stored = Contest(folder.path).store.submissions()
    assert sorted(s["team"] for s in stored) == sorted(TEAMS[:4] * 4)
