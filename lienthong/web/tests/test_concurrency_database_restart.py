"""The database restarting while clerks register documents (issue 14, faults). A PostgreSQL cluster of the
test's own (initdb into a temporary folder, a port of its own; never the shared server) is migrated, a
gunicorn serves it, three clerks register outgoing documents without pause, and PostgreSQL is restarted
with ``pg_ctl restart -m immediate`` (as after a crash: no clean shutdown, in-flight transactions lost).

A request that fails gets the Vietnamese 503 page at once (no hang; try again, and check a form before
sending it again); the server recovers by itself, without restarting it, also after a restart while it was
idle (CONN_HEALTH_CHECKS); and no document is half-registered: each has its number, its file and its audit
entry, the numbers are 1..N and the register's counter is N.
"""

from __future__ import annotations

import glob
import html
import json
import os
import shutil
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

import pytest

from lienthong.web.tests.servers import BASE_DIR, Browser, server_env, start_gunicorn

PG_PORT, WEB_PORT = 8721, 8711
DATABASE = "lt_scale_restart"
CLERKS = 3
BEFORE, AFTER = 3.0, 8.0  # seconds of registrations before the restart and after it is back

pytestmark = pytest.mark.xdist_group("processes")

SEED = """
import json, django
django.setup()
from django.conf import settings
from lienthong.testing import TEST_PASSWORD_HASHERS
settings.PASSWORD_HASHERS = TEST_PASSWORD_HASHERS
from lienthong.accounts.services import user_create
from lienthong.testing.builders import PASSWORD, doc_type, make_province
p = make_province()
for i in range(2, %(clerks)d + 1):
    user_create(username=f"clerk{i}.vp", password=PASSWORD, full_name=f"Văn thư {i}",
                positions=[(p.agencies["vp"], "clerk", "")])
print(json.dumps({"agency": p.agencies["vp"].pk, "signer": p.users["leader.vp"].pk,
                  "type": doc_type("thong-bao").pk}))
"""

CHECK = """
import json, django
django.setup()
from lienthong.audit.models import AuditEntry
from lienthong.documents.models import Document, DocumentFile, Register
out = []
for r in Register.objects.filter(last_number__gt=0):
    docs = Document.objects.filter(register=r)
    ids = set(docs.values_list("pk", flat=True))
    out.append({
        "last_number": r.last_number,
        "numbers": sorted(docs.values_list("register_number", flat=True)),
        "without_file": sorted(ids - set(DocumentFile.objects.filter(document__in=ids)
                                         .values_list("document_id", flat=True))),
        "without_audit": sorted(ids - {int(i) for i in AuditEntry.objects.filter(
            object_type="document", object_id__in=[str(i) for i in ids]).values_list("object_id", flat=True)}),
    })
print(json.dumps(out))
"""


def _pg_bin(name: str) -> str:
    found = sorted(glob.glob(f"/usr/lib/postgresql/*/bin/{name}"), key=lambda p: int(p.split("/")[4]))
    assert found, f"{name} not found: install the PostgreSQL server package (postgresql)"
    return found[-1]


def _as_postgres(cmd: list[str]) -> list[str]:
    """initdb and pg_ctl refuse to run as root: run them as the postgres user then."""
    return ["runuser", "-u", "postgres", "--", *cmd] if os.geteuid() == 0 else cmd


@pytest.fixture
def own_postgres():
    """A throwaway PostgreSQL cluster on PG_PORT: (its DATABASE_URL, restart function)."""
    folder = Path(tempfile.mkdtemp(prefix="lt_scale_pg_"))
    folder.chmod(0o755)
    if os.geteuid() == 0:
        shutil.chown(folder, "postgres")
    data, log = folder / "data", folder / "postgres.log"
    ctl = [_pg_bin("pg_ctl"), "-D", str(data), "-l", str(log), "-w", "-t", "60",
           "-o", f"-p {PG_PORT} -k {folder} -c listen_addresses=127.0.0.1 -c fsync=off"]
    subprocess.run(_as_postgres([_pg_bin("initdb"), "-D", str(data), "-U", "postgres", "--auth=trust",
                                 "--no-sync", "-E", "UTF8"]), check=True, capture_output=True, timeout=120)
    subprocess.run(_as_postgres([*ctl, "start"]), check=True, capture_output=True, timeout=90)
    try:
        subprocess.run(["psql", "-h", "127.0.0.1", "-p", str(PG_PORT), "-U", "postgres", "-qc",
                        f"CREATE DATABASE {DATABASE}"], check=True, capture_output=True, timeout=60)

        def restart():
            subprocess.run(_as_postgres([*ctl, "-m", "immediate", "restart"]), check=True, capture_output=True,
                           timeout=90)

        yield f"postgres://postgres@127.0.0.1:{PG_PORT}/{DATABASE}", restart
    finally:
        subprocess.run(_as_postgres([*ctl, "-m", "immediate", "stop"]), capture_output=True, timeout=90)
        shutil.rmtree(folder, ignore_errors=True)


def _manage(env: dict, *args: str, code: str | None = None) -> str:
    cmd = [sys.executable, "-c", code] if code else [sys.executable, "manage.py", *args]
    done = subprocess.run(cmd, cwd=BASE_DIR, env=env, capture_output=True, text=True, timeout=300)
    assert done.returncode == 0, done.stderr[-3000:]
    return done.stdout


def test_requests_during_a_database_restart_fail_cleanly_and_the_server_recovers(own_postgres, tmp_path):
    from lienthong.core.error_views import DATABASE_UNAVAILABLE
    from lienthong.testing.builders import PASSWORD, tiny_pdf

    url, restart = own_postgres
    (tmp_path / "media").mkdir()
    (tmp_path / "var").mkdir()
    env = server_env(database_url=url, media_root=str(tmp_path / "media"), var_dir=str(tmp_path / "var"))
    _manage(env, "migrate", "--noinput", "-v", "0")
    ids = json.loads(_manage(env, code=SEED % {"clerks": CLERKS}).strip().splitlines()[-1])
    server = start_gunicorn(port=WEB_PORT, env=env, log=tmp_path / "gunicorn.log")
    try:
        clerks = [Browser() for _ in range(CLERKS)]
        for i, browser in enumerate(clerks):
            assert browser.login(server.url, "clerk.vp" if i == 0 else f"clerk{i + 1}.vp", PASSWORD).status_code == 302

        answers: list[tuple[float, float, int, dict, str]] = []  # (started, ended, status, headers, text)
        stop = threading.Event()
        today = time.strftime("%Y-%m-%d")

        def post_one(browser: Browser, tag: str):
            return browser.post(server.url + "/van-ban/dang-ky-di/", {
                "agency": ids["agency"], "document_type": ids["type"], "issued_on": today,
                "subject": f"Thông báo {tag}", "urgency": "normal", "secrecy": "normal",
                "signer_authority": "", "signer_position": "Chánh Văn phòng", "signer": ids["signer"],
                "signed_on": today}, files={"files": (f"tb-{tag}.pdf", tiny_pdf("TB"), "application/pdf")})

        def register(browser: Browser, tag: int):
            i = 0
            while not stop.is_set():
                started = time.monotonic()
                response = post_one(browser, f"{tag}-{i}")
                answers.append((started, time.monotonic(), response.status_code, dict(response.headers),
                                response.text))
                i += 1

        threads = [threading.Thread(target=register, args=(browser, n)) for n, browser in enumerate(clerks)]
        for t in threads:
            t.start()
        try:
            time.sleep(BEFORE)
            restart_began = time.monotonic()
            restart()
            back = time.monotonic()
            time.sleep(AFTER)
        finally:
            stop.set()
            for t in threads:
                t.join(timeout=60)
        assert not any(t.is_alive() for t in threads), "a request hung"

        failed = [a for a in answers if a[2] != 302]
        after_back = sum(1 for a in failed if a[0] >= back)
        print(f"{len(answers)} registrations, {len(failed)} failed ({after_back} of them sent after PostgreSQL was "
              f"back); restart took {back - restart_began:.1f} s")
        for _s, _e, status, headers, text in failed:
            assert status == 503, (status, text[:3000])
            assert str(DATABASE_UNAVAILABLE) in html.unescape(text) and headers["Retry-After"]
        assert all(e - s < 30 for s, e, *_ in answers)  # nobody waited on a dead connection
        assert any(s >= restart_began for s, *_ in answers)  # the restart did fall among the requests
        settled = [a for a in answers if a[0] > back + 1.0]
        assert settled and all(a[2] == 302 for a in settled), [a[2] for a in settled]  # recovered by itself

        # A restart while nobody is working (a night's maintenance): the connections kept open by the server's
        # threads are dead, yet the morning's first requests succeed (CONN_HEALTH_CHECKS: checked before reuse).
        restart()
        morning = [post_one(browser, f"sang-{n}-{k}").status_code for k in range(3) for n, browser in enumerate(clerks)]
        assert morning == [302] * len(morning), morning
    finally:
        server.stop()

    [register_state] = json.loads(_manage(env, code=CHECK).strip().splitlines()[-1])
    n = register_state["last_number"]
    assert register_state["numbers"] == list(range(1, n + 1))
    assert register_state["without_file"] == [] and register_state["without_audit"] == []
    ok = sum(1 for a in answers if a[2] == 302) + len(morning)
    assert ok <= n <= ok + len(failed)  # every success is there; a failed one is whole or absent
