"""Toy data: the truth tables of the logic gates."""

import numpy as np
import pytest

from seminar_lib.datasets import logic_gate


@pytest.mark.parametrize(
    ("name", "expected"),
    [
        ("AND", [0, 0, 0, 1]),
        ("or", [0, 1, 1, 1]),
        ("NAND", [1, 1, 1, 0]),
        ("XOR", [0, 1, 1, 0]),
        ("NOR", [1, 0, 0, 0]),
    ],
)
def test_logic_gate(name, expected):
    X, y = logic_gate(name)
    assert X.shape == (4, 2) and y.shape == (4,)
    np.testing.assert_array_equal(X, [[0, 0], [0, 1], [1, 0], [1, 1]])
    assert y.tolist() == expected


def test_logic_gate_errors():
    with pytest.raises(
        ValueError, match=r"Unknown logic gate 'XNOR'. Expected one of: AND, OR, NAND, NOR, XOR."
    ):
        logic_gate("XNOR")
    with pytest.raises(
        TypeError, match=r"Expected `name` to be a str such as 'AND'. Received: name=1"
    ):
        logic_gate(1)
