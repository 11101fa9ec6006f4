"""The augmented tf.data pipeline against in-memory arrays, and notebooks 00 and 04 (session 4).

    .venv/bin/python bench/bench_data.py [--repeat 3] [--skip-notebook]

1. One training epoch of notebook 04's CNN (``build_fashion_cnn``, batch 128, Adam) on the
   notebook's 54,000 training images, fed two ways: by the notebook's ``tf.data`` pipeline
   (``make_dataset`` with shuffling and ``build_augmentation()``: random horizontal flips of
   whole batches, prefetched) and by ``model.fit`` on the in-memory arrays without augmentation.
   Target: augmented pipeline at most 1.3x the in-memory time (the pipeline is not the
   bottleneck). Each side has its own model, warmed up by one short fit before timing.
2. Execution of notebooks/00_python_numpy.ipynb and notebooks/04_data_cnn.ipynb through the
   project's execute path, in temporary copies (targets: under 1 and under 8 minutes; skipped
   with ``--skip-notebook``).

Rounds interleave the two sides; "best" is the fastest of all rounds (the ``timeit``
convention), "median" the median of the ratios formed within each round.
"""

from __future__ import annotations

import argparse
import statistics
import time

import numpy as np
from bench_foundation import time_notebook

from seminar_lib import setup_notebook

BATCH = 128


def compiled_model(keras, steps_per_epoch: int):
    from seminar_lib.keras_models import build_fashion_cnn

    model = build_fashion_cnn()
    schedule = keras.optimizers.schedules.CosineDecay(
        3e-4, steps_per_epoch * 9, warmup_target=3e-3, warmup_steps=steps_per_epoch
    )
    model.compile(
        optimizer=keras.optimizers.Adam(schedule),
        loss=keras.losses.SparseCategoricalCrossentropy(from_logits=True),
        metrics=["accuracy"],
    )
    return model


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--skip-notebook", action="store_true")
    args = parser.parse_args()

    rng = setup_notebook(seed=0)
    import keras

    from seminar_lib.datasets import load_fashion_mnist
    from seminar_lib.keras_models import build_augmentation, make_dataset
    from seminar_lib.preprocessing import train_val_test_split

    (x, y), _ = load_fashion_mnist()
    x = x[..., None].astype(np.float32) / 255  # (60000, 28, 28, 1)
    (x_tr, y_tr), _, _ = train_val_test_split(x, y, val_size=0.1, test_size=0.0, rng=rng)
    steps = -(-len(x_tr) // BATCH)
    pipeline = make_dataset(x_tr, y_tr, BATCH, shuffle=True, augment=build_augmentation())
    fed, plain = compiled_model(keras, steps), compiled_model(keras, steps)
    warm = make_dataset(x_tr[:2048], y_tr[:2048], BATCH, shuffle=True, augment=build_augmentation())
    fed.fit(warm, epochs=1, verbose=0, shuffle=False)
    plain.fit(x_tr[:2048], y_tr[:2048], batch_size=BATCH, epochs=1, verbose=0)

    rows = []
    for r in range(args.repeat):
        t0 = time.perf_counter()
        fed.fit(pipeline, epochs=1, verbose=0, shuffle=False)  # the pipeline shuffles
        t_fed = time.perf_counter() - t0
        t0 = time.perf_counter()
        plain.fit(x_tr, y_tr, batch_size=BATCH, epochs=1, shuffle=True, verbose=0)
        t_plain = time.perf_counter() - t0
        rows.append((t_fed, t_plain))
        print(f"round {r + 1}: augmented tf.data {t_fed:6.1f} s, in-memory {t_plain:6.1f} s")
    best = min(f for f, _ in rows) / min(p for _, p in rows)
    median = statistics.median(f / p for f, p in rows)
    print(f"\n{'what':44s} {'best':>7s} {'median':>7s} {'target':>7s}")
    print(f"{'epoch: augmented tf.data / in-memory':44s} {best:7.2f} {median:7.2f} {'<= 1.3':>7s}")

    if not args.skip_notebook:
        for name, target in (("00_python_numpy.ipynb", 60.0), ("04_data_cnn.ipynb", 480.0)):
            seconds = time_notebook(name)
            print(f"execute {name:28s} {seconds:7.1f} s  target < {target:.0f} s")


if __name__ == "__main__":
    main()
