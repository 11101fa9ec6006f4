"""The biological neuron behind the formal neuron (session 1): a schematic action potential."""

from __future__ import annotations

import numpy as np

from seminar_lib.plotting._common import CLASS_COLORS, _axes

__all__ = ["action_potential_trace", "plot_action_potential"]

#: Textbook values of a neuron's membrane potential, in mV (schematic).
REST_MV, THRESHOLD_MV, PEAK_MV, UNDERSHOOT_MV = -70.0, -55.0, 35.0, -80.0
SPIKE_RISE_MS, SPIKE_FALL_MS = 0.4, 1.0


def _spike(s):
    """The one shape of every action potential, ``s`` ms after the threshold is crossed: the
    same spike whatever the input (the all-or-none law)."""
    if s < SPIKE_RISE_MS:  # a fast rise from the threshold to the peak
        return THRESHOLD_MV + (PEAK_MV - THRESHOLD_MV) * np.sin(np.pi / 2 * s / SPIKE_RISE_MS) ** 2
    s = s - SPIKE_RISE_MS  # then a fall below the resting potential
    return UNDERSHOOT_MV + (PEAK_MV - UNDERSHOOT_MV) * np.cos(np.pi / 2 * s / SPIKE_FALL_MS) ** 2


def action_potential_trace(stimuli=((5.0, 8.0), (17.0, 20.0), (29.0, 35.0)), duration=40.0):
    """A schematic membrane potential: a leaky neuron that fires when it crosses the threshold.

    Each stimulus is a 1 ms input pulse that raises the potential by about ``strength`` mV; the
    potential leaks back to rest (time constant 4 ms). On crossing :data:`THRESHOLD_MV` the neuron
    fires: the same spike every time (up to :data:`PEAK_MV`, down to :data:`UNDERSHOOT_MV`),
    then it recovers. A schematic, not a fitted model.

    Parameters
    ----------
    stimuli : sequence of (time_ms, strength_mv)
    duration : float
        Length of the trace in ms.

    Returns
    -------
    t : ndarray of shape (M,)
        Time in ms, step 0.01 ms.
    v : ndarray of shape (M,)
        Membrane potential in mV.
    """
    dt, tau = 0.01, 4.0
    t = np.arange(0.0, duration, dt)  # (M,)
    drive = np.zeros_like(t)  # input in mV per ms
    for start, strength in stimuli:
        drive[(t >= start) & (t < start + 1.0)] += strength
    v = np.full_like(t, REST_MV)
    spike_start = spike_end = -np.inf
    for i in range(1, len(t)):
        if t[i] < spike_end:  # inside a spike: its fixed shape, whatever the input
            v[i] = _spike(t[i] - spike_start)
            continue
        v[i] = v[i - 1] + dt * (-(v[i - 1] - REST_MV) / tau + drive[i])  # leak + input
        if v[i] >= THRESHOLD_MV:
            spike_start, spike_end = t[i], t[i] + SPIKE_RISE_MS + SPIKE_FALL_MS
    return t, v


def plot_action_potential(stimuli=((5.0, 8.0), (17.0, 20.0), (29.0, 35.0)), ax=None, title=None):
    """The membrane potential of :func:`action_potential_trace` with the threshold and the
    resting potential marked, an arrow under the trace for each stimulus (labelled weak, medium
    or strong), and a note on each response: no spike below the threshold, the same spike above.
    """
    t, v = action_potential_trace(stimuli)
    ax = _axes(ax, figsize=(10.5, 4.6))
    ax.plot(t, v, color="black", linewidth=2, label="膜電位")
    red = CLASS_COLORS[3]
    ax.axhline(THRESHOLD_MV, color=red, linestyle="--", linewidth=1.2)
    ax.axhline(REST_MV, color="gray", linestyle=":", linewidth=1.2)
    ax.text(
        t[-1] - 0.3,
        THRESHOLD_MV + 1.5,
        "しきい値 (約 −55 mV)",
        ha="right",
        va="bottom",
        color=red,
        fontsize=12,
    )
    ax.text(0.3, REST_MV - 1.5, "静止電位 (約 −70 mV)", va="top", color="gray", fontsize=12)
    strongest = max(strength for _, strength in stimuli)
    fired_before = False
    for start, strength in stimuli:
        x = start + 0.5
        ax.annotate(
            "",
            xy=(x, -86),
            xytext=(x, -99),
            arrowprops={"arrowstyle": "-|>", "color": CLASS_COLORS[0], "linewidth": 1.5},
        )
        share = strength / strongest
        size = "強い" if share == 1 else "弱い" if share < 0.4 else "中くらいの"
        ax.text(x + 0.4, -93, f"{size}入力", va="center", color=CLASS_COLORS[0], fontsize=12)
        window = (t > start) & (t < start + 5)
        top_i = int(np.argmax(np.where(window, v, -np.inf)))
        if v[top_i] < THRESHOLD_MV:
            ax.annotate(
                "しきい値に届かない → 発火しない",
                xy=(t[top_i], v[top_i] + 1),
                xytext=(t[top_i] - 1, -32),
                fontsize=12,
                arrowprops={"arrowstyle": "->", "color": "black", "linewidth": 0.8},
            )
        else:
            note = "入力が強くても同じ高さ" if fired_before else "発火（活動電位）"
            ax.text(t[top_i] + 0.8, PEAK_MV, note, va="center", fontsize=12)
            fired_before = True
    ax.set_ylim(-100, 55)
    ax.set_xlim(0, t[-1])
    ax.set_xlabel("時間 (ミリ秒)")
    ax.set_ylabel("膜電位 (mV)")
    if title:
        ax.set_title(title)
    return ax
