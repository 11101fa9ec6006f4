"""The contest server under load: submissions scored and stored per second, and their latency.

    .venv/bin/python bench/bench_contest.py [--clients 1 4 8] [--seconds 8] [--max-submissions 2000]

A contest with 8 teams and a daily limit no one reaches is written to a temporary folder and
served by the real server (``python -m seminar_lib.contest serve``, 127.0.0.1, a free port), as
in the lab. For each client count, that many threads (team ``k % 8`` each) POST full 10,000-row
CSV files to ``/api/submit``, one after another, with new random labels each time, for
``--seconds`` or until ``--max-submissions`` are in; a new connection per upload, as
``seminar_lib.contest.submit`` (urllib) makes it. A submission counts when the server answered
200 with its number; at the end the database must hold every one of them. Reported per client
count: submissions per second (counted over the phase's wall time), p50/p99/max latency of one
upload as the client sees it, and the server process's CPU time per submission (from /proc).

Before that, one thread times the steps of ``Contest.submit`` in this process, on a copy of the
folder: reading and checking the CSV (``validate_submission``), scoring, storing (one SQLite
transaction with ``synchronous=FULL``), and the whole call; the rest of a request's time is
HTTP and the server (uvicorn, FastAPI, the token look-up).

Targets (issue, a lab of 40 students): at least 50 submissions/s, p99 under 200 ms.
The client threads share the machine with the server (2 cores here): a client takes a core's
share the server would otherwise have, so the figures are a lower bound for a server that has
the machine to itself.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import statistics
import tempfile
import threading
import time
import urllib.error
import urllib.request
from pathlib import Path

import numpy as np

from seminar_lib.contest.contest import DATABASE_FILE, Contest
from seminar_lib.contest.local import LocalServer
from seminar_lib.contest.organizer import init_contest
from seminar_lib.contest.store import Store
from seminar_lib.contest.submission import read_student_pack, submission_csv

TEAMS = [f"チーム{k}" for k in range(1, 9)]
TARGET_RATE = 50.0  # submissions per second
TARGET_P99_MS = 200.0
WARMUP = 5  # uploads before the first phase (imports, first connections)


class RandomCsv:
    """Submission files of the contest's ids with new random labels: the header and the ids
    are written once, the labels (one digit each) are overwritten in place per file."""

    def __init__(self, ids: np.ndarray):
        self.template = np.frombuffer(
            submission_csv(ids, np.zeros(len(ids), dtype=np.int64)).encode(), dtype=np.uint8
        )
        newlines = np.flatnonzero(self.template == ord("\n"))
        self.label_at = newlines[1:] - 1  # the digit before each row's newline

    def __call__(self, rng: np.random.Generator) -> bytes:
        body = self.template.copy()
        body[self.label_at] = ord("0") + rng.integers(0, 10, len(self.label_at), dtype=np.uint8)
        return body.tobytes()


def cpu_seconds(pid: int) -> float | None:
    """User + system CPU seconds of a process so far (Linux /proc), or None."""
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    except OSError:
        return None
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def upload(url: str, token: str, body: bytes) -> tuple[int, dict]:
    """POST one file to /api/submit: (status, JSON answer); status 0 without an answer."""
    request = urllib.request.Request(
        url + "/api/submit",
        data=body,
        headers={"Authorization": f"Bearer {token}", "Content-Type": "text/csv"},
        method="POST",
    )
    try:
        with urllib.request.urlopen(request, timeout=60) as response:
            status, text = response.status, response.read()
    except urllib.error.HTTPError as err:
        status, text = err.code, err.read()
    except OSError as err:  # refused, reset, timed out: counted as a failure
        return 0, {"detail": repr(err)}
    try:
        return status, json.loads(text)
    except ValueError:
        return status, {"detail": text[:200].decode(errors="replace")}


def phase(url, tokens, csv, clients, seconds, max_submissions) -> dict:
    """``clients`` threads uploading for ``seconds`` (or ``max_submissions`` in all)."""
    lock = threading.Lock()
    started = [0]
    latencies, failures = [], []

    def client(k: int, stop_at: float) -> None:
        rng = np.random.default_rng(1000 + k)
        token = tokens[TEAMS[k % len(TEAMS)]]
        while time.perf_counter() < stop_at:
            with lock:
                if started[0] >= max_submissions:
                    return
                started[0] += 1
            body = csv(rng)
            t0 = time.perf_counter()
            status, answer = upload(url, token, body)
            elapsed = time.perf_counter() - t0
            with lock:
                if status == 200 and "submission_id" in answer:
                    latencies.append(elapsed)
                else:
                    failures.append(f"{status}: {answer.get('detail', answer)}")

    t0 = time.perf_counter()
    threads = [
        threading.Thread(target=client, args=(k, t0 + seconds), daemon=True) for k in range(clients)
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    wall = time.perf_counter() - t0
    ms = sorted(1000 * s for s in latencies) or [float("nan")]
    return {
        "clients": clients,
        "ok": len(latencies),
        "failed": len(failures),
        "first_failure": failures[0] if failures else "",
        "wall": wall,
        "rate": len(latencies) / wall,
        "p50": statistics.median(ms),
        "p99": statistics.quantiles(ms, n=100, method="inclusive")[98] if len(ms) > 1 else ms[0],
        "max": ms[-1],
    }


def time_steps(folder: Path, csv: RandomCsv, repeat: int) -> list[tuple[str, float]]:
    """Median ms of each step of ``Contest.submit`` in this process (one thread)."""
    contest = Contest(folder)
    config = contest.config
    rng = np.random.default_rng(0)
    steps: dict[str, list[float]] = {"validate": [], "score": [], "store": [], "submit": []}
    for _ in range(repeat):
        body = csv(rng)
        t0 = time.perf_counter()
        labels = contest.check(body)
        t1 = time.perf_counter()
        public, private = contest.scores(labels)
        t2 = time.perf_counter()
        now = contest.now()
        contest.store.add_submission(
            1, body, public, private, now, now.date().isoformat(), config.daily_limit
        )
        t3 = time.perf_counter()
        contest.submit(2, csv(rng))
        t4 = time.perf_counter()
        for name, seconds in zip(steps, (t1 - t0, t2 - t1, t3 - t2, t4 - t3), strict=True):
            steps[name].append(1000 * seconds)
    names = {
        "validate": "read and check the CSV (validate_submission)",
        "score": "score public + private (accuracy)",
        "store": "store: 1 SQLite transaction, synchronous=FULL",
        "submit": "Contest.submit, all of it",
    }
    return [(names[k], statistics.median(v)) for k, v in steps.items()]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--clients", type=int, nargs="+", default=[1, 4, 8])
    parser.add_argument("--seconds", type=float, default=8.0, help="per client count")
    parser.add_argument("--max-submissions", type=int, default=2000, help="per client count")
    parser.add_argument("--steps", type=int, default=20, help="repeats of the in-process steps")
    args = parser.parse_args()

    with tempfile.TemporaryDirectory(prefix="bench-contest-") as tmp:
        tmp = Path(tmp)
        definition = tmp / "contest.toml"
        names = ", ".join(f'"{t}"' for t in TEAMS)
        definition.write_text(f"daily_limit = 1000000\nteams = [{names}]\n", encoding="utf-8")
        tokens, _ = init_contest(definition, tmp / "contest")
        ids, _ = read_student_pack(tmp / "contest" / "student")
        csv = RandomCsv(ids)
        print(f"contest: {len(TEAMS)} teams, {len(ids):,} ids, a file of {len(csv.template):,} B")

        # 1. The steps of one submission, in this process, on a copy of the folder.
        shutil.copytree(tmp / "contest", tmp / "steps")
        steps = time_steps(tmp / "steps", csv, args.steps)
        print(f"\none submission in this process (median of {args.steps}, one thread):")
        for name, ms in steps:
            print(f"  {name:48s} {ms:7.1f} ms")

        # 2. The server under load.
        server = LocalServer(tmp / "contest").start()
        url = server.url
        try:
            rng = np.random.default_rng(0)
            for _ in range(WARMUP):
                status, answer = upload(url, tokens[TEAMS[0]], csv(rng))
                if status != 200:
                    raise RuntimeError(f"warm-up upload refused: {status} {answer}")
            rows = []
            for clients in args.clients:
                cpu0 = cpu_seconds(server.process.pid)
                row = phase(url, tokens, csv, clients, args.seconds, args.max_submissions)
                cpu1 = cpu_seconds(server.process.pid)
                row["cpu_ms"] = (
                    1000 * (cpu1 - cpu0) / row["ok"] if cpu0 is not None and row["ok"] else None
                )
                row["cpu_share"] = (cpu1 - cpu0) / row["wall"] if cpu0 is not None else None
                rows.append(row)
        finally:
            server.stop()
        stored = len(Store(tmp / "contest" / DATABASE_FILE).submissions())

    expected = WARMUP + sum(r["ok"] for r in rows)
    print(
        f"\nthe server under load ({args.seconds:g} s or {args.max_submissions} uploads per row; "
        f"targets: >= {TARGET_RATE:g}/s, p99 < {TARGET_P99_MS:g} ms)"
    )
    header = (
        f"{'clients':>7s} {'ok':>6s} {'failed':>6s} {'subm/s':>7s} {'p50 ms':>7s} "
        f"{'p99 ms':>7s} {'max ms':>7s} {'srv CPU ms':>10s} {'srv CPU':>7s}  targets"
    )
    print(header)
    for r in rows:
        rate_ok, p99_ok = r["rate"] >= TARGET_RATE, r["p99"] < TARGET_P99_MS
        verdict = f"rate {'holds' if rate_ok else 'MISSED'}, p99 {'holds' if p99_ok else 'MISSED'}"
        cpu_ms = f"{r['cpu_ms']:10.1f}" if r["cpu_ms"] is not None else f"{'-':>10s}"
        share = f"{100 * r['cpu_share']:6.0f}%" if r["cpu_share"] is not None else f"{'-':>7s}"
        print(
            f"{r['clients']:7d} {r['ok']:6d} {r['failed']:6d} {r['rate']:7.1f} {r['p50']:7.1f} "
            f"{r['p99']:7.1f} {r['max']:7.1f} {cpu_ms} {share}  {verdict}"
        )
        if r["failed"]:
            print(f"        first failure: {r['first_failure']}")
    print(
        f"stored: {stored} rows in the database, {expected} accepted "
        f"({WARMUP} warm-up + {expected - WARMUP}): {'ok' if stored == expected else 'MISMATCH'}"
    )


if __name__ == "__main__":
    main()
