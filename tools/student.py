"""Student copies: each ``### BEGIN/END SOLUTION`` region becomes a stub (``make student``)."""

from __future__ import annotations

import re
from pathlib import Path

from tools.notebooks import read_notebook, write_notebook

__all__ = ["STUDENT_STUB", "make_student_copy", "student_cell"]

BEGIN_SOLUTION = re.compile(r"^(?P<indent>[ \t]*)### BEGIN SOLUTION[ \t]*$")
END_SOLUTION = re.compile(r"^[ \t]*### END SOLUTION[ \t]*$")
CHECKER_CALL = re.compile(r"\bcheck_\w+\(")
STUDENT_STUB = (
    "# ここにコードを書いてください",
    'raise NotImplementedError("課題: ここを実装してください")',
)


def _student_source(source: str, where: str) -> tuple[str, bool]:
    """Replace each ``### BEGIN/END SOLUTION`` region by the stub; return (source, replaced?)."""
    lines, indent, replaced = [], None, False
    for number, line in enumerate(source.split("\n"), start=1):
        begin = BEGIN_SOLUTION.match(line)
        if begin and indent is not None:
            raise ValueError(f"{where}: nested '### BEGIN SOLUTION' on line {number}")
        if begin:
            indent, replaced = begin["indent"], True
            lines += [indent + stub for stub in STUDENT_STUB]
        elif END_SOLUTION.match(line):
            if indent is None:
                raise ValueError(f"{where}: '### END SOLUTION' without BEGIN on line {number}")
            indent = None
        elif indent is None:
            lines.append(line)
    if indent is not None:
        raise ValueError(f"{where}: '### BEGIN SOLUTION' without '### END SOLUTION'")
    return "\n".join(lines), replaced


def make_student_copy(src, dst) -> Path:
    """Write the student copy of notebook ``src`` to ``dst`` and return ``dst``.

    In code cells each region from a ``### BEGIN SOLUTION`` line to a ``### END SOLUTION`` line
    becomes a comment and ``raise NotImplementedError(...)`` at the indentation of the BEGIN line.
    Cells that held a solution or call a checker (``check_...(``) lose their outputs and
    execution count; other cells keep theirs. Unbalanced markers raise ``ValueError``.
    """
    src, dst = Path(src), Path(dst)
    nb = read_notebook(src)
    for index, cell in enumerate(nb.cells):
        student_cell(cell, f"{src.name}: cell {index}")
    write_notebook(nb, dst)
    return dst


def student_cell(cell, where: str) -> None:
    """Turn one cell into the student's version in place (see :func:`make_student_copy`)."""
    if cell.cell_type != "code":
        return
    cell.source, replaced = _student_source(cell.source, where)
    if replaced or CHECKER_CALL.search(cell.source):
        cell.outputs, cell.execution_count = [], None
