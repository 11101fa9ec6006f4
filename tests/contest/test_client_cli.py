"""The notebook client (every input form, its errors) and the organiser's command line."""

import json
import subprocess
import sys

import numpy as np
import pytest
from contest_helpers import write_definition

from seminar_lib.contest import ServerError, read_student_pack, submit
from seminar_lib.contest.cli import main
from seminar_lib.contest.contest import Contest
from seminar_lib.contest.local import free_port


def test_submit_accepts_labels_a_path_text_and_bytes(contest, server, tmp_path):
    c = Contest(contest.path)
    ids, _ = read_student_pack(contest.path / "student")
    by_id = dict(zip(c.ids, c.y_true, strict=True))
    labels = np.array([by_id[i] for i in ids])  # in the pack's order
    token = contest.tokens["チームB"]
    assert submit(labels, ids=ids, url=server.url, token=token) == 1.0
    path = tmp_path / "s.csv"
    path.write_text("id,label\n" + "".join(f"{i},0\n" for i in ids), encoding="utf-8")
    zero = submit(path, url=server.url, token=token)
    assert submit(path.read_text(), url=server.url + "/", token=token) == zero  # the text
    assert 0.05 < zero < 0.15  # about one image in ten is class 0
    with pytest.raises(ServerError, match="使い切りました"):  # bytes: the 4th of 3 a day
        submit(path.read_bytes(), url=server.url, token=token)


def test_submit_errors_before_any_request():
    with pytest.raises(ValueError, match="Expected `ids` with the predicted labels"):
        submit(np.zeros(3, dtype=int), url="http://127.0.0.1:1", token="t")
    with pytest.raises(ValueError, match="Expected `url` like 'http://127.0.0.1:8000'"):
        submit("id,label\n1,2\n", url="127.0.0.1:8000", token="t")


def test_submit_without_a_server_says_so():
    with pytest.raises(ServerError, match="に接続できません"):
        submit("id,label\n1,2\n", url=f"http://127.0.0.1:{free_port()}", token="t")


def run_cli(*args):
    return subprocess.run(
        [sys.executable, "-m", "seminar_lib.contest", *map(str, args)],
        capture_output=True,
        text=True,
        timeout=120,
    )


def test_cli_init_prints_each_token_once(tmp_path):
    definition = write_definition(tmp_path / "c.toml", ["A", "B"])
    result = run_cli("init", definition, tmp_path / "c")
    assert result.returncode == 0, result.stderr
    contest = Contest(tmp_path / "c")
    lines = result.stdout.splitlines()
    tokens = {line.split()[0]: line.split()[1] for line in lines if line.startswith("  ")}
    assert contest.store.team_for_token(tokens["A"])["name"] == "A"
    assert contest.store.is_organizer(lines[-1].split()[-1])
    again = run_cli("init", definition, tmp_path / "c")
    assert again.returncode == 1 and "is never overwritten" in again.stderr


def test_cli_validate_reveal_export_new_token(contest, tmp_path, capsys):
    pack = contest.path / "student"
    assert main(["validate", str(pack / "sample_submission.csv"), str(pack)]) == 0
    assert "OK: 10,000 行" in capsys.readouterr().out
    bad = tmp_path / "bad.csv"
    bad.write_text("id,label\n1,99\n", encoding="utf-8")
    assert main(["validate", str(bad), str(pack)]) == 1
    assert "2 行目: label は 0 から 9 の整数" in capsys.readouterr().err
    Contest(contest.path).submit(1, (pack / "sample_submission.csv").read_bytes())
    assert main(["reveal", str(contest.path)]) == 0
    assert "Final ranking (private)" in capsys.readouterr().out
    assert main(["export", str(contest.path), "--out", str(tmp_path / "e.json")]) == 0
    export = json.loads((tmp_path / "e.json").read_text(encoding="utf-8"))
    assert export["revealed"] and "private" in export["submissions"][0]
    assert main(["new-token", str(contest.path), "チームA"]) == 0
    new = capsys.readouterr().out.split()[-1]
    assert Contest(contest.path).store.team_for_token(new)["name"] == "チームA"
    assert main(["new-token", str(contest.path), "nobody"]) == 1


def test_cli_example_is_a_definition(capsys):
    assert main(["example"]) == 0
    assert "teams = [" in capsys.readouterr().out


def test_local_server_reports_why_it_did_not_start(tmp_path):
    from seminar_lib.contest.local import LocalServer

    server = LocalServer(tmp_path)  # not a contest folder
    assert repr(server).endswith("stopped)")
    with pytest.raises(RuntimeError, match="exited:(.|\n)*contest.toml is missing"):
        server.start()
    server.stop()  # harmless once it has exited


def test_local_server_as_a_context_manager(contest):
    from seminar_lib.contest import fetch_leaderboard
    from seminar_lib.contest.local import LocalServer

    with LocalServer(contest.path) as server:
        assert server.running and fetch_leaderboard(server.url)["public"] == []
    assert not server.running


def test_cli_export_codabench_with_its_own_deadline(contest, tmp_path, capsys):
    # The template contest has no deadline: Codabench needs one, given on the command line.
    assert main(["export-codabench", str(contest.path), str(tmp_path / "b")]) == 1
    assert "Expected a deadline after the start" in capsys.readouterr().err
    args = [
        "export-codabench",
        str(contest.path),
        str(tmp_path / "b"),
        "--deadline",
        "2099-06-01T18:00",
        "--reveal",
        "2099-06-02T09:00",
    ]
    assert main(args) == 0
    assert "it holds the answer key" in capsys.readouterr().out
    assert (tmp_path / "b.zip").is_file()
    assert main([*args[:3], "--deadline", "next friday"]) == 1
    assert "Expected a time like 2026-12-09T18:00" in capsys.readouterr().err


def test_cli_export_is_private(contest, tmp_path):
    assert main(["export", str(contest.path), "--out", str(tmp_path / "e.json")]) == 0
    assert (tmp_path / "e.json").stat().st_mode & 0o777 == 0o600
