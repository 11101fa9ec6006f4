"""export_codabench: the bundle's files, and its scoring program run the way Codabench runs it."""

import ast
import csv
import datetime as dt
import io
import json
import shutil
import subprocess
import sys
import zipfile

import numpy as np
import pytest

from seminar_lib.contest.codabench import export_codabench
from seminar_lib.contest.contest import Contest
from seminar_lib.contest.organizer import init_contest
from seminar_lib.contest.submission import SubmissionError

TITLE = '第5回\u3000大会: "Codabench" #1'  # a colon, quotes, # and a wide space for the YAML
TOML = f"""title = {json.dumps(TITLE, ensure_ascii=False)}
teams = ["A", "B"]
seed = 11
deadline = 2099-12-09T18:00:00
"""
START = dt.datetime(2099, 1, 1, 9, 0)  # Asia/Tokyo, the contest's time zone


@pytest.fixture(scope="module", params=["accuracy", "macro_f1"])
def exported(request, tmp_path_factory):
    """(contest folder, bundle folder, bundle zip, metric) of a fresh contest."""
    root = tmp_path_factory.mktemp(request.param)
    (root / "contest.toml").write_text(TOML + f'metric = "{request.param}"\n', encoding="utf-8")
    init_contest(root / "contest.toml", root / "contest")
    bundle_zip = export_codabench(root / "contest", root / "bundle", start=START)
    return root / "contest", root / "bundle", bundle_zip, request.param


def run_score(bundle, tmp_path, files, reference="reference_data"):
    """Run scoring_program/score.py on Codabench's layout: input/ref, input/res and output."""
    ref, res, output = tmp_path / "input" / "ref", tmp_path / "input" / "res", tmp_path / "output"
    ref.mkdir(parents=True)
    shutil.copy(bundle / reference / "solution.csv", ref / "solution.csv")
    for name, data in files.items():
        (res / name).parent.mkdir(parents=True, exist_ok=True)
        (res / name).write_bytes(data)
    program = bundle / "scoring_program" / "score.py"
    proc = subprocess.run(
        [sys.executable, "-I", str(program), str(tmp_path / "input"), str(output)],
        cwd=program.parent,
        capture_output=True,
        text=True,
        timeout=60,
    )
    scores = output / "scores.json"
    return proc, json.loads(scores.read_text()) if scores.exists() else None


def submissions(folder) -> dict[str, bytes]:
    """The sample submission, a perfect one and a random one (shuffled rows, BOM and CRLF)."""
    with open(folder / "solution.csv", encoding="utf-8", newline="") as f:
        rows = list(csv.DictReader(f))
    perfect = "id,label\n" + "".join(f"{r['id']},{r['label']}\n" for r in rows)
    rng = np.random.default_rng(0)
    order = rng.permutation(len(rows))
    noisy = "".join(f"{rows[k]['id']} , {rng.integers(10)}\r\n" for k in order)
    return {
        "sample": (folder / "student" / "sample_submission.csv").read_bytes(),
        "perfect": perfect.encode(),
        "random": b"\xef\xbb\xbfid,label\r\n" + noisy.encode(),
    }


def test_score_py_uses_the_standard_library_only(exported):
    _, bundle, _, _ = exported
    source = (bundle / "scoring_program" / "score.py").read_text(encoding="utf-8")
    tree = ast.parse(source, feature_version=(3, 6))  # Codabench's images have older Pythons
    imported = {a.name for n in ast.walk(tree) if isinstance(n, ast.Import) for a in n.names}
    assert not any(isinstance(n, ast.ImportFrom) for n in ast.walk(tree))
    assert imported <= {"csv", "json", "os", "re", "sys"}
    metadata = (bundle / "scoring_program" / "metadata.yaml").read_text()
    assert metadata == "command: python3 /app/program/score.py /app/input /app/output\n"


@pytest.mark.parametrize("name", ["sample", "perfect", "random"])
def test_scores_equal_the_contest_scores(exported, tmp_path, name):
    folder, bundle, _, metric = exported
    data = submissions(folder)[name]
    contest = Contest(folder)
    public, private = contest.scores(contest.check(data))
    proc, scores = run_score(bundle, tmp_path / "final", {"submission.csv": data})
    assert proc.returncode == 0, proc.stderr
    assert scores.keys() == {f"public_{metric}", f"private_{metric}"}
    assert scores[f"public_{metric}"] == pytest.approx(public, abs=1e-12, rel=0)
    assert scores[f"private_{metric}"] == pytest.approx(private, abs=1e-12, rel=0)
    if name == "perfect":
        assert public == private == 1.0
    else:
        assert repr(private) not in proc.stdout + proc.stderr  # the log never shows it
    # The public phase: the private labels are blanked, so only the public score exists.
    proc, scores = run_score(
        bundle, tmp_path / "public", {"submission.csv": data}, "reference_public"
    )
    assert proc.returncode == 0, proc.stderr
    assert scores == {f"public_{metric}": pytest.approx(public, abs=1e-12, rel=0)}


def test_the_csv_is_found_in_a_folder_of_the_zip(exported, tmp_path):
    folder, bundle, _, metric = exported
    data = submissions(folder)["perfect"]
    files = {"my_team/predictions.csv": data, "__MACOSX/my_team/._predictions.csv": b"\x00\x05"}
    proc, scores = run_score(bundle, tmp_path, files)
    assert proc.returncode == 0, proc.stderr
    assert scores[f"private_{metric}"] == 1.0


def broken_files(folder) -> dict[str, dict[str, bytes]]:
    good = submissions(folder)["perfect"]
    lines = good.decode().splitlines(keepends=True)
    return {
        "header": {"s.csv": b"id,pred\n" + b"".join(x.encode() for x in lines[1:])},
        "missing id": {"s.csv": "".join(lines[:-1]).encode()},
        "label 10": {
            "s.csv": "".join(lines[:-1]).encode() + lines[-1].split(",")[0].encode() + b",10\n"
        },
        "duplicate": {"s.csv": good + lines[1].encode()},
        "unknown id": {"s.csv": good + b"999999,1\n"},
        "three columns": {
            "s.csv": "".join([lines[0], lines[1][:-1] + ",0\n", *lines[2:]]).encode()
        },
        "not utf-8": {"s.csv": good + "9,1\n".encode("cp932") + "ラベル".encode("cp932")},
        "empty": {"s.csv": b"\n"},
        "no csv": {"s.txt": good},
        "two csv": {"a.csv": good, "b.csv": good},
    }


@pytest.mark.parametrize(
    "case",
    ["header", "missing id", "label 10", "duplicate", "unknown id", "three columns",
     "not utf-8", "empty", "no csv", "two csv"],
)  # fmt: skip
def test_a_broken_submission_fails_with_a_message(exported, tmp_path, case):
    folder, bundle, _, _ = exported
    files = broken_files(folder)[case]
    proc, scores = run_score(bundle, tmp_path, files)
    assert proc.returncode != 0
    assert "採点できません" in proc.stderr
    assert scores is None
    if len(files) == 1 and "s.csv" in files:  # the local server refuses the same file
        with pytest.raises(SubmissionError):
            Contest(folder).check(files["s.csv"])


def load_yaml(text: str) -> dict | None:
    try:
        import yaml
    except ImportError:  # PyYAML is not a dependency: check the text instead
        assert text.startswith("#") and "\nversion: 2\n" in text
        return None
    return yaml.safe_load(text)


def test_competition_yaml(exported):
    _, bundle, _, metric = exported
    text = (bundle / "competition.yaml").read_text(encoding="utf-8")
    assert f"key: public_{metric}\n" in text and f"key: private_{metric}\n" in text
    comp = load_yaml(text)
    if comp is None:
        return
    assert comp["version"] == 2 and comp["title"] == TITLE
    (board,) = comp["leaderboards"]
    assert [(c["key"], c["index"], c["sorting"], c["hidden"]) for c in board["columns"]] == [
        (f"public_{metric}", 0, "desc", False),
        (f"private_{metric}", 1, "desc", False),  # computed only from the reveal on
    ]
    public, final = comp["phases"]
    assert (public["start"], public["end"]) == ("2099-01-01 00:00:00", "2099-12-09 09:00:00")
    assert final["start"] == "2099-12-09 09:01:00" and "end" not in final  # UTC
    assert final["auto_migrate_to_this_phase"] is True and final["hide_score_output"] is True
    assert public["max_submissions_per_day"] == 10 and public["max_submissions"] == 0
    tasks = {t["index"]: t for t in comp["tasks"]}
    assert tasks[public["tasks"][0]]["reference_data"] == "reference_public/"
    assert tasks[final["tasks"][0]]["reference_data"] == "reference_data/"
    paths = [comp["image"], comp["terms"]] + [p["file"] for p in comp["pages"]]
    paths += [public["starting_kit"], public["public_data"]]
    paths += [t[k] for t in comp["tasks"] for k in ("scoring_program", "reference_data")]
    for path in paths:
        assert (bundle / path).exists(), path
    for page in comp["pages"]:
        assert (bundle / page["file"]).read_text(encoding="utf-8").strip()
    assert "誠実さ" in (bundle / comp["terms"]).read_text(encoding="utf-8")


def test_bundle_files_and_zip(exported):
    folder, bundle, bundle_zip, _ = exported
    assert bundle_zip == bundle.parent / "bundle.zip"
    with zipfile.ZipFile(bundle_zip) as z:
        names = set(z.namelist())
        assert "competition.yaml" in names
        assert names == {p.relative_to(bundle).as_posix() for p in bundle.rglob("*") if p.is_file()}
        with zipfile.ZipFile(io.BytesIO(z.read("starting_kit/sample_submission.zip"))) as kit:
            assert kit.namelist() == ["sample_submission.csv"]
    public = {p.name for d in ("starting_kit", "public_data") for p in (bundle / d).rglob("*")}
    assert public == {"README.md", "sample_submission.csv", "sample_submission.zip",
                      "test_images.npz"}  # fmt: skip
    answers = (folder / "solution.csv").read_bytes()
    assert (bundle / "reference_data" / "solution.csv").read_bytes() == answers
    for path in (bundle / "starting_kit").rglob("*"):
        assert answers[:200] not in path.read_bytes()
    with open(bundle / "reference_public" / "solution.csv", encoding="utf-8", newline="") as f:
        rows = list(csv.DictReader(f))
    assert {r["label"] for r in rows if r["Usage"] == "Private"} == {""}
    assert all(r["label"] != "" for r in rows if r["Usage"] == "Public")
    assert (bundle / "logo.png").read_bytes().startswith(b"\x89PNG\r\n\x1a\n")
    pil = pytest.importorskip("PIL.Image")
    with pil.open(bundle / "logo.png") as logo:
        logo.load()
        assert logo.size == (112, 112)


def test_export_refuses_a_used_folder_and_a_start_after_the_deadline(exported, tmp_path):
    folder, bundle, _, _ = exported
    with pytest.raises(FileExistsError):
        export_codabench(folder, bundle, start=START)
    with pytest.raises(ValueError, match="deadline"):
        export_codabench(folder, tmp_path / "late", start=dt.datetime(2100, 1, 1))


def test_deadline_and_reveal_for_codabench_only(exported, tmp_path):
    folder, _, _, _ = exported
    before = (folder / "contest.toml").read_bytes()
    bundle_zip = export_codabench(
        folder,
        tmp_path / "b",
        start=START,
        deadline=dt.datetime(2099, 6, 1, 18),
        reveal=dt.datetime(2099, 6, 2, 9),
    )
    comp = load_yaml((tmp_path / "b" / "competition.yaml").read_text(encoding="utf-8"))
    if comp is not None:
        public, final = comp["phases"]
        assert public["end"] == "2099-06-01 09:00:00" and final["start"] == "2099-06-02 00:00:00"
    assert "2099-06-02 09:00" in (tmp_path / "b" / "pages" / "evaluation.md").read_text("utf-8")
    assert (folder / "contest.toml").read_bytes() == before  # the lab's contest is unchanged
    assert (tmp_path / "b").stat().st_mode & 0o777 == 0o700  # the answer key is inside
    assert bundle_zip.stat().st_mode & 0o777 == 0o600
    with pytest.raises(ValueError, match="Expected the reveal after the deadline"):
        export_codabench(folder, tmp_path / "c", start=START, reveal=dt.datetime(2099, 1, 2))
