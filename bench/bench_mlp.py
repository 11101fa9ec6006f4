"""From-scratch MLP vs the identical Keras model, one epoch of full MNIST (issue: session 2).

    .venv/bin/python bench/bench_mlp.py [--repeat 3]

Both models are 784-256-128-10 with ReLU, batch 128, Adam (lr 1e-3), float32, trained on the
60000 MNIST training images. Each framework first trains one warm-up epoch (Keras traces its
graph then); the reported time is the median of ``--repeat`` further epochs. In the same run the
machine's float32 matrix-multiply throughput is measured (1024x1024 @ 1024x1024 and the MLP's own
batch shapes), and the from-scratch epoch's arithmetic (6 x N x number of weights: forward,
gradient of the input, gradient of the weights) is expressed as a fraction of it.
Targets: scratch / Keras <= 0.5; scratch arithmetic >= 60% of the matrix-multiply throughput.
"""

from __future__ import annotations

import argparse
import os
import statistics
import time

import numpy as np

os.environ.setdefault("SEMINAR_PROGRESS", "none")

from seminar_lib import setup_notebook  # noqa: E402

SIZES = (784, 256, 128, 10)
BATCH = 128


def gemm_flops(shape_a, shape_b, seconds_min=1.0) -> float:
    """FLOP/s of float32 ``a @ b`` for the given shapes, best of repeated timed loops."""
    rng = np.random.default_rng(0)
    a = rng.standard_normal(shape_a, dtype=np.float32)
    b = rng.standard_normal(shape_b, dtype=np.float32)
    flops = 2 * shape_a[0] * shape_a[1] * shape_b[1]
    best, total, start = 0.0, 0.0, time.perf_counter()
    while total < seconds_min:
        t0 = time.perf_counter()
        for _ in range(10):
            a @ b
        dt = time.perf_counter() - t0
        best = max(best, 10 * flops / dt)
        total = time.perf_counter() - start
    return best


def scratch_epochs(x, y, repeat):
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
    times = []
    for _ in range(repeat + 1):
        t0 = time.perf_counter()
        fit(model, loss, opt, x, y, rng=rng, num_epochs=1, batch_size=BATCH)
        times.append(time.perf_counter() - t0)
    return times[0], statistics.median(times[1:])


def keras_epochs(x, y, repeat):
    import keras

    from seminar_lib.keras_models import build_mlp

    model = build_mlp(SIZES[0], list(SIZES[1:-1]), SIZES[-1])
    model.compile(
        optimizer=keras.optimizers.Adam(1e-3),
        loss=keras.losses.SparseCategoricalCrossentropy(from_logits=True),
        metrics=["accuracy"],
    )
    times = []
    for _ in range(repeat + 1):
        t0 = time.perf_counter()
        model.fit(x, y, batch_size=BATCH, epochs=1, verbose=0, shuffle=True)
        times.append(time.perf_counter() - t0)
    return times[0], statistics.median(times[1:])


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args()
    setup_notebook(0)
    from seminar_lib.datasets import load_mnist

    (x, y), _ = load_mnist(normalize=True, flatten=True)
    peak = gemm_flops((1024, 1024), (1024, 1024))
    batch_gemm = gemm_flops((BATCH, 784), (784, 256))
    scratch_first, scratch = scratch_epochs(x, y, args.repeat)
    keras_first, keras_time = keras_epochs(x, y, args.repeat)
    weights = sum(d * h for d, h in zip(SIZES[:-1], SIZES[1:], strict=True))
    flops = 6 * len(x) * weights
    print(f"float32 matmul 1024^3         {peak / 1e9:8.1f} GFLOP/s")
    print(f"float32 matmul (128,784)@(784,256) {batch_gemm / 1e9:8.1f} GFLOP/s")
    print(
        f"scratch epoch  {scratch:7.2f} s (first {scratch_first:.2f} s)  "
        f"{flops / scratch / 1e9:6.1f} GFLOP/s"
    )
    print(f"keras epoch    {keras_time:7.2f} s (first {keras_first:.2f} s)")
    print(f"ratio scratch / keras          {scratch / keras_time:6.3f}   (target <= 0.5)")
    print(f"scratch arithmetic / peak      {flops / scratch / peak:6.3f}   (target >= 0.6)")
    print(f"scratch arithmetic / batch gemm {flops / scratch / batch_gemm:6.3f}")


if __name__ == "__main__":
    main()
