"""The Japanese text corpus of session 6: the prose of the first notebooks (``corpus`` command).

A character-level language model learns from it; ``seminar_lib.datasets.load_course_text``
reads and verifies the file this module writes.
"""

from __future__ import annotations

import hashlib
import re
from pathlib import Path

from tools.notebooks import NOTEBOOK_DIR, ROOT, list_notebooks, read_notebook

__all__ = ["CORPUS_NOTEBOOKS", "CORPUS_PATH", "notebook_prose", "write_corpus"]

#: The notebooks whose prose makes the corpus, in this order.
CORPUS_NOTEBOOKS = (
    "00_python_numpy.ipynb",
    "01_neuron_perceptron.ipynb",
    "02_mlp_softmax.ipynb",
    "03_deep_cnn.ipynb",
    "04_data_cnn.ipynb",
)
CORPUS_PATH = ROOT / "data" / "course-text" / "course_text_ja.txt"

_JAPANESE = re.compile(r"[\u3040-\u30ff\u4e00-\u9fff]")  # hiragana, katakana, kanji


def notebook_prose(paths) -> str:
    """The Japanese prose of the markdown cells of ``paths``, one paragraph or item per line.

    Display math, code blocks, HTML tags, tables and inline math are dropped; inline code and
    link texts are kept as plain text; heading, list and emphasis marks are removed. Lines
    without any Japanese character are left out.
    """
    lines = []
    for path in list_notebooks(paths):
        for cell in read_notebook(path).cells:
            if cell.cell_type != "markdown":
                continue
            text = re.sub(r"\$\$.*?\$\$|```.*?```|<[^>]+>", "", cell.source, flags=re.S)
            for line in text.splitlines():
                line = line.strip()
                if line.startswith("|"):
                    continue  # a table row
                line = re.sub(r"\$[^$]*\$", "", line)  # inline math
                line = re.sub(r"`([^`]*)`", r"\1", line)  # inline code -> its text
                line = re.sub(r"!?\[([^\]]*)\]\([^)]*\)", r"\1", line)  # links -> their text
                line = re.sub(r"^(?:#+|[-*>]|\d+\.)\s+", "", line)  # heading, list, quote
                line = re.sub(r"\s+", " ", line.replace("*", "")).strip()
                if _JAPANESE.search(line):
                    lines.append(line)
    return "\n".join(lines) + "\n"


def write_corpus(path: Path = CORPUS_PATH) -> str:
    """Write the prose of :data:`CORPUS_NOTEBOOKS` to ``path`` (UTF-8); return a one-line report."""
    text = notebook_prose([NOTEBOOK_DIR / name for name in CORPUS_NOTEBOOKS])
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8", newline="\n")  # the same bytes on every system
    digest = hashlib.sha256(text.encode("utf-8")).hexdigest()
    shown = path.relative_to(ROOT) if path.is_relative_to(ROOT) else path
    return f"{shown}: {len(text)} characters, SHA-256 {digest}"
