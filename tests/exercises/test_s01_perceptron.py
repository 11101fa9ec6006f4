"""Tests of seminar_lib.exercises.s01_perceptron and of its notebook
01_neuron_perceptron.ipynb.
"""

import numpy as np
import pytest
from notebook_checks import assert_every_checker_passes, checker_cells

from seminar_lib.exercises.s01_perceptron import (
    check_gate_weights,
    check_perceptron,
    check_sigmoid_grad,
    check_xor,
)
from seminar_lib.functions import sigmoid


def good_perceptron(x1, x2, w1, w2, theta):
    return np.where(w1 * x1 + w2 * x2 - theta > 0, 1, 0)


def test_check_perceptron():
    assert check_perceptron(good_perceptron).passed
    ge = check_perceptron(lambda x1, x2, w1, w2, t: np.where(w1 * x1 + w2 * x2 - t >= 0, 1, 0))
    assert not ge.passed and "しきい値ちょうど" in ge.message
    scalar_only = check_perceptron(lambda x1, x2, w1, w2, t: 1 if w1 * x1 + w2 * x2 - t > 0 else 0)
    assert not scalar_only.passed and "ValueError" in scalar_only.message  # `if` on an array
    wrong_shape = check_perceptron(
        lambda x1, x2, w1, w2, t: np.sum(good_perceptron(x1, x2, w1, w2, t))
    )
    assert not wrong_shape.passed and "同じ形の配列" in wrong_shape.message
    sign = check_perceptron(lambda x1, x2, w1, w2, t: good_perceptron(x1, x2, w1, w2, -t))
    assert not sign.passed and "になるはずが" in sign.message


def test_checkers_report_not_implemented_and_non_callables():
    def stub(*args):
        raise NotImplementedError("課題")

    for checker in (check_perceptron, check_sigmoid_grad, check_xor):
        fb = checker(stub)
        assert not fb.passed and "まだ実装されていません" in fb.message
        assert "関数を渡してください" in checker(42).message


def test_check_gate_weights():
    assert check_gate_weights("NOR", -1, -1, -0.5).passed
    assert check_gate_weights("AND", 0.5, 0.5, 0.7).passed
    fb = check_gate_weights("NOR", 1, 1, 0.5)
    assert not fb.passed and "(0, 0) -> 0 (正しくは 1)" in fb.message
    xor = check_gate_weights("xor", 1, 1, 0.5)
    assert not xor.passed and "1 つのニューロンでは作れません" in xor.message
    assert "数を入れてください" in check_gate_weights("OR", "a", 1, 0).message


def test_check_sigmoid_grad():
    assert check_sigmoid_grad(lambda x, g: g * sigmoid(x, g) * (1 - sigmoid(x, g))).passed
    no_gain = check_sigmoid_grad(lambda x, g: sigmoid(x, g) * (1 - sigmoid(x, g)))
    assert not no_gain.passed and "ゲイン g を掛け忘れて" in no_gain.message
    itself = check_sigmoid_grad(lambda x, g: sigmoid(x, g))
    assert not itself.passed and "そのもの" in itself.message
    shape = check_sigmoid_grad(lambda x, g: 0.25)
    assert not shape.passed and "同じ形 (11,)" in shape.message
    other = check_sigmoid_grad(lambda x, g: g * sigmoid(x, g) * (1 - sigmoid(x, g)) + (x > 4))
    assert not other.passed and "X=5" in other.message


def test_check_xor():
    assert check_xor(lambda a, b: int(a != b)).passed
    fb = check_xor(lambda a, b: int(a or b))
    assert not fb.passed and "入力 (1, 1) で 0 になるはずが 1" in fb.message
    assert "0 か 1 を返して" in check_xor(lambda a, b: "x").message


def test_check_gate_weights_rejects_unknown_gate():
    with pytest.raises(ValueError, match="Unknown logic gate 'XNOR'"):
        check_gate_weights("XNOR", 1, 1, 1)


def test_every_checker_passes_in_the_instructor_notebook():
    assert_every_checker_passes("01_neuron_perceptron.ipynb")


def test_notebook_01_has_at_least_three_checked_exercises():
    assert len(checker_cells("01_neuron_perceptron.ipynb")) >= 3
