"""From-scratch convolution and CNN against TensorFlow / Keras (issue: session 3).

    .venv/bin/python bench/bench_cnn.py [--repeat 5] [--skip-notebook]

1. ``Conv2D`` forward + backward (output, and the gradients of input, kernel and bias) against
   TensorFlow's ``tf.nn.conv2d`` with the same gradients from ``tf.GradientTape`` inside a
   ``tf.function``; float32, batch 128, 28x28, 3x3 "same", 1->32 and 32->64 channels (Keras and
   TensorFlow on the CPU want channels last, so their input is (N, H, W, C)).
   Target: at most 3x TensorFlow's time.
2. One training epoch (60000 MNIST images, batch 128, Adam) of notebook 03's from-scratch CNN
   against the same CNN in Keras: the ratio is reported.
3. Execution of notebooks/03_deep_cnn.ipynb through the project's execute path, into a
   temporary copy (target: under 5 minutes; run once, skipped with ``--skip-notebook``).

Rounds interleave the two sides; "best" is the fastest of all rounds (the ``timeit``
convention), "median" the median of the ratios formed within each round.
"""

from __future__ import annotations

import argparse
import os

import numpy as np

os.environ.setdefault("SEMINAR_VERBOSE", "0")

from bench_foundation import compare, time_notebook  # noqa: E402

from seminar_lib import setup_notebook  # noqa: E402

BATCH = 128


def conv_pair(in_channels, out_channels):
    """Two functions running forward + backward once: (numpy, TensorFlow)."""
    import tensorflow as tf

    from seminar_lib.layers import Conv2D

    rng = np.random.default_rng(0)
    x = rng.standard_normal((BATCH, in_channels, 28, 28), dtype=np.float32)
    conv = Conv2D(in_channels, out_channels, 3, rng, padding="same")
    dout = rng.standard_normal((BATCH, out_channels, 28, 28), dtype=np.float32)

    def ours():
        conv.forward(x)
        conv.backward(dout)  # stores dW, db; returns dx

    x_tf = tf.constant(x.transpose(0, 2, 3, 1))  # (N, H, W, C)
    kernel = tf.Variable(conv.params["W"].transpose(2, 3, 1, 0))  # (KH, KW, C, F)
    bias = tf.Variable(conv.params["b"])
    dout_tf = tf.constant(dout.transpose(0, 2, 3, 1))

    @tf.function
    def step():
        with tf.GradientTape() as tape:
            tape.watch(x_tf)
            out = tf.nn.conv2d(x_tf, kernel, strides=1, padding="SAME") + bias
            objective = tf.reduce_sum(out * dout_tf)
        return out, tape.gradient(objective, [x_tf, kernel, bias])

    def theirs():
        out, grads = step()
        out.numpy()  # wait for the result, as numpy does
        for g in grads:
            g.numpy()

    return ours, theirs


def scratch_cnn(rng):
    """Notebook 03's from-scratch CNN."""
    from seminar_lib.layers import Affine, Conv2D, Flatten, MaxPool2D, ReLU
    from seminar_lib.models import Sequential

    return Sequential(
        [
            Conv2D(1, 16, 3, rng, padding="same"),  # (N, 16, 28, 28)
            ReLU(),
            MaxPool2D(2),  # (N, 16, 14, 14)
            Conv2D(16, 32, 3, rng, padding="same"),  # (N, 32, 14, 14)
            ReLU(),
            MaxPool2D(2),  # (N, 32, 7, 7)
            Flatten(),  # (N, 1568)
            Affine(1568, 128, rng),
            ReLU(),
            Affine(128, 10, rng),
        ],
        input_shape=(1, 28, 28),
    )


def keras_cnn():
    """The same CNN in Keras (channels last)."""
    import keras

    return keras.Sequential(
        [
            keras.Input(shape=(28, 28, 1)),
            keras.layers.Conv2D(16, 3, padding="same", activation="relu"),
            keras.layers.MaxPooling2D(2),
            keras.layers.Conv2D(32, 3, padding="same", activation="relu"),
            keras.layers.MaxPooling2D(2),
            keras.layers.Flatten(),
            keras.layers.Dense(128, activation="relu"),
            keras.layers.Dense(10),
        ]
    )


def epoch_pair(x, y):
    import keras

    from seminar_lib.layers import SoftmaxCrossEntropy
    from seminar_lib.optimizers import Adam
    from seminar_lib.training import fit

    rng = np.random.default_rng(0)
    model, loss, opt = scratch_cnn(rng), SoftmaxCrossEntropy(), Adam(1e-3)
    twin = keras_cnn()
    twin.compile(
        optimizer=keras.optimizers.Adam(1e-3),
        loss=keras.losses.SparseCategoricalCrossentropy(from_logits=True),
    )
    x_last = np.ascontiguousarray(x.transpose(0, 2, 3, 1))  # (N, 28, 28, 1)

    def ours():
        fit(model, loss, opt, x, y, rng=rng, num_epochs=1, batch_size=BATCH)

    def theirs():
        twin.fit(x_last, y, batch_size=BATCH, epochs=1, verbose=0)

    return ours, theirs


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=5)
    parser.add_argument("--skip-notebook", action="store_true")
    args = parser.parse_args()
    setup_notebook(0)
    from seminar_lib.datasets import load_mnist

    print(f"{'':34}{'ours s':>9}{'TF s':>9}{'best':>8}{'median':>8}   (ratio ours / TF)")
    for c_in, c_out in ((1, 32), (32, 64)):
        ours, theirs = conv_pair(c_in, c_out)
        compare(f"Conv2D {c_in}->{c_out} forward+backward", ours, theirs, args.repeat, 3)
    (x, y), _ = load_mnist(normalize=True, flatten=False)
    ours, theirs = epoch_pair(x[:, None], y)
    compare("CNN epoch (scratch / Keras)", ours, theirs, max(1, args.repeat // 2))
    if not args.skip_notebook:
        seconds = time_notebook("03_deep_cnn.ipynb")
        print(f"execute 03_deep_cnn: {seconds:.1f} s (target 300 s, ratio {seconds / 300:.2f})")


if __name__ == "__main__":
    main()
