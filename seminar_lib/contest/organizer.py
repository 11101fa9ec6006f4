"""``init``: a new contest folder from a definition file, and new tokens for lost ones.

The test images of the chosen dataset are shuffled with the definition's seed and numbered
1..N (the new ids); the same seed draws the public part. The answer key stays in the
organiser's folder; the student pack (``student/``) holds the images, their ids, a sample
submission and the rules, and nothing else.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import os
import secrets
from pathlib import Path

import numpy as np

from seminar_lib.contest.config import ContestConfig, load_config
from seminar_lib.contest.contest import (
    CONFIG_FILE,
    DATABASE_FILE,
    SOLUTION_FILE,
    STUDENT_DIR,
    solution_csv,
)
from seminar_lib.contest.rules import rules_markdown
from seminar_lib.contest.store import Store, hash_token
from seminar_lib.contest.submission import submission_csv

__all__ = ["init_contest", "new_team_token", "new_token", "test_split"]


def new_token() -> str:
    """A random token of 128 bits (22 URL-safe characters)."""
    return secrets.token_urlsafe(16)


def test_split(config: ContestConfig) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """``ids`` (N,), ``images`` (N, 28, 28) uint8, ``labels`` (N,) and ``public`` (N,) bool:
    the dataset's test split shuffled with ``config.seed`` and numbered 1..N."""
    if config.seed is None:
        raise ValueError("Expected a `seed` in the config. Received: seed=None")
    from seminar_lib.datasets import load_fashion_mnist, load_mnist

    loader = {"fashion-mnist": load_fashion_mnist, "mnist": load_mnist}[config.dataset]
    _, (x_test, y_test) = loader()  # (N, 28, 28) uint8, (N,) uint8
    rng = np.random.default_rng(config.seed)
    order = rng.permutation(len(x_test))
    public = np.zeros(len(x_test), dtype=bool)
    num_public = round(config.public_fraction * len(x_test))
    if not 0 < num_public < len(x_test):
        raise ValueError(
            f"Expected `public_fraction` to leave at least one public and one private image of "
            f"{len(x_test)}. Received: public_fraction={config.public_fraction}"
        )
    public[rng.choice(len(x_test), size=num_public, replace=False)] = True
    ids = np.arange(1, len(x_test) + 1, dtype=np.int64)
    return ids, x_test[order], y_test[order].astype(np.int64), public


def _write_private(path: Path, text: str) -> None:
    """Write ``text`` to a new file that only its owner may read (mode 0600)."""
    with open(
        os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600), "w", encoding="utf-8"
    ) as f:
        f.write(text)


def init_contest(definition, folder) -> tuple[dict[str, str], str]:
    """Write a new contest folder from a definition file (TOML).

    Returns ``(team_tokens, organizer_token)``: the tokens in clear, shown to the organiser
    once; only their hashes are stored.

    Raises
    ------
    FileExistsError
        ``folder`` exists and is not empty (a running contest is never overwritten).
    """
    config = load_config(definition)
    if config.deadline is not None and config.deadline <= dt.datetime.now(dt.UTC):
        raise ValueError(
            f"{definition}: Expected a `deadline` in the future. Received: "
            f"deadline={config.deadline.replace(tzinfo=None).isoformat()} ({config.timezone})"
        )
    if config.seed is None:  # a secret seed: the key cannot be rebuilt from the definition
        config = dataclasses.replace(config, seed=secrets.randbits(63))  # TOML's integers: 64 bits
    folder = Path(folder)
    if folder.exists() and any(folder.iterdir()):
        raise FileExistsError(
            f"{folder} already exists and is not empty; choose a new folder "
            "(a contest folder is never overwritten)."
        )
    ids, images, labels, public = test_split(config)
    student = folder / STUDENT_DIR
    student.mkdir(parents=True)
    folder.chmod(0o700)  # the key, the seed and the private scores: the organiser's eyes only
    _write_private(folder / CONFIG_FILE, config.to_toml())
    _write_private(folder / SOLUTION_FILE, solution_csv(ids, labels, public))
    team_tokens = {team: new_token() for team in config.teams}
    organizer_token = new_token()
    Store(folder / DATABASE_FILE).create(
        {team: hash_token(t) for team, t in team_tokens.items()}, hash_token(organizer_token)
    )
    np.savez_compressed(student / "test_images.npz", ids=ids, images=images)
    sample = submission_csv(ids, np.zeros(len(ids), dtype=np.int64))
    (student / "sample_submission.csv").write_text(sample, encoding="utf-8")
    (student / "README.md").write_text(rules_markdown(config, len(ids)), encoding="utf-8")
    return team_tokens, organizer_token


def new_team_token(folder, team: str) -> str:
    """Replace a team's token (the old one stops working) and return the new one."""
    token = new_token()
    try:
        Store(Path(folder) / DATABASE_FILE).set_team_token(team, hash_token(token))
    except KeyError:
        teams = [t["name"] for t in Store(Path(folder) / DATABASE_FILE).teams()]
        raise ValueError(f"Expected one of the teams {teams}. Received: team={team!r}") from None
    return token
