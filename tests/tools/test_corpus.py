"""The course text corpus: the Japanese prose of notebooks 00-04."""

import hashlib

from tools.corpus import CORPUS_NOTEBOOKS, notebook_prose, write_corpus
from tools.notebooks import NOTEBOOK_DIR


def test_write_corpus_writes_the_prose_of_the_corpus_notebooks(tmp_path):
    path = tmp_path / "course-text" / "corpus.txt"
    report = write_corpus(path)
    text = notebook_prose([NOTEBOOK_DIR / name for name in CORPUS_NOTEBOOKS])
    assert path.read_bytes() == text.encode("utf-8")
    assert report == (
        f"{path}: {len(text)} characters, SHA-256 {hashlib.sha256(path.read_bytes()).hexdigest()}"
    )
    assert text.startswith("第0回 ")
