"""Fixtures of the contest tests (the helpers are in contest_helpers.py)."""

import shutil
import tempfile
from pathlib import Path

import pytest
from contest_helpers import Folder, make_contest
from hypothesis import settings
from hypothesis.configuration import set_hypothesis_home_dir

from seminar_lib.contest.local import LocalServer

# Tests write only into temporary folders: no example database and no .hypothesis/ folder
# in the checkout (hypothesis also caches constants there).
settings.register_profile("course", database=None)
settings.load_profile("course")
set_hypothesis_home_dir(tempfile.mkdtemp(prefix="hypothesis-"))


@pytest.fixture(scope="session")
def template(tmp_path_factory) -> Folder:
    """One initialised contest (daily_limit 3), copied by ``contest`` for each test."""
    return make_contest(tmp_path_factory.mktemp("template"), daily_limit=3, seed=5)


@pytest.fixture
def contest(template, tmp_path) -> Folder:
    """A fresh copy of the template contest: each test has its own database."""
    path = Path(shutil.copytree(template.path, tmp_path / "contest"))
    return Folder(path, template.tokens, template.organizer)


@pytest.fixture
def server(contest):
    srv = LocalServer(contest.path).start()
    yield srv
    srv.stop()
