"""Sequence data helpers (session 6) and the course text corpus."""

import nbformat
import numpy as np
import pytest

from seminar_lib.sequences import (
    CharVocab,
    make_recall_task,
    make_windows,
    next_token_windows,
    sample_with_temperature,
)
from tools.corpus import notebook_prose


def test_char_vocab_ids_by_frequency_and_round_trip():
    vocab = CharVocab("すもももももももものうち")
    assert vocab.chars == ["も", "う", "す", "ち", "の"]  # も x8, then code-point order
    assert vocab.size == len(vocab) == 5
    np.testing.assert_array_equal(vocab.encode("すもも"), [2, 0, 0])
    assert vocab.encode("すもも").dtype == np.int64
    assert vocab.decode([2, 0, 0]) == "すもも"
    assert vocab.decode(np.array([[4, 1]])) == "のう"
    assert vocab.unknown is None
    assert repr(vocab) == "CharVocab(size=5, min_count=1, most common='もうすちの')"


def test_char_vocab_min_count_maps_rare_and_unseen_characters_to_unknown():
    vocab = CharVocab("ああああいいう", min_count=2)
    assert vocab.chars == ["あ", "い", "□"]
    np.testing.assert_array_equal(vocab.encode("あうえい"), [0, 2, 2, 1])
    assert vocab.decode(vocab.encode("うあ")) == "□あ"


def test_char_vocab_keep_gives_rare_characters_their_own_id():
    vocab = CharVocab("ああああいいうか", min_count=2, keep="うえ")
    assert vocab.chars == ["あ", "い", "う", "え", "□"]  # え is not in the text: count 0, last
    np.testing.assert_array_equal(vocab.encode("うえかおあ"), [2, 3, 4, 4, 0])
    assert CharVocab("ああい", min_count=2, keep="い").unknown is None  # nothing left to map


@pytest.mark.parametrize(
    ("call", "error", "message"),
    [
        (lambda: CharVocab(""), TypeError, "non-empty str"),
        (lambda: CharVocab(b"abc"), TypeError, "non-empty str"),
        (lambda: CharVocab("abc", min_count=0), ValueError, "min_count"),
        (lambda: CharVocab("abc", unknown="??"), ValueError, "one character"),
        (lambda: CharVocab("aab□□", min_count=2), ValueError, "occurs 2 times"),
        (lambda: CharVocab("abc").encode("abz"), ValueError, "Received: 'z'"),
        (lambda: CharVocab("abc", keep=["a"]), TypeError, "Expected `keep` to be a str"),
        (lambda: CharVocab("aab", min_count=2, keep="□b"), ValueError, "without the unknown"),
        (lambda: CharVocab("abc").encode(3), TypeError, "Expected `text` to be a str"),
        (lambda: CharVocab("abc").decode([0, 3]), ValueError, r"ids in \[0, 3\)"),
        (lambda: CharVocab("abc").decode([0.0]), ValueError, "dtype=float64"),
    ],
)
def test_char_vocab_bad_input(call, error, message):
    with pytest.raises(error, match=message):
        call()


def test_make_windows_pairs_each_window_with_the_value_horizon_steps_later():
    X, y = make_windows(np.arange(10), input_len=3, horizon=2)
    assert X.shape == (6, 3, 1) and y.shape == (6, 1)
    np.testing.assert_array_equal(X[0, :, 0], [0, 1, 2])
    np.testing.assert_array_equal(X[-1, :, 0], [5, 6, 7])
    np.testing.assert_array_equal(y[:, 0], [4, 5, 6, 7, 8, 9])  # last input + 2
    series = np.stack([np.arange(8.0), -np.arange(8.0)], axis=1)  # (8, 2)
    X, y = make_windows(series, input_len=4, stride=3)
    assert X.shape == (2, 4, 2)
    np.testing.assert_array_equal(y, [[4.0, -4.0], [7.0, -7.0]])
    np.testing.assert_array_equal(X[1], series[3:7])


def test_next_token_windows_shift_the_targets_by_one():
    X, Y = next_token_windows(np.arange(10), seq_len=4)
    np.testing.assert_array_equal(X, [[0, 1, 2, 3], [4, 5, 6, 7]])
    np.testing.assert_array_equal(Y, [[1, 2, 3, 4], [5, 6, 7, 8]])
    X, Y = next_token_windows(np.arange(6, dtype=np.uint8), seq_len=3, stride=1)
    assert X.shape == (3, 3) and X.dtype == Y.dtype == np.int64
    np.testing.assert_array_equal(Y[:, -1], [3, 4, 5])


@pytest.mark.parametrize(
    ("call", "message"),
    [
        (lambda: make_windows(np.zeros((2, 2, 2)), 1), r"\(T,\) or \(T, F\)"),
        (lambda: make_windows(np.array(["a", "b"]), 1), "series of numbers"),
        (lambda: make_windows(np.arange(4), 3, horizon=2), "at least input_len \\+ horizon = 5"),
        (lambda: next_token_windows(np.arange(4), 4), "at least seq_len \\+ 1 = 5"),
        (lambda: next_token_windows(np.zeros(5), 2), "integer token ids"),
        (lambda: next_token_windows(np.zeros((2, 3), dtype=int), 1), r"1 dim \(L,\)"),
    ],
)
def test_window_bad_input(call, message):
    with pytest.raises(ValueError, match=message):
        call()


def test_sample_with_temperature_follows_the_tempered_softmax():
    logits = np.log(np.array([0.1, 0.2, 0.7]))
    draws = [sample_with_temperature(logits, 1.0, np.random.default_rng(s)) for s in range(2000)]
    freq = np.bincount(draws, minlength=3) / len(draws)
    np.testing.assert_allclose(freq, [0.1, 0.2, 0.7], atol=0.03)
    # T = 0.5 squares the probabilities before renormalising: 0.01 : 0.04 : 0.49
    draws = [sample_with_temperature(logits, 0.5, np.random.default_rng(s)) for s in range(2000)]
    freq = np.bincount(draws, minlength=3) / len(draws)
    np.testing.assert_allclose(freq, np.array([0.01, 0.04, 0.49]) / 0.54, atol=0.03)
    assert sample_with_temperature(np.array([0.0, 1e4, 3.0]), 1e-3, np.random.default_rng(0)) == 1
    a = [sample_with_temperature(logits, 2.0, np.random.default_rng(7)) for _ in range(5)]
    b = [sample_with_temperature(logits, 2.0, np.random.default_rng(7)) for _ in range(5)]
    assert a == b


@pytest.mark.parametrize(
    ("args", "error", "message"),
    [
        ((np.zeros((2, 3)), 1.0, np.random.default_rng(0)), ValueError, r"1 dim \(V,\)"),
        ((np.zeros(3), 0.0, np.random.default_rng(0)), ValueError, "temperature"),
        ((np.zeros(3), 1.0, 0), TypeError, "Generator"),
    ],
)
def test_sample_with_temperature_bad_input(args, error, message):
    with pytest.raises(error, match=message):
        sample_with_temperature(*args)


def test_make_recall_task_puts_the_class_in_the_first_step_only():
    X, y = make_recall_task(500, 20, np.random.default_rng(0), noise=0.5)
    assert X.shape == (500, 20, 1) and X.dtype == np.float32 and y.dtype == np.int64
    np.testing.assert_array_equal(X[:, 0, 0], 2.0 * y - 1.0)
    assert 200 < y.sum() < 300
    assert abs(X[:, 1:].std() - 0.5) < 0.02  # the rest is noise of the given scale
    assert abs(np.corrcoef(X[:, 1:, 0].mean(axis=1), y)[0, 1]) < 0.15  # and says nothing
    X2, y2 = make_recall_task(500, 20, np.random.default_rng(0), noise=0.5)
    np.testing.assert_array_equal(X, X2)
    with pytest.raises(ValueError, match="seq_len"):
        make_recall_task(5, 0, np.random.default_rng(0))


def test_notebook_prose_keeps_japanese_text_and_drops_markup(tmp_path):
    nb = nbformat.v4.new_notebook()
    nb.cells = [
        nbformat.v4.new_markdown_cell(
            "## 1. 勾配降下法 (gradient descent)\n"
            "- **学習率** $\\eta$ を `lr` で渡します。\n"
            "$$E = \\frac{1}{2}\\sum_k (T_k - O_k)^2$$\n"
            "| 表 | 行 |\n"
            "詳しくは [d2l.ai](https://d2l.ai) を見てください。<br>\n"
            "English only line\n"
        ),
        nbformat.v4.new_code_cell("print('コードは含めません')"),
    ]
    path = tmp_path / "x.ipynb"
    nbformat.write(nb, path)
    assert notebook_prose([path]) == (
        "1. 勾配降下法 (gradient descent)\n"
        "学習率 を lr で渡します。\n"
        "詳しくは d2l.ai を見てください。\n"
    )
