"""Training curves and diagnostics: learning curves, confusion matrix, histograms."""

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


def test_learning_curves_name_the_validation_data():
    history = {"loss": [1.0, 0.5], "val_loss": [1.1, 0.7]}
    ax = P.plot_learning_curves({"A": history}, val_label="検証")
    assert [line.get_label() for line in ax.get_lines()] == ["A 訓練", "A 検証"]


def test_plot_confusion_matrix_font_size():
    default = P.plot_confusion_matrix([0, 1], [0, 1])
    assert {t.get_fontsize() for t in default.texts} == {7}
    large = P.plot_confusion_matrix([0, 1], [0, 1], fontsize=12)
    assert {t.get_fontsize() for t in large.texts} == {12}


def test_plot_confusion_matrix_writes_every_count():
    ax = P.plot_confusion_matrix([0, 0, 1], [0, 1, 1], class_names=["猫", "犬"])
    assert [t.get_text() for t in ax.texts] == ["1", "1", "0", "1"]
    assert [t.get_text() for t in ax.get_yticklabels()] == ["猫", "犬"]
    assert (ax.get_xlabel(), ax.get_ylabel()) == ("予測したクラス", "正解のクラス")


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
        (lambda: P.plot_param_counts({}), TypeError, r"non-empty dict"),
        (lambda: P.plot_param_counts({"a": 0}), ValueError, r"every count >= 1"),
    ],
)
def test_bad_input_messages(call, error, message):
    with pytest.raises(error, match=message):
        call()
