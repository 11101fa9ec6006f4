"""Tests of seminar_lib.exercises._feedback: the one-line Feedback of every checker."""

from seminar_lib.exercises._feedback import Feedback


def test_feedback_shows_as_one_japanese_line():
    assert repr(Feedback(True, "よくできました。")) == "✅ 正解です！ よくできました。"
    assert repr(Feedback(False, "形が違います。")) == "❌ もう一歩です: 形が違います。"
    assert bool(Feedback(True, "")) and not bool(Feedback(False, ""))
