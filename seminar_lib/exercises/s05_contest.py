"""Checkers of session 5, the contest (notebook ``05_contest.ipynb``): the metric, the
public/private split of the test set and a check of a submission file."""

from __future__ import annotations

import numpy as np

from seminar_lib.contest.scoring import accuracy, macro_f1
from seminar_lib.exercises._feedback import Feedback, _call, _number, _uses_forbidden

__all__ = ["check_is_valid_submission", "check_macro_f1", "check_public_private"]


def _metric_cases():
    """(y_true, y_pred, what) cases for a metric: small hand-made ones, then random ones."""
    rng = np.random.default_rng(5)
    cases = [
        (np.array([0, 1, 2, 2]), np.array([0, 1, 2, 2]), "全部正しい予測"),
        (np.array([0, 0, 1, 1]), np.array([0, 1, 1, 1]), "2 クラスの小さな例"),
        (np.array([0, 0, 0, 1]), np.array([0, 0, 0, 0]), "クラス 1 を一度も予測しない例"),
        (np.array([0, 1, 1, 2]), np.array([0, 1, 1, 3]), "正解にないクラス 3 を予測した例"),
    ]
    for n in (50, 400):
        y_true = rng.integers(0, 10, n)
        y_pred = np.where(rng.random(n) < 0.7, y_true, rng.integers(0, 10, n))
        cases.append((y_true, y_pred, f"{n} 個のランダムな例"))
    return cases


def check_macro_f1(macro_f1_fn) -> Feedback:
    """第5回 課題1: ``macro_f1_fn(y_true, y_pred)`` returns the macro-averaged F1 score: for each
    class c that occurs in ``y_true`` or ``y_pred``, F1_c = 2TP / (2TP + FP + FN); then the mean
    of the F1_c. The arguments are not modified."""
    forbidden = _uses_forbidden(macro_f1_fn, {"macro_f1", "f1_score", "score"}, "F1 の計算")
    if forbidden is not None:
        return forbidden
    for y_true, y_pred, what in _metric_cases():
        originals = y_true.copy(), y_pred.copy()
        out, err = _call(macro_f1_fn, y_true, y_pred)
        if err is not None:
            return err
        if not (np.array_equal(y_true, originals[0]) and np.array_equal(y_pred, originals[1])):
            return Feedback(False, "引数の y_true, y_pred を書き換えないでください。")
        value = _number(out)
        if value is None:
            return Feedback(False, f"1 つの数を返してください（{what}で返り値: {out!r}）。")
        expected = macro_f1(y_true, y_pred)
        if np.isclose(value, expected, atol=1e-9):
            continue
        hint = f"{what}で {value:.4f} が返りました（正しくは {expected:.4f}）。"
        if np.isnan(value):
            hint += (
                " 0 で割っていませんか？ 2TP + FP + FN が 0 のクラスは、"
                "正解にも予測にもないクラスです。"
            )
        elif np.isclose(value, accuracy(y_true, y_pred)):
            hint += " これは正解率 (accuracy) です。クラスごとに F1 を求めてから平均します。"
        else:
            present = np.union1d(y_true, y_pred)
            f1s = [_f1(y_true, y_pred, c) for c in range(10)]  # 0 for an absent class
            if np.isclose(value, np.mean(f1s)) and len(present) < 10:
                hint += " 正解にも予測にも出てこないクラスまで平均に入れています。"
            elif np.isclose(value, np.mean([_f1(y_true, y_pred, c) for c in np.unique(y_true)])):
                hint += " 予測にだけ出てくるクラスも平均に入れます（FP があるので F1 は 0 です）。"
            else:
                hint += " F1 = 2TP / (2TP + FP + FN) を、クラスごとに確かめましょう。"
        return Feedback(False, hint)
    return Feedback(True, "クラスごとの F1 の平均（マクロ F1）が、6 つの例で一致しました。")


def _f1(y_true, y_pred, c) -> float:
    tp = np.sum((y_pred == c) & (y_true == c))
    fp = np.sum((y_pred == c) & (y_true != c))
    fn = np.sum((y_pred != c) & (y_true == c))
    return 2 * tp / (2 * tp + fp + fn) if tp + fp + fn else 0.0


def check_public_private(public_private_fn) -> Feedback:
    """第5回 課題2: ``public_private_fn(y_true, y_pred, public)`` returns the pair
    ``(public_accuracy, private_accuracy)``: the accuracy on the examples where the boolean
    mask ``public`` (N,) is True, and on the others."""
    rng = np.random.default_rng(3)
    cases = [
        (np.array([1, 2, 3, 4]), np.array([1, 2, 0, 0]), np.array([True, True, False, False])),
        (
            np.array([0, 1, 0, 1, 1]),
            np.array([0, 0, 0, 1, 0]),
            np.array([False, True, True, False, True]),
        ),
    ]
    y_true = rng.integers(0, 10, 1000)
    y_pred = np.where(rng.random(1000) < 0.8, y_true, rng.integers(0, 10, 1000))
    cases.append((y_true, y_pred, rng.random(1000) < 0.3))
    for y_true, y_pred, public in cases:
        out, err = _call(public_private_fn, y_true, y_pred, public.copy())
        if err is not None:
            return err
        try:
            pair = tuple(_number(v) for v in out)
        except TypeError:
            pair = ()
        if len(pair) != 2 or None in pair:
            return Feedback(
                False,
                f"2 つの数を return public_acc, private_acc で返してください（返り値: {out!r}）。",
            )
        expected = (
            accuracy(y_true[public], y_pred[public]),
            accuracy(y_true[~public], y_pred[~public]),
        )
        if np.allclose(pair, expected, atol=1e-9):
            continue
        where = (
            f"N={len(y_true)}, public が {public.sum()} 個の例で {pair[0]:.4f}, {pair[1]:.4f} "
            f"が返りました（正しくは {expected[0]:.4f}, {expected[1]:.4f}）。"
        )
        overall = accuracy(y_true, y_pred)
        if np.allclose(pair, expected[::-1], atol=1e-9):
            return Feedback(False, where + " public と private が逆です。")
        if np.isclose(pair[0], overall) or np.isclose(pair[1], overall):
            return Feedback(
                False, where + " 全体の正解率になっています。マスク public で分けましょう。"
            )
        return Feedback(
            False, where + " y_true[public] と y_pred[public] を比べます。private は ~public です。"
        )
    return Feedback(True, "public と private の正解率が、3 つの例で一致しました。")


def _submission_cases():
    """(text, ids, valid, what) cases: the ids are 1..5."""
    good = "id,label\n1,3\n2,0\n3,9\n4,1\n5,1\n"
    return [
        (good, "正しいファイル", True),
        (good.replace("\n", "\r\n"), "改行が CRLF (Windows) の正しいファイル", True),
        ("id,label\n3,9\n1,3\n5,1\n2,0\n4,1\n", "id の順番が違うだけの正しいファイル", True),
        (good.rstrip("\n"), "最後の改行がない正しいファイル", True),
        ("label,id\n1,3\n2,0\n3,9\n4,1\n5,1\n", "見出しが label,id のファイル", False),
        (good.replace("3,9\n", ""), "id 3 の行がないファイル", False),
        (good + "5,2\n", "id 5 が 2 回あるファイル", False),
        (good.replace("5,1", "6,1"), "id 5 がなく、ない id 6 があるファイル", False),
        (good.replace("3,9", "3,10"), "ラベルが 10 のファイル（クラスは 0〜9）", False),
        (good.replace("3,9", "3,-1"), "ラベルが -1 のファイル", False),
        (good.replace("3,9", "3,9.0"), "ラベルが 9.0 のファイル", False),
        (good.replace("3,9", "3,"), "ラベルが空のファイル", False),
        (good.replace("3,9", "3,9,1"), "列が 3 つある行のあるファイル", False),
        (good.replace("3,9", "3,T-shirt"), "ラベルがクラスの名前のファイル", False),
        (
            ",id,label\n0,1,3\n1,2,0\n2,3,9\n3,4,1\n4,5,1\n",
            "pandas の index 列が付いたファイル",
            False,
        ),
    ]


def check_is_valid_submission(is_valid_fn) -> Feedback:
    """第5回 課題3: ``is_valid_fn(text, ids)`` returns True when ``text`` is a valid submission
    for the ids ``ids`` (a header ``id,label``, then every id exactly once with an integer label
    0-9; LF or CRLF line ends, any order), else False; it never raises on a broken file."""
    forbidden = _uses_forbidden(is_valid_fn, {"validate_submission"}, "ファイルの確認")
    if forbidden is not None:
        return forbidden
    ids = np.arange(1, 6)
    for text, what, valid in _submission_cases():
        out, err = _call(is_valid_fn, text, ids.copy())
        if err is not None and not err.message.startswith("実行中にエラー"):
            return err  # not implemented yet, or not a function: nothing about this file
        if err is not None:
            hint = "" if valid else " 壊れたファイルにはエラーではなく False を返します。"
            return Feedback(False, f"{what}で、{err.message}{hint}")
        if not isinstance(out, bool | np.bool_):
            return Feedback(False, f"True か False を返してください（{what}で返り値: {out!r}）。")
        if bool(out) != valid:
            verdict = "正しい" if valid else "壊れている"
            return Feedback(
                False, f"{what}に {bool(out)} が返りました。このファイルは{verdict}ファイルです。"
            )
    cases = _submission_cases()
    num_valid = sum(valid for _, _, valid in cases)
    return Feedback(
        True,
        f"{len(cases)} 個のファイル（正しいもの {num_valid} 個、壊れたもの "
        f"{len(cases) - num_valid} 個）を正しく判定できました。",
    )
