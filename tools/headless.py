"""Headless Chromium, driven through the DevTools protocol over a pipe (no Python dependency).

Debian's ``chromium`` (with ``fonts-noto-cjk`` for Japanese) is started with
``--remote-debugging-pipe``: it reads JSON commands, each ended by a NUL byte, from its file
descriptor 3 and writes replies and events to descriptor 4. :class:`HeadlessChromium` opens one
page at a fixed viewport, waits for its load event, evaluates JavaScript (awaiting promises) and
takes screenshots; ``with HeadlessChromium() as browser: ...`` closes the browser at the end.
Unlike ``chromium --headless --screenshot``, which takes its picture when a virtual-time budget
runs out (MathJax was seen half rendered), a screenshot here is taken when the page says it is
ready.
"""

from __future__ import annotations

import base64
import json
import os
import select
import shutil
import subprocess
import sys
import tempfile
import time

__all__ = ["CHROMIUM_MISSING", "HeadlessChromium", "chromium_problem", "find_chromium"]

CHROMIUM_NAMES = ("chromium", "chromium-browser")
CHROMIUM_MISSING = (
    "chromium not found: install it and a Japanese font "
    "(Debian/Ubuntu: apt-get install chromium fonts-noto-cjk)"
)
JAPANESE_FONT_MISSING = (
    "no Japanese font for chromium (fc-list :lang=ja is empty): Japanese text would be measured "
    "in a fallback font; install one (Debian/Ubuntu: apt-get install fonts-noto-cjk)"
)
# Headless, offline and quiet: no first-run, sync, component updates or background requests.
CHROMIUM_FLAGS = (
    "--headless",
    "--no-sandbox",  # CI and containers run as root
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--hide-scrollbars",
    "--remote-debugging-pipe",
)

TRAMPOLINE = (
    "import os, sys; r, w = int(sys.argv[1]), int(sys.argv[2]); "
    "os.dup2(r, 3); os.dup2(w, 4); os.close(r); os.close(w); os.execv(sys.argv[3], sys.argv[3:])"
)


def find_chromium() -> str | None:
    """Path of the chromium executable, or ``None``."""
    return next(filter(None, map(shutil.which, CHROMIUM_NAMES)), None)


def chromium_problem() -> str | None:
    """Why chromium cannot show the Japanese slides here, or ``None`` when it can.

    The font check needs fontconfig's ``fc-list`` (chromium finds its fonts through it); without
    ``fc-list`` it is skipped.
    """
    if find_chromium() is None:
        return CHROMIUM_MISSING
    fc_list = shutil.which("fc-list")
    if fc_list is None:
        return None
    fonts = subprocess.run([fc_list, ":lang=ja", "family"], capture_output=True, text=True)
    return None if fonts.stdout.strip() else JAPANESE_FONT_MISSING


def _above(fd: int, lowest: int) -> int:
    """A copy of ``fd`` numbered ``lowest`` or above (``fd`` is closed)."""
    import fcntl  # POSIX only, like the pipe protocol itself

    copy = fcntl.fcntl(fd, fcntl.F_DUPFD_CLOEXEC, lowest)
    os.close(fd)
    return copy


class HeadlessChromium:
    """One headless Chromium with one page of ``width`` x ``height`` CSS pixels."""

    def __init__(self, width: int, height: int, timeout: float = 300):
        chromium = find_chromium()
        if chromium is None:
            raise RuntimeError(CHROMIUM_MISSING)
        self.timeout = timeout
        self._profile = tempfile.TemporaryDirectory(prefix="headless-chromium-")
        self._log = tempfile.TemporaryFile()
        commands_r, commands_w = os.pipe()
        replies_r, replies_w = os.pipe()
        # A Python trampoline moves the pipe ends to descriptors 3 and 4, where chromium expects
        # them (from 10 upwards first, so that neither dup2 overwrites the other's source), and
        # execs chromium. (sh cannot: dash knows only descriptors 0-9.)
        commands_r, replies_w = _above(commands_r, 10), _above(replies_w, 10)
        profile = f"--user-data-dir={self._profile.name}"
        self._process = subprocess.Popen(
            [sys.executable, "-c", TRAMPOLINE, str(commands_r), str(replies_w), chromium]
            + [*CHROMIUM_FLAGS, profile],
            pass_fds=(commands_r, replies_w),
            stdin=subprocess.DEVNULL,
            stdout=self._log,
            stderr=self._log,
        )
        os.close(commands_r)
        os.close(replies_w)
        self._commands, self._replies = commands_w, replies_r
        self._buffer, self._events, self._last_id = b"", [], 0
        try:
            target = self.send("Target.createTarget", url="about:blank")["targetId"]
            attached = self.send("Target.attachToTarget", targetId=target, flatten=True)
            self._session = attached["sessionId"]
            self.send("Page.enable", session=True)
            metrics = {"width": width, "height": height, "deviceScaleFactor": 1, "mobile": False}
            self.send("Emulation.setDeviceMetricsOverride", session=True, **metrics)
        except BaseException:
            self.close()
            raise

    def __enter__(self) -> HeadlessChromium:
        return self

    def __exit__(self, *exc_info) -> None:
        self.close()

    def _fail(self, message: str) -> RuntimeError:
        self._log.seek(0)
        lines = self._log.read().decode(errors="replace").splitlines()
        log = [line for line in lines if line.strip() and "dbus" not in line][-5:]  # no D-Bus here
        return RuntimeError(f"chromium: {message}" + "".join(f"\n  {line}" for line in log))

    def _read_message(self, deadline: float) -> dict:
        while b"\0" not in self._buffer:
            remaining = deadline - time.monotonic()
            if remaining <= 0:
                raise self._fail(f"no answer within {self.timeout:g} s")
            if select.select([self._replies], [], [], remaining)[0]:
                chunk = os.read(self._replies, 1 << 20)
                if not chunk:
                    raise self._fail("the browser closed the connection")
                self._buffer += chunk
        message, self._buffer = self._buffer.split(b"\0", 1)
        return json.loads(message)

    def send(self, method: str, session: bool = False, **params) -> dict:
        """Send one command (to the page when ``session``); return its result."""
        self._last_id += 1
        command = {"id": self._last_id, "method": method, "params": params}
        if session:
            command["sessionId"] = self._session
        os.write(self._commands, json.dumps(command).encode() + b"\0")
        deadline = time.monotonic() + self.timeout
        while True:
            message = self._read_message(deadline)
            if message.get("id") == self._last_id:
                if "error" in message:
                    raise self._fail(f"{method}: {message['error'].get('message')}")
                return message["result"]
            self._events.append(message)

    def _wait_event(self, method: str) -> dict:
        deadline = time.monotonic() + self.timeout
        while True:
            for event in self._events:
                if event.get("method") == method:
                    self._events.remove(event)
                    return event.get("params", {})
            self._events.append(self._read_message(deadline))

    def open(self, url: str) -> None:
        """Load ``url`` in the page and wait for its load event."""
        self._events.clear()
        result = self.send("Page.navigate", session=True, url=url)
        if result.get("errorText"):
            raise self._fail(f"{url}: {result['errorText']}")
        self._wait_event("Page.loadEventFired")

    def evaluate(self, expression: str):
        """The JSON value of ``expression`` in the page, once its promise (if any) resolves."""
        result = self.send(
            "Runtime.evaluate",
            session=True,
            expression=expression,
            awaitPromise=True,
            returnByValue=True,
        )
        if "exceptionDetails" in result:
            details = result["exceptionDetails"]
            text = details.get("exception", {}).get("description") or details.get("text")
            raise self._fail(f"{expression}: {text}")
        return result["result"].get("value")

    def screenshot(self, path) -> None:
        """Write a PNG of the viewport to ``path``."""
        data = self.send("Page.captureScreenshot", session=True, format="png")["data"]
        with open(path, "wb") as file:
            file.write(base64.b64decode(data))

    def close(self) -> None:
        """Close the browser (killed if it does not exit) and remove its profile."""
        if self._log.closed:
            return
        if self._process.poll() is None:
            try:
                os.write(self._commands, json.dumps({"id": 0, "method": "Browser.close"}).encode())
                os.write(self._commands, b"\0")
                self._process.wait(timeout=10)
            except (OSError, subprocess.TimeoutExpired):
                self._process.kill()
                self._process.wait()
        for fd in (self._commands, self._replies):
            try:
                os.close(fd)
            except OSError:
                pass
        self._log.close()
        self._profile.cleanup()
