"""TensorFlow's oneDNN kernels on and off, for notebook 04's training (session 4).

    .venv/bin/python bench/bench_onednn.py [--repeat 3] [--steps 120]

``TF_ENABLE_ONEDNN_OPTS`` is read once, when TensorFlow is imported, so each measurement runs in
a fresh interpreter with the variable set to 0 or 1. One measurement trains notebook 04's CNN
(``build_fashion_cnn``, batch 128, Adam, the ``make_dataset`` pipeline with random horizontal
flips) for ``--steps`` steps on the notebook's 54,000 training images after a warm-up of 5 steps,
and reports the time of the timed steps scaled to a whole epoch (422 steps), with a SHA-256 of
the trained weights.

Rounds interleave the two settings. The table gives the fastest and the median epoch time of
each setting, the ratio on/off (the ``timeit`` convention: fastest against fastest; and the
median of the per-round ratios), and whether every run of one setting ended with the same
weights (determinism on this machine: the course needs identical outputs from two executions).
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
STEPS_PER_EPOCH = 422  # ceil(54000 / 128)

CHILD = """
import hashlib, json, time
os.environ["TF_ENABLE_ONEDNN_OPTS"] = ONEDNN  # read once, at TensorFlow's import: import it now
import keras  # before setup_notebook, which would import TensorFlow with its own setting
import numpy as np
from seminar_lib import setup_notebook

rng = setup_notebook(0)
from seminar_lib.datasets import load_fashion_mnist
from seminar_lib.keras_models import build_augmentation, build_fashion_cnn, make_dataset
from seminar_lib.preprocessing import train_val_test_split

(x, y), _ = load_fashion_mnist()
x = (x.astype(np.float32) / 255.0)[..., np.newaxis]
(x_tr, y_tr), _, _ = train_val_test_split(x, y, val_size=0.1, test_size=0.0, rng=rng)
train_ds = make_dataset(x_tr, y_tr, batch_size=128, shuffle=True, augment=build_augmentation())
keras.utils.set_random_seed(0)
model = build_fashion_cnn()
model.compile(
    optimizer=keras.optimizers.Adam(1e-3),
    loss=keras.losses.SparseCategoricalCrossentropy(from_logits=True),
)
model.fit(train_ds.take(5), epochs=1, verbose=0)  # warm-up: tracing, first allocations
start = time.perf_counter()
model.fit(train_ds.take(STEPS), epochs=1, verbose=0)
seconds = time.perf_counter() - start
digest = hashlib.sha256(b"".join(w.numpy().tobytes() for w in model.weights)).hexdigest()
print(json.dumps({"seconds": seconds, "sha": digest[:16]}))
"""


def measure(onednn: str, steps: int) -> dict:
    code = f"import os\nONEDNN = {onednn!r}\nSTEPS = {steps}\n" + CHILD
    env = dict(os.environ, TF_CPP_MIN_LOG_LEVEL="2", SEMINAR_VERBOSE="0")
    out = subprocess.run(
        [sys.executable, "-c", code], cwd=ROOT, env=env, capture_output=True, text=True, check=True
    )
    result = json.loads(out.stdout.strip().splitlines()[-1])
    result["epoch_s"] = result["seconds"] / steps * STEPS_PER_EPOCH
    return result


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--steps", type=int, default=120)
    args = parser.parse_args()

    rounds = []
    for r in range(args.repeat):
        off, on = measure("0", args.steps), measure("1", args.steps)
        rounds.append((off, on))
        print(
            f"round {r + 1}: oneDNN off {off['epoch_s']:6.1f} s/epoch (weights {off['sha']})"
            f" | on {on['epoch_s']:6.1f} s/epoch (weights {on['sha']})",
            flush=True,
        )
    off_s = [o["epoch_s"] for o, _ in rounds]
    on_s = [n["epoch_s"] for _, n in rounds]
    print(f"\n{'':24}{'fastest':>9}{'median':>9}   (one epoch of notebook 04, s)")
    print(f"{'oneDNN off (=0)':24}{min(off_s):9.1f}{statistics.median(off_s):9.1f}")
    print(f"{'oneDNN on  (=1)':24}{min(on_s):9.1f}{statistics.median(on_s):9.1f}")
    ratio_best = min(on_s) / min(off_s)
    ratio_median = statistics.median(n / o for o, n in zip(off_s, on_s, strict=True))
    print(f"ratio on/off: best {ratio_best:.2f}, median of rounds {ratio_median:.2f}")
    for name, runs in (("off", [o for o, _ in rounds]), ("on", [n for _, n in rounds])):
        same = len({run["sha"] for run in runs}) == 1
        print(f"oneDNN {name}: identical weights in all {len(runs)} runs: {same}")


if __name__ == "__main__":
    main()
