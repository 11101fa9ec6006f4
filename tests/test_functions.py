import warnings

import numpy as np
import pytest

from seminar_lib import functions as F
from seminar_lib.gradcheck import numerical_derivative

PAIRS = [
    ("sigmoid", F.sigmoid, F.sigmoid_grad),
    ("tanh", F.tanh, F.tanh_grad),
    ("relu", F.relu, F.relu_grad),
    ("step", F.step, F.step_grad),
]


@pytest.mark.parametrize(("name", "f", "df"), PAIRS, ids=[p[0] for p in PAIRS])
def test_derivative_matches_numerical_derivative(name, f, df):
    rng = np.random.default_rng(0)
    x = rng.uniform(-4, 4, size=200)
    x = x[np.abs(x) > 1e-3]  # away from the kink of relu/step at 0
    np.testing.assert_allclose(df(x), numerical_derivative(f, x), rtol=1e-6, atol=1e-9)


@pytest.mark.parametrize("g", [0.5, 1.0, 2.0, 5.0])
def test_sigmoid_gain_and_its_derivative(g):
    x = np.linspace(-3, 3, 13)
    np.testing.assert_allclose(F.sigmoid(x, g), 1 / (1 + np.exp(-g * x)), rtol=1e-12)
    np.testing.assert_allclose(
        F.sigmoid_grad(x, g),
        numerical_derivative(lambda t: F.sigmoid(t, g), x),
        rtol=1e-6,
        atol=1e-9,
    )
    assert F.sigmoid_grad(0.0, g) == pytest.approx(g / 4)


def test_known_values():
    assert F.sigmoid(0.0) == 0.5
    assert F.tanh(0.0) == 0.0
    np.testing.assert_array_equal(F.step([-1, 0, 1e-9, 2]), [0, 0, 1, 1])
    np.testing.assert_array_equal(F.relu([-2, 0, 3]), [0, 0, 3])
    np.testing.assert_array_equal(F.relu_grad([-2, 0, 3]), [0, 0, 1])
    np.testing.assert_array_equal(F.step_grad([-2, 0, 3]), [0, 0, 0])
    assert F.tanh_grad(0.0) == 1.0


@pytest.mark.parametrize("dtype", [np.float32, np.float64])
def test_sigmoid_is_stable_for_huge_inputs(dtype):
    x = np.array([-1e4, -800, 0, 800, 1e4], dtype=dtype)
    with warnings.catch_warnings():
        warnings.simplefilter("error")  # an overflow RuntimeWarning fails the test
        y = F.sigmoid(x)
        dy = F.sigmoid_grad(x)
    assert y.dtype == dtype
    np.testing.assert_array_equal(y, np.array([0, 0, 0.5, 1, 1], dtype=dtype))
    np.testing.assert_array_equal(dy, np.array([0, 0, 0.25, 0, 0], dtype=dtype))


def test_dtypes_and_shapes_are_kept():
    x32 = np.zeros((2, 3), dtype=np.float32)
    for name, (f, df) in F.ACTIVATIONS.items():
        assert f(x32).dtype == np.float32, name
        assert df(x32).shape == (2, 3), name
    assert F.relu([1, 2]).dtype == np.float64  # ints become float64


@pytest.mark.parametrize("f", [F.step, F.sigmoid, F.tanh, F.relu, F.relu_grad])
def test_non_numeric_input_is_a_type_error(f):
    with pytest.raises(TypeError, match=r"Expected `x` to be an array of real numbers"):
        f(["a", "b"])


def test_sigmoid_rejects_bad_gain():
    with pytest.raises(ValueError, match=r"Expected `g` > 0. Received: g=0"):
        F.sigmoid(1.0, g=0)
    with pytest.raises(TypeError, match=r"Expected `g` to be a real number. Received: g='2'"):
        F.sigmoid(1.0, g="2")


def test_numerical_derivative_validates_its_step():
    with pytest.raises(ValueError, match=r"Expected `eps` > 0"):
        numerical_derivative(F.tanh, [0.0], eps=-1.0)


def test_tanh_is_a_stretched_sigmoid_as_notebook_01_says():
    x = np.linspace(-4, 4, 17)
    np.testing.assert_allclose(F.tanh(x), 2 * F.sigmoid(2 * x) - 1, atol=1e-12)
    np.testing.assert_allclose(F.sigmoid(x, g=2.0), F.sigmoid(2 * x), rtol=1e-12)
