"""``python -m seminar_lib.contest``: the organiser's command line (seminar_lib.contest.cli)."""

import sys

from seminar_lib.contest.cli import main

if __name__ == "__main__":
    sys.exit(main())
