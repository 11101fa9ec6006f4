"""Tests of seminar_lib.exercises.s05_contest and of its notebook 05_contest.ipynb."""

import numpy as np
import pytest
from notebook_checks import assert_every_checker_passes, checker_cells

from seminar_lib.exercises.s05_contest import (
    check_is_valid_submission,
    check_macro_f1,
    check_public_private,
)


def good_macro_f1(y_true, y_pred):
    f1s = []
    for c in np.union1d(y_true, y_pred):
        tp = np.sum((y_pred == c) & (y_true == c))
        fp = np.sum((y_pred == c) & (y_true != c))
        fn = np.sum((y_pred != c) & (y_true == c))
        f1s.append(2 * tp / (2 * tp + fp + fn))
    return np.mean(f1s)


def precision_recall_f1(y_true, y_pred):  # the same number through precision and recall
    f1s = []
    for c in set(y_true.tolist()) | set(y_pred.tolist()):
        tp = np.sum((y_pred == c) & (y_true == c))
        precision = tp / max(np.sum(y_pred == c), 1)
        recall = tp / max(np.sum(y_true == c), 1)
        f1s.append(0.0 if tp == 0 else 2 * precision * recall / (precision + recall))
    return float(sum(f1s) / len(f1s))


def test_check_macro_f1_passes_two_correct_forms():
    assert check_macro_f1(good_macro_f1).passed
    assert check_macro_f1(precision_recall_f1).passed


def all_ten_classes(y_true, y_pred):
    f1s = []
    for c in range(10):
        tp = np.sum((y_pred == c) & (y_true == c))
        fp = np.sum((y_pred == c) & (y_true != c))
        fn = np.sum((y_pred != c) & (y_true == c))
        f1s.append(2 * tp / (2 * tp + fp + fn) if tp + fp + fn else 0.0)
    return np.mean(f1s)


def true_classes_only(y_true, y_pred):
    f1s = []
    for c in np.unique(y_true):
        tp = np.sum((y_pred == c) & (y_true == c))
        fp = np.sum((y_pred == c) & (y_true != c))
        fn = np.sum((y_pred != c) & (y_true == c))
        f1s.append(2 * tp / (2 * tp + fp + fn))
    return np.mean(f1s)


def sorts_in_place(y_true, y_pred):
    y_true.sort()
    return good_macro_f1(y_true, y_pred)


def divides_by_zero(y_true, y_pred):
    with np.errstate(invalid="ignore", divide="ignore"):
        return all_ten_classes_nan(y_true, y_pred)


def all_ten_classes_nan(y_true, y_pred):
    f1s = []
    for c in range(10):
        tp = np.sum((y_pred == c) & (y_true == c))
        fp = np.sum((y_pred == c) & (y_true != c))
        fn = np.sum((y_pred != c) & (y_true == c))
        f1s.append(np.float64(2 * tp) / (2 * tp + fp + fn))
    return np.mean(f1s)


def uses_library(y_true, y_pred):
    from seminar_lib.contest.scoring import macro_f1

    return macro_f1(y_true, y_pred)


@pytest.mark.parametrize(
    ("answer", "hint"),
    [
        (lambda t, p: np.mean(t == p), "これは正解率 (accuracy) です"),
        (all_ten_classes, "正解にも予測にも出てこないクラスまで"),
        (true_classes_only, "予測にだけ出てくるクラスも"),
        (divides_by_zero, "0 で割っていませんか"),
        (sorts_in_place, "書き換えないでください"),
        (lambda t, p: [good_macro_f1(t, p)], "1 つの数を返してください"),
        (lambda t, p: good_macro_f1(t, p) * 100, "F1 = 2TP / (2TP + FP + FN) を"),
        (uses_library, "macro_f1 を使っています"),
    ],
)
def test_check_macro_f1_hints(answer, hint):
    feedback = check_macro_f1(answer)
    assert not feedback.passed
    assert hint in feedback.message


def good_public_private(y_true, y_pred, public):
    correct = y_true == y_pred
    return correct[public].mean(), correct[~public].mean()


@pytest.mark.parametrize(
    ("answer", "hint"),
    [
        (lambda t, p, m: good_public_private(t, p, m)[::-1], "public と private が逆です"),
        (lambda t, p, m: (np.mean(t == p), np.mean(t == p)), "全体の正解率になっています"),
        (lambda t, p, m: np.mean(t[m] == p[m]), "2 つの数を return"),
        (lambda t, p, m: (np.mean(t[m] == p[m]), np.mean(t == p) - 0.01), "private は ~public"),
        (lambda t, p, m: 1 / 0, "ZeroDivisionError"),
    ],
)
def test_check_public_private(answer, hint):
    assert check_public_private(good_public_private).passed
    feedback = check_public_private(answer)
    assert not feedback.passed
    assert hint in feedback.message


def good_is_valid(text, ids):
    lines = text.replace("\r\n", "\n").rstrip("\n").split("\n")
    if lines[0] != "id,label":
        return False
    seen = []
    for line in lines[1:]:
        parts = line.split(",")
        if len(parts) != 2 or not all(p.lstrip("-").isdigit() for p in parts):
            return False
        if not 0 <= int(parts[1]) <= 9:
            return False
        seen.append(int(parts[0]))
    return sorted(seen) == sorted(int(i) for i in ids)


def no_label_range(text, ids):  # forgets that labels are 0..9
    return good_is_valid(text.replace(",10\n", ",1\n").replace(",-1\n", ",1\n"), ids)


def crashes_on_float(text, ids):
    for line in text.strip().splitlines()[1:]:
        int(line.split(",")[1])
    return good_is_valid(text, ids)


def counts_only(text, ids):  # the right number of lines is not enough
    return (
        text.replace("\r\n", "\n").strip().startswith("id,label")
        and len(text.strip().splitlines()) == len(ids) + 1
    )


@pytest.mark.parametrize(
    ("answer", "hint"),
    [
        (lambda text, ids: True, "このファイルは壊れているファイルです"),
        (lambda text, ids: "\r" not in text and good_is_valid(text, ids), "CRLF"),
        (no_label_range, "ラベルが 10 のファイル"),
        (crashes_on_float, "ValueError"),
        (counts_only, "ない id 6 があるファイルに True"),
        (lambda text, ids: "yes", "True か False を返してください"),
    ],
)
def test_check_is_valid_submission(answer, hint):
    assert check_is_valid_submission(good_is_valid).passed
    feedback = check_is_valid_submission(answer)
    assert not feedback.passed
    assert hint in feedback.message


def test_check_is_valid_submission_refuses_the_library():
    from seminar_lib.contest import validate_submission

    def uses_library(text, ids):
        try:
            validate_submission(text, ids)
        except ValueError:
            return False
        return True

    feedback = check_is_valid_submission(uses_library)
    assert not feedback.passed
    assert "validate_submission を使っています" in feedback.message


def test_checker_cases_are_judged_by_the_library_as_the_checker_says():
    """The checker's verdicts agree with the contest's own validation."""
    from seminar_lib.contest import SubmissionError, validate_submission
    from seminar_lib.exercises.s05_contest import _submission_cases

    for text, what, valid in _submission_cases():
        try:
            validate_submission(text, np.arange(1, 6))
            accepted = True
        except SubmissionError:
            accepted = False
        assert accepted == valid, what


def test_notebook_05_passes_every_checker():
    assert len(checker_cells("05_contest.ipynb")) >= 3
    assert_every_checker_passes("05_contest.ipynb")


def not_implemented(text, ids):
    raise NotImplementedError("課題: ここを実装してください")


def crashes_on_everything(text, ids):
    raise KeyError("oops")


def test_check_is_valid_submission_messages_name_only_what_went_wrong():
    feedback = check_is_valid_submission(not_implemented)
    assert not feedback.passed
    assert feedback.message.startswith("まだ実装されていません")
    assert "False を返します" not in feedback.message  # no hint about broken files yet
    crash = check_is_valid_submission(crashes_on_everything)
    assert "KeyError" in crash.message
    assert "False を返します" not in crash.message  # the first case is a valid file
