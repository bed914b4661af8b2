"""Smoke test of the production stack (`make prod-smoke`, run by .ci/run after the PostgreSQL tests).

Starts the stack with deploy/prod.sh (what `make prod` runs), waits until Caddy answers over HTTPS, then checks
through Caddy, with Caddy's local CA as the only trusted authority:

- plain HTTP is redirected to HTTPS; the login page answers 200 with HSTS and only Secure cookies;
- a static file (its hashed name read from the login page) comes from Caddy with a year-long, immutable
  Cache-Control and gzip;
- a body one byte over the request-size limit is refused with 413, one just under it reaches Django;
- both application servers answered (their access logs grew), and with one of them stopped every request
  still succeeds on the other; the worker cluster is running;

and stops the stack whatever happened (`make prod-stop`), also when interrupted or timed out (SIGTERM).
The upload limits are lowered for the run (MAX_UPLOAD_MB=1, LIENTHONG_UPLOAD_MAX_FILES=2: a limit of
1 × 2 + 5 + 1 = 8 MiB) so that the over-limit body is cheap to send; the formula is the production one.
Standard library only: it runs with the system Python before any virtual environment exists.
Exit status 0 when every check passed. Bounded: the start has 150 s, each request 10 s.
"""

from __future__ import annotations

import http.client
import os
import re
import signal
import ssl
import subprocess
import sys
import time
import urllib.error
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PROD = Path(os.environ.get("LIENTHONG_PROD_DIR", ROOT / "var" / "prod"))
HTTPS_PORT = int(os.environ.get("LIENTHONG_PROD_HTTPS_PORT", "8443"))
HTTP_PORT = int(os.environ.get("LIENTHONG_PROD_HTTP_PORT", "8480"))
WEB_PORTS = os.environ.get("LIENTHONG_PROD_WEB_PORTS", "8401 8402").split()
BASE = f"https://localhost:{HTTPS_PORT}"
LOGIN = "/tai-khoan/dang-nhap/"
MIB = 1024 * 1024
LIMIT = (1 * 2 + 5 + 1) * MIB  # settings.REQUEST_BODY_MAX_BYTES with MAX_UPLOAD_MB=1, LIENTHONG_UPLOAD_MAX_FILES=2
AGENT = "lienthong-smoke-test"
CA = PROD / "caddy" / "data" / "caddy" / "pki" / "authorities" / "local" / "root.crt"


class NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args, **kwargs):
        return None


def request(path: str, *, data: bytes | None = None, headers: dict | None = None):
    """(status, headers, body) of one request through Caddy; HTTP errors are answers too."""
    context = ssl.create_default_context(cafile=str(CA))
    opener = urllib.request.build_opener(urllib.request.HTTPSHandler(context=context), NoRedirect)
    # Always https://localhost:<port>/… (BASE): no other scheme can reach here.
    req = urllib.request.Request(  # noqa: S310
        BASE + path, data=data, headers={"User-Agent": AGENT, **(headers or {})}, method="POST" if data else "GET")
    try:
        with opener.open(req, timeout=10) as response:
            return response.status, response.headers, response.read()
    except urllib.error.HTTPError as error:
        return error.code, error.headers, error.read()


def declared_only(path: str, length: int) -> int:
    """The status answered to a POST that declares a body of ``length`` bytes and waits (``Expect: 100-continue``,
    as browsers and curl do for large bodies) before sending it: a refusal comes before the body."""
    context = ssl.create_default_context(cafile=str(CA))
    connection = http.client.HTTPSConnection("localhost", HTTPS_PORT, context=context, timeout=10)
    try:
        connection.putrequest("POST", path)
        connection.putheader("Content-Type", "application/octet-stream")
        connection.putheader("Content-Length", str(length))
        connection.putheader("Expect", "100-continue")
        connection.endheaders()
        return connection.getresponse().status
    finally:
        connection.close()


def answered(path: Path) -> int:
    """Requests of this test in an application server's access log (Caddy's health checks are there too)."""
    return path.read_text().count(AGENT) if path.exists() else 0


def check(condition: bool, what: str) -> None:
    print(("ok    " if condition else "FAIL  ") + what, flush=True)
    if not condition:
        raise SystemExit(1)


def smoke() -> None:
    env = {**os.environ, "MAX_UPLOAD_MB": "1", "LIENTHONG_UPLOAD_MAX_FILES": "2"}
    started = time.monotonic()
    subprocess.run([str(ROOT / "deploy" / "prod.sh"), "start"], env=env, check=True, timeout=150)
    print(f"ok    the stack started and answered through Caddy in {time.monotonic() - started:.0f} s", flush=True)

    plain = http.client.HTTPConnection("localhost", HTTP_PORT, timeout=10)
    try:
        plain.request("GET", LOGIN, headers={"User-Agent": AGENT})
        answer = plain.getresponse()
        location = answer.getheader("Location")
    finally:
        plain.close()
    check(answer.status == 308 and location == BASE + LOGIN, f"plain HTTP sent to HTTPS: {answer.status} {location}")

    status, headers, body = request(LOGIN)
    check(status == 200, f"login page over HTTPS: {status}")
    hsts = headers.get("Strict-Transport-Security", "")
    check(re.search(r"max-age=(\d+)", hsts) is not None and int(re.search(r"max-age=(\d+)", hsts)[1]) >= 31536000,
          f"HSTS for a year: {hsts!r}")
    cookies = headers.get_all("Set-Cookie") or []
    check(bool(cookies) and all("; Secure" in cookie for cookie in cookies),
          f"every cookie Secure: {[cookie.split('=')[0] for cookie in cookies]}")

    static = re.search(rb'/static/[^"]+\.[0-9a-f]{12}\.css', body)
    check(static is not None, "the login page names a hashed stylesheet")
    status, headers, _ = request(static[0].decode(), headers={"Accept-Encoding": "gzip"})
    cache_control = headers.get("Cache-Control", "")
    check(status == 200 and "max-age=31536000" in cache_control and "immutable" in cache_control,
          f"static file {static[0].decode()}: {status}, Cache-Control {cache_control!r}")
    check(headers.get("Content-Encoding") == "gzip" and "Server" not in headers,
          f"static file sent gzip-compressed by Caddy: {headers.get('Content-Encoding')!r}")

    status = declared_only(LOGIN, LIMIT + 1)
    check(status == 413, f"a body of limit + 1 byte ({LIMIT + 1}) refused before it is sent: {status}")
    # A multipart form, which Django reads whole before its CSRF check refuses it (a body it did not read could
    # be cut off by the answer while still being sent).
    boundary = "lienthong-smoke-boundary"
    head = (f"--{boundary}\r\nContent-Disposition: form-data; name=\"file\"; filename=\"big.bin\"\r\n"
            "Content-Type: application/octet-stream\r\n\r\n").encode()
    tail = f"\r\n--{boundary}--\r\n".encode()
    form = head + b"x" * (LIMIT - MIB - len(head) - len(tail)) + tail
    status, _, _ = request(LOGIN, data=form, headers={"Content-Type": f"multipart/form-data; boundary={boundary}"})
    check(status == 403, f"a form of {len(form)} bytes (under the limit) reaches Django (CSRF refusal, 403): {status}")

    # Round robin over the servers Caddy's health checks passed; one that was still starting at the first check
    # joins at the next (5 s), so this sends batches of requests for up to 30 s until every server answered.
    logs = [PROD / "log" / f"web-{port}.access.log" for port in WEB_PORTS]
    before = [answered(log) for log in logs]
    statuses: list[int] = []
    deadline = time.monotonic() + 30
    while True:
        statuses += [request(LOGIN)[0] for _ in range(10)]
        grown = [answered(log) - count for log, count in zip(logs, before, strict=True)]
        if all(g > 0 for g in grown) or time.monotonic() > deadline:
            break
        time.sleep(1)
    check(set(statuses) == {200} and all(g > 0 for g in grown),
          f"both application servers answered: {dict(zip(WEB_PORTS, grown, strict=True))} of {len(statuses)}")

    stopped = PROD / "run" / f"web-{WEB_PORTS[0]}.pid"
    pid = int(stopped.read_text())
    os.kill(pid, signal.SIGTERM)
    for _ in range(100):
        if not Path(f"/proc/{pid}").exists():
            break
        time.sleep(0.2)
    check(not Path(f"/proc/{pid}").exists(), f"application server {WEB_PORTS[0]} stopped")
    statuses = [request(LOGIN)[0] for _ in range(10)]
    check(statuses == [200] * 10, f"with {WEB_PORTS[0]} stopped every request still succeeds: {statuses}")

    worker = int((PROD / "run" / "worker.pid").read_text())
    check(Path(f"/proc/{worker}").exists(), "the django-q2 cluster is running")


def main() -> int:
    # A timeout or Ctrl-C still stops the stack.
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(1))
    started = time.monotonic()
    status = 0
    try:
        smoke()
    except (subprocess.SubprocessError, OSError) as error:
        print(f"FAIL  {error}", flush=True)
        status = 1
    except SystemExit as exit_:
        status = int(exit_.code or 0)
    try:
        if status:
            for log in sorted((PROD / "log").glob("*.log")):
                if not log.name.endswith("access.log"):
                    print(f"--- last lines of {log}", *log.read_text(errors="replace").splitlines()[-15:], sep="\n")
    finally:
        subprocess.run([str(ROOT / "deploy" / "prod.sh"), "stop"], timeout=60, check=False)
        print(f"smoke test took {time.monotonic() - started:.0f} s", flush=True)
    return status


if __name__ == "__main__":
    sys.exit(main())
