"""The kernel environment of ``make execute`` is the one nbval gets in ``make test``."""

import re
from pathlib import Path

from tools.execute import KERNEL_ENVIRONMENT

ROOT = Path(__file__).resolve().parents[2]


def test_execute_and_makefile_give_nbval_the_same_kernel_environment():
    makefile = (ROOT / "Makefile").read_text(encoding="utf-8")
    nb_env = re.search(r"^NB_ENV := (.*)$", makefile, re.MULTILINE)[1]
    assert dict(item.split("=") for item in nb_env.split()) == KERNEL_ENVIRONMENT
    assert KERNEL_ENVIRONMENT["SEMINAR_VERBOSE"] == "2"  # one line per epoch, no live bar
