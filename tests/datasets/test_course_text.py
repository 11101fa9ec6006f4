"""The course text corpus: its content, and a missing or altered file."""

import hashlib

import pytest

from seminar_lib.datasets import DatasetError, load_course_text


def test_course_text_is_the_verified_prose_of_the_notebooks():
    text = load_course_text()
    assert len(text) == 61546 and text.count("\n") == 879
    assert text.startswith("第0回 準備: Python 環境構築と NumPy 入門\n")
    assert "$" not in text and "```" not in text


def test_course_text_missing_or_altered(tmp_path, monkeypatch):
    monkeypatch.setenv("SEMINAR_DATA_DIR", str(tmp_path))
    with pytest.raises(DatasetError, match="Missing data file: .*course_text_ja.txt"):
        load_course_text()
    (tmp_path / "course-text").mkdir()
    (tmp_path / "course-text" / "course_text_ja.txt").write_text("改ざん", encoding="utf-8")
    digest = hashlib.sha256("改ざん".encode()).hexdigest()
    with pytest.raises(DatasetError, match=f"Altered or corrupt .*{digest}.*git checkout"):
        load_course_text()
