"""The in-lab competition (session 5, 大会): a Kaggle-style contest on one machine.

============================  ==============================================================
module                        holds
============================  ==============================================================
``contest.config``            the definition file (TOML): ``load_config``, ``ContestConfig``
``contest.submission``        the CSV format, checked with Japanese messages:
                              ``validate_submission``, ``write_submission``,
                              ``read_student_pack``
``contest.scoring``           the metrics: ``accuracy``, ``macro_f1``
``contest.leaderboard``       public and final (private) rankings as on Kaggle
``contest.store``             the SQLite database (WAL, one transaction per submission)
``contest.contest``           ``Contest``: one organiser folder (validate, score, store, show)
``contest.organizer``         ``init_contest``: the folder, the answer key, the student pack
``contest.rules``             the rules in Japanese
``contest.server``            the FastAPI server and its pages (optional dependencies)
``contest.client``            ``submit``, ``fetch_leaderboard``, ``fetch_history`` for notebooks
``contest.codabench``         ``export_codabench``: the same contest for Codabench
``contest.cli``               ``python -m seminar_lib.contest init | serve | reveal | ...``
============================  ==============================================================

Importing this package needs NumPy only; the server's FastAPI and uvicorn are imported by
``contest.server`` alone.
"""

from seminar_lib.contest.client import ServerError, fetch_history, fetch_leaderboard, submit
from seminar_lib.contest.config import ContestConfig, load_config
from seminar_lib.contest.scoring import accuracy, macro_f1
from seminar_lib.contest.submission import (
    SubmissionError,
    read_student_pack,
    submission_csv,
    validate_submission,
    write_submission,
)

__all__ = [
    "ContestConfig",
    "ServerError",
    "SubmissionError",
    "accuracy",
    "fetch_history",
    "fetch_leaderboard",
    "load_config",
    "macro_f1",
    "read_student_pack",
    "submission_csv",
    "submit",
    "validate_submission",
    "write_submission",
]
