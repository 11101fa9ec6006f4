"""Helpers of the contest tests: a contest folder with its tokens."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from seminar_lib.contest.organizer import init_contest

TEAMS = ["チームA", "チームB", "<script>alert(1)</script>", "深層学習研"]


@dataclass
class Folder:
    path: Path
    tokens: dict[str, str]  # team name -> token
    organizer: str


def write_definition(path: Path, teams=TEAMS, **keys) -> Path:
    lines = [f"{key} = {value!r}".replace("'", '"') for key, value in keys.items()]
    lines.append("teams = [" + ", ".join(f'"{t}"' for t in teams) + "]")
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


def make_contest(tmp_path: Path, name: str = "contest", teams=TEAMS, **keys) -> Folder:
    definition = write_definition(tmp_path / f"{name}.toml", teams, **keys)
    tokens, organizer = init_contest(definition, tmp_path / name)
    return Folder(tmp_path / name, tokens, organizer)
