"""From-scratch recurrent layers against Keras / TensorFlow (issue: session 6).

    .venv/bin/python bench/bench_rnn.py [--repeat 5] [--skip-notebook]

1. ``LSTM`` forward + backward (output, and the gradients of input, kernel, recurrent kernel
   and bias; only the last hidden state is returned) against ``keras.layers.LSTM(128)`` with
   the same gradients from ``tf.GradientTape`` inside a ``tf.function``; float32, batch 64,
   28 time steps of 28 features (an MNIST image read row by row), 128 hidden units.
   Target: at most 3x Keras's time.
2. ``RNN`` against ``keras.layers.SimpleRNN(128)`` on the same shapes: the ratio is reported.
3. Execution of notebooks/06_rnn_lstm.ipynb through the project's execute path, into a
   temporary copy (target: under 6 minutes; run once, skipped with ``--skip-notebook`` or when
   the notebook does not exist yet).

Rounds interleave the two sides; "best" is the fastest of all rounds (the ``timeit``
convention), "median" the median of the ratios formed within each round.
"""

from __future__ import annotations

import argparse
import os
from pathlib import Path

import numpy as np

os.environ.setdefault("SEMINAR_VERBOSE", "0")

from bench_foundation import compare, time_notebook  # noqa: E402

from seminar_lib import setup_notebook  # noqa: E402

ROOT = Path(__file__).resolve().parents[1]
BATCH, STEPS, FEATURES, HIDDEN = 64, 28, 28, 128
NOTEBOOK = "06_rnn_lstm.ipynb"


def recurrent_pair(kind: str):
    """Two functions running forward + backward once: (numpy, Keras). ``kind``: "LSTM"/"RNN"."""
    import keras
    import tensorflow as tf

    from seminar_lib.layers import LSTM, RNN

    rng = np.random.default_rng(0)
    x = rng.standard_normal((BATCH, STEPS, FEATURES), dtype=np.float32)  # (N, T, D)
    dout = rng.standard_normal((BATCH, HIDDEN), dtype=np.float32)  # (N, H): the last state
    ours_layer = {"LSTM": LSTM, "RNN": RNN}[kind](FEATURES, HIDDEN, rng)

    def ours():
        ours_layer.forward(x)
        ours_layer.backward(dout)  # stores dWx, dWh, db; returns dx

    keras_layer = {"LSTM": keras.layers.LSTM, "RNN": keras.layers.SimpleRNN}[kind](HIDDEN)
    keras_layer.build((None, STEPS, FEATURES))
    keras_layer.set_weights([ours_layer.params[k] for k in ("Wx", "Wh", "b")])  # same layout
    x_tf, dout_tf = tf.constant(x), tf.constant(dout)
    variables = keras_layer.trainable_weights  # kernel, recurrent_kernel, bias

    @tf.function
    def step():
        with tf.GradientTape() as tape:
            tape.watch(x_tf)
            out = keras_layer(x_tf)
            objective = tf.reduce_sum(out * dout_tf)
        return out, tape.gradient(objective, [x_tf, *variables])

    def theirs():
        out, grads = step()
        out.numpy()  # wait for the result, as numpy does
        for g in grads:
            g.numpy()

    return ours, theirs


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=5)
    parser.add_argument("--skip-notebook", action="store_true")
    args = parser.parse_args()
    setup_notebook(0)  # before TensorFlow is imported

    print(f"batch {BATCH}, {STEPS} steps x {FEATURES} features, {HIDDEN} hidden units, float32")
    load = ", ".join(f"{v:.2f}" for v in os.getloadavg())
    print(f"load average {load} on {os.cpu_count()} CPUs (other work skews the times)")
    print(f"{'':34}{'ours ms':>9}{'Keras ms':>9}{'best':>8}{'median':>8}   (ratio ours / Keras)")
    ours, theirs = recurrent_pair("LSTM")
    compare("LSTM forward+backward", ours, theirs, args.repeat, target=3, unit="ms")
    ours, theirs = recurrent_pair("RNN")
    compare("RNN (SimpleRNN) forward+backward", ours, theirs, args.repeat, unit="ms")
    if args.skip_notebook:
        return
    if not (ROOT / "notebooks" / NOTEBOOK).exists():
        print(f"execute {NOTEBOOK}: skipped (the notebook does not exist yet)")
        return
    seconds = time_notebook(NOTEBOOK)
    print(f"execute {NOTEBOOK}: {seconds:.1f} s (target 360 s, ratio {seconds / 360:.2f})")


if __name__ == "__main__":
    main()
