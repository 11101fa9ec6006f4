"""Checkers of session 8 (attention and Transformers): notebook ``08_attention_transformer.ipynb``.

Each checker calls the student's function on fixed random inputs, compares with the formula,
and names the usual slips (no scaling, the wrong softmax axis, the mask upside down, sine and
cosine swapped, ...) in Japanese.
"""

from __future__ import annotations

import numpy as np

from seminar_lib.exercises._feedback import Feedback, _as_float_array, _call

__all__ = [
    "check_attention_head",
    "check_attention_weights",
    "check_causal_mask",
    "check_positional_encoding",
]


def _softmax_rows(scores):
    e = np.exp(scores - scores.max(axis=-1, keepdims=True))
    return e / e.sum(axis=-1, keepdims=True)


def _weights(Q, K, mask=None, scale=True, axis=-1):
    scores = Q @ K.T / (np.sqrt(Q.shape[-1]) if scale else 1.0)  # (Tq, Tk)
    if mask is not None:
        scores = np.where(mask, scores, -1e9)
    if axis == -1:
        return _softmax_rows(scores)
    return _softmax_rows(scores.T).T  # softmax down each column


def _unchanged(args, originals) -> bool:
    return all(np.array_equal(a, o) for a, o in zip(args, originals, strict=True))


def _hint(out, hints, default):
    for candidate, message in hints:
        if candidate.shape == out.shape and np.allclose(out, candidate, atol=1e-6):
            return Feedback(False, message)
    return Feedback(False, default)


def check_attention_weights(attention_weights) -> Feedback:
    r"""第8回 課題1: ``attention_weights(Q, K, mask=None)`` returns
    :math:`A = \mathrm{softmax}(QK^\top / \sqrt{d})` (Tq, Tk), row by row; where ``mask``
    (Tq, Tk) bool is False the weight is 0. ``Q`` (Tq, d), ``K`` (Tk, d); no argument is
    modified."""
    rng = np.random.default_rng(81)
    Tq, Tk, d = 3, 5, 4  # distinct sizes, so that a transposed result has the wrong shape
    Q, K = rng.standard_normal((Tq, d)) * 1.5, rng.standard_normal((Tk, d)) * 1.5
    mask = np.ones((Tq, Tk), dtype=bool)
    mask[:, 3:] = False
    mask[0, 1:] = False  # row 0 may look at key 0 only
    originals = [Q.copy(), K.copy(), mask.copy()]
    for use_mask in (False, True):
        args = (Q, K, mask) if use_mask else (Q, K)
        out, err = _call(attention_weights, *args)
        if err is not None:
            return err
        if not _unchanged((Q, K, mask), originals):
            return Feedback(False, "引数の配列を書き換えないでください。")
        out, err = _as_float_array(out, "重み ")
        if err is not None:
            return err
        if out.shape != (Tq, Tk):
            return Feedback(
                False,
                f"Q.shape={Q.shape}, K.shape={K.shape} のとき、重みの形は (Tq, Tk) = ({Tq}, {Tk}) "
                f"です（返り値の形: {out.shape}）。Q @ K.T で (Tq, d) @ (d, Tk) です。",
            )
        expected = _weights(Q, K, mask if use_mask else None)
        if np.allclose(out, expected, atol=1e-6):
            continue
        m = mask if use_mask else None
        hints = [
            (_weights(Q, K, m, scale=False), "√d で割り忘れています。スコアは Q K^T / √d です。"),
            (
                Q @ K.T / np.sqrt(d),
                "ソフトマックスをかけ忘れています。各行の和が 1 になるはずです。",
            ),
            (_weights(Q, K, m, axis=0), "ソフトマックスの向きが違います。行ごと (axis=-1) です。"),
            (_weights(Q, K, None), "mask が False の位置の重みが 0 になっていません。"),
            (
                _weights(Q, K, None if m is None else ~m),
                "mask の向きが逆です。True の位置を見て、False の位置を隠します。",
            ),
            (
                _weights(Q, K, None) * (m if m is not None else 1),
                "隠した位置を、ソフトマックスの後で 0 にしています。前にスコアを -1e9 にします。",
            ),
        ]
        default = (
            "値が違います。scores = Q @ K.T / √d、隠す位置は -1e9、行ごとにソフトマックスです。"
        )
        return _hint(out, hints, default)
    return Feedback(True, "A = softmax(Q K^T / √d)。各行（クエリ）の重みの和が 1 です。")


def check_causal_mask(causal_mask) -> Feedback:
    """第8回 課題2: ``causal_mask(T)`` returns the (T, T) mask of a decoder: True where position
    t may look at position s, that is s <= t (itself and the past)."""
    for T in (4, 6, 1):
        out, err = _call(causal_mask, T)
        if err is not None:
            return err
        out = np.asarray(out)
        if out.shape != (T, T):
            return Feedback(False, f"T={T} のとき形は ({T}, {T}) です（返り値の形: {out.shape}）。")
        if out.dtype != bool and not np.isin(out, (0, 1)).all():
            return Feedback(False, "True/False（または 1/0）の配列を返してください。")
        out = out.astype(bool)
        expected = np.tril(np.ones((T, T), dtype=bool))
        if np.array_equal(out, expected):
            continue
        if np.array_equal(out, expected.T):
            return Feedback(False, "上下が逆です。行 t（クエリ）が列 s <= t（過去）を見られます。")
        if np.array_equal(out, np.tril(expected, -1)):
            return Feedback(False, "対角線（自分自身）も見られるようにします（s <= t）。")
        if np.array_equal(out, ~expected):
            return Feedback(False, "True と False が逆です。見てよい位置が True です。")
        return Feedback(False, "行 t では、列 0〜t が True、列 t+1 以降が False です。")
    return Feedback(True, "下三角のマスクです。位置 t は、自分と過去 (s <= t) だけを見ます。")


def _pe(T, D, swap=False, exponent=2, all_sin=False):
    t = np.arange(T)[:, np.newaxis]
    omega = 10000.0 ** (-exponent * np.arange(D // 2) / D)  # (D/2,)
    first, second = np.sin(t * omega), np.cos(t * omega)
    if swap:
        first, second = second, first
    if all_sin:
        second = first
    pe = np.empty((T, D))
    pe[:, 0::2], pe[:, 1::2] = first, second
    return pe


def check_positional_encoding(positional_encoding) -> Feedback:
    r"""第8回 課題3: ``positional_encoding(T, D)`` returns the (T, D) sinusoidal encoding,
    :math:`PE_{t,2i} = \sin(t/10000^{2i/D})`, :math:`PE_{t,2i+1} = \cos(t/10000^{2i/D})`."""
    T, D = 7, 6
    out, err = _call(positional_encoding, T, D)
    if err is not None:
        return err
    out, err = _as_float_array(out, "PE ")
    if err is not None:
        return err
    if out.shape != (T, D):
        return Feedback(
            False, f"T={T}, D={D} のとき形は ({T}, {D}) です（返り値の形: {out.shape}）。"
        )
    if np.allclose(out, _pe(T, D), atol=1e-6):
        return Feedback(True, "偶数の列が sin、奇数の列が cos で、右の列ほどゆっくり回ります。")
    hints = [
        (_pe(T, D, swap=True), "sin と cos が逆です。偶数の列 (0, 2, ...) が sin です。"),
        (_pe(T, D, exponent=1), "指数は 2i/D です（i は列の組の番号 0, 1, 2, ...）。"),
        (_pe(T, D, all_sin=True), "奇数の列は cos です。"),
        (_pe(T + 1, D)[1:], "位置は 0 から数えます（最初の行は sin 0 = 0, cos 0 = 1）。"),
    ]
    return _hint(out, hints, "値が違います。PE[t, 2i] = sin(t / 10000^(2i/D)) です。")


def check_attention_head(attention_head) -> Feedback:
    r"""第8回 課題4: ``attention_head(x, Wq, Wk, Wv)`` returns one head of causal
    self-attention: :math:`Q = xW_q, K = xW_k, V = xW_v`,
    :math:`\mathrm{softmax}(QK^\top/\sqrt{d_k} \text{ with the causal mask})\,V` (T, d_k).
    ``x`` (T, D), ``W*`` (D, d_k); no argument is modified."""
    rng = np.random.default_rng(84)
    T, D, d_k = 5, 6, 4
    x = rng.standard_normal((T, D))
    Wq, Wk, Wv = (rng.standard_normal((D, d_k)) * 0.6 for _ in range(3))
    args = (x, Wq, Wk, Wv)
    originals = [a.copy() for a in args]
    out, err = _call(attention_head, *args)
    if err is not None:
        return err
    if not _unchanged(args, originals):
        return Feedback(False, "引数の配列を書き換えないでください。")
    out, err = _as_float_array(out, "出力 ")
    if err is not None:
        return err
    Q, K, V = x @ Wq, x @ Wk, x @ Wv
    causal = np.tril(np.ones((T, T), dtype=bool))
    if out.shape != (T, d_k):
        if out.shape == (T, T):
            return Feedback(False, "返しているのは重み (T, T) のようです。重み @ V を返します。")
        return Feedback(False, f"出力の形は (T, d_k) = ({T}, {d_k}) です（返り値: {out.shape}）。")
    if np.allclose(out, _weights(Q, K, causal) @ V, atol=1e-6):
        return Feedback(True, "1 つのヘッドの出力です。各位置は、過去の V の重み付き平均です。")
    hints = [
        (_weights(Q, K, None) @ V, "因果マスクを使っていません。未来の位置を見ています。"),
        (_weights(Q, K, causal, scale=False) @ V, "√d_k で割り忘れています。"),
        (_weights(Q, K, causal) @ x @ Wq, "V = x @ Wv を使います（Wq ではありません）。"),
        (_weights(Q, Q, causal) @ V, "K = x @ Wk を使います。"),
        (_weights(Q, K, causal.T) @ V, "マスクの上下が逆です。過去 (s <= t) を見ます。"),
    ]
    return _hint(out, hints, "値が違います。softmax(Q K^T / √d_k、因果マスク) @ V です。")
