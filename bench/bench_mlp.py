"""From-scratch MLP vs the identical Keras model, one epoch of full MNIST (issue: session 2).

    .venv/bin/python bench/bench_mlp.py [--repeat 5]

Both models are 784-256-10 with ReLU, batch 128, Adam (lr 1e-3), float32, trained on the
60000 MNIST training images. Each framework first trains one warm-up epoch (Keras traces its
graph then). Then ``--repeat`` rounds each measure, back to back, the machine's float32
matrix-multiply throughput (1024x1024 @ 1024x1024, and the MLP's first batch shape), one
from-scratch epoch and one Keras epoch. Two summaries are printed: "best" takes the fastest
epoch and the highest throughput of all rounds (the convention of Python's ``timeit``: slower
repetitions measure other processes, not the code), "median" takes the median of the ratios
formed within each round, so a busy moment of a shared machine moves both sides together.

Arithmetic is counted two ways. The model's arithmetic is the usual 6 x N x number of weights
(forward, gradient of the weights, gradient of each layer's input), the convention of "model
FLOPs utilisation". The executed arithmetic leaves out the gradient of the data (the first
layer's input), which ``fit`` never computes.
Target: scratch / Keras <= 0.8 (the library is plain teaching code: textbook layers and
optimizer loops; readability comes before speed). The arithmetic figures are reported only.
"""

from __future__ import annotations

import argparse
import os
import statistics
import time

import numpy as np

os.environ.setdefault("SEMINAR_VERBOSE", "0")

from seminar_lib import setup_notebook  # noqa: E402

SIZES = (784, 256, 10)
BATCH = 128


def gemm_flops(shape_a, shape_b, seconds=0.5) -> float:
    """Sustained FLOP/s of float32 ``a @ b``: all the products done in about ``seconds``,
    divided by the time they took (the same kind of measurement as an epoch, so a busy
    moment of a shared machine lowers both alike; a best-of-bursts figure would not)."""
    rng = np.random.default_rng(0)
    a = rng.standard_normal(shape_a, dtype=np.float32)
    b = rng.standard_normal(shape_b, dtype=np.float32)
    flops = 2 * shape_a[0] * shape_a[1] * shape_b[1]
    a @ b  # warm-up: threads started, caches filled
    count, start = 0, time.perf_counter()
    while (elapsed := time.perf_counter() - start) < seconds:
        for _ in range(10):
            a @ b
        count += 10
    return count * flops / elapsed


def scratch_trainer(x, y):
    """A function that trains the from-scratch model for one epoch and returns the seconds."""
    from seminar_lib.layers import Affine, ReLU, SoftmaxCrossEntropy
    from seminar_lib.models import Sequential
    from seminar_lib.optimizers import Adam
    from seminar_lib.training import fit

    rng = np.random.default_rng(0)
    layers = []
    for d, h in zip(SIZES[:-1], SIZES[1:], strict=True):
        layers += [Affine(d, h, rng), ReLU()]
    model = Sequential(layers[:-1])
    loss, opt = SoftmaxCrossEntropy(), Adam(1e-3)

    def epoch() -> float:
        t0 = time.perf_counter()
        fit(model, loss, opt, x, y, rng=rng, num_epochs=1, batch_size=BATCH)
        return time.perf_counter() - t0

    return epoch


def keras_trainer(x, y):
    """The same for the identical Keras model."""
    import keras

    from seminar_lib.keras_models import build_mlp

    model = build_mlp(SIZES[0], list(SIZES[1:-1]), SIZES[-1])
    model.compile(
        optimizer=keras.optimizers.Adam(1e-3),
        loss=keras.losses.SparseCategoricalCrossentropy(from_logits=True),
        metrics=["accuracy"],
    )

    def epoch() -> float:
        t0 = time.perf_counter()
        model.fit(x, y, batch_size=BATCH, epochs=1, verbose=0, shuffle=True)
        return time.perf_counter() - t0

    return epoch


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=5)
    args = parser.parse_args()
    setup_notebook(0)
    from seminar_lib.datasets import load_mnist

    (x, y), _ = load_mnist(normalize=True, flatten=True)
    scratch, keras_epoch = scratch_trainer(x, y), keras_trainer(x, y)
    first_scratch, first_keras = scratch(), keras_epoch()  # warm-up (Keras traces its graph)
    weights = sum(d * h for d, h in zip(SIZES[:-1], SIZES[1:], strict=True))
    first_layer = SIZES[0] * SIZES[1]
    model_flops = 6 * len(x) * weights  # forward 2NW + weight gradients 2NW + input gradients 2NW
    executed_flops = model_flops - 2 * len(x) * first_layer  # fit skips the data's gradient
    rows = []  # one row per round: peak, batch-shape gemm, scratch epoch, keras epoch
    for _ in range(args.repeat):
        rows.append(
            (
                gemm_flops((1024, 1024), (1024, 1024), 0.5),
                gemm_flops((BATCH, 784), (784, 256), 0.5),
                scratch(),
                keras_epoch(),
            )
        )
    med = statistics.median
    peak = [r[0] for r in rows]
    t_scratch, t_keras = [r[2] for r in rows], [r[3] for r in rows]
    model_frac = [model_flops / r[2] / r[0] for r in rows]  # within each round
    exec_frac = [executed_flops / r[2] / r[0] for r in rows]
    ratio = [r[2] / r[3] for r in rows]
    print(f"{args.repeat} rounds, each: matmul, scratch epoch, keras epoch")
    print(f"{'':44}{'best':>8}{'median':>8}")

    def line(label, best, median, note=""):
        print(f"{label:<44}{best:8.3f}{median:8.3f}   {note}")

    line("float32 matmul 1024^3 (TFLOP/s)", max(peak) / 1e12, med(peak) / 1e12)
    batch_gemm = [r[1] for r in rows]
    line(
        "float32 matmul (128,784)@(784,256) (TFLOP/s)",
        max(batch_gemm) / 1e12,
        med(batch_gemm) / 1e12,
    )
    line(f"scratch epoch (s), warm-up {first_scratch:.2f}", min(t_scratch), med(t_scratch))
    line(f"keras epoch (s), warm-up {first_keras:.2f}", min(t_keras), med(t_keras))
    line("ratio scratch / keras", min(t_scratch) / min(t_keras), med(ratio), "target <= 0.8")
    line(
        "model arithmetic (6 N W) / matmul",
        model_flops / min(t_scratch) / max(peak),
        med(model_frac),
    )
    line(
        "executed arithmetic / matmul", executed_flops / min(t_scratch) / max(peak), med(exec_frac)
    )
    print(
        "best: fastest epochs and highest throughput of all rounds (the timeit convention: slower\n"
        "runs measure other processes); median: the median of the ratios taken within each round."
    )


if __name__ == "__main__":
    main()
