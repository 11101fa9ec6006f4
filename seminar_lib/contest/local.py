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
    """``python -m seminar_lib.contest serve FOLDER`` on a free port, reached at ``url``
    (127.0.0.1; ``host`` is where it listens: this machine only unless told otherwise).

    ``start()`` returns once the server answers (or raises with its log); ``stop()`` ends it;
    ``kill()`` ends it with SIGKILL (no clean-up runs, as in a crash). Also a context manager.
    """

    def __init__(self, folder, port: int | None = None, host: str = "127.0.0.1"):
        self.folder, self.host = Path(folder), host
        self.port = port or free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self.process: subprocess.Popen | None = None
        self._log = None
        self._final_log = ""

    def __repr__(self) -> str:
        state = "running" if self.running else "stopped"
        return f"LocalServer({str(self.folder)!r}, url={self.url!r}, {state})"

    @property
    def running(self) -> bool:
        return self.process is not None and self.process.poll() is None

    def start(self, timeout: float = 30) -> LocalServer:
        command = [sys.executable, "-m", "seminar_lib.contest", "serve", str(self.folder)]
        command += ["--host", self.host, "--port", str(self.port)]
        self._log = tempfile.TemporaryFile()  # what it prints: read if it fails to start
        self.process = subprocess.Popen(command, stdout=self._log, stderr=subprocess.STDOUT)
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                self._close_log()
                raise RuntimeError(f"The contest server exited:\n{self.log()}")
            try:
                urllib.request.urlopen(self.url + "/api/leaderboard", timeout=1).close()
                return self
            except OSError:
                time.sleep(0.1)
        self.stop()
        raise RuntimeError(f"The contest server did not answer within {timeout} s:\n{self.log()}")

    def log(self) -> str:
        """What the server printed so far (its address, warnings, errors)."""
        if self._log is None:
            return self._final_log
        self._log.seek(0)
        return self._log.read().decode("utf-8", errors="replace")

    def _close_log(self) -> None:
        """Once the process has ended: keep what it printed, close the file."""
        if self._log is not None and not self.running:
            self._final_log = self.log()
            self._log.close()
            self._log = None

    def kill(self) -> None:
        """SIGKILL: the server stops at once, as in a crash."""
        if self.running:
            self.process.kill()
            self.process.wait()
        self._close_log()

    def stop(self) -> None:
        if self.running:
            self.process.terminate()
            try:
                self.process.wait(10)
            except subprocess.TimeoutExpired:
                self.kill()
        self._close_log()

    def __enter__(self) -> LocalServer:
        return self if self.running else self.start()

    def __exit__(self, *exc) -> None:
        self.stop()
