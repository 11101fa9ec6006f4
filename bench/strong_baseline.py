"""The organiser's strong baseline for the session-5 contest (大会): Fashion-MNIST, one run.

    .venv/bin/python bench/strong_baseline.py [--minutes 26] [--width 1] [--out FILE]

The score that notebook 05 quotes as the one to beat. It trains the strongest model that fits a
lab's patience (target: test accuracy >= 94.0% within 30 minutes on a 2-core laptop-class CPU)
and reports it honestly:

- The 60,000 training images are split once, stratified, into 54,000 for training and 6,000
  for validation (the split of notebook 04). Every choice is made on the validation images:
  the epoch whose weights are kept (the best validation accuracy) and whether test-time
  augmentation (TTA: the average of the image and its mirror image) is used.
- The 10,000 test images are scored once, at the end, with the chosen model.

The model is a VGG-style CNN (Simonyan & Zisserman 2015): three blocks of two 3x3 convolutions
with batch norm and ReLU, the first two blocks ending in 2x2 max pooling (28 -> 14 -> 7), then
dropout and one dense layer on the 7x7 feature map. ``--width 1`` (the default) gives 32/64/128
filters. Training uses random horizontal flips and shifts of up to 2 pixels, drawn in NumPy once
per epoch (Keras's preprocessing layers cost a third of each step here), Adam with one warm-up
epoch at a tenth of the learning rate, then a cosine decay towards 0, batch 128.

Precision: where the CPU has bfloat16 instructions (AVX512_BF16 or AMX, as on the machine the
stored result comes from), Keras's ``mixed_bfloat16`` policy computes in bfloat16 with float32
weights, about 1.5-2x faster here; elsewhere it would be slower, so ``--precision auto`` uses
float32 there. The logits are float32 in both cases.

Training is set by a time budget, ``--minutes`` (default 26, which leaves time to load, evaluate
and write within 30 minutes), not by a number of epochs: this machine's speed changes from hour
to hour (the same epoch was seen to take 72 s and 140 s). After the warm-up epoch the learning
rate follows a cosine in *time*, from ``lr`` at the end of the warm-up to 0 at the end of the
budget; an epoch starts only if it is expected to end within the budget (at least 2 epochs, at
most ``--max-epochs``). A faster machine trains more epochs.

Written: ``--out`` (JSON: the settings, the per-epoch curve, the validation choices, the test
accuracy, the times, the machine) and the curve as a PNG beside it. ``--limit N`` trains on the
first N training images only (a smoke test; its numbers mean nothing).
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import time
from pathlib import Path

import numpy as np

from seminar_lib import setup_notebook

BATCH = 128
ROOT = Path(__file__).resolve().parent.parent
DEFAULT_OUT = ROOT / "bench" / "results" / "strong_baseline.json"


def build_vgg(keras, width: float = 1.0, num_classes: int = 10):
    """Three VGG blocks of two 3x3 conv + BN + ReLU (2x2 max pooling after the first two),
    dropout, dense. The dense layer computes in float32 under a mixed-precision policy."""
    L = keras.layers
    f1, f2, f3 = (max(1, round(width * f)) for f in (32, 64, 128))

    def conv(filters):  # Conv 3x3 ("same") -> BN -> ReLU
        return [
            L.Conv2D(filters, 3, padding="same", use_bias=False),
            L.BatchNormalization(),
            L.ReLU(),
        ]

    return keras.Sequential(
        [
            keras.Input(shape=(28, 28, 1)),
            *conv(f1),
            *conv(f1),
            L.MaxPooling2D(),  # (N, 14, 14, f1)
            *conv(f2),
            *conv(f2),
            L.MaxPooling2D(),  # (N, 7, 7, f2)
            *conv(f3),
            *conv(f3),  # (N, 7, 7, f3)
            L.Flatten(),
            L.Dropout(0.3),
            L.Dense(num_classes, dtype="float32"),  # logits
        ],
        name="strong_baseline",
    )


def cosine_lr(lr: float, progress: float) -> float:
    """Learning rate after the warm-up: ``lr`` at ``progress`` 0, a cosine down to 0 at 1."""
    return lr * 0.5 * (1 + np.cos(np.pi * min(max(progress, 0.0), 1.0)))


def flip_and_shift(images, rng, max_shift: int = 2):
    """Random versions of ``images`` (N, 28, 28, 1): a mirror image with probability 1/2 and a
    shift of up to ``max_shift`` pixels in each direction (pad with 0, cut a 28x28 window)."""
    n, h, w, _ = images.shape
    flipped = np.where(rng.random(n)[:, None, None, None] < 0.5, images[:, :, ::-1], images)
    padded = np.pad(flipped, ((0, 0), (max_shift, max_shift), (max_shift, max_shift), (0, 0)))
    dy = rng.integers(0, 2 * max_shift + 1, n)  # top-left corner of each window
    dx = rng.integers(0, 2 * max_shift + 1, n)
    rows = dy[:, None] + np.arange(h)  # (N, H)
    cols = dx[:, None] + np.arange(w)  # (N, W)
    return padded[np.arange(n)[:, None, None], rows[:, :, None], cols[:, None, :]]


def cpu_has_bfloat16() -> bool:
    """True where /proc/cpuinfo lists bfloat16 instructions (AVX512_BF16 or AMX_BF16)."""
    try:
        flags = Path("/proc/cpuinfo").read_text()
    except OSError:  # not Linux: do not guess
        return False
    return "avx512_bf16" in flags or "amx_bf16" in flags


def accuracy_plain_and_tta(model, images, labels):
    """Accuracy of the plain prediction and of TTA (mean of the image's and its mirror's)."""
    from seminar_lib.functions import softmax

    probs = softmax(model.predict(images, batch_size=1000, verbose=0))
    probs_flip = softmax(model.predict(images[:, :, ::-1], batch_size=1000, verbose=0))
    plain = float(np.mean(probs.argmax(axis=1) == labels))
    tta = float(np.mean(((probs + probs_flip) / 2).argmax(axis=1) == labels))
    return plain, tta


def plot_curve(result: dict, path: Path) -> None:
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt
    import matplotlib_fontja

    matplotlib_fontja.japanize()  # Japanese labels (setup_notebook does it too; plot alone here)

    epochs = np.arange(1, len(result["curve"]["val_accuracy"]) + 1)
    fig, ax = plt.subplots(figsize=(7, 4))
    ax.plot(epochs, result["curve"]["train_accuracy"], "o-", label="訓練 (拡張あり)")
    ax.plot(epochs, result["curve"]["val_accuracy"], "s-", label="検証")
    ax.axhline(0.94, color="gray", linestyle=":", label="目標 94.0%")
    chosen = result["chosen_epoch"]
    ax.plot(
        chosen,
        result["curve"]["val_accuracy"][chosen - 1],
        "k*",
        ms=14,
        label=f"検証で選んだエポック {chosen}",
    )
    ax.set_xlabel("エポック")
    ax.set_ylabel("正解率")
    ax.set_xticks(epochs)
    ax.set_ylim(0.85, 0.96)  # the first epochs, below 85%, are left out of the frame
    ax.set_title(
        f"強いベースライン: テスト正解率 {result['test_accuracy']:.2%}"
        f"（学習 {result['train_minutes']} 分）"
    )
    ax.legend(loc="lower right")
    fig.savefig(path, dpi=100)
    plt.close(fig)


def main(argv=None) -> dict:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--minutes", type=float, default=26.0, help="training budget")
    parser.add_argument("--max-epochs", type=int, default=40)
    parser.add_argument("--width", type=float, default=1.0)
    parser.add_argument(
        "--precision", choices=["auto", "mixed_bfloat16", "float32"], default="auto"
    )
    parser.add_argument("--lr", type=float, default=2e-3)
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--limit", type=int, default=None, help="smoke test: first N images")
    parser.add_argument("--out", type=Path, default=DEFAULT_OUT)
    args = parser.parse_args(argv)

    start = time.perf_counter()
    os.environ.setdefault("SEMINAR_VERBOSE", "0")
    # oneDNN's kernels are faster here; the notebooks switch them off only to repeat bit for bit.
    # TensorFlow reads the variable once, at its import: import it now, before setup_notebook
    # (which would import it with the notebooks' setting and then rewrite the variable).
    os.environ.setdefault("TF_ENABLE_ONEDNN_OPTS", "1")
    onednn = os.environ["TF_ENABLE_ONEDNN_OPTS"]
    import keras

    rng = setup_notebook(args.seed)
    precision = args.precision
    if precision == "auto":
        precision = "mixed_bfloat16" if cpu_has_bfloat16() else "float32"
    keras.mixed_precision.set_global_policy(precision)

    from seminar_lib.datasets import load_fashion_mnist
    from seminar_lib.preprocessing import train_val_test_split

    (x_train_raw, y_train), (x_test_raw, y_test) = load_fashion_mnist()
    x_train = (x_train_raw.astype(np.float32) / 255.0)[..., np.newaxis]  # (60000, 28, 28, 1)
    x_test = (x_test_raw.astype(np.float32) / 255.0)[..., np.newaxis]  # (10000, 28, 28, 1)
    (x_tr, y_tr), (x_val, y_val), _ = train_val_test_split(
        x_train, y_train, val_size=0.1, test_size=0.0, rng=rng
    )
    if args.limit:
        x_tr, y_tr = x_tr[: args.limit], y_tr[: args.limit]

    model = build_vgg(keras, args.width)
    model.compile(
        optimizer=keras.optimizers.Adam(args.lr / 10),  # the warm-up epoch: a tenth of lr
        loss=keras.losses.SparseCategoricalCrossentropy(from_logits=True),
        metrics=["accuracy"],
    )

    best = {"val_accuracy": -1.0, "epoch": 0, "weights": None}
    history = {"loss": [], "accuracy": [], "val_loss": [], "val_accuracy": []}
    epoch_seconds = []
    budget = args.minutes * 60
    train_start = time.perf_counter()
    lrs = [args.lr / 10]  # the warm-up epoch
    epoch = 0
    while epoch < args.max_epochs:
        if epoch > 0:
            elapsed = time.perf_counter() - train_start
            if epoch >= 2 and elapsed + epoch_seconds[-1] > budget:
                break  # the next epoch would end after the budget
            # progress of the cosine at the middle of this epoch (estimated from the last one)
            warm_up = epoch_seconds[0]
            progress = (elapsed - warm_up + epoch_seconds[-1] / 2) / (budget - warm_up)
            lrs.append(cosine_lr(args.lr, progress))
            model.optimizer.learning_rate.assign(lrs[-1])
        t0 = time.perf_counter()
        x_aug = flip_and_shift(x_tr, rng)  # new random versions of the images every epoch
        logs = model.fit(
            x_aug,
            y_tr,
            batch_size=BATCH,
            epochs=epoch + 1,
            initial_epoch=epoch,  # one epoch per call: the learning rate is set between calls
            validation_data=(x_val, y_val),
            verbose=0,
        ).history
        epoch_seconds.append(time.perf_counter() - t0)
        for key in history:
            history[key].append(float(logs[key][-1]))
        print(
            f"epoch {epoch + 1:2d}  {epoch_seconds[-1]:5.1f} s  lr {lrs[-1]:.2e}  "
            f"loss {history['loss'][-1]:.4f}  train {history['accuracy'][-1]:.4f}  "
            f"val {history['val_accuracy'][-1]:.4f}",
            flush=True,
        )
        if history["val_accuracy"][-1] > best["val_accuracy"]:  # the choice of the epoch
            best.update(val_accuracy=history["val_accuracy"][-1], epoch=epoch + 1)
            best["weights"] = model.get_weights()
        epoch += 1
    train_seconds = sum(epoch_seconds)
    model.set_weights(best["weights"])

    val_plain, val_tta = accuracy_plain_and_tta(model, x_val, y_val)
    use_tta = val_tta > val_plain  # chosen on validation
    test_plain, test_tta = accuracy_plain_and_tta(model, x_test, y_test)  # scored once, here
    test_accuracy = test_tta if use_tta else test_plain
    total_seconds = time.perf_counter() - start

    result = {
        "settings": {k: v for k, v in vars(args).items() if k != "out"},
        "model": {"name": "VGG-style CNN", "params": int(model.count_params())},
        "train_images": len(x_tr),
        "val_images": len(x_val),
        "curve": {
            "train_accuracy": [round(v, 4) for v in history["accuracy"]],
            "val_accuracy": [round(v, 4) for v in history["val_accuracy"]],
            "train_loss": [round(v, 4) for v in history["loss"]],
            "val_loss": [round(v, 4) for v in history["val_loss"]],
            "epoch_seconds": [round(v, 1) for v in epoch_seconds],
            "learning_rate": [float(f"{v:.3g}") for v in lrs],
        },
        "chosen_epoch": best["epoch"],
        "val_accuracy": {"plain": round(val_plain, 4), "tta": round(val_tta, 4)},
        "use_tta": bool(use_tta),
        "test_accuracy": round(test_accuracy, 4),
        "test_accuracy_other": round(test_plain if use_tta else test_tta, 4),
        "train_minutes": round(train_seconds / 60, 1),
        "total_minutes": round(total_seconds / 60, 1),
        "machine": f"{platform.machine()}, {os.cpu_count()} CPU cores",
        "TF_ENABLE_ONEDNN_OPTS": onednn,
        "precision": precision,
        "date": time.strftime("%Y-%m-%d"),
    }
    # the "other" test figure is reported for honesty only; it was not used to choose anything
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(json.dumps(result, indent=1, ensure_ascii=False) + "\n", encoding="utf-8")
    plot_curve(result, args.out.with_suffix(".png"))
    print(
        f"chosen on validation: epoch {best['epoch']}, TTA {use_tta} "
        f"(val plain {val_plain:.2%}, TTA {val_tta:.2%})\n"
        f"test accuracy: {test_accuracy:.2%}  ({result['model']['params']:,} parameters, "
        f"training {train_seconds / 60:.1f} min, in all {total_seconds / 60:.1f} min)\n"
        f"written: {args.out} and {args.out.with_suffix('.png').name}"
    )
    return result


if __name__ == "__main__":
    main()
