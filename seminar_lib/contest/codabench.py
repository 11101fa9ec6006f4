"""``export_codabench``: the contest of an organiser's folder as a Codabench competition bundle.

Codabench (codalab/codabench, the successor of CodaLab) creates a competition from a zip whose
root holds ``competition.yaml``. What this module relies on, read in codalab/codabench
(src/apps/competitions/unpackers/v2.py and base_unpacker.py, compute_worker/compute_worker.py,
documentation/docs/Organizers/Benchmark_Creation/Yaml-Structure.md) and in the v2 examples of
codalab/competition-examples (codabench/iris, wheat_seeds, Mini-MNIST):

- ``version: 2``; ``title``, ``image`` (the logo: required by the unpacker, so one is always
  written) and ``terms`` (a file, shown as a Terms tab) are required; ``pages`` are ``title``
  and ``file`` (Markdown).
- ``tasks`` name a ``scoring_program`` (required) and ``reference_data`` (folders or zips);
  ``phases`` give ``start``/``end`` (read as UTC: a time zone in the text is replaced, not
  converted), ``tasks``, ``starting_kit``, ``public_data``, ``max_submissions_per_day`` and
  ``max_submissions`` (0 = no limit; the defaults are 5 and 100); failed submissions do not count.
- every phase uses the first leaderboard; columns have ``title``, ``key``, ``index``,
  ``sorting``, ``hidden``; ranking uses the primary column (index 0, changeable in the editor).
- scoring runs ``command`` of ``scoring_program/metadata.yaml`` in ``docker_image`` (default
  codalab/codalab-legacy:py37) in ``/app/program``, with the reference data in
  ``/app/input/ref`` and the unpacked submission zip (participants upload zips) in
  ``/app/input/res``; ``/app/output/scores.json`` maps column keys to numbers (keys that are not
  columns are ignored, a column without a key gets no score); a non-zero exit marks the
  submission failed, and its stdout/stderr are the logs participants see.

How the private score stays hidden. A ``hidden`` column only leaves the leaderboard table: the
submissions API still returns every score to the submission's owner (and, for leaderboard
entries, to anyone). So, as in the examples (iris: "the results on the test set will be
revealed when the organizers make them available"), there are two phases:

1. public phase (``start`` .. deadline): the reference data of task 0 is ``solution.csv``
   with the private labels blanked, so only ``public_<metric>`` is ever computed. The rule
   ``Force_Best`` keeps each participant's best public submission on the leaderboard (the local
   rule with ``max_final = 1`` and the default choice).
2. final phase (from ``reveal``, ``auto_migrate_to_this_phase``): Codabench re-scores those
   submissions with task 1, the full ``solution.csv``, writing both keys. From that moment
   the private scores can be read through the submissions API, whatever the leaderboard
   shows, so the phase starts at the reveal (default: one minute after the deadline; pass
   ``reveal`` for a later announcement), not before. The ``private_<metric>`` column is shown
   from then on; the organiser makes it the "Primary Column" (competition editor, leaderboard)
   so that it ranks. The scoring output stays hidden (``hide_score_output``) and score.py
   never prints a private score. The final phase allows one submission per participant and
   the migrated one counts, so only a participant without any successful submission could
   still send one (the organiser may delete it).

The bundle holds the answer key (``reference_data/``): its folder is created 0700 and the zip
0600, as the organiser's own folder.

Teams are Codabench accounts approved by the organiser; the daily limit counts UTC days.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import json
import shutil
import zipfile
from pathlib import Path

import numpy as np

from seminar_lib.contest import codabench_score
from seminar_lib.contest.contest import SOLUTION_FILE, STUDENT_DIR, Contest
from seminar_lib.contest.rules import DATASET_TITLES, rules_markdown
from seminar_lib.contest.scoring import METRIC_NAMES_JA

__all__ = ["export_codabench"]

DOCKER_IMAGE = "codalab/codalab-legacy:py312"  # as in the examples; score.py needs Python 3.10+


def _yaml_str(text: str) -> str:
    """A YAML double-quoted scalar (JSON string syntax, non-printable characters escaped)."""
    out = json.dumps(str(text), ensure_ascii=False)
    return "".join(
        c if c.isprintable() else (f"\\u{ord(c):04x}" if ord(c) < 0x10000 else f"\\U{ord(c):08x}")
        for c in out
    )


def _utc(moment: dt.datetime) -> str:
    """Codabench reads phase times as UTC: write them in UTC, without an offset."""
    return _yaml_str(moment.astimezone(dt.UTC).strftime("%Y-%m-%d %H:%M:%S"))


def _without(section: str, *words: str) -> str:
    """The lines of a rules section that mention none of ``words`` (things only the lab has)."""
    return "".join(
        line + "\n" for line in section.splitlines() if not any(w in line for w in words)
    )


def _pages(contest: Contest, start: dt.datetime, reveal: dt.datetime) -> dict[str, str]:
    """overview.md, evaluation.md and terms.md (Japanese), sections of the local rules reused."""
    config, n = contest.config, len(contest.ids)
    parts = rules_markdown(config, n).split("\n## ")[1:]
    rules = {p.split("\n", 1)[0].strip(): "## " + p.strip() + "\n" for p in parts}
    deadline = config.deadline.strftime("%Y-%m-%d %H:%M") + f" ({config.timezone})"
    public = round(config.public_fraction * 100)
    dataset = DATASET_TITLES[config.dataset]
    submission = _without(rules["提出ファイル"], "validate_submission")
    overview = f"""# {config.title}

{rules["課題"]}
{_without(rules["配布ファイル"], "data/")}\
- 学習には {dataset} の訓練データ（ラベル付き、Codabench の外で公開されています）を使ってください。
  検証用データ (validation data) は訓練データから自分で取り分けます。

Codabench では Get Started タブの Files に、`test_images.npz` (public data) と
`sample_submission.csv`、そのまま提出できる `sample_submission.zip` (starting kit) があります。

{submission}- Codabench には CSV を **zip に入れて**提出します
  （zip の中の .csv ファイルはちょうど 1 つ）。
"""
    reveal_text = f"{reveal.astimezone(config.tz):%Y-%m-%d %H:%M} ({config.timezone})"
    evaluation = f"""## 評価とリーダーボード
- 評価指標: {METRIC_NAMES_JA[config.metric]}。
- テスト画像は、どれか分からないように 2 つに分けてあります: {public}% が public、
  {100 - public}% が private です。
- 公開フェーズ（{start.astimezone(config.tz):%Y-%m-%d %H:%M} から締め切り {deadline} まで）では
  public の点数だけを計算します。リーダーボードには各参加者の public が最も高い提出が 1 件載ります。
- {reveal_text} に最終フェーズが始まり、その提出が自動で再採点されて private の点数が
  公開されます。それまで private の点数はどこにも計算されません。
- **最終順位は private の点数で決まります。**
- 提出は 1 日 {config.daily_limit} 回まで（日付は Codabench の UTC で数えます）。
  形式が正しくなく失敗した提出は数えません。
"""
    honesty = _without(rules["誠実さのルール"], "トークン")  # no tokens on Codabench
    terms = (
        honesty + "- 1 チーム 1 アカウントで参加し、アカウントをチーム間で共有しないでください。\n"
    )
    return {"overview.md": overview, "evaluation.md": evaluation, "terms.md": terms}


def _competition_yaml(contest: Contest, start: dt.datetime, reveal: dt.datetime, logo: str) -> str:
    config, q = contest.config, _yaml_str
    description = (
        f"{DATASET_TITLES[config.dataset]} のテスト画像 {len(contest.ids):,} 枚の 10 クラス分類。"
        f"評価指標: {METRIC_NAMES_JA[config.metric]}"
    )
    columns = ""
    for index, usage in enumerate(("public", "private")):
        columns += f"""      - title: {q(f"{usage} {config.metric}")}
        key: {usage}_{config.metric}
        index: {index}
        sorting: desc
        precision: 4
        hidden: false
"""
    return f"""# Written by seminar_lib.contest.codabench (see its docstring for the conventions).
version: 2
title: {q(config.title)}
description: {q(description)}
image: {q(logo)}
terms: pages/terms.md
registration_auto_approve: false
docker_image: {DOCKER_IMAGE}
pages:
  - title: {q("概要")}
    file: pages/overview.md
  - title: {q("評価")}
    file: pages/evaluation.md
tasks:
  - index: 0
    name: {q("public (private labels blanked)")}
    scoring_program: scoring_program/
    reference_data: reference_public/
  - index: 1
    name: {q("final (public and private)")}
    scoring_program: scoring_program/
    reference_data: reference_data/
phases:
  - index: 0
    name: {q("公開フェーズ (public)")}
    start: {_utc(start)}
    end: {_utc(config.deadline)}
    max_submissions_per_day: {config.daily_limit}
    max_submissions: 0
    starting_kit: starting_kit/
    public_data: public_data/
    tasks:
      - 0
  - index: 1
    name: {q("最終フェーズ (private)")}
    start: {_utc(reveal)}
    auto_migrate_to_this_phase: true
    hide_score_output: true
    max_submissions_per_day: 1
    max_submissions: 1
    tasks:
      - 1
leaderboards:
  - index: 0
    title: {q("Results")}
    key: main
    submission_rule: Force_Best
    columns:
{columns}"""


def export_codabench(
    contest_folder, out_dir, *, start=None, deadline=None, reveal=None, logo=None
) -> Path:
    """Write the contest of ``contest_folder`` as a Codabench bundle; return the zip to upload.

    ``out_dir`` (new or empty) receives the bundle's folder, ``<out_dir>.zip`` the same files
    with ``competition.yaml`` at its root. ``start`` opens the public phase (default now),
    ``deadline`` closes it (default: the contest's; one of the two is required), ``reveal``
    starts the final phase that computes the private scores (default: one minute after the
    deadline); naive times are in the contest's time zone. ``logo`` is an image file; without
    it the logo is a tile of 16 test images. The lab's contest folder is not changed.
    """
    contest = Contest(contest_folder)
    folder, out = Path(contest_folder), Path(out_dir)

    def local(moment):
        return (
            moment if moment is None or moment.tzinfo else moment.replace(tzinfo=contest.config.tz)
        )

    start = local(start) or dt.datetime.now(dt.UTC).replace(second=0, microsecond=0)
    deadline = local(deadline) or contest.config.deadline
    if deadline is None or deadline <= start:
        raise ValueError(
            f"Expected a deadline after the start ({start.isoformat()}) for Codabench: pass "
            f"--deadline (or set `deadline` in {folder / 'contest.toml'}). Received: "
            f"deadline={deadline}"
        )
    reveal = local(reveal) or deadline + dt.timedelta(minutes=1)
    if reveal <= deadline:
        raise ValueError(
            f"Expected the reveal after the deadline ({deadline.isoformat()}). "
            f"Received: reveal={reveal.isoformat()}"
        )
    contest.config = dataclasses.replace(contest.config, deadline=deadline)  # this bundle only
    config = contest.config
    if out.exists() and any(out.iterdir()):
        raise FileExistsError(f"{out} already exists and is not empty; choose a new folder.")
    out.mkdir(parents=True, exist_ok=True)
    out.chmod(0o700)  # it holds the answer key
    for sub in ("pages", "scoring_program", "reference_data", "reference_public", "public_data"):
        (out / sub).mkdir()
    student, kit = folder / STUDENT_DIR, out / "starting_kit"
    kit.mkdir()
    shutil.copy2(folder / SOLUTION_FILE, out / "reference_data" / SOLUTION_FILE)
    blanked = "".join(  # the private labels left out until the final phase
        f"{i},{y if p else ''},{'Public' if p else 'Private'}\n"
        for i, y, p in zip(contest.ids, contest.y_true, contest.public, strict=True)
    )
    (out / "reference_public" / SOLUTION_FILE).write_text("id,label,Usage\n" + blanked, "utf-8")
    shutil.copy2(student / "test_images.npz", out / "public_data" / "test_images.npz")
    shutil.copy2(student / "sample_submission.csv", kit / "sample_submission.csv")
    with zipfile.ZipFile(kit / "sample_submission.zip", "w", zipfile.ZIP_DEFLATED) as z:
        z.write(student / "sample_submission.csv", "sample_submission.csv")
    pages = _pages(contest, start, reveal)
    for name, text in pages.items():
        (out / "pages" / name).write_text(text, encoding="utf-8")
    (kit / "README.md").write_text(pages["overview.md"] + "\n" + pages["evaluation.md"], "utf-8")
    shutil.copy2(Path(codabench_score.__file__), out / "scoring_program" / "score.py")
    settings = {
        "metric": config.metric,
        "num_classes": config.num_classes,
        "max_bytes": config.max_upload_bytes,
    }
    (out / "scoring_program" / "settings.json").write_text(json.dumps(settings), "utf-8")
    (out / "scoring_program" / "metadata.yaml").write_text(
        "command: python3 /app/program/score.py /app/input /app/output\n", encoding="utf-8"
    )
    if logo is None:
        from PIL import Image

        with np.load(student / "test_images.npz") as pack:
            tiles = pack["images"][:16].reshape(4, 4, 28, 28).transpose(0, 2, 1, 3)
        logo_name = "logo.png"
        Image.fromarray(tiles.reshape(112, 112)).save(out / logo_name)  # 4x4 test images
    else:
        logo_name = "logo" + Path(logo).suffix.lower()
        shutil.copy2(logo, out / logo_name)
    (out / "competition.yaml").write_text(
        _competition_yaml(contest, start, reveal, logo_name), "utf-8"
    )
    bundle = out.parent / (out.name + ".zip")
    bundle.touch(mode=0o600)  # the answer key again: for the organiser's eyes only
    bundle.chmod(0o600)
    with zipfile.ZipFile(bundle, "w", zipfile.ZIP_DEFLATED) as z:
        for path in sorted(p for p in out.rglob("*") if p.is_file()):
            z.write(path, path.relative_to(out).as_posix())
    return bundle
