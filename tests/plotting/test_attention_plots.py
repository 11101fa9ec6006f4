"""Figures of session 8: attention weight maps and the positional encoding."""

import matplotlib

matplotlib.use("Agg")

import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402
import pytest  # noqa: E402

from seminar_lib import plotting as P  # noqa: E402


@pytest.fixture(autouse=True)
def close_figures():
    yield
    plt.close("all")


def test_plot_attention_draws_the_weights_with_token_labels():
    weights = np.array([[1.0, 0.0, 0.0], [0.25, 0.75, 0.0]])  # (Tq=2, Tk=3)
    ax = P.plot_attention(weights, ["私", "は"], ["a", "b", "c"], title="注意", annotate=True)
    np.testing.assert_array_equal(ax.get_images()[0].get_array(), weights)
    assert ax.get_images()[0].get_clim() == (0, 1)  # every map on one scale
    assert [t.get_text() for t in ax.get_yticklabels()] == ["私", "は"]
    assert [t.get_text() for t in ax.get_xticklabels()] == ["a", "b", "c"]
    assert sorted(t.get_text() for t in ax.texts) == sorted(
        ["1.00", "0.00", "0.00", "0.25", "0.75", "0.00"]
    )
    assert ax.get_xlabel().startswith("キー") and ax.get_title() == "注意"
    assert ax.get_xticklabels()[0].get_rotation() == 0  # one-character labels stay upright
    slanted = P.plot_attention(np.eye(2), key_labels=["0: 7", "1: 5"])
    assert slanted.get_xticklabels()[0].get_rotation() == 45
    assert len(ax.figure.axes) == 2  # the colour bar


def test_plot_attention_positions_and_errors():
    ax = P.plot_attention(np.eye(4))
    assert [t.get_text() for t in ax.get_xticklabels()] == ["0", "1", "2", "3"]
    assert len(ax.texts) == 0
    with pytest.raises(ValueError, match=r"Expected 3 `key_labels`. Received: 2"):
        P.plot_attention(np.eye(3), key_labels=["a", "b"])
    with pytest.raises(ValueError, match=r"Expected `weights` with 2 dims \(Tq, Tk\)"):
        P.plot_attention(np.ones((2, 3, 3)))


def test_plot_positional_encoding():
    pe = np.linspace(-1, 1, 12).reshape(3, 4)
    fig, ax = plt.subplots()
    assert P.plot_positional_encoding(pe, ax=ax, title="PE") is ax
    np.testing.assert_array_equal(ax.get_images()[0].get_array(), pe)
    assert ax.get_ylabel() == "位置 t" and ax.get_title() == "PE"
    with pytest.raises(ValueError, match=r"\(T, D\)"):
        P.plot_positional_encoding(np.zeros(3))
