"""Activation curves and decision boundaries."""

import matplotlib

matplotlib.use("Agg")

import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402
import pytest  # noqa: E402

from seminar_lib import functions as F  # noqa: E402
from seminar_lib import plotting as P  # noqa: E402
from seminar_lib.datasets import logic_gate  # noqa: E402
from seminar_lib.perceptron import Perceptron  # noqa: E402


@pytest.fixture(autouse=True)
def close_figures():
    yield
    plt.close("all")


def test_plot_activations_draws_the_given_functions():
    x = np.linspace(-2, 2, 5)
    ax = P.plot_activations({"シグモイド": F.sigmoid, "ReLU": F.relu}, x=x, title="活性化関数")
    lines = [line for line in ax.get_lines() if line.get_label() in ("シグモイド", "ReLU")]
    assert [line.get_label() for line in lines] == ["シグモイド", "ReLU"]
    np.testing.assert_allclose(lines[1].get_ydata(), [0, 0, 0, 1, 2])
    assert ax.get_title() == "活性化関数" and ax.get_xlabel() == "入力 $X$"


def test_decision_boundary_colours_the_plane_by_prediction():
    X, y = logic_gate("AND")
    p = Perceptron(2).fit(X, y)
    ax = P.plot_decision_boundary(p.predict, X, y, resolution=50, class_names=["0", "1"])
    assert ax.get_xlabel() == "$x_1$" and ax.get_ylabel() == "$x_2$"
    from matplotlib.collections import PathCollection

    points = np.vstack([c.get_offsets() for c in ax.collections if isinstance(c, PathCollection)])
    assert sorted(map(tuple, points)) == sorted(map(tuple, X))  # every sample is plotted
    assert ax.get_legend_handles_labels()[1] == ["0", "1"]


@pytest.mark.parametrize(
    ("call", "error", "message"),
    [
        (
            lambda: P.plot_activations([F.relu]),
            TypeError,
            r"Expected `functions` to be a non-empty dict",
        ),
        (
            lambda: P.plot_decision_boundary(None, np.ones((4, 3)), np.ones(4)),
            ValueError,
            r"Expected `X` with 2 columns \(N, 2\). Received: X.shape=\(4, 3\)",
        ),
        (
            lambda: P.plot_decision_boundary(None, np.ones((4, 2)), np.ones(3)),
            ValueError,
            r"Expected `y` with shape \(4,\). Received: y.shape=\(3,\)",
        ),
    ],
)
def test_bad_input_messages(call, error, message):
    with pytest.raises(error, match=message):
        call()
