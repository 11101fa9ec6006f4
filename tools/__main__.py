"""Command line of the course tooling: ``python -m tools COMMAND`` (see :mod:`tools`)."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

import tools
from tools.corpus import write_corpus
from tools.execute import execute_notebook
from tools.notebooks import BUILD_DIR, NOTEBOOK_DIR, list_notebooks
from tools.slidefit import check_notebook, format_reports
from tools.slides import make_slides
from tools.student import make_student_copy


def main(argv=None) -> int:
    """Command line entry point; see the docstring of :mod:`tools`."""
    argv = sys.argv[1:] if argv is None else list(argv)
    if argv and argv[0] in ("lab", "start"):  # the rest of the line goes to JupyterLab
        from tools.lab import main as lab_main

        return lab_main(argv)
    parser = argparse.ArgumentParser(
        prog="python -m tools", description=tools.__doc__.split("\n")[0]
    )
    parser.add_argument(
        "command",
        choices=["execute", "student", "slides", "slidefit", "site", "handout", "corpus"],
    )
    parser.add_argument("notebooks", nargs="*", metavar="NOTEBOOK", help="default: all")
    parser.add_argument(
        "--out", type=Path, help="folder for student/slides/slidefit (default build/...)"
    )
    parser.add_argument(
        "--screenshots", action="store_true", help="slidefit: one PNG per slide in OUT/NOTEBOOK/"
    )
    args = parser.parse_args(argv)
    if args.command == "execute" and args.out is not None:
        parser.error("execute writes the notebooks in place; --out is for student and slides")
    if args.screenshots and args.command != "slidefit":
        parser.error("--screenshots is for slidefit")
    if args.command == "corpus":
        if args.notebooks or args.out is not None:
            parser.error("corpus always reads CORPUS_NOTEBOOKS and writes CORPUS_PATH")
        print(write_corpus())
        return 0
    if args.command in ("site", "handout"):
        return _site_or_handout(args.command, args.notebooks, args.out or BUILD_DIR / args.command)
    notebooks = list_notebooks(args.notebooks)
    if not notebooks:
        parser.error(f"no notebooks found in {NOTEBOOK_DIR}")
    out = args.out or BUILD_DIR / args.command
    if args.command == "slidefit":
        reports = []
        for path in notebooks:
            print(f"{path.name}: measuring the slides ...", flush=True)
            reports.append(check_notebook(path, out, screenshots=args.screenshots))
        print(format_reports(reports))
        return 1 if any(r.too_tall for r in reports) else 0  # small text is reported only
    for path in notebooks:
        if args.command == "execute":
            print(f"{path.name}: executing ...", flush=True)
            print(f"{path.name}: executed in {execute_notebook(path):.1f} s", flush=True)
        elif args.command == "student":
            print(f"{path.name} -> {make_student_copy(path, out / path.name)}")
        else:
            print(f"{path.name} -> {make_slides(path, out)}")
    return 0


def _site_or_handout(command: str, notebooks, out: Path) -> int:
    """``site``: the course site in OUT; ``handout``: the two zips in OUT (all notebooks)."""
    if command == "site":
        from tools.site import build_site

        print(f"course site -> {build_site(out, notebooks or None)}")
        return 0
    from tools.handout import make_handouts

    for path in make_handouts(out, notebooks or None):
        print(f"{path} ({path.stat().st_size / 2**20:.1f} MiB)")
    return 0


if __name__ == "__main__":
    try:
        sys.exit(main())
    except ModuleNotFoundError as error:
        hint = "install the tooling with `pip install -e '.[tools]'` (part of make setup)"
        print(f"error: {error}: {hint}", file=sys.stderr)
        sys.exit(1)
    except (RuntimeError, ValueError, FileNotFoundError) as error:
        print(f"error: {error}", file=sys.stderr)
        sys.exit(1)
