"""The result type of every checker and the helpers the session modules share.

:class:`Feedback` shows as one line in the notebook. :func:`_call` runs the student's
function and turns any exception into a hint, so that checkers never raise because of the
answer; :func:`_as_float_array` and :func:`_number` read the answer as numbers.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

__all__ = ["Feedback"]


@dataclass(frozen=True)
class Feedback:
    """Result of a checker: ``passed`` and a Japanese ``message``; shown as one line."""

    passed: bool
    message: str

    def __bool__(self) -> bool:
        return self.passed

    def __repr__(self) -> str:
        return ("✅ 正解です！ " if self.passed else "❌ もう一歩です: ") + self.message


def _call(fn, *args):
    """Run the student's function; return (result, None) or (None, Feedback for the error)."""
    if not callable(fn):
        return None, Feedback(
            False, f"関数を渡してください（受け取ったのは {type(fn).__name__} です）。"
        )
    try:
        return fn(*args), None
    except NotImplementedError:
        return None, Feedback(
            False,
            "まだ実装されていません。raise NotImplementedError の行を消して実装してください。",
        )
    except Exception as exc:  # noqa: BLE001 -- any failure of the answer is reported
        return None, Feedback(False, f"実行中にエラーが出ました: {type(exc).__name__}: {exc}")


def _names_used(fn) -> set[str]:
    """The global, attribute and enclosing-scope names that ``fn``'s code refers to, nested
    functions included (``co_names`` and ``co_freevars``); empty for an object without code."""
    names, todo = set(), [getattr(fn, "__code__", None)]
    while todo:
        code = todo.pop()
        if code is None:
            continue
        names.update(code.co_names, code.co_freevars)
        todo += [c for c in code.co_consts if hasattr(c, "co_names")]
    return names


def _uses_forbidden(fn, forbidden, task: str):
    """Feedback when ``fn`` calls a function in ``forbidden`` (names) that does the exercise's
    work, else None. A static look at the code: it catches a direct call, not an alias."""
    used = sorted(_names_used(fn) & set(forbidden))
    if not used:
        return None
    return Feedback(
        False,
        f"{', '.join(used)} を使っています。この課題は、{task}を自分で書く課題です。"
        "ライブラリの関数やクラスを呼ばずに書いてください。",
    )


def _as_float_array(out, what: str):
    """The answer as a float array, or (None, Feedback) when it is not numbers."""
    if out is None:
        return None, Feedback(False, "値が返っていません。return を書き忘れていませんか？")
    try:
        return np.asarray(out, dtype=float), None
    except (TypeError, ValueError):
        return None, Feedback(False, f"{what}を数の配列で返してください（返り値: {out!r}）。")


def _number(value):
    """``value`` as a float, or None when it is not one number."""
    if isinstance(value, bool):
        return None
    try:
        array = np.asarray(value, dtype=float)
    except (TypeError, ValueError):
        return None
    return float(array) if array.shape == () else None
