"""Diagrams and history: networks, the timeline, nested sets, RNN and LSTM drawings."""

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


def test_timeline_era_without_end_runs_to_the_right_edge():
    ax = P.plot_timeline(
        [(1943, "形式ニューロン"), (2012, "AlexNet")],
        [(1957, 1969, "第1次", "orange"), (2006, None, "第3次（現在まで）", "orange")],
        xlim=(1940, 2026),
    )
    assert ax.get_xlim() == (1940, 2026)
    spans = [(p.get_x(), p.get_x() + p.get_width()) for p in ax.patches]
    assert spans == [(1957, 1969), (2006, 2026)]
    assert all(t.get_fontsize() >= 10 for t in ax.texts)  # readable on a slide
    default = P.plot_timeline([(1958, "パーセプトロン")], [(1956, 1969, "第1次", "orange")])
    assert default.get_xlim() == (1953, 1972)  # 3 years around events and eras


def test_action_potential_is_all_or_none():
    from seminar_lib.plotting import neuron as D

    t, v = D.action_potential_trace(((5.0, 8.0), (17.0, 20.0), (29.0, 35.0)))
    assert t.shape == v.shape and v[0] == D.REST_MV
    up = np.flatnonzero((v[:-1] < D.THRESHOLD_MV) & (v[1:] >= D.THRESHOLD_MV))
    assert len(up) == 2 and 17 < t[up[0]] < 19 and 29 < t[up[1]] < 31  # the weak input: none
    peaks = [v[(t > s) & (t < s + 5)].max() for s in (17.0, 29.0)]
    np.testing.assert_allclose(peaks, D.PEAK_MV, atol=0.5)  # the same height, stronger or not
    assert v[(t > 5) & (t < 12)].max() < D.THRESHOLD_MV
    ax = P.plot_action_potential(title="活動電位")
    texts = [x.get_text() for x in ax.texts]
    assert "しきい値に届かない → 発火しない" in texts and "発火（活動電位）" in texts
    assert ax.get_ylabel() == "膜電位 (mV)" and ax.get_title() == "活動電位"


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


@pytest.mark.parametrize(
    ("call", "error", "message"),
    [
        (lambda: P.draw_network([3]), ValueError, r"Expected at least 2 layers"),
        (lambda: P.plot_timeline([]), ValueError, r"Expected at least one \(year, label\) event"),
    ],
)
def test_bad_input_messages(call, error, message):
    with pytest.raises(error, match=message):
        call()
