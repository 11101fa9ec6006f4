"""Rankings from the stored submissions, as on Kaggle (pure functions, no database).

- Public leaderboard: each team's best public score; a tie goes to the earlier submission.
- Final (private) leaderboard: each team's final submissions are the ones it marked (at most
  ``max_final``), or by default its ``max_final`` best public ones; the team's private score is
  the best private score among them, and a tie again goes to the earlier submission.

Submissions are dicts with ``id`` (increasing with time), ``team``, ``public``, ``private``,
``final`` and ``created_at``, as :meth:`Store.submissions` returns them.
"""

from __future__ import annotations

__all__ = ["final_choice", "final_board", "public_board"]


def _by_team(submissions: list[dict]) -> dict[str, list[dict]]:
    teams: dict[str, list[dict]] = {}
    for s in submissions:
        teams.setdefault(s["team"], []).append(s)
    return teams


def _ranked(best: list[tuple[float, dict]]) -> list[tuple[float, dict]]:
    return sorted(best, key=lambda item: (-item[0], item[1]["id"]))


def public_board(submissions: list[dict]) -> list[dict]:
    """Rows ``rank, team, score, entries, last`` for teams with at least one submission."""
    best = []
    for subs in _by_team(submissions).values():
        top = min(subs, key=lambda s: (-s["public"], s["id"]))
        best.append((top["public"], {**top, "entries": len(subs), "last": subs[-1]["created_at"]}))
    return [
        {
            "rank": rank,
            "team": s["team"],
            "score": score,
            "entries": s["entries"],
            "last": s["last"],
            "submission_id": s["id"],
        }
        for rank, (score, s) in enumerate(_ranked(best), start=1)
    ]


def final_choice(subs: list[dict], max_final: int) -> list[dict]:
    """One team's final submissions: those it marked, else its ``max_final`` best public ones."""
    marked = [s for s in subs if s["final"]]
    if marked:
        return marked[:max_final]
    return sorted(subs, key=lambda s: (-s["public"], s["id"]))[:max_final]


def final_board(submissions: list[dict], max_final: int) -> list[dict]:
    """Rows ``rank, team, score (private), public, public_rank, submission_id, entries``."""
    public_rank = {row["team"]: row["rank"] for row in public_board(submissions)}
    best = []
    for subs in _by_team(submissions).values():
        top = min(final_choice(subs, max_final), key=lambda s: (-s["private"], s["id"]))
        best.append((top["private"], {**top, "entries": len(subs)}))
    return [
        {
            "rank": rank,
            "team": s["team"],
            "score": score,
            "public": s["public"],
            "public_rank": public_rank[s["team"]],
            "submission_id": s["id"],
            "entries": s["entries"],
        }
        for rank, (score, s) in enumerate(_ranked(best), start=1)
    ]
