"""The organiser's command line: ``python -m seminar_lib.contest <command>`` (or
``seminar-contest <command>`` in the course's environment).

    example                     print an example definition (TOML) to start from
    init DEFINITION FOLDER      write the contest folder and the student pack; print the tokens
    serve FOLDER [--host H] [--port P]
                                run the leaderboard server (127.0.0.1 unless --host is given)
    reveal FOLDER               show the private leaderboard (closes submissions)
    export FOLDER [--out FILE]  everything as JSON, private scores included (organiser only)
    export-codabench FOLDER OUT a Codabench competition bundle
    new-token FOLDER TEAM       replace a team's lost token
    validate CSV PACK           check a submission file against a student pack (for students)
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import socket
import sys
import unicodedata
from pathlib import Path

from seminar_lib.contest.config import __doc__ as CONFIG_DOC

__all__ = ["main"]


def _example() -> str:
    lines = CONFIG_DOC.split("::", 1)[1].strip("\n").splitlines()
    return "\n".join(line[4:] for line in lines if line.startswith("    ")) + "\n"


def _width(text: str) -> int:
    """Columns a terminal gives ``text``: 2 for full-width (Japanese) characters."""
    return sum(2 if unicodedata.east_asian_width(c) in "WF" else 1 for c in text)


def _local_time(text: str | None):
    """A naive datetime from ``2026-12-09T18:00`` (the contest's time zone applies), or None."""
    if text is None:
        return None
    try:
        return dt.datetime.fromisoformat(text).replace(tzinfo=None)
    except ValueError:
        raise ValueError(f"Expected a time like 2026-12-09T18:00. Received: {text!r}") from None


def _lan_address() -> str:
    """This machine's address on the local network (the route a packet would take; nothing is
    sent), for the URL that students type; 127.0.0.1 when there is no network."""
    with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as s:
        try:
            s.connect(("10.255.255.255", 1))
            return s.getsockname()[0]
        except OSError:
            return "127.0.0.1"


def _print_review(review: list[dict]) -> None:
    for row in review:
        print(
            f"要確認 (check): {row['team']} の public {row['public']:.5f} は、このデータセットの"
            f"公開されている最高精度 ({row['threshold']}) を超えています。テストラベルの不正使用が"
            "ないか確かめてください。"
        )


def _print_board(rows: list[dict], label: str) -> None:
    print(f"{label}:")
    for row in rows:
        print(f"  {row['rank']:>3}  {row['score']:.5f}  {row['team']}")


def cmd_example(args) -> None:
    print(_example(), end="")


def cmd_init(args) -> None:
    from seminar_lib.contest.organizer import init_contest

    team_tokens, organizer_token = init_contest(args.definition, args.folder)
    width = max(_width(t) for t in team_tokens)
    print(f"Contest written to {args.folder}; the student pack is {Path(args.folder) / 'student'}")
    print("Tokens (shown only now; only their hashes are stored; `new-token` replaces one):")
    for team, token in team_tokens.items():
        print(f"  {team}{' ' * (width - _width(team))}  {token}")
    print(f"Organiser token (reveal, export over the API): {organizer_token}")


def cmd_serve(args) -> None:
    from seminar_lib.contest.server import LOCAL_HOSTS, serve

    if args.host not in LOCAL_HOSTS:
        print(
            f"警告 (warning): --host {args.host} で公開します。同じネットワークの誰でもこのページを"
            "開けます。通信は暗号化されません (HTTP)。"
            "学内の信頼できるネットワークだけで使ってください。",
            file=sys.stderr,
            flush=True,
        )
    host = _lan_address() if args.host in ("0.0.0.0", "::") else args.host
    print(f"Leaderboard: http://{host}:{args.port}/  (Ctrl+C stops the server)", flush=True)
    serve(args.folder, host=args.host, port=args.port)


def cmd_reveal(args) -> None:
    from seminar_lib.contest.contest import Contest

    contest = Contest(args.folder)
    contest.reveal()
    _print_board(contest.leaderboard()["private"], "Final ranking (private)")
    _print_review(contest.export()["review"])


def cmd_export(args) -> None:
    from seminar_lib.contest.contest import Contest

    text = json.dumps(Contest(args.folder).export(), ensure_ascii=False, indent=1)
    if args.out:  # private scores: readable by the organiser only
        with open(os.open(args.out, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600), "w") as f:
            f.write(text + "\n")
        print(f"Wrote {args.out}")
    else:
        print(text)


def cmd_export_codabench(args) -> None:
    from seminar_lib.contest.codabench import export_codabench

    times = {key: _local_time(getattr(args, key)) for key in ("start", "deadline", "reveal")}
    bundle = export_codabench(args.folder, args.out, **times, logo=args.logo)
    print(f"Wrote {bundle} (upload it to Codabench; it holds the answer key: keep it private)")


def cmd_new_token(args) -> None:
    from seminar_lib.contest.organizer import new_team_token

    print(
        f"New token for {args.team} (the old one no longer works): "
        f"{new_team_token(args.folder, args.team)}"
    )


def cmd_validate(args) -> None:
    from seminar_lib.contest.submission import read_student_pack, validate_submission

    ids, _ = read_student_pack(args.pack)
    data = Path(args.csv).read_bytes()
    labels = validate_submission(data, ids, max_bytes=args.max_kb * 1024)
    print(f"OK: {len(labels):,} 行、形式は正しいです。")


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="python -m seminar_lib.contest",
        description=__doc__.split("\n\n")[0],
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    sub = parser.add_subparsers(dest="command", required=True)
    # name, help, positional arguments, run
    commands = [
        ("example", "print an example definition", (), cmd_example),
        ("init", "write a contest folder and print the tokens", ("definition", "folder"), cmd_init),
        ("serve", "run the leaderboard server", ("folder",), cmd_serve),
        ("reveal", "show the private leaderboard", ("folder",), cmd_reveal),
        ("export", "everything as JSON (private included)", ("folder",), cmd_export),
        ("export-codabench", "write a Codabench bundle", ("folder", "out"), cmd_export_codabench),
        ("new-token", "replace a team's token", ("folder", "team"), cmd_new_token),
        (
            "validate",
            "check a submission CSV against a student pack",
            ("csv", "pack"),
            cmd_validate,
        ),
    ]
    for name, text, positional, run in commands:
        p = sub.add_parser(name, help=text)
        for arg in positional:
            p.add_argument(arg)
        p.set_defaults(run=run)
        if name == "serve":
            p.add_argument(
                "--host", default="127.0.0.1", help="127.0.0.1 unless the lab must reach it"
            )
            p.add_argument("--port", type=int, default=8000)
        elif name == "export":
            p.add_argument("--out", help="a JSON file (default: print)")
        elif name == "export-codabench":
            for key, text in (
                ("--start", "opening of the public phase (default: now)"),
                ("--deadline", "end of the public phase (default: the contest's deadline)"),
                ("--reveal", "start of the final phase (default: 1 minute after the deadline)"),
            ):
                p.add_argument(key, help=text + ", local time like 2026-12-09T18:00")
            p.add_argument("--logo", help="an image file (default: 16 test images)")
        elif name == "validate":
            p.add_argument("--max-kb", type=int, default=1024, help="the contest's size limit")
    return parser


def main(argv=None) -> int:
    """Run one command; a user error prints one line and returns 1."""
    from seminar_lib.contest.submission import SubmissionError

    args = _parser().parse_args(argv)
    try:
        args.run(args)
    except (FileNotFoundError, FileExistsError, ValueError, SubmissionError) as err:
        print(f"error: {err}", file=sys.stderr)
        return 1
    return 0
