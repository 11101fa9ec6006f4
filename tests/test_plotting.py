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


def test_helpers_draw_on_the_given_axes():
    fig, axes = plt.subplots(1, 3)
    X, y = logic_gate("AND")
    assert P.plot_decision_boundary(Perceptron(2).fit(X, y).predict, X, y, ax=axes[0]) is axes[0]
    assert P.show_images(np.zeros((4, 8, 8)), [1, 2, 3, 4], ax=axes[1]) is axes[1]
    assert P.plot_class_counts(np.array([0, 1, 1]), ax=axes[2]) is axes[2]


def test_decision_boundary_colours_the_plane_by_prediction():
    X, y = logic_gate("AND")
    p = Perceptron(2).fit(X, y)
    ax = P.plot_decision_boundary(p.predict, X, y, resolution=50, class_names=["0", "1"])
    assert ax.get_xlabel() == "$x_1$" and ax.get_ylabel() == "$x_2$"
    from matplotlib.collections import PathCollection

    points = np.vstack([c.get_offsets() for c in ax.collections if isinstance(c, PathCollection)])
    assert sorted(map(tuple, points)) == sorted(map(tuple, X))  # every sample is plotted
    assert ax.get_legend_handles_labels()[1] == ["0", "1"]


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


def test_figure_helpers_for_the_story():
    ax = P.draw_network([2, 3, 1], layer_names=["入力層", "中間層", "出力層"])
    assert len(ax.get_lines()) == 2 * 3 + 3 * 1  # every pair of neighbouring neurons linked
    ax = P.plot_timeline(
        [(1958, "パーセプトロン"), (1943, "形式ニューロン")], [(1956, 1969, "第1次", "orange")]
    )
    assert "(1943)" in ax.texts[1].get_text() or "(1943)" in ax.texts[2].get_text()
    ax = P.plot_nested_sets(["AI", "機械学習", "深層学習"])
    assert [t.get_text() for t in ax.texts] == ["AI", "機械学習", "深層学習"]
    ax = P.plot_pixel_values(np.eye(3) * 255, annotate=True)
    assert [t.get_text() for t in ax.texts] == ["255", "255", "255"]


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
        (lambda: P.draw_network([3]), ValueError, r"Expected at least 2 layers"),
        (lambda: P.plot_timeline([]), ValueError, r"Expected at least one \(year, label\) event"),
    ],
)
def test_bad_input_messages(call, error, message):
    with pytest.raises(error, match=message):
        call()


def test_learning_curves_single_and_several_histories():
    history = {"loss": [1.0, 0.5], "val_loss": [1.1, 0.7], "accuracy": [0.5, 0.8]}
    ax = P.plot_learning_curves(history)
    assert [line.get_label() for line in ax.get_lines()] == ["訓練", "テスト"]
    np.testing.assert_array_equal(ax.get_lines()[1].get_ydata(), [1.1, 0.7])
    ax = P.plot_learning_curves({"A": history, "B": {"accuracy": [0.1]}}, metric="accuracy")
    assert [line.get_label() for line in ax.get_lines()] == ["A 訓練", "B 訓練"]
    assert ax.get_ylabel() == "正解率"
    with pytest.raises(KeyError, match=r"History 'B' has no 'loss'"):
        P.plot_learning_curves({"A": history, "B": {"accuracy": [0.1]}})


def test_confusion_matrix_counts():
    counts = P.confusion_matrix([0, 0, 1, 2, 2, 2], [0, 1, 1, 2, 2, 0])
    np.testing.assert_array_equal(counts, [[1, 1, 0], [0, 1, 0], [1, 0, 2]])
    assert P.confusion_matrix([0], [0], num_classes=3).shape == (3, 3)
    ax = P.plot_confusion_matrix([0, 0, 1], [0, 1, 1], class_names=["猫", "犬"])
    assert [t.get_text() for t in ax.texts] == ["1", "1", "0", "1"]
    assert [t.get_text() for t in ax.get_yticklabels()] == ["猫", "犬"]
    with pytest.raises(ValueError, match=r"of one shape \(N,\)"):
        P.confusion_matrix([0, 1], [0])


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


# ------------------------------------------------------------------------------- session 3
def test_layer_histograms_one_row_per_layer_top_down():
    values = [np.full(10, 0.5), np.linspace(0, 1, 50), np.array([0.0, 1.0])]
    ax = P.plot_layer_histograms(values, bins=4, value_range=(0, 1), title="活性化")
    assert [t.get_text() for t in ax.get_yticklabels()] == ["層 3", "層 2", "層 1"]
    assert ax.get_xlabel() == "値" and ax.get_ylabel() == "" and ax.get_title() == "活性化"
    assert ax.get_xlim() == (0.0, 1.0)
    tops = [p.get_data().values.max() for p in ax.patches[::2]]  # filled stairs, layer 1 first
    np.testing.assert_allclose(tops, [2 + 0.9, 1 + 0.9, 0 + 0.9])  # each scaled to its peak


def test_layer_histograms_of_log_sizes_skip_zeros():
    ax = P.plot_layer_histograms(
        [[0.0, 1e-3, -1e-2], [1e-6, 1e-5]], log_abs=True, labels=["a", "b"]
    )
    assert ax.get_xlim() == (-6.0, -2.0)  # log10 of the non-zero sizes
    assert "log_{10}" in ax.get_xlabel()
    assert [t.get_text() for t in ax.get_yticklabels()] == ["b", "a"]
    named = P.plot_layer_histograms([[1.0, 2.0]], ylabel="中間層", xlabel="出力")
    assert (named.get_xlabel(), named.get_ylabel()) == ("出力", "中間層")
    ax = P.plot_layer_histograms([np.ones(3)])  # one value only: a range around it
    assert ax.get_xlim() == (0.5, 1.5)


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


def test_param_counts_log_bars_with_labels():
    ax = P.plot_param_counts({"MLP": 235_146, "CNN": 80_346}, notes={"CNN": "この回"})
    assert ax.get_xscale() == "log"
    assert [t.get_text() for t in ax.texts] == ["235,146", "80,346（この回）"]
    assert [t.get_text() for t in ax.get_yticklabels()] == ["MLP", "CNN"]
    assert ax.get_xlabel() == "パラメータの数（対数目盛）"


@pytest.mark.parametrize(
    ("call", "error", "message"),
    [
        (lambda: P.plot_layer_histograms([]), ValueError, r"at least one layer"),
        (lambda: P.plot_layer_histograms([[1.0]], labels=["a", "b"]), ValueError, r"1 labels"),
        (
            lambda: P.plot_layer_histograms([[0.0]], log_abs=True),
            ValueError,
            r"all zero with log_abs",
        ),
        (lambda: P.plot_matrix(np.ones((2, 2, 2))), ValueError, r"with 2 dims \(R, C\)"),
        (lambda: P.show_filters(np.ones((3, 3))), ValueError, r"with 3 dims \(F, KH, KW\)"),
        (lambda: P.show_feature_maps(np.ones(4)), ValueError, r"with 3 dims \(F, H, W\)"),
        (lambda: P.plot_param_counts({}), TypeError, r"non-empty dict"),
        (lambda: P.plot_param_counts({"a": 0}), ValueError, r"every count >= 1"),
    ],
)
def test_session_3_bad_input_messages(call, error, message):
    with pytest.raises(error, match=message):
        call()


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


def test_unrolled_rnn_draws_one_box_per_step_and_the_shared_weights():
    ax = P.draw_unrolled_rnn(num_steps=3, title="展開")
    texts = [t.get_text() for t in ax.texts]
    assert ["$h_1$", "$h_2$", "$h_T$"] == [
        t for t in texts if t.startswith("$h_") and t != "$h_t$"
    ][1:]
    assert texts.count("$W_x$") == 4  # the folded network and every step: the same W_x
    assert texts.count("$W_h$") == 1 + 2  # the loop, and between the 3 steps
    assert ax.get_title() == "展開"
    fig, axes = plt.subplots(1, 2)
    assert P.draw_unrolled_rnn(ax=axes[1]) is axes[1]
    with pytest.raises(ValueError, match="num_steps"):
        P.draw_unrolled_rnn(num_steps=0)


def test_lstm_cell_names_the_three_gates_and_the_candidate():
    ax = P.draw_lstm_cell(title="LSTM")
    texts = [t.get_text() for t in ax.texts]
    for name in ("忘却ゲート $f_t$", "入力ゲート $i_t$", "候補 $g_t$", "出力ゲート $o_t$"):
        assert name in texts
    assert {"$c_{t-1}$", "$c_t$", "$h_{t-1}$", "$h_t$", "$x_t$"} <= set(texts)
    assert texts.count("×") == 3 and texts.count("+") == 1  # f*c, i*g, o*tanh(c); one addition
    fig, axes = plt.subplots(1, 2)
    assert P.draw_lstm_cell(ax=axes[0]) is axes[0]
