"""The contest definition: a TOML file read into :class:`ContestConfig`, with seminar defaults.

Only ``teams`` is required; everything else has a default that works for a lab afternoon.
``seed`` (it shuffles the ids and draws the public/private split) is left out on purpose: ``init``
then draws a random one and writes it only into the organiser's copy, because anyone who knows
the seed can rebuild the answer key with this library. An example::

    title = "第5回 大会: Fashion-MNIST 画像分類"
    dataset = "fashion-mnist"      # the test images of data/fashion-mnist ("mnist" also works)
    metric = "accuracy"            # or "macro_f1"
    public_fraction = 0.3          # share of the test images on the public leaderboard
    daily_limit = 10               # accepted submissions per team and calendar day
    max_final = 2                  # submissions a team may mark as final
    # deadline = 2026-12-09T18:00:00  # local time in `timezone`; none: `reveal` closes
    timezone = "Asia/Tokyo"
    max_upload_kb = 1024           # size limit of one CSV
    teams = ["チームA", "チームB"]
"""

from __future__ import annotations

import datetime as dt
import json
import tomllib
import unicodedata
from dataclasses import dataclass, field
from pathlib import Path
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

__all__ = ["DATASETS", "METRICS", "ContestConfig", "config_from_dict", "load_config"]

# The datasets a contest can use: the test split of a verified loader in seminar_lib.datasets.
DATASETS = ("fashion-mnist", "mnist")
METRICS = ("accuracy", "macro_f1")
MAX_TEAM_NAME = 40
MAX_TEAMS = 200


@dataclass(frozen=True)
class ContestConfig:
    """A validated contest definition (see the module docstring for the TOML keys)."""

    teams: tuple[str, ...]
    title: str = "第5回 大会: Fashion-MNIST 画像分類"
    dataset: str = "fashion-mnist"
    metric: str = "accuracy"
    public_fraction: float = 0.3
    seed: int | None = None  # None: `init` draws one (see the module docstring)
    daily_limit: int = 10
    max_final: int = 2
    deadline: dt.datetime | None = None  # aware, in `timezone`
    timezone: str = "Asia/Tokyo"
    max_upload_kb: int = 1024
    num_classes: int = field(default=10, init=False)

    @property
    def tz(self) -> ZoneInfo:
        return ZoneInfo(self.timezone)

    @property
    def max_upload_bytes(self) -> int:
        return self.max_upload_kb * 1024

    def to_toml(self) -> str:
        """The definition as TOML text (read back by :func:`load_config` to the same config)."""
        lines = [
            f"title = {_toml_str(self.title)}",
            f"dataset = {_toml_str(self.dataset)}",
            f"metric = {_toml_str(self.metric)}",
            f"public_fraction = {self.public_fraction!r}",
            f"daily_limit = {self.daily_limit}",
            f"max_final = {self.max_final}",
        ]
        if self.seed is not None:
            lines.append(f"seed = {self.seed}")
        if self.deadline is not None:
            lines.append(f"deadline = {self.deadline.replace(tzinfo=None).isoformat()}")
        lines += [
            f"timezone = {_toml_str(self.timezone)}",
            f"max_upload_kb = {self.max_upload_kb}",
            "teams = [" + ", ".join(_toml_str(t) for t in self.teams) + "]",
        ]
        return "\n".join(lines) + "\n"


def _toml_str(s: str) -> str:
    """A TOML basic string (JSON's escapes are TOML's, control characters included)."""
    return json.dumps(s, ensure_ascii=False)


def load_config(path) -> ContestConfig:
    """Read and validate a contest definition file (TOML).

    Raises
    ------
    FileNotFoundError
        The file does not exist.
    ValueError
        The TOML is malformed or a value is out of range; the message names the key.
    """
    path = Path(path)
    if not path.is_file():
        raise FileNotFoundError(f"Contest definition not found: {path}")
    try:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
    except (tomllib.TOMLDecodeError, UnicodeDecodeError) as err:
        raise ValueError(f"{path}: not a valid UTF-8 TOML file ({err})") from None
    return config_from_dict(data, source=str(path))


def config_from_dict(data: dict, source: str = "contest definition") -> ContestConfig:
    """Validate a parsed definition (the dict :mod:`tomllib` returns) into a ContestConfig."""
    known = {f for f in ContestConfig.__dataclass_fields__ if f != "num_classes"}
    unknown = sorted(set(data) - known)
    if unknown:
        raise ValueError(f"{source}: unknown keys {unknown}. Known keys: {sorted(known)}")
    if "teams" not in data:
        raise ValueError(f'{source}: Expected `teams`, a list of team names: teams = ["A", "B"]')
    kwargs = dict(data)
    kwargs["teams"] = _check_teams(data["teams"], source)
    for key in ("title", "dataset", "metric", "timezone"):
        if key in data and not (isinstance(data[key], str) and data[key].strip()):
            received = f"{key}={data[key]!r}"
            raise ValueError(
                f"{source}: Expected `{key}` to be a non-empty string. Received: {received}"
            )
        if key in data and _has_control(data[key]):
            raise ValueError(f"{source}: `{key}` contains a control character: {data[key]!r}")
    if kwargs.get("dataset", "fashion-mnist") not in DATASETS:
        raise ValueError(
            f"{source}: Expected `dataset` in {DATASETS}. Received: dataset={kwargs['dataset']!r}"
        )
    if kwargs.get("metric", "accuracy") not in METRICS:
        raise ValueError(
            f"{source}: Expected `metric` in {METRICS}. Received: metric={kwargs['metric']!r}"
        )
    fraction = kwargs.get("public_fraction", 0.3)
    if isinstance(fraction, bool) or not isinstance(fraction, int | float) or not 0 < fraction < 1:
        raise ValueError(
            f"{source}: Expected `public_fraction` between 0 and 1 (exclusive). "
            f"Received: public_fraction={fraction!r}"
        )
    for key, low in (("seed", 0), ("daily_limit", 1), ("max_final", 1), ("max_upload_kb", 1)):
        value = kwargs.get(key, low)
        if isinstance(value, bool) or not isinstance(value, int) or value < low:
            raise ValueError(
                f"{source}: Expected `{key}` to be an integer >= {low}. Received: {key}={value!r}"
            )
    try:
        tz = ZoneInfo(kwargs.get("timezone", "Asia/Tokyo"))
    except (ZoneInfoNotFoundError, ValueError):
        raise ValueError(
            f"{source}: unknown `timezone`. Received: "
            f'timezone={kwargs["timezone"]!r} (for example "Asia/Tokyo")'
        ) from None
    if "deadline" in kwargs:
        kwargs["deadline"] = _check_deadline(kwargs["deadline"], tz, source)
    return ContestConfig(**kwargs)


def _has_control(text: str) -> bool:
    """Control characters (tabs, newlines, DEL, ...) have no place in a name or a title."""
    return any(unicodedata.category(c) == "Cc" for c in text)


def _check_teams(teams, source: str) -> tuple[str, ...]:
    if not isinstance(teams, list) or not 1 <= len(teams) <= MAX_TEAMS:
        raise ValueError(
            f"{source}: Expected `teams` to be a list of 1 to {MAX_TEAMS} names. "
            f"Received: teams={teams!r}"
        )
    names = []
    for name in teams:
        if not isinstance(name, str) or not name.strip() or len(name.strip()) > MAX_TEAM_NAME:
            raise ValueError(
                f"{source}: Expected each team name to be a string of 1 to "
                f"{MAX_TEAM_NAME} characters. Received: {name!r}"
            )
        if _has_control(name):
            raise ValueError(f"{source}: a team name contains a control character: {name!r}")
        names.append(name.strip())
    duplicates = sorted({n for n in names if names.count(n) > 1})
    if duplicates:
        raise ValueError(f"{source}: team names must be unique. Repeated: {duplicates}")
    return tuple(names)


def _check_deadline(value, tz: ZoneInfo, source: str) -> dt.datetime:
    if isinstance(value, str):  # a quoted "2026-12-09" reads as the bare TOML date would
        try:
            parse = dt.date.fromisoformat if len(value) == 10 else dt.datetime.fromisoformat
            value = parse(value)
        except ValueError:
            value = None
    if isinstance(value, dt.date) and not isinstance(value, dt.datetime):
        value = dt.datetime.combine(value, dt.time(23, 59, 59))
    if not isinstance(value, dt.datetime):
        raise ValueError(
            f"{source}: Expected `deadline` as a local date and time, for example "
            "deadline = 2026-12-09T18:00:00"
        )
    if value.tzinfo is None:
        value = value.replace(tzinfo=tz)
    return value.astimezone(tz)
