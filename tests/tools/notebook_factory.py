"""Small notebooks for the tests of the course tooling."""

import nbformat
from nbformat.v4 import new_code_cell, new_markdown_cell, new_notebook, new_output

STUB = '# ここにコードを書いてください\nraise NotImplementedError("課題: ここを実装してください")'


def executed(source, text, count):
    """A code cell as the kernel leaves it: ``source`` run as cell ``count``, showing ``text``."""
    cell = new_code_cell(source, execution_count=count)
    cell.outputs = [new_output("execute_result", {"text/plain": text}, execution_count=count)]
    return cell


def write_small_notebook(path):
    """Write a six-cell executed notebook with two solution regions and a checker; return path."""
    nb = new_notebook(
        cells=[
            new_markdown_cell("# 小さなノートブック\n\n$y = f(\\sum_i w_i x_i)$ を計算します。"),
            executed("x = 1\nx", "1", 1),
            executed(
                "def f(x):\n    ### BEGIN SOLUTION\n    y = x + 1\n    return y\n"
                "    ### END SOLUTION\n\n\nf(1)",
                "2",
                2,
            ),
            executed("check_f(f)", "'✅ 正解です！'", 3),
            executed("### BEGIN SOLUTION\nw = 0.5\n### END SOLUTION\nw", "0.5", 4),
            executed("x + 1", "2", 5),
        ]
    )
    for cell in nb.cells:
        cell.metadata["slideshow"] = {"slide_type": "-"}
    nbformat.write(nb, path)
    return path
