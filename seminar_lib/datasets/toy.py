"""Toy data: the truth tables of two-input logic gates (sessions 1 and 2)."""

from __future__ import annotations

import numpy as np

__all__ = ["LOGIC_GATES", "logic_gate"]

#: Truth tables of the logic gates, for inputs (0, 0), (0, 1), (1, 0), (1, 1).
LOGIC_GATES = {
    "AND": (0, 0, 0, 1),
    "OR": (0, 1, 1, 1),
    "NAND": (1, 1, 1, 0),
    "NOR": (1, 0, 0, 0),
    "XOR": (0, 1, 1, 0),
}


def logic_gate(name: str):
    """Inputs and outputs of a two-input logic gate.

    Parameters
    ----------
    name : str
        One of ``"AND"``, ``"OR"``, ``"NAND"``, ``"NOR"``, ``"XOR"`` (case-insensitive).

    Returns
    -------
    X : ndarray of shape (4, 2), float64
        The inputs (0, 0), (0, 1), (1, 0), (1, 1).
    y : ndarray of shape (4,), int64
        The gate's output for each row of ``X``.
    """
    if not isinstance(name, str):
        raise TypeError(f"Expected `name` to be a str such as 'AND'. Received: name={name!r}")
    key = name.strip().upper()
    if key not in LOGIC_GATES:
        raise ValueError(f"Unknown logic gate {name!r}. Expected one of: {', '.join(LOGIC_GATES)}.")
    X = np.array([[0, 0], [0, 1], [1, 0], [1, 1]], dtype=np.float64)  # (4, 2)
    y = np.array(LOGIC_GATES[key], dtype=np.int64)  # (4,)
    return X, y
