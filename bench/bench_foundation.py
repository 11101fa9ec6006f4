"""Measure the foundation's speed targets side by side in one run (issue: session 1).

    .venv/bin/python bench/bench_foundation.py [--repeat 5]

Prints, for each quantity, the median over fresh processes and its ratio to the target
(a ratio below 1.0 meets the target):
- ``import seminar_lib`` (target 0.5 s), next to ``import numpy`` alone for scale;
- ``load_mnist()`` in a fresh process, i.e. decompression and SHA-256 verification (target 1 s);
- execution of notebooks/01_neuron_perceptron.ipynb with the project's execute code path,
  into a temporary copy (target 60 s; run once).
"""

from __future__ import annotations

import argparse
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def time_python(code: str, repeat: int) -> float:
    """Median wall time of ``code`` measured inside fresh interpreters (start-up excluded)."""
    probe = f"import time\nt0 = time.perf_counter()\n{code}\nprint(time.perf_counter() - t0)"
    times = []
    for _ in range(repeat):
        out = subprocess.run(
            [sys.executable, "-c", probe], capture_output=True, text=True, check=True, cwd=ROOT
        )
        times.append(float(out.stdout.split()[-1]))
    return statistics.median(times)


def timed(fn) -> float:
    """Wall time of one call of ``fn``, in seconds."""
    t0 = time.perf_counter()
    fn()
    return time.perf_counter() - t0


def compare(label, ours, theirs, repeat, target=None, unit="s") -> None:
    """Time ``ours`` and ``theirs`` side by side in interleaved rounds after one warm-up call
    each, and print one row: the fastest times (in ``unit``, "s" or "ms"), "best" (ratio of the
    fastest times, the ``timeit`` convention), "median" (median of the per-round ratios) and,
    with ``target``, whether best <= target."""
    scale = {"s": 1.0, "ms": 1e3}[unit]
    first = timed(ours), timed(theirs)  # warm-up: graph tracing, caches
    rounds = [(timed(ours), timed(theirs)) for _ in range(repeat)]
    t_ours, t_theirs = [r[0] for r in rounds], [r[1] for r in rounds]
    best = min(t_ours) / min(t_theirs)
    median = statistics.median(a / b for a, b in rounds)
    goal = f"target <= {target}x: {'met' if best <= target else 'not met'}" if target else ""
    print(
        f"{label:<34}{min(t_ours) * scale:9.3f}{min(t_theirs) * scale:9.3f}{best:8.2f}"
        f"{median:8.2f}   {goal:<22}"
        f"(warm-up {first[0] * scale:.1f} / {first[1] * scale:.1f} {unit})"
    )


def time_notebook(name: str) -> float:
    with tempfile.TemporaryDirectory() as tmp:
        copy = Path(tmp) / name
        shutil.copy(ROOT / "notebooks" / name, copy)
        t0 = time.perf_counter()
        # `make execute`'s code path; tools/ runs from the checkout (it is not installed).
        command = [sys.executable, "-m", "tools", "execute", str(copy)]
        subprocess.run(command, cwd=ROOT, check=True, capture_output=True)
        return time.perf_counter() - t0


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=5)
    parser.add_argument("--skip-notebook", action="store_true")
    args = parser.parse_args()

    rows = [
        ("import numpy (for scale)", time_python("import numpy", args.repeat), None),
        ("import seminar_lib", time_python("import seminar_lib", args.repeat), 0.5),
        (
            "load_mnist() cold",
            time_python("from seminar_lib.datasets import load_mnist\nload_mnist()", args.repeat),
            1.0,
        ),
    ]
    if not args.skip_notebook:
        rows.append(
            ("execute 01_neuron_perceptron", time_notebook("01_neuron_perceptron.ipynb"), 60.0)
        )
    print(f"{'what':32s} {'seconds':>9s} {'target':>8s} {'ratio':>7s}")
    for what, seconds, target in rows:
        ratio = f"{seconds / target:7.3f}" if target else "      -"
        tgt = f"{target:8.1f}" if target else "       -"
        print(f"{what:32s} {seconds:9.3f} {tgt} {ratio}")


if __name__ == "__main__":
    main()
