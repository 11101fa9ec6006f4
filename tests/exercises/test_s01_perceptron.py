"""Tests of seminar_lib.exercises.s01_perceptron and of its notebook
01_neuron_perceptron.ipynb.
"""

import numpy as np
import pytest
from notebook_checks import assert_every_checker_passes, checker_cells

from seminar_lib.exercises.s01_perceptron import (
    check_gate_weights,
    check_perceptron,
    check_perceptron_epoch,
    check_tanh_grad,
    check_xnor,
    check_xor,
)
from seminar_lib.functions import sigmoid, sigmoid_grad


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

    for checker in (check_perceptron, check_tanh_grad, check_xor):
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


def f2(x):
    return sigmoid(x, 2.0)  # f(2X), the sigmoid of the identity tanh X = 2 f(2X) - 1


@pytest.mark.parametrize(
    "answer",
    [
        lambda x: 4 * f2(x) * (1 - f2(x)),  # the derivation
        lambda x: 2 * sigmoid_grad(x, 2.0),  # the same with the gain formula
        lambda x: (4 * f2(x) * (1 - f2(x))).astype(np.float32),  # float32 is fine
    ],
)
def test_check_tanh_grad_passes_every_correct_form(answer):
    fb = check_tanh_grad(answer)
    assert fb.passed and "数値微分と一致" in fb.message


@pytest.mark.parametrize(
    ("answer", "hint"),
    [
        (lambda x: 2 * f2(x) * (1 - f2(x)), "ちょうど半分"),  # inner derivative forgotten
        (lambda x: sigmoid_grad(x, 2.0), "ちょうど半分"),  # outer 2 forgotten
        (lambda x: f2(x) * (1 - f2(x)), "1/4"),  # both forgotten
        (lambda x: 4 * sigmoid_grad(x, 2.0), "二重に掛けて"),  # gain counted twice
        (lambda x: 4 * sigmoid(x) * (1 - sigmoid(x)), "f(X) を使っています"),
        (lambda x: np.tanh(x), "tanh そのもの"),
        (lambda x: 2 * f2(x) - 1, "tanh そのもの"),  # the identity itself
        (lambda x: -4 * f2(x) * (1 - f2(x)), "符号が逆"),
        (f2, "f(2X) そのもの"),
    ],
)
def test_check_tanh_grad_names_the_typical_mistake(answer, hint):
    fb = check_tanh_grad(answer)
    assert not fb.passed and hint in fb.message


def textbook_tanh_grad(X):
    return 1 - np.tanh(X) ** 2


def library_tanh_grad(X):
    from seminar_lib import functions as F

    return F.tanh_grad(X)


@pytest.mark.parametrize(
    "answer",
    [textbook_tanh_grad, library_tanh_grad, lambda x: 1 - np.tanh(x) ** 2],
)
def test_check_tanh_grad_rejects_tanh_in_the_source(answer):
    fb = check_tanh_grad(answer)
    assert not fb.passed and "np.tanh / tanh_grad を使わずに" in fb.message


def test_check_tanh_grad_reads_the_code_not_the_source_file():
    exec_namespace = {"f2": f2, "np": np}  # exec: no source file to read
    exec("def my_tanh_grad(x):\n    return 4 * f2(x) * (1 - f2(x))", exec_namespace)
    assert check_tanh_grad(exec_namespace["my_tanh_grad"]).passed
    exec("def via_tanh(x):\n    return 1 - np.tanh(x) ** 2", exec_namespace)
    fb = check_tanh_grad(exec_namespace["via_tanh"])
    assert not fb.passed and "np.tanh / tanh_grad を使わずに" in fb.message


def test_check_tanh_grad_sees_tanh_in_a_nested_function():
    def nested(x):
        def inner(u):
            return 1 - np.tanh(u) ** 2

        return inner(x)

    assert not check_tanh_grad(nested).passed


def test_check_tanh_grad_bad_answers():
    shape = check_tanh_grad(lambda x: 1.0)
    assert not shape.passed and "同じ形 (13,)" in shape.message
    text = check_tanh_grad(lambda x: "tanh")
    assert not text.passed and "数の配列で返して" in text.message
    none = check_tanh_grad(lambda x: None)
    assert not none.passed and "return を書き忘れて" in none.message
    other = check_tanh_grad(lambda x: 1 - np.tanh(x) ** 2 + (x > 2.9))
    assert not other.passed and "X=3 で 0.009866（数値微分）" in other.message
    error = check_tanh_grad(lambda x: x.nonexistent)
    assert not error.passed and "AttributeError" in error.message


def test_check_xor():
    assert check_xor(lambda a, b: int(a != b)).passed
    fb = check_xor(lambda a, b: int(a or b))
    assert not fb.passed and "入力 (1, 1) で 0 になるはずが 1" in fb.message
    assert "0 か 1 を返して" in check_xor(lambda a, b: "x").message


def test_check_xnor():
    assert check_xnor(lambda a, b: int(a == b)).passed
    fb = check_xnor(lambda a, b: int(a != b))
    assert not fb.passed and "入力 (0, 0) で 1 になるはずが 0" in fb.message
    assert "AND と NOR" in fb.message
    assert "0 か 1 を返して" in check_xnor(lambda a, b: None).message


def good_epoch(X, y, w, theta, lr):
    num_errors = 0
    for x_n, t in zip(X, y, strict=True):
        delta = t - int(x_n @ w - theta > 0)
        if delta != 0:
            num_errors += 1
            w = w + lr * delta * x_n
            theta = theta - lr * delta
    return w, theta, num_errors


def make_epoch(fired=lambda u: u > 0, theta_sign=-1, use_x=True, batch=False, count=1):
    def epoch(X, y, w, theta, lr):
        num_errors, dw, dtheta = 0, np.zeros_like(w), 0.0
        for x_n, t in zip(X, y, strict=True):
            delta = t - int(fired(x_n @ w - theta))
            if delta != 0:
                num_errors += count
                step_w = lr * delta * (x_n if use_x else 1.0)
                step_theta = theta_sign * lr * delta
                if batch:
                    dw, dtheta = dw + step_w, dtheta + step_theta
                else:
                    w, theta = w + step_w, theta + step_theta
        return w + dw, theta + dtheta, num_errors

    return epoch


def test_check_perceptron_epoch_passes_the_reference():
    assert check_perceptron_epoch(good_epoch).passed
    assert check_perceptron_epoch(make_epoch()).passed


@pytest.mark.parametrize(
    ("answer", "hint"),
    [
        (make_epoch(theta_sign=+1), "符号が逆"),
        (make_epoch(fired=lambda u: u >= 0), ">= ではなく >"),
        (make_epoch(use_x=False), "x_i を掛け忘れ"),
        (make_epoch(batch=True), "例を 1 つ見るたびに"),
        (make_epoch(count=2), "誤った数が 1 のはずが 2"),
    ],
)
def test_check_perceptron_epoch_names_the_typical_mistake(answer, hint):
    fb = check_perceptron_epoch(answer)
    assert not fb.passed and hint in fb.message


def test_check_perceptron_epoch_bad_answers():
    def stub(X, y, w, theta, lr):
        raise NotImplementedError

    assert "まだ実装されていません" in check_perceptron_epoch(stub).message
    assert "組 (tuple) で返して" in check_perceptron_epoch(lambda *a: a[2]).message
    text = check_perceptron_epoch(lambda X, y, w, theta, lr: ("a", theta, 0))
    assert not text.passed and "数の配列" in text.message
    other = check_perceptron_epoch(lambda X, y, w, theta, lr: (w + 1, theta, 0))
    assert not other.passed and "AND のエポック 1" in other.message


def test_check_gate_weights_rejects_unknown_gate():
    with pytest.raises(ValueError, match="Unknown logic gate 'XNOR'"):
        check_gate_weights("XNOR", 1, 1, 1)


def test_every_checker_passes_in_the_instructor_notebook():
    assert_every_checker_passes("01_neuron_perceptron.ipynb")


def test_notebook_01_has_at_least_three_checked_exercises():
    assert len(checker_cells("01_neuron_perceptron.ipynb")) >= 3
