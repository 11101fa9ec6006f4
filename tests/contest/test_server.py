"""The real server on 127.0.0.1: auth, pages, escaping, size limit, no private score shown."""

import httpx
import numpy as np
import pytest

from seminar_lib.contest import ServerError, fetch_history, fetch_leaderboard, submit
from seminar_lib.contest.contest import Contest
from seminar_lib.contest.local import LocalServer

SCRIPT_TEAM = "<script>alert(1)</script>"


@pytest.fixture
def api(server):
    with httpx.Client(base_url=server.url, timeout=30) as client:
        yield client


def bearer(token):
    return {"Authorization": f"Bearer {token}"}


def csv_for(contest, rng=None, correct=0.9):
    """A CSV that is right on about ``correct`` of the images."""
    c = Contest(contest.path)
    rng = rng or np.random.default_rng(0)
    labels = np.where(rng.random(len(c.ids)) < correct, c.y_true, (c.y_true + 1) % 10)
    return "id,label\n" + "".join(f"{i},{y}\n" for i, y in zip(c.ids, labels, strict=True)), labels


def numbers(answer) -> list[float]:
    """Every number in a JSON answer."""
    if isinstance(answer, dict):
        return [x for value in answer.values() for x in numbers(value)]
    if isinstance(answer, list):
        return [x for value in answer for x in numbers(value)]
    return [answer] if isinstance(answer, float) else []


def private_perfect_csv(contest):
    """A CSV right on every private image and on about 90% of the public ones: its private
    score, 1.0, is a number no response may contain before the reveal."""
    c = Contest(contest.path)
    _, labels = csv_for(contest)
    labels[~c.public] = c.y_true[~c.public]
    public, private = c.scores(labels)
    assert private == 1.0 and public < 0.95
    return "id,label\n" + "".join(f"{i},{y}\n" for i, y in zip(c.ids, labels, strict=True)), public


def test_submit_returns_the_public_score(contest, server):
    text, public = private_perfect_csv(contest)
    private = 1.0
    assert submit(text, url=server.url, token=contest.tokens["チームA"]) == public
    history = fetch_history(server.url, contest.tokens["チームA"])
    assert [s["public"] for s in history] == [public] and "private" not in history[0]
    board = fetch_leaderboard(server.url)
    assert board["public"][0]["team"] == "チームA" and "private" not in board
    assert private not in numbers(board) + numbers(history)


@pytest.mark.parametrize(
    ("headers", "status", "message"),
    [
        ({}, 401, "トークンがありません"),
        ({"Authorization": "Basic abc"}, 401, "トークンがありません"),
        ({"Authorization": "Bearer wrong-token"}, 401, "トークンが正しくありません"),
    ],
)
def test_api_needs_a_valid_token(api, headers, status, message):
    for method, path in (("POST", "/api/submit"), ("GET", "/api/history"), ("POST", "/api/final")):
        response = api.request(method, path, headers=headers, content=b"id,label\n")
        assert response.status_code == status and message in response.json()["detail"]


def test_a_team_sees_only_its_own_history(contest, server, api):
    text, _ = csv_for(contest)
    submit(text, url=server.url, token=contest.tokens["チームA"])
    assert fetch_history(server.url, contest.tokens["チームB"]) == []
    # Team B cannot mark team A's submission as its final one.
    response = api.post(
        "/api/final", headers=bearer(contest.tokens["チームB"]), json={"submission_ids": [1]}
    )
    assert (
        response.status_code == 400
        and "このチームの提出ではありません" in response.json()["detail"]
    )


def test_organizer_endpoints(contest, server, api):
    text, labels = csv_for(contest)
    submit(text, url=server.url, token=contest.tokens["チームA"])
    for path, method in (("/api/reveal", "POST"), ("/api/export", "GET")):
        assert api.request(method, path).status_code == 401
        response = api.request(method, path, headers=bearer(contest.tokens["チームA"]))
        assert response.status_code == 403 and "主催者" in response.json()["detail"]
    export = api.get("/api/export", headers=bearer(contest.organizer)).json()
    _, private = Contest(contest.path).scores(labels)
    assert export["submissions"][0]["private"] == private
    assert "private" not in api.get("/api/leaderboard").json()  # the export revealed nothing
    board = api.post("/api/reveal", headers=bearer(contest.organizer)).json()
    assert board["revealed"] and board["private"][0]["score"] == private
    with pytest.raises(ServerError, match="公開されたため、提出の受付は終了しました") as err:
        submit(text, url=server.url, token=contest.tokens["チームA"])
    assert err.value.status == 403


def test_bad_files_and_the_daily_limit(contest, server):
    token = contest.tokens["チームA"]
    with pytest.raises(ServerError, match="提出回数には数えません.*2 行目: 3 列あります") as err:
        submit("id,label\n1,2,3\n", url=server.url, token=token)
    assert err.value.status == 400
    text, _ = csv_for(contest)
    for _ in range(3):  # the template's daily limit
        submit(text, url=server.url, token=token)
    with pytest.raises(ServerError, match=r"今日の提出回数（3 回）を使い切りました") as err:
        submit(text, url=server.url, token=token)
    assert err.value.status == 429


def test_request_size_limit(contest, api):
    big = b"id,label\n" + b"1,1\n" * 300_000  # 1.2 MB > 1 MiB + 64 KiB
    response = api.post("/api/submit", headers=bearer(contest.tokens["チームA"]), content=big)
    assert response.status_code == 413
    assert response.json()["detail"] == (
        "ファイルが大きすぎます (file too large)。上限は 1,048,576 バイトです。"
        "受け付けませんでした（提出回数には数えません）。"
    )
    just_over = b"id,label\n" + b"1,1\n" * 262_142  # 1,048,577 bytes: the file's own limit
    response = api.post("/api/submit", headers=bearer(contest.tokens["チームA"]), content=just_over)
    assert (
        response.status_code == 400 and "上限は 1,048,576 バイトです" in response.json()["detail"]
    )
    with httpx.Client(base_url=api.base_url, timeout=30) as browser:  # the form: a page
        browser.post("/login", data={"token": contest.tokens["チームA"]})
        response = browser.post("/team/submit", files={"file": ("big.csv", big, "text/csv")})
        assert response.status_code == 413 and "<html" in response.text
        assert "提出回数には数えません" in response.text and "戻る" in response.text
        response = browser.post("/team/submit")  # no file: Japanese, not FastAPI's English
        assert response.status_code == 400 and "リクエストの形式が正しくありません" in response.text
    assert Contest(contest.path).store.submissions() == []


def test_final_choice_over_the_api(contest, server, api):
    token = contest.tokens["チームA"]
    for seed in range(3):
        submit(csv_for(contest, np.random.default_rng(seed))[0], url=server.url, token=token)
    response = api.post("/api/final", headers=bearer(token), json={"submission_ids": [1, 2, 3]})
    assert response.status_code == 400 and "2 件まで" in response.json()["detail"]
    assert api.post("/api/final", headers=bearer(token), json={"ids": [1]}).status_code == 400
    assert api.post("/api/final", headers=bearer(token), json={"submission_ids": [3]}).is_success
    assert [s["chosen"] for s in fetch_history(server.url, token)] == [False, False, True]


def test_pages_escape_team_names_and_show_no_private_score(contest, server, api):
    text, _ = private_perfect_csv(contest)
    submit(text, url=server.url, token=contest.tokens[SCRIPT_TEAM])
    api.post("/login", data={"token": contest.tokens[SCRIPT_TEAM]})  # the team page too
    assert "今日の提出: 1 / 3 回" in api.get("/team").text
    for path in ("/", "/projector", "/chart.svg", "/rules", "/team"):
        response = api.get(path)
        assert response.status_code == 200, path
        assert "<script>" not in response.text, path
        assert "1.00000" not in response.text and "1.0000" not in response.text, path
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in api.get("/").text
    assert "&lt;script&gt;" in api.get("/chart.svg").text
    assert 'http-equiv="refresh"' in api.get("/projector").text
    rules = api.get("/rules").text  # the Markdown rendered, not shown raw
    assert "<h2>誠実さのルール</h2>" in rules and "<strong>不正 (cheating)</strong>" in rules
    assert "**" not in rules and "## " not in rules


def test_after_the_reveal_the_pages_close_and_show_the_final_board(contest, server, api):
    text, _ = csv_for(contest)
    submit(text, url=server.url, token=contest.tokens["チームA"])
    with httpx.Client(base_url=server.url, timeout=30) as browser:
        browser.post("/login", data={"token": contest.tokens["チームA"]})
        assert 'action="/team/submit"' in browser.get("/team").text
        api.post("/api/reveal", headers=bearer(contest.organizer))
        page = browser.get("/team").text
        assert 'action="/team/submit"' not in page and "受付は終了しました" in page
    projector = api.get("/projector").text
    assert "最終順位 (private)" in projector and "その提出の public" in projector


def test_team_page_login_upload_and_final(contest, server):
    with httpx.Client(base_url=server.url, timeout=30) as browser:
        response = browser.post("/login", data={"token": "nope"})
        assert response.status_code == 401 and "トークンが正しくありません" in response.text
        browser.post("/login", data={"token": contest.tokens["深層学習研"]})
        page = browser.get("/team").text
        assert "深層学習研" in page and "今日の提出: 0 / 3 回" in page
        text, _ = csv_for(contest)
        response = browser.post(
            "/team/submit", files={"file": ("p.csv", text.encode(), "text/csv")}
        )
        assert (
            response.status_code == 200
            and "提出 #1 を受け付けました。public スコア" in response.text
        )
        response = browser.post(
            "/team/submit", files={"file": ("p.csv", b"id,label\n", "text/csv")}
        )
        assert response.status_code == 400 and "id が 10,000 件足りません" in response.text
        response = browser.post("/team/final", data={"final": ["1"]})
        assert "最終提出を保存しました" in response.text and "checked" in response.text
        browser.post("/logout")
        assert "ログイン" in browser.get("/team").text
    with httpx.Client(base_url=server.url, timeout=30) as stranger:  # no cookie
        assert (
            stranger.post("/team/submit", files={"file": ("p.csv", b"x", "text/csv")}).status_code
            == 401
        )


def test_forms_from_another_site_are_refused(contest, server):
    with httpx.Client(base_url=server.url, timeout=30) as browser:
        token = contest.tokens["チームA"]
        response = browser.post(
            "/login", data={"token": token}, headers={"Origin": "http://evil.example"}
        )
        assert response.status_code == 403 and "ほかのサイト" in response.text
        assert "set-cookie" not in response.headers
        response = browser.post("/login", data={"token": token}, headers={"Origin": server.url})
        assert response.status_code == 303  # same site: logged in
        assert "ログアウト" in browser.get("/team").text


def test_other_hosts_get_a_warning(contest):
    with LocalServer(contest.path, host="0.0.0.0") as server:  # answers on 127.0.0.1 too
        log = server.log()
    assert "警告 (warning): --host 0.0.0.0 で公開します" in log
    address = log.split("Leaderboard: http://")[1].split(":")[0]
    assert address != "0.0.0.0" and address.count(".") == 3  # the address students type
