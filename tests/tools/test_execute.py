"""The kernel environment of ``make execute`` is the one nbval gets in ``make test``."""

import re
from pathlib import Path

from tools.execute import KERNEL_ENVIRONMENT, coalesce_streams

ROOT = Path(__file__).resolve().parents[2]


def test_execute_and_makefile_give_nbval_the_same_kernel_environment():
    makefile = (ROOT / "Makefile").read_text(encoding="utf-8")
    nb_env = re.search(r"^NB_ENV := (.*)$", makefile, re.MULTILINE)[1]
    assert dict(item.split("=") for item in nb_env.split()) == KERNEL_ENVIRONMENT
    assert KERNEL_ENVIRONMENT["SEMINAR_VERBOSE"] == "2"  # one line per epoch, no live bar


def test_coalesce_streams_merges_consecutive_text_of_one_stream():
    outputs = [
        {"output_type": "stream", "name": "stdout", "text": "2.5\n"},
        {"output_type": "stream", "name": "stdout", "text": ["1.5\n"]},
        {"output_type": "execute_result", "data": {"text/plain": "3"}},
        {"output_type": "stream", "name": "stdout", "text": "a\n"},
        {"output_type": "stream", "name": "stderr", "text": "b\n"},
    ]
    merged = coalesce_streams(outputs)
    assert [o.get("text") for o in merged] == ["2.5\n1.5\n", None, "a\n", "b\n"]
