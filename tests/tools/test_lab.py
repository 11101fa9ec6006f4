"""make start / make lab: student copies never overwritten; a Japanese, quiet JupyterLab.

The browser test starts the real JupyterLab on a free port of 127.0.0.1 with the command line of
``make lab`` and looks at the page in headless Chromium. Without chromium it is skipped, except
under CI, where it fails.
"""

import json
import os
import socket
import struct
import subprocess
import time
import urllib.request

import nbformat
import pytest
from helpers import require

from tools import lab
from tools.headless import HeadlessChromium, chromium_problem
from tools.notebooks import BUILD_DIR


def test_lab_settings_select_japanese_and_turn_the_news_off(tmp_path):
    settings = json.loads(lab.LAB_SETTINGS.read_text(encoding="utf-8"))
    assert settings["@jupyterlab/translation-extension:plugin"] == {"locale": "ja_JP"}
    notification = settings["@jupyterlab/apputils-extension:notification"]
    assert notification == {"fetchNews": "false", "checkForUpdates": False}
    target = lab.install_lab_settings(tmp_path)
    assert target == tmp_path / "share/jupyter/lab/settings/overrides.json"
    assert json.loads(target.read_text(encoding="utf-8")) == settings
    os.utime(target, (0, 0))
    lab.install_lab_settings(tmp_path)  # unchanged: not rewritten
    assert target.stat().st_mtime == 0


def test_broken_lab_settings_are_refused(tmp_path):
    broken = tmp_path / "overrides.json"
    broken.write_text('{"locale": ', encoding="utf-8")
    with pytest.raises(json.JSONDecodeError):
        lab.install_lab_settings(tmp_path / "prefix", broken)
    assert not (tmp_path / "prefix").exists()


@pytest.mark.parametrize(("uid", "root"), [(0, True), (1000, False)])
def test_lab_command_keeps_settings_in_the_project(monkeypatch, tmp_path, uid, root):
    monkeypatch.setattr(os, "geteuid", lambda: uid)
    command = lab.lab_command(tmp_path, ["--no-browser"])
    assert command[1:3] == ["-m", "jupyterlab"]
    assert f"--notebook-dir={tmp_path}" in command
    assert f"--LabApp.user_settings_dir={BUILD_DIR / 'lab' / 'user-settings'}" in command
    assert f"--LabApp.workspaces_dir={BUILD_DIR / 'lab' / 'workspaces'}" in command
    assert ("--allow-root" in command) == root
    assert command[-1] == "--no-browser"


def _course(tmp_path, small_notebook, names):
    """Copies of the small notebook named ``names`` in a course folder; their paths."""
    course = tmp_path / "course"
    course.mkdir(exist_ok=True)
    paths = []
    for name in names:
        path = course / name
        path.write_bytes(small_notebook.read_bytes())
        paths.append(path)
    return paths


def test_start_creates_only_the_missing_copies_and_never_overwrites(tmp_path, small_notebook):
    first, second = _course(tmp_path, small_notebook, ["01_a.ipynb", "02_b.ipynb"])
    mine = tmp_path / "my-notebooks"
    report = lab.start_student_copies([first], mine)
    assert (report.created, report.kept) == (["01_a.ipynb"], [])
    copy = nbformat.read(mine / "01_a.ipynb", as_version=4)
    assert "NotImplementedError" in copy.cells[2].source
    assert "### BEGIN SOLUTION" not in json.dumps(copy)

    # The student works in the copy; the course then adds a session and updates the first.
    copy.cells[2].source = "def f(x):\n    return x + 1  # 自分の答え"
    nbformat.write(copy, mine / "01_a.ipynb")
    edited = (mine / "01_a.ipynb").read_bytes()
    nb = nbformat.read(first, as_version=4)
    nb.cells[0].source += "\n\n改訂しました。"
    nbformat.write(nb, first)

    report = lab.start_student_copies([first, second], mine)
    assert report.created == ["02_b.ipynb"]
    assert report.kept == report.edited == report.newer_in_course == ["01_a.ipynb"]
    assert (mine / "01_a.ipynb").read_bytes() == edited  # the student's work is untouched
    message = report.message()
    assert message == (
        "my-notebooks/ に 1 冊の学生用ノートブックを作りました:\n  02_b.ipynb\n"
        "my-notebooks/ にすでにある 1 冊は、そのまま使います（上書きはしません）。\n"
        "  01_a.ipynb（編集済み、講座の版が更新されています）\n"
        "新しい版を使うときは、JupyterLab のファイル一覧で自分のファイルの名前を変え"
        "（例: 01_a_old.ipynb）、このターミナルで Ctrl+C を押して JupyterLab を止めてから、"
        "make start をもう一度実行してください。"
    )

    # Running a notebook changes its outputs, not its cells: neither edited nor new.
    ran = nbformat.read(mine / "02_b.ipynb", as_version=4)
    ran.cells[1].outputs[0]["data"]["text/plain"] = "1 (run again)"
    ran.cells[1].execution_count = 7
    nbformat.write(ran, mine / "02_b.ipynb")
    rerun = nbformat.read(second, as_version=4)
    rerun.cells[5].outputs[0]["data"]["text/plain"] = "2 (re-executed by the course)"
    nbformat.write(rerun, second)
    report = lab.start_student_copies([second], mine)
    assert (report.created, report.kept, report.edited) == ([], ["02_b.ipynb"], [])
    assert report.newer_in_course == []
    assert report.message() == (
        "新しい回はありません。"
        "my-notebooks/ にすでにある 1 冊は、そのまま使います（上書きはしません）。"
    )


def test_start_without_notebooks_says_so(tmp_path):
    assert "講座のノートブックが見つかりませんでした" in lab.StartReport(tmp_path).message()


# --- the real JupyterLab in headless Chromium ------------------------------------------------


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def _wait_for_server(url: str, process, timeout: float = 120) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"JupyterLab exited with status {process.returncode}")
        try:
            with urllib.request.urlopen(url, timeout=5) as reply:
                if reply.status == 200:
                    return
        except OSError:
            time.sleep(0.5)
    raise RuntimeError(f"JupyterLab did not answer {url} within {timeout:g} s")


WAIT_FOR_MENU = """new Promise(resolve => {
  const start = Date.now();
  const poll = () => {
    const menu = document.querySelector('.lm-MenuBar');
    const listing = document.querySelectorAll('.jp-DirListing-item').length;
    if ((menu && listing) || Date.now() - start > 60000) {
      resolve({menu: menu ? menu.innerText.split('\\n') : null, listing});
    } else { setTimeout(poll, 250); }
  };
  poll();
})"""
# The defaults the server gives the page: the schema's defaults with the overrides applied.
SETTING = """fetch('/lab/api/settings/{id}?token={token}').then(r => r.json()).then(s =>
  Object.fromEntries(Object.entries(s.schema.properties).map(([k, p]) => [k, p.default])))"""


def test_jupyterlab_opens_in_japanese_without_the_news_question(tmp_path, small_notebook):
    problem = chromium_problem()
    require(problem)
    mine = tmp_path / "my-notebooks"
    lab.start_student_copies([small_notebook], mine)
    lab.install_lab_settings()  # as make lab and make start do
    port, token = _free_port(), "course-test-token"
    command = lab.lab_command(
        mine, ["--no-browser", f"--port={port}", f"--IdentityProvider.token={token}"]
    )
    env = {**os.environ, "JUPYTER_RUNTIME_DIR": str(tmp_path / "runtime")}
    log = (tmp_path / "lab.log").open("wb")
    server = subprocess.Popen(command, stdout=log, stderr=subprocess.STDOUT, env=env)
    try:
        base = f"http://127.0.0.1:{port}"
        _wait_for_server(f"{base}/api/status?token={token}", server)
        with HeadlessChromium(1280, 800, timeout=120) as browser:
            browser.open(f"{base}/lab?token={token}")
            page = browser.evaluate(WAIT_FOR_MENU)
            assert page["menu"][:4] == ["ファイル", "編集", "表示", "実行"]
            assert page["listing"] == 1  # nb.ipynb, the student's copy
            locale = browser.evaluate(
                SETTING.format(id="@jupyterlab/translation-extension:plugin", token=token)
            )
            assert locale["locale"] == "ja_JP"
            news = browser.evaluate(
                SETTING.format(id="@jupyterlab/apputils-extension:notification", token=token)
            )
            assert (news["fetchNews"], news["checkForUpdates"]) == ("false", False)
            time.sleep(3)  # the news question came as a toast within a few seconds
            toasts = browser.evaluate(
                "Array.from(document.querySelectorAll('.Toastify__toast')).map(t => t.innerText)"
            )
            assert toasts == []
            assert "Jupyter news" not in browser.evaluate("document.body.innerText")
            shot = tmp_path / "lab.png"
            browser.screenshot(shot)
        header = shot.read_bytes()[:24]
        assert header[:8] == b"\x89PNG\r\n\x1a\n"
        assert struct.unpack(">II", header[16:24]) == (1280, 800)
    finally:
        server.terminate()
        server.wait(timeout=30)
        log.close()
    assert not list(tmp_path.glob("my-notebooks/.ipynb_checkpoints/*"))  # nothing was saved
