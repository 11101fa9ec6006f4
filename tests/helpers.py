"""Helpers shared by the tests: the from-scratch layers' gradient checks, and tools a test needs."""

import os

import numpy as np
import pytest

from seminar_lib.gradcheck import numerical_gradient, relative_error


def rng(seed=0):
    return np.random.default_rng(seed)


def layer_errors(layer, x, training=False, reseed=None, seed=9):
    """Relative errors of d(sum(out * r))/d(input and params) against numerical gradients."""
    layer.astype(np.float64)
    x = np.asarray(x, dtype=np.float64)

    def forward():
        if reseed is not None:
            layer.rng = np.random.default_rng(reseed)  # the same dropout mask every time
        return layer.forward(x, training=training)

    r = rng(seed).standard_normal(forward().shape)

    def objective():
        return float((forward() * r).sum())

    objective()
    dout = r.copy()
    dx = layer.backward(dout)
    np.testing.assert_array_equal(dout, r)  # backward never modifies dout
    errors = {"x": relative_error(dx, numerical_gradient(objective, x))}
    for name, p in layer.params.items():
        errors[name] = relative_error(layer.grads[name].copy(), numerical_gradient(objective, p))
    return errors


def require(problem):
    """Skip the test for ``problem`` (a missing tool: chromium, the slide vendor files), or fail
    under CI, where every tool must be there; nothing when ``problem`` is None."""
    if problem:
        if os.environ.get("CI") == "true":
            pytest.fail(problem, pytrace=False)
        pytest.skip(problem)
