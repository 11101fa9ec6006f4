"""The contest definition: defaults, the deadline in Asia/Tokyo, and every error message."""

import datetime as dt

import pytest

from seminar_lib.contest.cli import _example
from seminar_lib.contest.config import config_from_dict, load_config


def test_defaults_for_a_seminar():
    config = config_from_dict({"teams": ["A"]})
    assert (config.dataset, config.metric, config.public_fraction) == (
        "fashion-mnist",
        "accuracy",
        0.3,
    )
    assert (config.daily_limit, config.max_final, config.timezone) == (10, 2, "Asia/Tokyo")
    assert config.deadline is None and config.max_upload_bytes == 1024 * 1024


def test_deadline_is_local_time_in_the_timezone(tmp_path):
    path = tmp_path / "c.toml"
    path.write_text('teams = ["A"]\ndeadline = 2026-12-09T18:00:00\n', encoding="utf-8")
    config = load_config(path)
    assert config.deadline.utcoffset() == dt.timedelta(hours=9)
    assert config.deadline.astimezone(dt.UTC) == dt.datetime(2026, 12, 9, 9, 0, tzinfo=dt.UTC)


def test_a_date_alone_means_the_end_of_that_day():
    config = config_from_dict({"teams": ["A"], "deadline": dt.date(2026, 12, 9)})
    assert config.deadline.isoformat() == "2026-12-09T23:59:59+09:00"


def test_the_example_definition_loads_and_round_trips(tmp_path):
    path = tmp_path / "example.toml"
    path.write_text(_example(), encoding="utf-8")
    config = load_config(path)
    assert config.teams == ("チームA", "チームB")
    again = tmp_path / "again.toml"
    again.write_text(config.to_toml(), encoding="utf-8")
    assert load_config(again) == config


def test_to_toml_escapes_quotes(tmp_path):
    teams = ['say "hi"', "back\\slash", "絵文字 🎉", "ｚｅｎｋａｋｕ\u3000space"]
    config = config_from_dict({"teams": teams, "title": 'a "title" # not a comment'})
    path = tmp_path / "c.toml"
    path.write_text(config.to_toml(), encoding="utf-8")
    assert load_config(path) == config


@pytest.mark.parametrize(
    ("data", "message"),
    [
        ({}, "Expected `teams`, a list of team names"),
        ({"teams": []}, "Expected `teams` to be a list of 1 to 200 names"),
        ({"teams": ["A", "A"]}, r"team names must be unique. Repeated: \['A'\]"),
        ({"teams": ["A", " "]}, "Expected each team name to be a string of 1 to 40"),
        ({"teams": ["x" * 41]}, "1 to 40 characters"),
        ({"teams": ["A\tB"]}, "control character"),
        ({"teams": ["A\x7fB"]}, "control character"),  # DEL
        ({"teams": ["A"], "title": "two\nlines"}, "`title` contains a control character"),
        (
            {"teams": ["A"], "metric": "auc"},
            r"Expected `metric` in \('accuracy', 'macro_f1'\). Received: metric='auc'",
        ),
        ({"teams": ["A"], "dataset": "cifar10"}, "Expected `dataset` in"),
        ({"teams": ["A"], "public_fraction": 1.0}, "between 0 and 1"),
        (
            {"teams": ["A"], "daily_limit": 0},
            "Expected `daily_limit` to be an integer >= 1. Received: daily_limit=0",
        ),
        ({"teams": ["A"], "seed": True}, "Expected `seed` to be an integer"),
        ({"teams": ["A"], "timezone": "Mars/Olympus"}, "unknown `timezone`"),
        (
            {"teams": ["A"], "deadline": "next friday"},
            "Expected `deadline` as a local date and time",
        ),
        ({"teams": ["A"], "dealine": "2026-12-09"}, r"unknown keys \['dealine'\]"),
        ({"teams": ["A"], "title": ""}, "Expected `title` to be a non-empty string"),
    ],
)
def test_bad_definitions(data, message):
    with pytest.raises(ValueError, match=message):
        config_from_dict(data)


def test_file_errors(tmp_path):
    with pytest.raises(FileNotFoundError, match="Contest definition not found"):
        load_config(tmp_path / "missing.toml")
    (tmp_path / "bad.toml").write_text("teams = [", encoding="utf-8")
    with pytest.raises(ValueError, match="not a valid UTF-8 TOML file"):
        load_config(tmp_path / "bad.toml")
