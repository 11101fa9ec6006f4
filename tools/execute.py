"""Re-execute a notebook in place, deterministically (``make execute``)."""

from __future__ import annotations

import os
import time
from pathlib import Path

from tools.notebooks import notebook_problems, read_notebook, stable_widget_ids, write_notebook

__all__ = ["CELL_TIMEOUT_S", "KERNEL_ENVIRONMENT", "coalesce_streams", "execute_notebook"]

#: Environment of the kernel in :func:`execute_notebook`; the Makefile's ``NB_ENV`` gives nbval
#: the same.
KERNEL_ENVIRONMENT = {
    "PYTHONHASHSEED": "0",
    "SEMINAR_VERBOSE": "2",  # the default of fit(verbose=...): one line per epoch, no live bar
    "TF_ENABLE_ONEDNN_OPTS": "0",
    "TF_CPP_MIN_LOG_LEVEL": "2",
}
CELL_TIMEOUT_S = 1800


def _encryption_options() -> dict:
    """Ask for an encrypted kernel connection where pyzmq can do it; ipykernel 7.3+ warns on
    every start of a kernel over plain TCP, which would otherwise clutter `make execute`."""
    import zmq
    from jupyter_client.manager import KernelManager

    if zmq.has("curve") and hasattr(KernelManager, "transport_encryption"):
        return {"transport_encryption": "auto"}
    return {}


def coalesce_streams(outputs: list) -> list:
    """Merge consecutive stream outputs of one name (stdout, stdout -> one stdout).

    How the kernel splits printed text into messages depends on timing (a busy machine sends
    more, smaller ones); merged, the stored notebook is the same on every run."""
    merged = []
    for out in outputs:
        previous = merged[-1] if merged else None
        if (
            out.get("output_type") == "stream"
            and previous is not None
            and previous.get("output_type") == "stream"
            and previous.get("name") == out.get("name")
        ):
            previous["text"] = "".join(previous["text"]) + "".join(out["text"])
        else:
            merged.append(out)
    return merged


def execute_notebook(path) -> float:
    """Re-execute the notebook at ``path`` in place, deterministically; return the wall time in s.

    The kernel (``python3``) runs in the notebook's folder with :data:`KERNEL_ENVIRONMENT` and
    matplotlib's inline backend. Timing metadata is not stored, so a rerun changes only what
    the code prints. Raises ``RuntimeError`` when a cell fails or
    :func:`~tools.notebooks.notebook_problems` finds anything; the notebook is then left unchanged.
    """
    from nbclient import NotebookClient
    from nbclient.exceptions import CellExecutionError

    path = Path(path)
    nb = read_notebook(path)
    env = {**os.environ, **KERNEL_ENVIRONMENT}
    env.pop("MPLBACKEND", None)  # the kernel's default, inline, stores figures as outputs
    client = NotebookClient(
        nb,
        timeout=CELL_TIMEOUT_S,
        kernel_name="python3",
        record_timing=False,
        resources={"metadata": {"path": str(path.parent.resolve())}},
    )
    start = time.perf_counter()
    try:
        client.execute(cwd=str(path.parent.resolve()), env=env, **_encryption_options())
    except CellExecutionError as error:
        raise RuntimeError(f"{path}: a cell failed; the notebook is unchanged.\n{error}") from None
    seconds = time.perf_counter() - start
    for cell in nb.cells:
        cell.metadata.pop("execution", None)
        if cell.cell_type == "code":
            cell.outputs = coalesce_streams(cell.outputs)
    nb = stable_widget_ids(nb, path.stem)
    problems = notebook_problems(nb)
    if problems:
        raise RuntimeError(f"{path}: not written, because\n- " + "\n- ".join(problems))
    write_notebook(nb, path)
    return seconds
