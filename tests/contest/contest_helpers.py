"""Helpers of the contest tests: a contest folder with its tokens, a real server process."""

from __future__ import annotations

import socket
import subprocess
import sys
import time
import urllib.request
from dataclasses import dataclass
from pathlib import Path

from seminar_lib.contest.organizer import init_contest

TEAMS = ["チームA", "チームB", "<script>alert(1)</script>", "深層学習研"]


@dataclass
class Folder:
    path: Path
    tokens: dict[str, str]  # team name -> token
    organizer: str


def write_definition(path: Path, teams=TEAMS, **keys) -> Path:
    lines = [f"{key} = {value!r}".replace("'", '"') for key, value in keys.items()]
    lines.append("teams = [" + ", ".join(f'"{t}"' for t in teams) + "]")
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


def make_contest(tmp_path: Path, name: str = "contest", teams=TEAMS, **keys) -> Folder:
    definition = write_definition(tmp_path / f"{name}.toml", teams, **keys)
    tokens, organizer = init_contest(definition, tmp_path / name)
    return Folder(tmp_path / name, tokens, organizer)


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class Server:
    """``python -m seminar_lib.contest serve FOLDER --port P`` as a child process."""

    def __init__(self, folder: Path, port: int | None = None):
        self.folder, self.port = folder, port or free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self.process = None

    def start(self, timeout: float = 30) -> Server:
        command = [
            sys.executable,
            "-m",
            "seminar_lib.contest",
            "serve",
            str(self.folder),
            "--port",
            str(self.port),
        ]
        self.process = subprocess.Popen(command, stdout=subprocess.PIPE, stderr=subprocess.PIPE)
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise RuntimeError(f"server exited: {self.process.communicate()}")
            try:
                urllib.request.urlopen(self.url + "/api/leaderboard", timeout=1).close()
                return self
            except OSError:
                time.sleep(0.1)
        self.stop()
        raise RuntimeError("server did not answer within the timeout")

    def kill(self) -> None:
        self.process.kill()  # SIGKILL: no shutdown handler runs
        self.process.wait()

    def stop(self) -> None:
        if self.process is not None and self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(10)
            except subprocess.TimeoutExpired:
                self.kill()
        for stream in (self.process.stdout, self.process.stderr):
            stream.close()
