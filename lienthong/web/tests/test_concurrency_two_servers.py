"""Two application servers sharing one database and one media folder (issue 14, "scale out"): two gunicorn
processes on different ports, used over HTTP with real sessions, as a proxy spreading requests would.

Numbering, receiving and assigning from both servers at the same instant keep their guarantees (no duplicate,
no gap, one winner); a session, the login back-off, a remote-signing session and the cache are the same on
either server. The servers start once for the module (about 10 s on two shared cores); the database is the
one pytest-django created (``connection.settings_dict``), SQLite or PostgreSQL as the run chooses.
"""

from __future__ import annotations

import base64
import threading
import uuid

import pytest
import requests
from django.utils import timezone

from lienthong.web.tests.servers import Browser, server_env, start_gunicorn, text_of

PORTS = (8701, 8702)
PASSWORD = "demo1234"
ROUNDS = 3

pytestmark = [pytest.mark.django_db(transaction=True, serialized_rollback=True),
              pytest.mark.xdist_group("processes")]


@pytest.fixture(scope="module")
def servers(django_db_setup, django_db_blocker, tmp_path_factory):
    """(A, B): two gunicorn servers on the test database, sharing a media folder and the Redis cache."""
    from django.db import connection

    from lienthong.testing.parallel import database_url

    with django_db_blocker.unblock():
        url = database_url(connection.settings_dict)
        connection.close()
    root = tmp_path_factory.mktemp("two-servers")
    media = root / "media"
    media.mkdir()
    started = []
    try:
        for name, port in zip("AB", PORTS, strict=True):
            var = root / f"var-{name}"
            var.mkdir()
            env = server_env(database_url=url, media_root=str(media), var_dir=str(var),
                             LIENTHONG_CACHE_URL="redis://127.0.0.1:6379/4",
                             LOGIN_BACKOFF_BASE_SECONDS="30")  # a back-off that outlasts the test
            started.append(start_gunicorn(port=port, env=env, log=root / f"{name}.log",
                                          app="lienthong.web.tests.probe_app:application"))
        started[0].media = started[1].media = media
        yield tuple(started)
    finally:
        for server in started:
            server.stop()


@pytest.fixture
def a_b(servers, settings):
    """The two servers' base URLs; this test's own writes go to the servers' media folder."""
    settings.MEDIA_ROOT = servers[0].media
    return servers[0].url, servers[1].url


def _logged_in(url: str, username: str) -> Browser:
    browser = Browser()
    response = browser.login(url, username, PASSWORD)
    assert response.status_code == 302, text_of(response)[:2000]
    return browser


def _at_once(calls) -> list:
    """Run each zero-argument call in its own thread, all released together; their results in order."""
    barrier = threading.Barrier(len(calls))
    results: list = [None] * len(calls)

    def run(i, call):
        barrier.wait(timeout=30)
        try:
            results[i] = call()
        except Exception as exc:  # noqa: BLE001 - reported by the assertion below
            results[i] = exc

    threads = [threading.Thread(target=run, args=(i, c)) for i, c in enumerate(calls)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=120)
    assert not any(t.is_alive() for t in threads), "a request did not finish"
    assert not any(isinstance(r, Exception) for r in results), results
    return results


# --- Sessions, login back-off, cache ----------------------------------------------------------------------

def test_a_session_made_on_one_server_is_valid_on_the_other(a_b, province):
    a, b = a_b
    browser = _logged_in(a, "clerk.vp")

    home = browser.get(b + "/")
    assert home.status_code == 200 and province.users["clerk.vp"].full_name in text_of(home)

    assert browser.post(b + "/tai-khoan/dang-xuat/").status_code == 302  # logged out on B …
    assert browser.get(a + "/").status_code == 302  # … is logged out on A


def test_login_failures_on_both_servers_count_together(a_b, province, settings):
    """Three failures on A and two on B are the five that start the back-off, on either server."""
    from lienthong.accounts.services import LOGIN_LOCKED
    from lienthong.accounts.views import INVALID_LOGIN

    a, b = a_b
    assert settings.LOGIN_MAX_FAILURES == 5
    browser = Browser()
    for url in (a, b, a, b, a):
        response = browser.login(url, "clerk.vp", "sai-mat-khau")
        assert response.status_code == 200 and str(INVALID_LOGIN) in text_of(response)

    refused = browser.login(b, "clerk.vp", PASSWORD)  # the right password, but during the back-off
    assert refused.status_code == 200
    assert str(LOGIN_LOCKED).split("%")[0] in text_of(refused)
    assert Browser().login(a, "clerk.vp", PASSWORD).status_code == 200  # A holds the same back-off


def test_a_value_cached_by_one_server_is_read_by_the_other(a_b):
    a, b = a_b
    key, value = uuid.uuid4().hex, "bảng đã dựng"
    assert requests.post(f"{a}/__cache__/{key}", data=value.encode(), timeout=10).text == "stored"
    seen = requests.get(f"{b}/__cache__/{key}", timeout=10)
    assert seen.status_code == 200 and seen.content.decode() == value


# --- Numbering ----------------------------------------------------------------------------------------------

def _register(browser: Browser, url: str, province, direction: str, tag: str, count: int) -> list[int]:
    from lienthong.testing.builders import doc_type, tiny_pdf

    today = timezone.localdate().isoformat()
    vp = province.agencies["vp"]
    statuses = []
    for i in range(count):
        common = {"agency": vp.pk, "document_type": doc_type("thong-bao").pk, "issued_on": today,
                  "subject": f"Thông báo {tag} lần {i}", "urgency": "normal", "secrecy": "normal"}
        if direction == "out":
            path = "/van-ban/dang-ky-di/"
            data = {**common, "signer_authority": "", "signer_position": "Chánh Văn phòng",
                    "signer": province.users["leader.vp"].pk, "signed_on": today}
        else:
            path = "/van-ban/dang-ky-den/"
            data = {**common, "number_symbol": f"{i + 1:02d}/TB-{tag}", "issuer_agency": province.agencies["ubnd"].pk,
                    "issuer_name": "", "received_on": today}
        response = browser.post(url + path, data, files={"files": (f"{tag}-{i}.pdf", tiny_pdf(tag), "application/pdf")})
        statuses.append(response.status_code)
    return statuses


def _assert_complete_register(register) -> int:
    """Numbers 1..N each once, the counter at N, and every document with its file and its audit entry."""
    from lienthong.audit.models import AuditEntry
    from lienthong.documents.models import Document, DocumentFile

    register.refresh_from_db()
    docs = Document.objects.filter(register=register)
    numbers = sorted(docs.values_list("register_number", flat=True))
    assert numbers == list(range(1, len(numbers) + 1)) and register.last_number == len(numbers)
    ids = set(docs.values_list("pk", flat=True))
    assert set(DocumentFile.objects.filter(document__in=ids).values_list("document_id", flat=True)) == ids
    audited = set(AuditEntry.objects.filter(object_type="document", object_id__in=[str(i) for i in ids])
                  .values_list("object_id", flat=True))
    assert {int(i) for i in audited} == ids
    return len(numbers)


def test_clerks_on_both_servers_number_without_duplicate_or_gap(a_b, province):
    """Four sessions of the office's văn thư, two per server, register outgoing and incoming documents at
    the same time: each register holds 1..N exactly once."""
    from lienthong.documents.models import Direction, Register

    a, b = a_b
    count = 5
    jobs = [(a, "out", "DIA"), (b, "out", "DIB"), (a, "in", "DENA"), (b, "in", "DENB")]
    browsers = [_logged_in(url, "clerk.vp") for url, _d, _t in jobs]

    results = _at_once([lambda br=br, job=job: _register(br, job[0], province, job[1], job[2], count)
                        for br, job in zip(browsers, jobs, strict=True)])

    assert all(status == 302 for statuses in results for status in statuses), results
    vp, year = province.agencies["vp"], timezone.localdate().year
    for direction in (Direction.OUTGOING, Direction.INCOMING):
        register = Register.objects.get(agency=vp, year=year, direction=direction, is_secret=False)
        assert _assert_complete_register(register) == 2 * count


# --- Receiving and assigning --------------------------------------------------------------------------------

def test_two_clerks_on_two_servers_register_the_same_delivery_once(a_b):
    from lienthong.delivery.models import Delivery, DeliveryState, EventKind
    from lienthong.delivery.services import TAKEN
    from lienthong.delivery.tests.test_concurrency import _deliveries_to_district, _events, _province_with_two_clerks
    from lienthong.documents.models import Direction, Document

    a, b = a_b
    p = _province_with_two_clerks()
    ids = _deliveries_to_district(p, ROUNDS)
    clerks = [_logged_in(a, "clerk.huyen"), _logged_in(b, "clerk2.huyen")]
    form = {"received_on": "2018-03-13", "due_date": "", "document_type": "", "notes": ""}

    for i, d in enumerate(ids):
        order = [(clerks[0], a), (clerks[1], b)][:: 1 if i % 2 == 0 else -1]
        responses = _at_once([lambda br=br, url=url, d=d: br.post(f"{url}/lien-thong/den/{d}/vao-so/", form)
                              for br, url in order])
        assert sorted(r.status_code for r in responses) == [200, 302], [r.status_code for r in responses]
        lost = next(r for r in responses if r.status_code == 200)
        assert str(TAKEN % {"s": DeliveryState.REGISTERED.label}) in text_of(lost)
        delivery = Delivery.objects.get(pk=d)
        assert delivery.state == DeliveryState.REGISTERED
        assert (_events(d, EventKind.RECEIVED), _events(d, EventKind.REGISTERED)) == (1, 1)
    numbers = sorted(Document.objects.filter(agency=p.agencies["huyen"], direction=Direction.INCOMING)
                     .values_list("register_number", flat=True))
    assert numbers == list(range(1, ROUNDS + 1))


def test_two_leaders_on_two_servers_setting_the_lead_keep_one(a_b):
    from lienthong.processing.models import Assignment, AssignmentRole
    from lienthong.processing.services.assignments import LEAD_TAKEN
    from lienthong.processing.tests.test_concurrency import _province, _submitted

    a, b = a_b
    p = _province()
    handlings = _submitted(p, ROUNDS)
    leaders = [_logged_in(a, "leader.huyen"), _logged_in(b, "leader2.huyen")]
    targets = [f"unit:{p.units['noivu'].pk}", f"user:{p.users['specialist.huyen'].pk}"]

    for h in handlings:
        responses = _at_once([
            lambda br=br, url=url, target=target, h=h: br.post(f"{url}/xu-ly/{h.pk}/phan-cong/", {
                "a-row-0-role": "lead", "a-row-0-target": target, "a-row-0-deadline": "",
                "a-row-0-instruction": "Chủ trì"})
            for br, url, target in zip(leaders, (a, b), targets, strict=True)])
        assert sorted(r.status_code for r in responses) == [200, 302], [r.status_code for r in responses]
        lost = next(r for r in responses if r.status_code == 200)
        assert str(LEAD_TAKEN) in text_of(lost)
        assert Assignment.objects.filter(handling=h, role=AssignmentRole.LEAD).count() == 1


# --- Remote signing -----------------------------------------------------------------------------------------

def test_a_remote_signing_session_prepared_on_one_server_finishes_on_the_other(a_b, province):
    from lienthong.drafting.models import Draft, DraftState
    from lienthong.signing import client
    from lienthong.signing.tests.flow_setup import PERSONAL_PIN, add_credential, draft_at_signing, trust_demo_ca

    a, b = a_b
    trust_demo_ca()
    _c, leader_key = add_credential(user=province.users["leader.huyen"], custody_mode="remote")
    draft = draft_at_signing(province)
    key, _cert = client.load_key(leader_key.pkcs12(PERSONAL_PIN), PERSONAL_PIN)

    token = client._call(a, "/api/auth/token", {"username": "leader.huyen", "password": PASSWORD})["token"]
    prepared = client._call(a, "/api/signing/remote/prepare", {"draft_id": draft.pk, "step": "sign"}, token)
    values = [base64.b64encode(client.sign_attributes(key, base64.b64decode(f["signed_attributes_b64"]))).decode()
              for f in prepared["files"]]
    finished = client._call(b, f"/api/signing/remote/{prepared['session']}/finish", {"signatures_b64": values},
                            token)

    assert finished["state"] == DraftState.TO_NUMBER
    assert Draft.objects.get(pk=draft.pk).state == DraftState.TO_NUMBER
