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


def _rings(ax):
    return [c for c in ax.collections if c.get_label() == "誤る点"]


def test_decision_boundary_can_circle_the_misclassified_samples():
    X, y = logic_gate("XOR")
    ax = P.plot_decision_boundary(lambda G: G[:, 0] > 0.5, X, y, resolution=20, mark_errors=True)
    (rings,) = _rings(ax)
    np.testing.assert_array_equal(rings.get_offsets(), [[0, 1], [1, 1]])  # called 0 and 1
    assert not _rings(P.plot_decision_boundary(lambda G: G[:, 0] > 0.5, X, y, resolution=20))


def test_perceptron_epochs_show_the_boundary_after_and_the_errors_during_each_epoch():
    X, y = logic_gate("AND")
    p = Perceptron(2).fit(X, y, lr=0.1)  # errors per epoch [1, 3, 3, 2, 1, 0]
    fig, axes = plt.subplots(1, 8)
    drawn = P.plot_perceptron_epochs(p, X, y, axes, name="AND")
    assert len(drawn) == 6 and not axes[6].get_visible() and not axes[7].get_visible()
    assert drawn[0].get_title() == "エポック 1 終了後の境界\nエポック 1 中の誤り: 1 個"
    # After epoch 1 (w = (0.1, 0.1), theta = -0.1) every point is called 1: three errors.
    assert len(_rings(drawn[0])[0].get_offsets()) == 3
    assert len(_rings(drawn[-1])[0].get_offsets()) == 0  # converged: no error left
    assert drawn[0].get_ylabel() == "AND\n$x_2$"
    with pytest.raises(ValueError, match="Expected a trained perceptron"):
        P.plot_perceptron_epochs(Perceptron(2), X, y, axes)


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
