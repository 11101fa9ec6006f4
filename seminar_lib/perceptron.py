r"""The formal neuron of McCulloch and Pitts and Rosenblatt's simple perceptron.

Notation of the seminar: a neuron computes :math:`y = f(\sum_i w_i x_i - \theta)` where
:math:`\theta` is the threshold and :math:`f` the step function.
"""

from __future__ import annotations

import numpy as np

from seminar_lib._validation import (
    as_real_array,
    check_ndim,
    check_positive,
    check_positive_int,
)
from seminar_lib.functions import step

__all__ = ["Perceptron", "formal_neuron"]


def formal_neuron(x, w, theta: float = 0.0, f=step) -> np.ndarray:
    r"""Output of a formal neuron, :math:`y = f(\sum_i w_i x_i - \theta)`.

    Parameters
    ----------
    x : array_like of shape (D,) or (N, D)
        One input vector, or a batch of N of them.
    w : array_like of shape (D,)
        Weights.
    theta : float
        Threshold.
    f : callable
        Activation function (default: the step function).

    Returns
    -------
    ndarray of shape () or (N,)
    """
    x = as_real_array(x, "x")
    w = as_real_array(w, "w")
    check_ndim(w, 1, "w", "(D,)")
    if x.ndim not in (1, 2) or x.shape[-1] != w.shape[0]:
        raise ValueError(
            f"Expected `x` with shape (D,) or (N, D) where D = len(w) = {w.shape[0]}. "
            f"Received: x.shape={x.shape}"
        )
    return f(x @ w - theta)  # (N, D) @ (D,) -> (N,)


class Perceptron:
    r"""Rosenblatt's simple perceptron with a step activation.

    Prediction: :math:`\hat{y} = \mathrm{step}(\mathbf{w} \cdot \mathbf{x} - \theta)`.
    Learning rule, for each sample in turn:
    :math:`\mathbf{w} \leftarrow \mathbf{w} + \eta (y - \hat{y}) \mathbf{x}`,
    :math:`\theta \leftarrow \theta - \eta (y - \hat{y})`.

    Parameters
    ----------
    num_inputs : int
        Number of inputs D.
    rng : numpy.random.Generator, optional
        Draws initial weights and threshold uniformly in [-0.5, 0.5). Without it they start at 0,
        which makes every run identical.

    Attributes
    ----------
    w : ndarray of shape (D,)
    theta : float
    history : dict
        After :meth:`fit`: ``"w"`` (E + 1, D) and ``"theta"`` (E + 1,) hold the parameters before
        training and after each of the E epochs run; ``"errors"`` (E,) the number of misclassified
        samples met during each epoch.
    converged : bool
        Whether the last epoch of :meth:`fit` met no error (every sample is classified correctly).
    """

    def __init__(self, num_inputs: int = 2, rng: np.random.Generator | None = None):
        self.num_inputs = check_positive_int(num_inputs, "num_inputs")
        if rng is None:
            self.w = np.zeros(self.num_inputs)
            self.theta = 0.0
        elif isinstance(rng, np.random.Generator):
            self.w = rng.uniform(-0.5, 0.5, size=self.num_inputs)
            self.theta = float(rng.uniform(-0.5, 0.5))
        else:
            raise TypeError(
                f"Expected `rng` to be a numpy.random.Generator or None. Received: {type(rng)}"
            )
        self.history = {
            "w": self.w[None].copy(),
            "theta": np.array([self.theta]),
            "errors": np.array([], dtype=np.int64),
        }
        self.converged = False

    def _check_X(self, X) -> np.ndarray:
        X = as_real_array(X, "X")
        check_ndim(X, 2, "X", "(N, D)")
        if X.shape[1] != self.num_inputs:
            raise ValueError(
                f"Expected `X` with {self.num_inputs} columns (N, {self.num_inputs}). "
                f"Received: X.shape={X.shape}"
            )
        return X

    def decision_function(self, X) -> np.ndarray:
        r"""Weighted sum minus threshold, :math:`\mathbf{w} \cdot \mathbf{x} - \theta`, (N,)."""
        X = self._check_X(X)
        return X @ self.w - self.theta  # (N, D) @ (D,) -> (N,)

    def predict(self, X) -> np.ndarray:
        """Predicted classes, 0 or 1, as int64 of shape (N,)."""
        return (self.decision_function(X) > 0).astype(np.int64)

    def fit(self, X, y, lr: float = 0.1, num_epochs: int = 20) -> Perceptron:
        """Train with Rosenblatt's rule, visiting the samples in order, epoch after epoch.

        Training stops early after an epoch with no error, since the weights would not change
        any more. Whether that happened is kept in :attr:`converged` (it never happens for data
        that no straight line separates, such as XOR) and shown by ``repr``.

        Parameters
        ----------
        X : array_like of shape (N, D)
        y : array_like of shape (N,)
            Targets, 0 or 1.
        lr : float
            Learning rate :math:`\\eta` > 0.
        num_epochs : int
            Maximum number of passes over the data.

        Returns
        -------
        Perceptron
            ``self``, trained.
        """
        X = self._check_X(X)
        y = np.asarray(y)
        if y.shape != (X.shape[0],):
            raise ValueError(
                f"Expected `y` with shape (N,) = ({X.shape[0]},) to match `X`. "
                f"Received: y.shape={y.shape}"
            )
        if not np.all((y == 0) | (y == 1)):
            raise ValueError(f"Expected `y` to hold 0 or 1 only. Received: {np.unique(y)}")
        lr = check_positive(lr, "lr")
        num_epochs = check_positive_int(num_epochs, "num_epochs")

        ws, thetas, errors = [self.w.copy()], [self.theta], []
        for _ in range(num_epochs):
            num_errors = 0
            for x_n, y_n in zip(X, y, strict=True):
                delta = y_n - int(x_n @ self.w - self.theta > 0)  # -1, 0 or +1
                if delta != 0:
                    num_errors += 1
                    self.w = self.w + lr * delta * x_n
                    self.theta = self.theta - lr * delta
            ws.append(self.w.copy())
            thetas.append(self.theta)
            errors.append(num_errors)
            if num_errors == 0:
                break
        self.history = {
            "w": np.array(ws),
            "theta": np.array(thetas),
            "errors": np.array(errors, dtype=np.int64),
        }
        self.converged = errors[-1] == 0
        return self

    def __repr__(self) -> str:
        w = np.array2string(self.w, precision=3, separator=", ")
        text = f"Perceptron(num_inputs={self.num_inputs}, w={w}, theta={self.theta:.3f}"
        errors = self.history["errors"]
        if len(errors):
            state = "converged" if self.converged else "NOT converged"
            text += f"; {state} after {len(errors)} epochs, errors per epoch {errors.tolist()}"
        return text + ")"
