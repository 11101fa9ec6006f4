"""Tests of seminar_lib.exercises.s08_attention and of notebook 08_attention_transformer.ipynb."""

import numpy as np
import pytest
from notebook_checks import assert_every_checker_passes, checker_cells

from seminar_lib.exercises.s08_attention import (
    check_attention_head,
    check_attention_weights,
    check_causal_mask,
    check_positional_encoding,
)


def softmax_rows(s):
    e = np.exp(s - s.max(axis=-1, keepdims=True))
    return e / e.sum(axis=-1, keepdims=True)


def good_weights(Q, K, mask=None):
    scores = Q @ K.T / np.sqrt(Q.shape[-1])
    if mask is not None:
        scores = np.where(mask, scores, -np.inf)  # -inf works too when a row keeps one key
    return softmax_rows(scores)


def test_check_attention_weights():
    assert check_attention_weights(good_weights).passed
    no_scale = check_attention_weights(lambda Q, K, mask=None: softmax_rows(Q @ K.T))
    assert not no_scale.passed and "√d" in no_scale.message
    no_softmax = check_attention_weights(lambda Q, K, mask=None: Q @ K.T / np.sqrt(Q.shape[1]))
    assert not no_softmax.passed and "ソフトマックスをかけ忘れ" in no_softmax.message
    columns = check_attention_weights(
        lambda Q, K, mask=None: softmax_rows((Q @ K.T / np.sqrt(Q.shape[1])).T).T
    )
    assert not columns.passed and "向き" in columns.message
    ignores_mask = check_attention_weights(lambda Q, K, mask=None: good_weights(Q, K))
    assert not ignores_mask.passed and "0 になっていません" in ignores_mask.message
    inverted = check_attention_weights(
        lambda Q, K, mask=None: good_weights(Q, K, None if mask is None else ~mask)
    )
    assert not inverted.passed and "逆" in inverted.message
    after = check_attention_weights(
        lambda Q, K, mask=None: good_weights(Q, K) * (1 if mask is None else mask)
    )
    assert not after.passed and "ソフトマックスの後" in after.message
    wrong_shape = check_attention_weights(lambda Q, K, mask=None: Q.T @ K)
    assert not wrong_shape.passed


def test_check_attention_weights_refuses_a_modified_argument():
    def in_place(Q, K, mask=None):
        Q /= np.sqrt(Q.shape[1])
        return good_weights(Q * np.sqrt(Q.shape[1]), K, mask)

    result = check_attention_weights(in_place)
    assert not result.passed and "書き換え" in result.message


@pytest.mark.parametrize(
    ("fn", "passed", "words"),
    [
        (lambda T: np.tril(np.ones((T, T), dtype=bool)), True, "下三角"),
        (lambda T: np.tril(np.ones((T, T))), True, "下三角"),  # 1/0 is fine too
        (lambda T: np.triu(np.ones((T, T), dtype=bool)), False, "上下が逆"),
        (lambda T: np.tril(np.ones((T, T), dtype=bool), -1), False, "対角線"),
        (lambda T: ~np.tril(np.ones((T, T), dtype=bool)), False, "True と False が逆"),
        (lambda T: np.ones((T, T), dtype=bool), False, "列 0〜t"),
        (lambda T: np.ones(T, dtype=bool), False, "形"),
    ],
)
def test_check_causal_mask(fn, passed, words):
    result = check_causal_mask(fn)
    assert result.passed is passed and words in result.message


def good_pe(T, D):
    t = np.arange(T)[:, None]
    omega = 1 / 10000 ** (np.arange(0, D, 2) / D)
    pe = np.zeros((T, D))
    pe[:, 0::2], pe[:, 1::2] = np.sin(t * omega), np.cos(t * omega)
    return pe


def test_check_positional_encoding():
    assert check_positional_encoding(good_pe).passed

    def swapped(T, D):
        return good_pe(T, D)[:, [1, 0, 3, 2, 5, 4]]

    assert "逆" in check_positional_encoding(swapped).message
    assert "2i/D" in check_positional_encoding(lambda T, D: good_pe(T, 2 * D)[:, :D]).message
    one_based = check_positional_encoding(lambda T, D: good_pe(T + 1, D)[1:])
    assert not one_based.passed and "0 から" in one_based.message
    assert not check_positional_encoding(lambda T, D: good_pe(T, D).T).passed


def test_positional_encoding_exponent_hint_is_the_i_over_d_slip():
    def i_over_d(T, D):  # omega = 1 / 10000^(i/D): the pair index i without the 2
        t = np.arange(T)[:, None]
        omega = 1 / 10000 ** (np.arange(D // 2) / D)
        pe = np.zeros((T, D))
        pe[:, 0::2], pe[:, 1::2] = np.sin(t * omega), np.cos(t * omega)
        return pe

    result = check_positional_encoding(i_over_d)
    assert not result.passed and "2i/D" in result.message


def good_head(x, Wq, Wk, Wv):
    T = len(x)
    return good_weights(x @ Wq, x @ Wk, np.tril(np.ones((T, T), dtype=bool))) @ (x @ Wv)


def test_check_attention_head():
    assert check_attention_head(good_head).passed
    no_mask = check_attention_head(lambda x, Wq, Wk, Wv: good_weights(x @ Wq, x @ Wk) @ (x @ Wv))
    assert not no_mask.passed and "因果マスク" in no_mask.message
    weights_only = check_attention_head(
        lambda x, Wq, Wk, Wv: good_weights(x @ Wq, x @ Wk, np.tril(np.ones((5, 5), bool)))
    )
    assert not weights_only.passed and "重み @ V" in weights_only.message
    wrong_v = check_attention_head(lambda x, Wq, Wk, Wv: good_head(x, Wq, Wk, Wq))
    assert not wrong_v.passed and "Wv" in wrong_v.message
    assert not check_attention_head(lambda x, Wq, Wk, Wv: 1 / 0).passed


def test_notebook_08_checkers_pass():
    assert len(checker_cells("08_attention_transformer.ipynb")) >= 4
    assert_every_checker_passes("08_attention_transformer.ipynb")
