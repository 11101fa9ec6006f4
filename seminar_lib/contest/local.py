"""A contest server in a child process on this machine: for a notebook's demo, the tests and
the benchmark. The organiser runs ``python -m seminar_lib.contest serve`` instead.

    with LocalServer("contest-2026") as server:
        submit(labels, ids=ids, url=server.url, token=token)
"""

from __future__ import annotations

import socket
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path

__all__ = ["LocalServer", "free_port"]


def free_port() -> int:
    """A TCP port on 127.0.0.1 that no one is listening on now."""
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class LocalServer:
    """``python -m seminar_lib.contest serve FOLDER`` on 127.0.0.1 and a free port.

    ``start()`` returns once the server answers (or raises with its log); ``stop()`` ends it;
    ``kill()`` ends it with SIGKILL (no clean-up runs, as in a crash). Also a context manager.
    """

    def __init__(self, folder, port: int | None = None):
        self.folder = Path(folder)
        self.port = port or free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self.process: subprocess.Popen | None = None
        self._log = None

    def __repr__(self) -> str:
        state = "running" if self.running else "stopped"
        return f"LocalServer({str(self.folder)!r}, url={self.url!r}, {state})"

    @property
    def running(self) -> bool:
        return self.process is not None and self.process.poll() is None

    def start(self, timeout: float = 30) -> LocalServer:
        command = [
            sys.executable,
            "-m",
            "seminar_lib.contest",
            "serve",
            str(self.folder),
            "--port",
            str(self.port),
        ]
        self._log = tempfile.TemporaryFile()  # warnings and errors: read if it fails to start
        self.process = subprocess.Popen(command, stdout=subprocess.DEVNULL, stderr=self._log)
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise RuntimeError(f"The contest server exited:\n{self.log()}")
            try:
                urllib.request.urlopen(self.url + "/api/leaderboard", timeout=1).close()
                return self
            except OSError:
                time.sleep(0.1)
        self.stop()
        raise RuntimeError(f"The contest server did not answer within {timeout} s:\n{self.log()}")

    def log(self) -> str:
        """What the server wrote to stderr so far."""
        if self._log is None:
            return ""
        self._log.seek(0)
        return self._log.read().decode("utf-8", errors="replace")

    def kill(self) -> None:
        """SIGKILL: the server stops at once, as in a crash."""
        if self.running:
            self.process.kill()
            self.process.wait()

    def stop(self) -> None:
        if self.running:
            self.process.terminate()
            try:
                self.process.wait(10)
            except subprocess.TimeoutExpired:
                self.kill()

    def __enter__(self) -> LocalServer:
        return self if self.running else self.start()

    def __exit__(self, *exc) -> None:
        self.stop()
