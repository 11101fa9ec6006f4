"""Every notebook, present and future: its checkers pass and come from its session's module."""

import re
from pathlib import Path

import pytest
from notebook_checks import NOTEBOOK_DIR, assert_every_checker_passes

from seminar_lib import exercises

NOTEBOOKS = sorted(p.name for p in NOTEBOOK_DIR.glob("*.ipynb"))
IMPORT = re.compile(r"from seminar_lib\.exercises\.(\w+) import")


@pytest.mark.parametrize("name", NOTEBOOKS)
def test_every_checker_passes(name):
    assert_every_checker_passes(name)


@pytest.mark.parametrize("name", NOTEBOOKS)
def test_checkers_come_from_the_module_of_the_session(name):
    text = (NOTEBOOK_DIR / name).read_text(encoding="utf-8")
    assert "from seminar_lib.exercises import" not in text  # no package-level names
    for module in set(IMPORT.findall(text)):
        assert module.startswith(f"s{name[:2]}_"), f"{name} imports seminar_lib.exercises.{module}"
        assert (Path(exercises.__path__[0]) / f"{module}.py").is_file()
