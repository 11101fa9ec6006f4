import numpy as np
import pytest

from seminar_lib.datasets import logic_gate
from seminar_lib.functions import sigmoid
from seminar_lib.perceptron import Perceptron, formal_neuron


def test_formal_neuron_single_and_batch():
    w, theta = np.array([0.5, 0.5]), 0.7
    assert formal_neuron([1, 1], w, theta) == 1.0
    assert formal_neuron([1, 0], w, theta) == 0.0
    X, y = logic_gate("AND")
    np.testing.assert_array_equal(formal_neuron(X, w, theta), y)
    # another activation: sigmoid of (0.5 + 0.5 - 0.7) = sigmoid(0.3)
    assert formal_neuron([1, 1], w, theta, f=sigmoid) == pytest.approx(1 / (1 + np.exp(-0.3)))


def test_formal_neuron_shape_errors():
    with pytest.raises(
        ValueError, match=r"Expected `w` with 1 dims \(D,\). Received: w.shape=\(2, 1\)"
    ):
        formal_neuron([1, 1], [[1], [1]])
    with pytest.raises(ValueError, match=r"D = len\(w\) = 2. Received: x.shape=\(3,\)"):
        formal_neuron([1, 1, 1], [1, 1])


@pytest.mark.parametrize("gate", ["AND", "OR", "NAND", "NOR"])
@pytest.mark.parametrize("seed", [None, 0, 1, 2])
def test_perceptron_learns_linearly_separable_gates_within_20_epochs(gate, seed):
    X, y = logic_gate(gate)
    rng = None if seed is None else np.random.default_rng(seed)
    p = Perceptron(2, rng=rng).fit(X, y, lr=0.1, num_epochs=20)
    assert p.converged
    assert len(p.history["errors"]) <= 20
    assert p.history["errors"][-1] == 0
    np.testing.assert_array_equal(p.predict(X), y)


def test_perceptron_never_converges_on_xor_and_says_so():
    X, y = logic_gate("XOR")
    p = Perceptron(2).fit(X, y, lr=0.1, num_epochs=50)
    assert not p.converged
    assert len(p.history["errors"]) == 50
    assert p.history["errors"].min() >= 1
    assert (p.predict(X) != y).sum() >= 1
    assert "NOT converged after 50 epochs" in repr(p)


def test_perceptron_history_records_every_epoch_exactly():
    X, y = logic_gate("AND")
    p = Perceptron(2).fit(X, y, lr=0.1, num_epochs=20)
    # Rosenblatt's rule from zero weights, worked out by hand for the first epoch:
    # only (1, 1) is misclassified (target 1, output 0): w = 0.1 * (1, 1), theta = -0.1.
    np.testing.assert_allclose(p.history["w"][0], [0, 0])
    np.testing.assert_allclose(p.history["w"][1], [0.1, 0.1])
    np.testing.assert_allclose(p.history["theta"][:2], [0.0, -0.1])
    assert p.history["errors"].tolist() == [1, 3, 3, 2, 1, 0]
    assert p.history["w"].shape == (7, 2)
    assert p.history["theta"].shape == (7,)
    np.testing.assert_allclose(p.w, [0.2, 0.1])
    assert p.theta == pytest.approx(0.2)


def test_decision_function_and_repr_before_training():
    p = Perceptron(3)
    p.w, p.theta = np.array([1.0, -1.0, 2.0]), 0.5
    np.testing.assert_allclose(p.decision_function([[1, 1, 1], [0, 0, 0]]), [1.5, -0.5])
    np.testing.assert_array_equal(p.predict([[1, 1, 1], [0, 0, 0]]), [1, 0])
    assert repr(Perceptron(2)) == "Perceptron(num_inputs=2, w=[0., 0.], theta=0.000)"


def test_perceptron_bad_input_errors():
    X, y = logic_gate("AND")
    p = Perceptron(2)
    with pytest.raises(
        ValueError, match=r"Expected `X` with 2 dims \(N, D\). Received: X.shape=\(2,\)"
    ):
        p.predict([1, 1])
    with pytest.raises(
        ValueError, match=r"Expected `X` with 2 columns \(N, 2\). Received: X.shape=\(4, 3\)"
    ):
        p.fit(np.ones((4, 3)), y)
    with pytest.raises(ValueError, match=r"Expected `y` with shape \(N,\) = \(4,\)"):
        p.fit(X, y[:3])
    with pytest.raises(ValueError, match=r"Expected `y` to hold 0 or 1 only"):
        p.fit(X, y * 2)
    with pytest.raises(ValueError, match=r"Expected `lr` > 0. Received: lr=-0.1"):
        p.fit(X, y, lr=-0.1)
    with pytest.raises(
        TypeError, match=r"Expected `num_epochs` to be an int. Received: num_epochs=2.5"
    ):
        p.fit(X, y, num_epochs=2.5)
    with pytest.raises(TypeError, match=r"Expected `rng` to be a numpy.random.Generator or None"):
        Perceptron(2, rng=0)
    with pytest.raises(ValueError, match=r"Expected `num_inputs` >= 1. Received: num_inputs=0"):
        Perceptron(0)


def test_fit_does_not_modify_its_inputs():
    X, y = logic_gate("OR")
    X0, y0 = X.copy(), y.copy()
    Perceptron(2).fit(X, y)
    np.testing.assert_array_equal(X, X0)
    np.testing.assert_array_equal(y, y0)
