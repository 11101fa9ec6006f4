"""Data and images: grids of images, pixel values, class counts, weights, filters."""

import matplotlib

matplotlib.use("Agg")

import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402
import pytest  # noqa: E402

from seminar_lib import plotting as P  # noqa: E402
from seminar_lib.datasets import logic_gate  # noqa: E402
from seminar_lib.perceptron import Perceptron  # noqa: E402


@pytest.fixture(autouse=True)
def close_figures():
    yield
    plt.close("all")


def test_helpers_draw_on_the_given_axes():
    fig, axes = plt.subplots(1, 3)
    X, y = logic_gate("AND")
    assert P.plot_decision_boundary(Perceptron(2).fit(X, y).predict, X, y, ax=axes[0]) is axes[0]
    assert P.show_images(np.zeros((4, 8, 8)), [1, 2, 3, 4], ax=axes[1]) is axes[1]
    assert P.plot_class_counts(np.array([0, 1, 1]), ax=axes[2]) is axes[2]


def test_show_images_tiles_images_and_labels():
    images = np.arange(6 * 4 * 4).reshape(6, 4, 4)
    ax = P.show_images(images, labels=list("abcdef"), ncols=3)
    canvas = ax.get_images()[0].get_array()
    assert [t.get_text() for t in ax.texts] == list("abcdef")
    assert canvas.shape[1] == 3 * 4 + 2 * 1  # three tiles, two gaps of one pixel
    # The first image sits under its label, unchanged.
    top = int(4 * 0.45)
    np.testing.assert_array_equal(canvas[top : top + 4, :4], images[0])
    flat = P.show_images(images.reshape(6, 16), ncols=6)  # flattened square images work too
    assert flat.get_images()[0].get_array().shape == (4 + 1, 6 * 4 + 5)


def test_class_counts_writes_the_counts():
    ax = P.plot_class_counts(np.array([0, 0, 2]), class_names=["a", "b", "c"])
    assert [round(b.get_height()) for b in ax.patches] == [2, 0, 1]
    assert [t.get_text() for t in ax.get_xticklabels()] == ["a", "b", "c"]


def test_misclassified_and_weights():
    images = np.arange(4 * 16).reshape(4, 4, 4)
    ax = P.show_misclassified(images, [1, 2, 3, 4], [1, 0, 3, 9])
    assert [t.get_text() for t in ax.texts] == ["2→0", "4→9"]
    with pytest.raises(ValueError, match="No misclassified images"):
        P.show_misclassified(images, [1, 2, 3, 4], [1, 2, 3, 4])
    W = np.zeros((16, 3))
    W[:, 1] = np.linspace(-2, 2, 16)
    ax = P.show_weights(W, ncols=3)
    tiles = ax.get_images()[0].get_array()
    assert np.nanmax(tiles) == 1.0 and np.nanmin(tiles) == -1.0  # each unit scaled to [-1, 1]
    with pytest.raises(ValueError, match=r"Expected D to be a square"):
        P.show_weights(np.ones((10, 2)))


def test_matrix_writes_every_number_and_highlights():
    ax = P.plot_matrix(np.arange(6).reshape(2, 3), highlight=[(0, 1, 2, 2)], title="im2col")
    assert [t.get_text() for t in ax.texts] == ["0", "1", "2", "3", "4", "5"]
    (rect,) = ax.patches
    assert rect.get_xy() == (0.5, -0.5) and (rect.get_width(), rect.get_height()) == (2, 2)
    assert ax.get_xlabel() == "列" and ax.get_ylabel() == "行"
    blue = P.plot_matrix(np.ones((2, 2)), highlight=[(0, 0, 1, 1, "tab:blue")])
    assert blue.patches[0].get_edgecolor() == matplotlib.colors.to_rgba("tab:blue")
    row = P.plot_matrix([1.5, 2.25], fmt="{:.1f}")  # a vector is one row
    assert [t.get_text() for t in row.texts] == ["1.5", "2.2"]
    assert {t.get_fontsize() for t in ax.texts} == {11}  # readable on a slide
    small = P.plot_matrix(np.ones((2, 2)), fontsize=8)
    assert {t.get_fontsize() for t in small.texts} == {8}
    assert small.xaxis.get_ticklabels()[0].get_fontsize() == 7


def test_filters_and_feature_maps_are_scaled_one_by_one():
    kernels = np.stack([np.eye(3), -4 * np.eye(3), np.zeros((3, 3))])
    ax = P.show_filters(kernels, ncols=3, labels=["a", "b", "c"])
    tiles = ax.get_images()[0].get_array()
    assert np.nanmax(tiles) == 1.0 and np.nanmin(tiles) == -1.0
    assert ax.get_images()[0].get_clim() == (-1.0, 1.0)
    assert [t.get_text() for t in ax.texts] == ["a", "b", "c"]
    maps = np.stack([np.arange(4.0).reshape(2, 2), 100 + np.arange(4.0).reshape(2, 2)])
    ax = P.show_feature_maps(maps, ncols=2)
    canvas = ax.get_images()[0].get_array()
    np.testing.assert_allclose(canvas[1:3, 0:2], [[0, 1 / 3], [2 / 3, 1]])
    np.testing.assert_allclose(canvas[1:3, 3:5], [[0, 1 / 3], [2 / 3, 1]])  # same after scaling


def test_split_class_counts_draws_one_group_of_bars_per_class():
    splits = {"訓練": np.array([0, 0, 1, 1]), "テスト": np.array([0, 2])}
    ax = P.plot_split_class_counts(splits, class_names=["a", "b", "c"], title="分け方")
    heights = [round(b.get_height()) for b in ax.patches]
    assert heights == [50, 50, 0, 50, 0, 50]  # percentages, split by split
    assert [t.get_text() for t in ax.get_xticklabels()] == ["a", "b", "c"]
    assert ax.get_legend_handles_labels()[1] == ["訓練 (4 枚)", "テスト (2 枚)"]
    counts = P.plot_split_class_counts(splits, proportion=False)
    assert [round(b.get_height()) for b in counts.patches] == [2, 2, 0, 1, 0, 1]
    assert counts.get_ylabel() == "枚数"
    fig, axes = plt.subplots(1, 2)
    assert P.plot_split_class_counts(splits, ax=axes[1]) is axes[1]
    with pytest.raises(ValueError, match="at least 3 class names"):
        P.plot_split_class_counts(splits, class_names=["a"])
    with pytest.raises(ValueError, match="integers >= 0"):
        P.plot_split_class_counts({"訓練": np.array([0.5, 1.0])})
    with pytest.raises(TypeError, match="non-empty dict"):
        P.plot_split_class_counts([np.array([0, 1])])


@pytest.mark.parametrize(
    ("call", "error", "message"),
    [
        (
            lambda: P.show_images(np.ones((2, 10))),
            ValueError,
            r"or 2 dims \(N, H\*W\) of square images",
        ),
        (lambda: P.show_images(np.ones((2, 4, 4)), labels=[1]), ValueError, r"Expected 2 labels"),
        (
            lambda: P.show_images(np.ones(5)),
            ValueError,
            r"Expected `images` with 3 dims \(N, H, W\)",
        ),
        (
            lambda: P.plot_pixel_values(np.ones(5)),
            ValueError,
            r"Expected `image` with 2 dims \(H, W\)",
        ),
        (lambda: P.plot_class_counts(np.ones(3)), ValueError, r"integer labels"),
        (lambda: P.plot_matrix(np.ones((2, 2, 2))), ValueError, r"with 2 dims \(R, C\)"),
        (lambda: P.show_filters(np.ones((3, 3))), ValueError, r"with 3 dims \(F, KH, KW\)"),
        (lambda: P.show_feature_maps(np.ones(4)), ValueError, r"with 3 dims \(F, H, W\)"),
    ],
)
def test_bad_input_messages(call, error, message):
    with pytest.raises(error, match=message):
        call()
