"""The organiser's folder and the rules of a running contest, with a controlled clock."""

import datetime as dt
import sqlite3

import numpy as np
import pytest
from contest_helpers import make_contest

from seminar_lib.contest import SubmissionError, submission_csv
from seminar_lib.contest.contest import Contest, ContestClosedError, read_solution
from seminar_lib.contest.organizer import init_contest, new_team_token
from seminar_lib.contest.store import DailyLimitError
from seminar_lib.datasets import load_fashion_mnist

JST = dt.timezone(dt.timedelta(hours=9))


class Clock:
    def __init__(self, now):
        self.now = now

    def __call__(self):
        return self.now


def perfect(contest: Contest) -> bytes:
    return submission_csv(contest.ids, contest.y_true).encode()


def test_init_writes_the_answer_key_and_a_student_pack_without_it(contest):
    ids, labels, public = read_solution(contest.path / "solution.csv")
    assert len(ids) == 10_000 and public.sum() == 3_000
    student = contest.path / "student"
    assert sorted(p.name for p in student.iterdir()) == [
        "README.md",
        "sample_submission.csv",
        "test_images.npz",
    ]
    with np.load(student / "test_images.npz") as pack:
        assert sorted(pack.files) == ["ids", "images"]
        images = pack["images"]
    # The images are Fashion-MNIST's test images, shuffled: the key gives each its true label.
    _, (x_test, y_test) = load_fashion_mnist()
    index = {img.tobytes(): y for img, y in zip(x_test, y_test, strict=True)}
    pairs = zip(images[:500], labels[:500], strict=True)
    assert all(index[img.tobytes()] == y for img, y in pairs)
    assert not np.array_equal(images, x_test)
    # Nothing of the key in the pack: the sample predicts 0 everywhere, no Usage column.
    assert set((student / "sample_submission.csv").read_text().splitlines()[1:]) == {
        f"{i},0" for i in ids
    }
    readme = (student / "README.md").read_text(encoding="utf-8")
    assert "Usage" not in readme and "不正 (cheating)" in readme and "1 日 3 回まで" in readme


def test_tokens_are_stored_only_as_hashes(contest):
    raw = (contest.path / "contest.sqlite3").read_bytes()
    for token in [*contest.tokens.values(), contest.organizer]:
        assert len(token) >= 22 and token.encode() not in raw
    with sqlite3.connect(contest.path / "contest.sqlite3") as conn:
        assert conn.execute("PRAGMA journal_mode").fetchone()[0] == "wal"


def test_init_never_overwrites(contest):
    with pytest.raises(FileExistsError, match="is never overwritten"):
        init_contest(contest.path / "contest.toml", contest.path)


def test_the_split_is_seeded(tmp_path):
    a = make_contest(tmp_path, "a", seed=1)
    b = make_contest(tmp_path, "b", seed=1)
    c = make_contest(tmp_path, "c", seed=2)
    assert (a.path / "solution.csv").read_bytes() == (b.path / "solution.csv").read_bytes()
    assert (a.path / "solution.csv").read_bytes() != (c.path / "solution.csv").read_bytes()


def test_scores_public_and_private(contest):
    c = Contest(contest.path)
    assert c.scores(c.y_true) == (1.0, 1.0)
    wrong = c.y_true.copy()
    wrong[c.public] = (wrong[c.public] + 1) % 10
    assert c.scores(wrong) == (0.0, 1.0)


def test_daily_limit_counts_by_the_tokyo_calendar(contest):
    clock = Clock(dt.datetime(2026, 12, 9, 23, 50, tzinfo=JST))
    c = Contest(contest.path, clock=clock)
    for n in range(1, 4):
        assert c.submit(1, perfect(c))["submissions_today"] == n
    with pytest.raises(DailyLimitError):
        c.submit(1, perfect(c))
    assert c.submit(2, perfect(c))["submissions_today"] == 1  # another team has its own
    clock.now = dt.datetime(2026, 12, 10, 0, 0, tzinfo=JST)  # 15:00 UTC: a new day in Tokyo
    assert c.submit(1, perfect(c))["submissions_today"] == 1
    assert len(c.store.submissions(1)) == 4


def test_a_rejected_file_does_not_count(contest):
    c = Contest(contest.path)
    for _ in range(5):
        with pytest.raises(SubmissionError):
            c.submit(1, b"id,label\n1,3\n")
    assert c.store.submissions() == []
    assert c.submit(1, perfect(c))["submissions_today"] == 1


def test_deadline_closes_submissions(tmp_path):
    folder = make_contest(tmp_path, teams=["A"], deadline="2099-12-09T18:00:00")
    clock = Clock(dt.datetime(2099, 12, 9, 17, 59, 59, tzinfo=JST))
    c = Contest(folder.path, clock=clock)
    c.submit(1, perfect(c))
    clock.now = dt.datetime(2099, 12, 9, 9, 0, tzinfo=dt.UTC)  # 18:00 in Tokyo
    with pytest.raises(
        ContestClosedError,
        match=r"締め切り（12月9日 18:00）を過ぎたため、提出は受け付けていません。",
    ):
        c.submit(1, perfect(c))
    assert len(c.store.submissions()) == 1


def test_private_scores_appear_only_after_the_reveal(contest):
    c = Contest(contest.path)
    c.submit(1, perfect(c))
    assert "private" not in c.leaderboard() and "private" not in c.history(1)[0]
    c.reveal()
    assert c.leaderboard()["private"][0]["score"] == 1.0 and c.history(1)[0]["private"] == 1.0
    with pytest.raises(ContestClosedError, match="公開されたため"):
        c.submit(1, perfect(c))
    assert "private" in c.export()["submissions"][0]


def test_every_submission_is_kept_with_hash_and_file(contest):
    c = Contest(contest.path)
    data = perfect(c).replace(b"\n", b"\r\n")
    result = c.submit(2, data)
    (row,) = c.store.submissions()
    import hashlib

    assert row["sha256"] == hashlib.sha256(data).hexdigest() and row["size"] == len(data)
    assert c.store.submission_file(result["id"]) == data


def test_new_team_token_replaces_the_old_one(contest):
    c = Contest(contest.path)
    old = contest.tokens["チームB"]
    assert c.store.team_for_token(old)["name"] == "チームB"
    new = new_team_token(contest.path, "チームB")
    assert c.store.team_for_token(old) is None
    assert c.store.team_for_token(new) == {"id": 2, "name": "チームB"}
    with pytest.raises(ValueError, match=r"Expected one of the teams \[.*\]. Received: team='X'"):
        new_team_token(contest.path, "X")


def test_a_folder_that_is_not_a_contest(tmp_path):
    with pytest.raises(FileNotFoundError, match="contest.toml is missing"):
        Contest(tmp_path)


def test_macro_f1_contest(tmp_path):
    folder = make_contest(tmp_path, teams=["A"], metric="macro_f1")
    c = Contest(folder.path)
    labels = np.where(c.y_true == 3, 0, c.y_true)  # class 3 never predicted
    public, private = c.scores(labels)
    assert 0.85 < public < 0.95 and 0.85 < private < 0.95


def test_without_a_seed_init_draws_a_secret_one(tmp_path):
    a = make_contest(tmp_path, "a", teams=["A"])
    b = make_contest(tmp_path, "b", teams=["A"])
    assert (a.path / "solution.csv").read_bytes() != (b.path / "solution.csv").read_bytes()
    seed = Contest(a.path).config.seed  # written into the organiser's copy only
    assert isinstance(seed, int)
    assert str(seed) not in (a.path / "student" / "README.md").read_text(encoding="utf-8")
    again = make_contest(tmp_path, "again", teams=["A"], seed=seed)  # and it rebuilds the key
    assert (again.path / "solution.csv").read_bytes() == (a.path / "solution.csv").read_bytes()


def test_the_organizer_files_are_private(contest):
    assert contest.path.stat().st_mode & 0o777 == 0o700
    for name in ("contest.toml", "solution.csv", "contest.sqlite3"):
        assert (contest.path / name).stat().st_mode & 0o777 == 0o600, name


def test_a_quoted_date_means_the_end_of_that_day_too(tmp_path):
    folder = make_contest(tmp_path, teams=["A"], deadline="2099-12-09")
    assert Contest(folder.path).config.deadline.isoformat() == "2099-12-09T23:59:59+09:00"


def test_export_flags_scores_above_the_state_of_the_art(contest):
    c = Contest(contest.path)
    c.submit(1, perfect(c))  # 100%: the test labels were used
    wrong = c.y_true.copy()
    wrong[:2000] = (wrong[:2000] + 1) % 10  # about 80%: an honest score
    c.submit(2, submission_csv(c.ids, wrong).encode())
    assert c.export()["review"] == [{"team": "チームA", "public": 1.0, "threshold": 0.97}]


def test_init_refuses_a_deadline_in_the_past(tmp_path):
    definition = tmp_path / "old.toml"
    definition.write_text('teams = ["A"]\ndeadline = 2020-01-01T18:00:00\n', encoding="utf-8")
    with pytest.raises(
        ValueError,
        match=r"Expected a `deadline` in the future. Received: "
        r"deadline=2020-01-01T18:00:00 \(Asia/Tokyo\)",
    ):
        init_contest(definition, tmp_path / "old")


def test_public_fraction_must_leave_both_parts(tmp_path):
    definition = tmp_path / "tiny.toml"
    definition.write_text('teams = ["A"]\npublic_fraction = 0.00001\n', encoding="utf-8")
    with pytest.raises(ValueError, match="at least one public and one private image of 10000"):
        init_contest(definition, tmp_path / "tiny")


def test_a_reveal_during_scoring_stores_nothing(contest):
    """The reveal (another process: the CLI) lands while a file is being scored: the
    submission is refused, not stored after the reveal with its private score shown."""
    c = Contest(contest.path)
    scores = c.scores

    def slow_scores(labels):
        result = scores(labels)
        Contest(contest.path).reveal()  # meanwhile, the organiser reveals
        return result

    c.scores = slow_scores
    with pytest.raises(ContestClosedError, match="公開されたため"):
        c.submit(1, perfect(c))
    assert c.store.submissions() == []


def test_final_marks_cannot_change_after_the_reveal(contest):
    from seminar_lib.contest.store import RevealedError

    c = Contest(contest.path)
    c.submit(1, perfect(c))
    c.reveal()
    with pytest.raises(RevealedError):
        c.store.set_final(1, [1])
    assert c.store.submissions()[0]["final"] == 0
