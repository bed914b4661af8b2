"""Real application servers for the scale-out and fault tests: gunicorn processes serving the project on
loopback ports, and a small browser (``requests`` with cookies and the CSRF token) to use them as an
official would. The tests that use these are named ``test_concurrency*`` (the "processes" group).

The probe application (``probe_app.application``) is the project's WSGI application plus one route the
tests read the shared cache through; everything else is served by ``lienthong.wsgi`` unchanged.
"""

from __future__ import annotations

import html
import os
import re
import signal
import subprocess
import sys
import time
from dataclasses import dataclass, field
from pathlib import Path

import requests

BASE_DIR = Path(__file__).resolve().parents[3]
READY_PATH = "/tai-khoan/dang-nhap/"
START_TIMEOUT = 60  # seconds for a gunicorn to import the project and answer (2 shared cores)
REQUEST_TIMEOUT = 30  # no request of the tests may hang longer than this


@dataclass
class Server:
    url: str
    process: subprocess.Popen
    log: Path

    def stop(self) -> None:
        if self.process.poll() is None:
            self.process.send_signal(signal.SIGTERM)
            try:
                self.process.wait(timeout=15)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait(timeout=15)

    def log_text(self) -> str:
        return self.log.read_text(errors="replace") if self.log.exists() else ""


def server_env(*, database_url: str, media_root: str, var_dir: str, **extra: str) -> dict[str, str]:
    """The environment of a server process: the test's database and media, a var folder of its own."""
    env = {k: v for k, v in os.environ.items() if not k.startswith(("PYTEST_", "DJANGO_SETTINGS"))}
    env.update({"DJANGO_SETTINGS_MODULE": "lienthong.settings", "DATABASE_URL": database_url,
                "MEDIA_ROOT": media_root, "LIENTHONG_VAR_DIR": var_dir, "Q_SYNC": "1",
                "PYTHONUNBUFFERED": "1"})
    env.update(extra)
    return env


def start_gunicorn(*, port: int, env: dict[str, str], log: Path, app: str = "lienthong.wsgi:application",
                   threads: int = 4) -> Server:
    """One gunicorn (one worker, ``threads`` threads) on 127.0.0.1:``port``; returns once it answers."""
    with open(log, "ab") as out:
        process = subprocess.Popen(
            [sys.executable, "-m", "gunicorn", app, "--bind", f"127.0.0.1:{port}", "--workers", "1",
             "--threads", str(threads), "--timeout", "60", "--graceful-timeout", "5"],
            cwd=BASE_DIR, env=env, stdout=out, stderr=subprocess.STDOUT)
    server = Server(f"http://127.0.0.1:{port}", process, log)
    wait_until_answering(server)
    return server


def wait_until_answering(server: Server, timeout: float = START_TIMEOUT) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if server.process.poll() is not None:
            raise AssertionError(f"gunicorn on {server.url} exited:\n{server.log_text()[-3000:]}")
        try:
            if requests.get(server.url + READY_PATH, timeout=5).status_code == 200:
                return
        except requests.RequestException:
            pass
        time.sleep(0.3)
    server.stop()
    raise AssertionError(f"gunicorn on {server.url} did not answer in {timeout} s:\n{server.log_text()[-3000:]}")


_CSRF_INPUT = re.compile(r'name="csrfmiddlewaretoken" value="([^"]+)"')


@dataclass
class Browser:
    """One person's browser: cookies are per host, so one browser's session goes to every server on
    127.0.0.1, whichever port it is sent to (as behind a proxy that spreads requests)."""

    session: requests.Session = field(default_factory=requests.Session)

    def get(self, url: str, **kw) -> requests.Response:
        return self.session.get(url, timeout=REQUEST_TIMEOUT, allow_redirects=False, **kw)

    def post(self, url: str, data: dict | None = None, **kw) -> requests.Response:
        token = self.session.cookies.get("csrftoken")
        if token is None:  # a first visit sets the CSRF cookie
            self.get(url.split("/", 3)[0] + "//" + url.split("/", 3)[2] + READY_PATH)
            token = self.session.cookies.get("csrftoken")
        headers = {"X-CSRFToken": token, **kw.pop("headers", {})}
        return self.session.post(url, data=data, headers=headers, timeout=REQUEST_TIMEOUT, allow_redirects=False,
                                 **kw)

    def login(self, server_url: str, username: str, password: str) -> requests.Response:
        page = self.get(server_url + READY_PATH)
        match = _CSRF_INPUT.search(page.text)
        assert match, page.text[:500]
        return self.post(server_url + READY_PATH, {"username": username, "password": password,
                                                   "csrfmiddlewaretoken": match.group(1)})


def text_of(response: requests.Response) -> str:
    """The page's text with HTML entities decoded, to look for a message constant in it."""
    return html.unescape(response.text)
