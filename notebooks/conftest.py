"""pytest plugin for ``make test``'s nbval run: the time of each notebook at the end.

nbval makes one test item per code cell (``notebooks/NAME.ipynb::Cell 3``); this sums the
durations of their call phases per notebook file and prints them after the test summary.
"""

from collections import defaultdict

import pytest

_seconds: defaultdict[str, float] = defaultdict(float)


def pytest_runtest_logreport(report):
    path = report.nodeid.split("::")[0]
    if report.when == "call" and path.endswith(".ipynb"):
        _seconds[path] += report.duration


@pytest.hookimpl(trylast=True)  # after --durations: the last lines of the run
def pytest_terminal_summary(terminalreporter):
    if not _seconds:
        return
    terminalreporter.write_sep("=", "notebook times")
    for path in sorted(_seconds):
        terminalreporter.write_line(f"{_seconds[path]:8.1f} s  {path}")
    terminalreporter.write_line(f"{sum(_seconds.values()):8.1f} s  total")
