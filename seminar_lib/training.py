"""Mini-batch training and evaluation of ``Sequential`` models built from scratch.

``fit(..., verbose=...)`` chooses what training prints, as in Keras: 0 nothing, 1 a live bar
updated in place (for the student), 2 one line per epoch without timings (what the course's
execute and test commands store in the notebooks). The default ``"auto"`` reads the environment
variable ``SEMINAR_VERBOSE`` (``0``, ``1`` or ``2``; 1 when unset), here and nowhere else, so
the notebook runner can choose one line per epoch for every notebook at once.
"""

from __future__ import annotations

import os
import sys
import time

import numpy as np

from seminar_lib._validation import (
    as_input_array,
    check_positive,
    check_positive_int,
    check_rng,
)
from seminar_lib.metrics import accuracy
from seminar_lib.optimizers import clip_grad_norm

__all__ = ["VERBOSE_ENV", "default_verbose", "evaluate", "fit"]

#: Environment variable with the default of ``fit(verbose="auto")``.
VERBOSE_ENV = "SEMINAR_VERBOSE"
VERBOSE_LEVELS = (0, 1, 2)


def default_verbose() -> int:
    """``$SEMINAR_VERBOSE`` as 0, 1 or 2 (1 when unset): what ``fit(verbose="auto")`` prints."""
    value = os.environ.get(VERBOSE_ENV, "1")
    if value not in ("0", "1", "2"):
        raise ValueError(f"Expected {VERBOSE_ENV} to be 0, 1 or 2. Received: {value!r}")
    return int(value)


def evaluate(model, loss, X, y, batch_size: int = 1000) -> tuple[float, float]:
    """Mean loss and accuracy of ``model`` on (X, y), in inference mode."""
    outputs = model.predict(X, batch_size=batch_size)
    return loss.forward(outputs, y), accuracy(outputs, y)


def fit(
    model,
    loss,
    optimizer,
    X,
    y,
    *,
    rng: np.random.Generator,
    num_epochs: int = 10,
    batch_size: int = 128,
    validation_data=None,
    verbose: int | str = "auto",
    clip_norm: float | None = None,
    metric: str | None = "accuracy",
) -> dict[str, list[float]]:
    """Train ``model`` with mini-batches drawn by ``rng`` (a new shuffle every epoch).

    Parameters
    ----------
    model : Sequential
    loss : loss layer (``SoftmaxCrossEntropy``, ...)
    optimizer : ``SGD``, ``Momentum`` or ``Adam``
    X : array (N, ...); y : targets (N,) or (N, K)
        Integer ``X`` stays integer (token ids for an ``Embedding`` first layer); sequence
        models take targets (N, T) with a ``TimeSoftmaxCrossEntropy`` loss.
    rng : numpy.random.Generator
        Shuffles the data; the same seed gives the same training run.
    validation_data : (X_val, y_val), optional
        Evaluated after each epoch (for example the test set, to draw learning curves).
    verbose : {"auto", 0, 1, 2}
        0 prints nothing (long runs of many epochs), 1 a live progress bar, 2 one line per
        epoch; ``"auto"`` takes ``$SEMINAR_VERBOSE`` (1 when unset).
    clip_norm : float > 0, optional
        Before each update, scale all gradients together so that their global norm is at most
        ``clip_norm`` (``optimizers.clip_grad_norm``; Keras's ``global_clipnorm``).
    metric : {"accuracy", None}
        ``None`` when the targets are not classes (an autoencoder's targets are its inputs):
        only the loss is recorded.

    Returns
    -------
    dict
        ``"loss"``, ``"accuracy"`` (training, averaged over the epoch's batches) and, with
        validation data, ``"val_loss"``, ``"val_accuracy"``: one value per epoch (no accuracy
        with ``metric=None``).
    """
    check_rng(rng)
    X = as_input_array(X, "X")
    y = np.asarray(y)
    if len(y) != len(X):
        raise ValueError(f"Expected as many targets as samples ({len(X)}). Received: {len(y)}")
    num_epochs = check_positive_int(num_epochs, "num_epochs")
    batch_size = check_positive_int(batch_size, "batch_size")
    if clip_norm is not None:
        clip_norm = check_positive(clip_norm, "clip_norm")
    if verbose == "auto":
        verbose = default_verbose()
    if isinstance(verbose, bool) or verbose not in VERBOSE_LEVELS:
        raise ValueError(f"Expected `verbose` to be 'auto', 0, 1 or 2. Received: {verbose!r}")
    if metric not in ("accuracy", None):
        raise ValueError(f"Expected `metric` to be 'accuracy' or None. Received: {metric!r}")
    keys = ["loss", "accuracy"] if metric else ["loss"]
    if validation_data is not None:
        keys += [f"val_{key}" for key in keys]
    history: dict[str, list[float]] = {key: [] for key in keys}
    num_batches = -(-len(X) // batch_size)
    for epoch in range(1, num_epochs + 1):
        start = time.perf_counter()
        order = rng.permutation(len(X))
        total_loss = total_correct = 0.0
        for b in range(num_batches):
            idx = order[b * batch_size : (b + 1) * batch_size]
            X_batch, y_batch = X[idx], y[idx]
            outputs = model.forward(X_batch, training=True)
            total_loss += loss.forward(outputs, y_batch) * len(idx)
            if metric:
                total_correct += accuracy(outputs, y_batch) * len(idx)
            model.backward(loss.backward(), input_grad=False)
            if clip_norm is not None:
                clip_grad_norm(model.grads, clip_norm)
            optimizer.update(model.params, model.grads)
            if verbose == 1 and (b % 20 == 0 or b == num_batches - 1):
                done = int(30 * (b + 1) / num_batches)
                print(
                    f"\rエポック {epoch}/{num_epochs} [{'=' * done}{'.' * (30 - done)}] "
                    f"loss {total_loss / min((b + 1) * batch_size, len(X)):.4f}",
                    end="",
                    flush=True,
                )
        history["loss"].append(total_loss / len(X))
        line = f"loss {history['loss'][-1]:.4f}"
        if metric:
            history["accuracy"].append(total_correct / len(X))
            line += f", 正解率 {history['accuracy'][-1]:.4f}"
        if validation_data is not None:
            X_val, y_val = validation_data
            outputs = model.predict(X_val)
            history["val_loss"].append(loss.forward(outputs, y_val))
            line += f", 検証 loss {history['val_loss'][-1]:.4f}"
            if metric:
                history["val_accuracy"].append(accuracy(outputs, y_val))
                line += f", 検証正解率 {history['val_accuracy'][-1]:.4f}"
        seconds = time.perf_counter() - start
        if verbose == 1:
            print(
                f"\rエポック {epoch}/{num_epochs}: {line} ({seconds:.1f} s)" + " " * 10, flush=True
            )
        elif verbose == 2:
            print(
                f"エポック {epoch}/{num_epochs}: {line}", flush=True
            )  # no timing: stored outputs stay identical
    sys.stdout.flush()
    return history
