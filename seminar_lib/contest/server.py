"""The leaderboard server: FastAPI + uvicorn over one contest folder.

Pages (Japanese): ``/`` leaderboard, ``/team`` upload form and history (after a login with the
team's token, kept in an HttpOnly cookie), ``/projector`` (refreshes itself), ``/chart.svg``,
``/rules``. JSON API: ``POST /api/submit`` (the CSV as the body), ``GET /api/leaderboard``,
``GET /api/history``, ``POST /api/final``; the organiser's ``POST /api/reveal`` and
``GET /api/export``. The API takes ``Authorization: Bearer <token>``; errors are
``{"detail": "<Japanese message>"}`` with status 400 (bad file), 401 (no or wrong token),
403 (organiser only, or closed), 413 (too large) and 429 (daily limit).

No private score leaves the server before the reveal, except through the organiser's export.
No request value is used as a file path: the only files read are the contest folder's own.
"""

from __future__ import annotations

import json
from typing import Annotated
from urllib.parse import urlsplit

from seminar_lib.contest.contest import Contest, ContestClosedError
from seminar_lib.contest.pages import markdown_html, render, score_chart_svg
from seminar_lib.contest.rules import japanese_time, rules_markdown
from seminar_lib.contest.scoring import METRIC_NAMES_JA
from seminar_lib.contest.store import DailyLimitError, RevealedError
from seminar_lib.contest.submission import SubmissionError

try:
    from fastapi import FastAPI, File, Form, Request, UploadFile
    from fastapi.concurrency import run_in_threadpool
    from fastapi.exceptions import RequestValidationError
    from fastapi.responses import HTMLResponse, JSONResponse, RedirectResponse, Response
except ImportError as err:  # pragma: no cover - the message is the point
    raise ImportError(
        "The contest server needs FastAPI and uvicorn: pip install -e '.[contest]' "
        "(make setup installs them)."
    ) from err

__all__ = ["LOCAL_HOSTS", "create_app", "serve"]

COOKIE = "contest_token"
LOCAL_HOSTS = ("127.0.0.1", "localhost", "::1")
PROJECTOR_REFRESH_S = 10


class _BodyLimit:
    """ASGI middleware: a request body over ``max_bytes`` gets 413 before the app sees it
    (JSON for the API, a page for the browser); ``file_bytes`` is the limit a file has."""

    def __init__(self, app, max_bytes: int, file_bytes: int, tz):
        self.app, self.max_bytes, self.file_bytes, self.tz = app, max_bytes, file_bytes, tz

    async def __call__(self, scope, receive, send):
        if scope["type"] != "http":
            return await self.app(scope, receive, send)
        declared = dict(scope["headers"]).get(b"content-length", b"0")
        if declared.isdigit() and int(declared) > self.max_bytes:
            return await self._too_large(scope, send)
        chunks, size = [], 0
        while True:
            message = await receive()
            if message["type"] == "http.disconnect":
                return None
            size += len(message.get("body", b""))
            if size > self.max_bytes:
                return await self._too_large(scope, send)
            chunks.append(message.get("body", b""))
            if not message.get("more_body"):
                break
        body = b"".join(chunks)

        async def replay():
            nonlocal body
            message, body = {"type": "http.request", "body": body, "more_body": False}, b""
            return message

        return await self.app(scope, replay, send)

    async def _too_large(self, scope, send):
        detail = (
            f"ファイルが大きすぎます (file too large)。上限は {self.file_bytes:,} バイトです。"
            "受け付けませんでした（提出回数には数えません）。"
        )
        if scope["path"].startswith("/api/"):
            response = JSONResponse({"detail": detail}, status_code=413)
        else:
            html = render("message", self.tz, title="提出できません", message=detail, back="/team")
            response = HTMLResponse(html, status_code=413)
        await response(scope, None, send)


def _error(status: int, detail: str) -> JSONResponse:
    return JSONResponse({"detail": detail}, status_code=status)


def _bearer(request: Request) -> str | None:
    scheme, _, token = request.headers.get("authorization", "").partition(" ")
    return token.strip() if scheme.lower() == "bearer" and token.strip() else None


def create_app(folder, clock=None) -> FastAPI:
    """The server's app for the contest in ``folder`` (``clock`` for tests: returns UTC now)."""
    contest = Contest(folder, clock=clock)
    config = contest.config
    app = FastAPI(title=config.title, docs_url=None, redoc_url=None, openapi_url=None)
    base = {"title": config.title, "metric_ja": METRIC_NAMES_JA[config.metric]}

    def status_text() -> str:
        reason = contest.closed_reason()
        if reason:
            return reason
        if config.deadline is None:
            return "提出を受け付けています。"
        return f"締め切り: {japanese_time(config.deadline)}（{config.timezone}）。"

    def page(name: str, status_code: int = 200, **context) -> HTMLResponse:
        html = render(name, config.tz, **base, status=status_text(), **context)
        return HTMLResponse(html, status_code=status_code)

    def team_of(token: str | None):
        return contest.store.team_for_token(token) if token else None

    def api_team(request: Request):
        token = _bearer(request)
        if token is None:
            return None, _error(
                401, "トークンがありません。Authorization: Bearer <トークン> を付けてください。"
            )
        team = team_of(token)
        if team is None:
            return None, _error(
                401, "トークンが正しくありません。配られたトークンを確かめてください。"
            )
        return team, None

    def api_organizer(request: Request):
        token = _bearer(request)
        if token is None:
            return _error(
                401, "トークンがありません。Authorization: Bearer <トークン> を付けてください。"
            )
        if not contest.store.is_organizer(token):
            return _error(403, "この操作は主催者のトークンでしか行えません。")
        return None

    def do_submit(team: dict, data: bytes) -> tuple[int, str, dict]:
        """(status, message, result) of one upload; the message is Japanese."""
        try:
            result = contest.submit(team["id"], data)
        except SubmissionError as err:
            return 400, f"受け付けませんでした（提出回数には数えません）: {err}", {}
        except ContestClosedError as err:
            return 403, str(err), {}
        except DailyLimitError:
            return (
                429,
                (
                    f"今日の提出回数（{config.daily_limit} 回）を使い切りました。"
                    f"日付が変わると（{config.timezone} の 0 時）、また提出できます。"
                ),
                {},
            )
        message = (
            f"提出 #{result['id']} を受け付けました。public スコア: {result['public']:.5f}"
            f"（今日の {result['submissions_today']} 回目。1 日 {config.daily_limit} 回まで）"
        )
        return 200, message, result

    # --- pages ------------------------------------------------------------------------------
    @app.get("/", response_class=HTMLResponse)
    def leaderboard_page():
        return page(
            "leaderboard",
            board=contest.leaderboard(),
            public_percent=round(config.public_fraction * 100),
        )

    @app.get("/projector", response_class=HTMLResponse)
    def projector_page():
        remaining = None
        if config.deadline is not None and contest.closed_reason() is None:
            minutes = int((config.deadline - contest.now()).total_seconds() // 60)
            days, hours = minutes // (24 * 60), minutes // 60 % 24
            remaining = f"{hours} 時間 {minutes % 60} 分" if minutes >= 60 else f"{minutes} 分"
            remaining = f"{days} 日 {remaining}" if days else remaining
        return page(
            "projector",
            board=contest.leaderboard(),
            refresh=PROJECTOR_REFRESH_S,
            remaining=remaining,
        )

    @app.get("/chart.svg")
    def chart():
        svg = score_chart_svg(contest.store.submissions(), config.tz)
        return Response(svg, media_type="image/svg+xml")

    @app.get("/rules", response_class=HTMLResponse)
    def rules_page():
        return page("rules", rules=markdown_html(rules_markdown(config, len(contest.ids))))

    def team_page(request: Request, message: str = "", ok: bool = True, status_code: int = 200):
        team = team_of(request.cookies.get(COOKIE))
        if team is None:
            return page(
                "team",
                status_code,
                team=None,
                message=message,
                message_class="ok" if ok else "error",
            )
        revealed = contest.revealed  # read once: the history and the page agree
        return page(
            "team",
            status_code,
            team=team,
            message=message,
            message_class="ok" if ok else "error",
            history=contest.history(team["id"], revealed),
            revealed=revealed,
            accepting=contest.closed_reason() is None,
            max_final=config.max_final,
            daily_limit=config.daily_limit,
            used_today=contest.store.used_today(team["id"], contest.now().date().isoformat()),
        )

    @app.get("/team", response_class=HTMLResponse)
    def team_get(request: Request):
        return team_page(request)

    @app.post("/login")
    def login(request: Request, token: Annotated[str, Form()] = ""):
        if team_of(token.strip()) is None:
            return team_page(request, "トークンが正しくありません。", ok=False, status_code=401)
        response = RedirectResponse("/team", status_code=303)
        response.set_cookie(COOKIE, token.strip(), httponly=True, samesite="strict")
        return response

    @app.post("/logout")
    def logout():
        response = RedirectResponse("/team", status_code=303)
        response.delete_cookie(COOKIE)
        return response

    @app.post("/team/submit", response_class=HTMLResponse)
    def team_submit(request: Request, file: Annotated[UploadFile, File()]):
        team = team_of(request.cookies.get(COOKIE))
        if team is None:
            return team_page(
                request, "先にトークンでログインしてください。", ok=False, status_code=401
            )
        status, message, _ = do_submit(team, file.file.read())
        return team_page(request, message, ok=status == 200, status_code=status)

    @app.post("/team/final", response_class=HTMLResponse)
    def team_final(request: Request, final: Annotated[list[int] | None, Form()] = None):
        team = team_of(request.cookies.get(COOKIE))
        if team is None:
            return team_page(
                request, "先にトークンでログインしてください。", ok=False, status_code=401
            )
        status, message = set_final(team, final or [])
        return team_page(request, message, ok=status == 200, status_code=status)

    def set_final(team: dict, ids: list[int]) -> tuple[int, str]:
        if len(ids) > config.max_final:
            chosen = f"{len(ids)} 件選ばれました"
            return 400, f"最終提出に選べるのは {config.max_final} 件までです（{chosen}）。"
        try:
            contest.store.set_final(team["id"], ids)
        except RevealedError:
            return 403, "private リーダーボードの公開後は最終提出を変えられません。"
        except KeyError as err:
            numbers = "、".join(f"#{i}" for i in err.args[0])
            return 400, f"提出 {numbers} はこのチームの提出ではありません。"
        return (
            200,
            "最終提出を保存しました。"
            if ids
            else "最終提出の選択を取り消しました"
            f"（public の点数が高い {config.max_final} 件を自動で使います）。",
        )

    # --- JSON API -------------------------------------------------------------------------
    @app.post("/api/submit")
    async def api_submit(request: Request):
        team, failure = await run_in_threadpool(api_team, request)
        if failure:
            return failure
        data = await request.body()
        status, message, result = await run_in_threadpool(do_submit, team, data)
        if status != 200:
            return _error(status, message)
        return {
            "submission_id": result["id"],
            "public_score": result["public"],
            "metric": config.metric,
            "submissions_today": result["submissions_today"],
            "daily_limit": config.daily_limit,
            "message": message,
        }

    @app.get("/api/leaderboard")
    def api_leaderboard():
        return contest.leaderboard()

    @app.get("/api/history")
    def api_history(request: Request):
        team, failure = api_team(request)
        return failure or {"team": team["name"], "submissions": contest.history(team["id"])}

    @app.post("/api/final")
    async def api_final(request: Request):
        team, failure = await run_in_threadpool(api_team, request)
        if failure:
            return failure
        try:
            ids = json.loads(await request.body())["submission_ids"]
        except (ValueError, KeyError, TypeError):
            ids = None
        if not isinstance(ids, list) or not all(type(i) is int for i in ids):
            return _error(
                400, '本文は {"submission_ids": [提出の番号, ...]} の JSON にしてください。'
            )
        status, message = await run_in_threadpool(set_final, team, ids)
        return _error(status, message) if status != 200 else {"message": message}

    @app.post("/api/reveal")
    def api_reveal(request: Request):
        failure = api_organizer(request)
        if failure:
            return failure
        contest.reveal()
        return contest.leaderboard()

    @app.get("/api/export")
    def api_export(request: Request):
        return api_organizer(request) or contest.export()

    @app.middleware("http")
    async def same_origin_forms(request: Request, call_next):
        """A form posted from another site (a browser sends its Origin) is refused: no one can
        log a student into another team's page or submit through it from elsewhere."""
        origin = request.headers.get("origin")
        if (
            request.method == "POST"
            and not request.url.path.startswith("/api/")
            and origin is not None
            and urlsplit(origin).netloc != request.headers.get("host")
        ):
            detail = "ほかのサイトから送られたフォームは受け付けません。"
            html = render("message", config.tz, title=config.title, message=detail, back="/team")
            return HTMLResponse(html, status_code=403)
        return await call_next(request)

    @app.exception_handler(RequestValidationError)
    def bad_request(request: Request, exc: RequestValidationError):
        detail = "リクエストの形式が正しくありません（ファイルや値が送られていません）。"
        if request.url.path.startswith("/api/"):
            return _error(400, detail)
        html = render("message", config.tz, title=config.title, message=detail, back="/team")
        return HTMLResponse(html, status_code=400)

    app.add_middleware(
        _BodyLimit,
        max_bytes=config.max_upload_bytes + 64 * 1024,  # a form's file and its multipart frame
        file_bytes=config.max_upload_bytes,
        tz=config.tz,
    )
    return app


def serve(folder, host: str = "127.0.0.1", port: int = 8000) -> None:
    """Run the server (blocks until Ctrl+C); only this machine can reach it unless ``host`` says
    otherwise (``python -m seminar_lib.contest serve --host ...`` then prints a warning)."""
    import uvicorn

    uvicorn.run(create_app(folder), host=host, port=port, log_level="warning")
