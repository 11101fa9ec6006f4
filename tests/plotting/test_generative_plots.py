"""Figures of session 7: image grids with labelled rows and columns, 2-D latent spaces."""

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


def test_show_image_grid_places_every_image_and_label():
    images = np.arange(2 * 3 * 4 * 4, dtype=float).reshape(2, 3, 4, 4)  # (R, C, H, W)
    ax = P.show_image_grid(images, row_labels=["a", "b"], col_labels=["x", "y", "z"], title="t")
    canvas = ax.get_images()[0].get_array()
    assert canvas.shape == (2 * 4 + 1, 3 * 4 + 2)  # one-pixel gaps
    np.testing.assert_array_equal(canvas[5:9, 10:14], images[1, 2])  # row 1, column 2
    assert np.ma.is_masked(canvas[4, 0])  # the gap (NaN) is drawn white
    assert [t.get_text() for t in ax.get_yticklabels()] == ["a", "b"]
    assert [t.get_text() for t in ax.get_xticklabels()] == ["x", "y", "z"]
    assert ax.get_title() == "t"
    flat = P.show_image_grid(images.reshape(2, 3, 16))  # square images given flat
    assert flat.get_images()[0].get_array().shape == canvas.shape
    assert list(flat.get_xticks()) == [] and list(flat.get_yticks()) == []


def test_show_image_grid_errors():
    with pytest.raises(ValueError, match=r"Expected 2 `row_labels`. Received: 1"):
        P.show_image_grid(np.zeros((2, 3, 4, 4)), row_labels=["a"])
    with pytest.raises(ValueError, match=r"Expected `images` with 4 dims \(R, C, H, W\)"):
        P.show_image_grid(np.zeros((2, 3, 15)))


def test_plot_latent_space_colours_each_class():
    z = np.arange(20, dtype=float).reshape(10, 2)
    labels = np.array([0, 1, 2, 3, 4, 5, 6, 7, 8, 9])
    fig, ax = plt.subplots()
    assert P.plot_latent_space(z, labels, ax=ax, title="潜在空間") is ax
    assert len(ax.collections) == 10
    np.testing.assert_array_equal(ax.collections[3].get_offsets(), [[6.0, 7.0]])
    assert [t.get_text() for t in ax.get_legend().get_texts()] == [str(k) for k in range(10)]
    assert ax.get_xlabel() == "$z_1$" and ax.get_title() == "潜在空間"
    with pytest.raises(
        ValueError, match=r"Expected `z` with shape \(N, 2\). Received: z.shape=\(3, 3\)"
    ):
        P.plot_latent_space(np.zeros((3, 3)), [0, 1, 2])
    with pytest.raises(ValueError, match=r"Expected 3 labels"):
        P.plot_latent_space(np.zeros((3, 2)), [0, 1])
