"""From-scratch multi-head attention against Keras / TensorFlow (issue: session 8).

    .venv/bin/python bench/bench_attention.py [--repeat 5] [--skip-notebook]

1. ``MultiHeadAttention`` self-attention with the causal mask, forward + backward (output, and
   the gradients of the input and of the 8 weights) against ``keras.layers.MultiHeadAttention``
   with the same weights and the same gradients from ``tf.GradientTape`` inside a
   ``tf.function``; float32, batch 32, 64 positions, width 128, 4 heads of 32 (the shapes of
   notebook 08's GPT). Target: at most 3x Keras's time.
2. ``LayerNorm`` against ``keras.layers.LayerNormalization`` on (32, 64, 128): reported.
3. Execution of notebooks/08_attention_transformer.ipynb through the project's execute path,
   into a temporary copy (target: under 10 minutes; run once, skipped with
   ``--skip-notebook``).

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
BATCH, STEPS, WIDTH, HEADS = 32, 64, 128, 4
NOTEBOOK = "08_attention_transformer.ipynb"


def keras_step(layer, x, dout, call):
    """A function running ``call(layer, x)`` forward and backward once in TensorFlow."""
    import tensorflow as tf

    x_tf, dout_tf = tf.constant(x), tf.constant(dout)

    @tf.function
    def step():
        with tf.GradientTape() as tape:
            tape.watch(x_tf)
            out = call(layer, x_tf)
            objective = tf.reduce_sum(out * dout_tf)
        return out, tape.gradient(objective, [x_tf, *layer.trainable_weights])

    def theirs():
        out, grads = step()
        out.numpy()  # wait for the result, as numpy does
        for g in grads:
            g.numpy()

    return theirs


def attention_pair():
    """(numpy, Keras): causal self-attention forward + backward once each."""
    import keras

    from seminar_lib.layers import MultiHeadAttention

    rng = np.random.default_rng(0)
    x = rng.standard_normal((BATCH, STEPS, WIDTH), dtype=np.float32)  # (N, T, D)
    dout = rng.standard_normal((BATCH, STEPS, WIDTH), dtype=np.float32)
    twin = keras.layers.MultiHeadAttention(HEADS, WIDTH // HEADS)
    twin(x[:1], x[:1])  # builds the weights
    ours_layer = MultiHeadAttention(WIDTH, HEADS, WIDTH // HEADS, rng)
    ours_layer.set_keras_weights(twin.get_weights())

    def ours():
        ours_layer.forward(x, causal=True)
        ours_layer.backward(dout)  # stores the 8 gradients; returns dx

    theirs = keras_step(twin, x, dout, lambda layer, x_tf: layer(x_tf, x_tf, use_causal_mask=True))
    return ours, theirs


def layer_norm_pair():
    """(numpy, Keras): layer normalisation forward + backward once each."""
    import keras

    from seminar_lib.layers import LayerNorm

    rng = np.random.default_rng(1)
    x = rng.standard_normal((BATCH, STEPS, WIDTH), dtype=np.float32)
    dout = rng.standard_normal((BATCH, STEPS, WIDTH), dtype=np.float32)
    ours_layer = LayerNorm(WIDTH)

    def ours():
        ours_layer.forward(x)
        ours_layer.backward(dout)

    twin = keras.layers.LayerNormalization()
    twin.build((None, STEPS, WIDTH))
    return ours, keras_step(twin, x, dout, lambda layer, x_tf: layer(x_tf))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=5)
    parser.add_argument("--skip-notebook", action="store_true")
    args = parser.parse_args()
    setup_notebook(0)  # before TensorFlow is imported

    print(f"batch {BATCH}, {STEPS} positions, width {WIDTH}, {HEADS} heads, float32")
    load = ", ".join(f"{v:.2f}" for v in os.getloadavg())
    print(f"load average {load} on {os.cpu_count()} CPUs (other work skews the times)")
    print(f"{'':34}{'ours ms':>9}{'Keras ms':>9}{'best':>8}{'median':>8}   (ratio ours / Keras)")
    ours, theirs = attention_pair()
    compare("MHA forward+backward (causal)", ours, theirs, args.repeat, target=3, unit="ms")
    ours, theirs = layer_norm_pair()
    compare("LayerNorm forward+backward", ours, theirs, args.repeat, unit="ms")
    if args.skip_notebook:
        return
    if not (ROOT / "notebooks" / NOTEBOOK).exists():
        print(f"execute {NOTEBOOK}: skipped (the notebook does not exist yet)")
        return
    seconds = time_notebook(NOTEBOOK)
    print(f"execute {NOTEBOOK}: {seconds:.1f} s (target 600 s, ratio {seconds / 600:.2f})")


if __name__ == "__main__":
    main()
