"""Metrics and rankings: values worked out by hand."""

import numpy as np
import pytest

from seminar_lib.contest.leaderboard import final_board, final_choice, public_board
from seminar_lib.contest.scoring import accuracy, macro_f1, score


def test_accuracy():
    assert accuracy([0, 1, 2, 3], [0, 1, 0, 0]) == 0.5


def test_macro_f1_by_hand():
    # class 0: TP 1, FP 1, FN 1 -> 0.5; class 1: TP 2, FP 1, FN 0 -> 0.8; class 2: FN 1 -> 0
    assert macro_f1([0, 0, 1, 1, 2], [0, 1, 1, 1, 0]) == pytest.approx(1.3 / 3)


def test_macro_f1_ignores_classes_nobody_used():
    assert macro_f1([0, 1], [0, 1]) == 1.0  # classes 2..9 occur nowhere


def test_macro_f1_differs_from_accuracy_on_imbalance():
    y_true = np.array([0] * 9 + [1])
    y_pred = np.zeros(10, dtype=int)
    assert accuracy(y_true, y_pred) == 0.9
    assert macro_f1(y_true, y_pred) == pytest.approx((18 / 19 + 0) / 2)


@pytest.mark.parametrize(
    ("y_true", "y_pred", "message"),
    [
        ([0, 1], [0], r"y_true.shape=\(2,\), y_pred.shape=\(1,\)"),
        ([], [], r"y_true.shape=\(0,\)"),
        ([[0, 1]], [[0, 1]], r"Expected `y_true` and `y_pred` with 1 dim"),
    ],
)
def test_bad_shapes(y_true, y_pred, message):
    with pytest.raises(ValueError, match=message):
        accuracy(y_true, y_pred)


def test_unknown_metric():
    with pytest.raises(ValueError, match=r"Expected `metric` in \('accuracy', 'macro_f1'\)"):
        score("top5", [0], [0])


def sub(id_, team, public, private, final=0):
    return {
        "id": id_,
        "team": team,
        "public": public,
        "private": private,
        "final": final,
        "created_at": f"2026-12-09T0{id_ % 10}:00:00+00:00",
    }


def test_public_board_best_score_and_earlier_wins_ties():
    subs = [
        sub(1, "A", 0.80, 0.0),
        sub(2, "B", 0.90, 0.0),
        sub(3, "A", 0.90, 0.0),
        sub(4, "C", 0.70, 0.0),
        sub(5, "A", 0.85, 0.0),
    ]
    board = public_board(subs)
    assert [(r["rank"], r["team"], r["score"], r["submission_id"]) for r in board] == [
        (1, "B", 0.90, 2),
        (2, "A", 0.90, 3),
        (3, "C", 0.70, 4),
    ]
    assert board[1]["entries"] == 3 and board[1]["last"] == subs[4]["created_at"]


def test_final_choice_defaults_to_the_best_public_ones():
    subs = [
        sub(1, "A", 0.80, 0.9),
        sub(2, "A", 0.95, 0.7),
        sub(3, "A", 0.90, 0.8),
        sub(4, "A", 0.95, 0.6),
    ]
    assert [s["id"] for s in final_choice(subs, 2)] == [2, 4]  # a tie: the earlier first
    marked = [{**s, "final": s["id"] == 1} for s in subs]
    assert [s["id"] for s in final_choice(marked, 2)] == [1]


def test_final_board_shake_up():
    # A leads publicly but its final choices do worse in private than B's.
    subs = [
        sub(1, "A", 0.95, 0.80),
        sub(2, "A", 0.94, 0.81),
        sub(3, "A", 0.70, 0.99),
        sub(4, "B", 0.90, 0.90),
        sub(5, "C", 0.85, 0.90),
    ]
    board = final_board(subs, max_final=2)
    assert [(r["rank"], r["team"], r["score"], r["public_rank"]) for r in board] == [
        (1, "B", 0.90, 2),
        (2, "C", 0.90, 3),
        (3, "A", 0.81, 1),
    ]  # B before C: earlier
    marked = [{**s, "final": s["id"] == 3} for s in subs]  # A marks its odd one
    assert final_board(marked, max_final=2)[0]["team"] == "A"
