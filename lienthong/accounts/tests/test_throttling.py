"""Login throttling (issue 11, defect 1): a back-off per account and, for failures on many distinct
accounts, per client address; every back-off capped; the owner on a known browser always gets in;
X-Forwarded-For read only from trusted proxies; lock-outs logged, listed and lifted by the system
administrator."""

from __future__ import annotations

import json
import re

import pytest
from django.test import Client, RequestFactory
from django.urls import reverse

from lienthong.accounts.services import LOGIN_LOCKED, user_create
from lienthong.accounts.views import INVALID_LOGIN, client_ip
from lienthong.audit.models import AuditEntry
from lienthong.testing.builders import PASSWORD

LOGIN = reverse("accounts:login")
LOCKOUTS = "/tai-khoan/khoa-dang-nhap/"
WRONG = str(INVALID_LOGIN)
PROXY = "192.0.2.10"            # the reverse proxy every request arrives through
MAXIMUM = 60                    # the default cap of every back-off, in seconds


def login(client, username, password=PASSWORD, **extra):
    return client.post(LOGIN, {"username": username, "password": password}, **extra)


def token(client, username, password=PASSWORD, **extra):
    return client.post("/api/auth/token", json.dumps({"username": username, "password": password}),
                       content_type="application/json", **extra)


def logged_in(client) -> bool:
    return "_auth_user_id" in client.session


def waited(response) -> bool:
    """The page says to wait (``LOGIN_LOCKED``), however many seconds."""
    pattern = re.escape(str(LOGIN_LOCKED)).replace(re.escape("%(s)s"), r"\d+")
    return re.search(pattern, response.content.decode()) is not None


# --- Defect 1 as reported ---------------------------------------------------------------------------

def test_failures_for_many_names_from_one_address_do_not_keep_a_real_user_out(province, clock):
    script = Client(REMOTE_ADDR=PROXY)
    for i in range(25):
        login(script, f"ghost{i}", "sai-mat-khau")

    clock.advance(MAXIMUM + 1)

    colleague = Client(REMOTE_ADDR=PROXY)
    assert login(colleague, "clerk.vp").status_code == 302
    assert logged_in(colleague)


def test_a_thousand_failures_lock_one_account_no_longer_than_the_maximum(province, clock):
    api = Client()
    for _attempt in range(1000):
        assert token(api, "leader.vp", "sai").status_code == 401  # each one a real, counted failure
        clock.advance(MAXIMUM)

    refused = token(api, "leader.vp", "sai")
    assert refused.status_code == 401
    at_once = token(api, "leader.vp")
    assert at_once.status_code == 429
    assert 0 < int(at_once["Retry-After"]) <= MAXIMUM

    clock.advance(MAXIMUM)
    assert token(api, "leader.vp").status_code == 200


def test_five_requests_from_a_stranger_do_not_lock_the_leader_out_of_their_own_browser(province, clock):
    leader = Client()
    assert login(leader, "leader.vp").status_code == 302
    leader.post(reverse("accounts:logout"))

    stranger = Client()
    for _attempt in range(5):
        assert WRONG in login(stranger, "leader.vp", "doan-mat-khau").content.decode()
    assert waited(login(stranger, "leader.vp"))  # even the right password waits, on an unknown browser

    assert login(leader, "leader.vp").status_code == 302
    assert logged_in(leader)


# --- The back-off per account ------------------------------------------------------------------------

def test_account_back_off_doubles_then_stays_at_the_maximum(province, clock, settings):
    assert (settings.LOGIN_MAX_FAILURES, settings.LOGIN_BACKOFF_BASE_SECONDS,
            settings.LOGIN_BACKOFF_MAX_SECONDS) == (5, 1, MAXIMUM)
    api = Client()
    failures, waits = 0, []
    while len(waits) < 8:
        response = token(api, "clerk.vp", "sai")
        if response.status_code == 429:   # refused unchecked: the wait it names is waited out
            waits.append(int(response["Retry-After"]))
            clock.advance(waits[-1])
        else:
            assert response.status_code == 401
            failures += 1

    assert waits == [1, 2, 4, 8, 16, 32, 60, 60]
    assert failures == 12  # the first five are free; every later one doubles the wait, up to the cap


def test_the_api_answers_429_with_the_seconds_really_left(province, clock):
    api = Client()
    for _attempt in range(6):
        token(api, "clerk.vp", "sai")
        clock.advance(5)
    token(api, "clerk.vp", "sai")  # the 7th failure in a row: 4 s
    clock.advance(1)

    response = token(api, "clerk.vp")

    assert response.status_code == 429
    assert response["Retry-After"] == "3"
    assert response.json() == {"code": "login_locked", "message": LOGIN_LOCKED % {"s": 3}}


def test_the_form_says_how_many_seconds_to_wait_and_a_success_starts_afresh(client, province, clock):
    for _attempt in range(5):
        login(client, "clerk.vp", "sai")
    page = login(client, "clerk.vp").content.decode()
    assert LOGIN_LOCKED % {"s": 1} in page
    assert not logged_in(client)

    clock.advance(1)
    assert login(client, "clerk.vp").status_code == 302
    client.post(reverse("accounts:logout"))
    assert WRONG in login(Client(), "clerk.vp", "sai").content.decode()  # the count started again
    assert login(Client(), "clerk.vp").status_code == 302


def test_old_failures_are_forgotten_after_the_window(client, province, clock, settings):
    for _attempt in range(4):
        login(client, "clerk.vp", "sai")
    clock.advance(settings.LOGIN_FAILURE_WINDOW_SECONDS + 1)
    login(client, "clerk.vp", "sai")  # the first of a new series, not the fifth
    assert login(client, "clerk.vp").status_code == 302


def test_another_person_is_not_slowed_by_failures_on_one_account(province, clock):
    stranger = Client()
    for _attempt in range(10):
        login(stranger, "clerk.vp", "sai")
    assert login(stranger, "leader.vp").status_code == 302


def test_a_known_browser_has_its_own_back_off(province, clock):
    owner = Client()
    login(owner, "clerk.vp")
    owner.post(reverse("accounts:logout"))
    for _attempt in range(5):
        login(owner, "clerk.vp", "sai")
    assert waited(login(owner, "clerk.vp"))   # the browser is known, but it guessed five times itself
    clock.advance(1)
    assert login(owner, "clerk.vp").status_code == 302


def test_a_known_browser_cookie_of_another_person_does_not_help(province, clock):
    browser = Client()
    login(browser, "specialist.vp")
    browser.post(reverse("accounts:logout"))
    for _attempt in range(5):
        login(Client(), "clerk.vp", "sai")
    assert waited(login(browser, "clerk.vp"))
    browser.cookies["lt_known_device"] = "gia-mao"
    assert waited(login(browser, "clerk.vp"))


# --- The back-off per address --------------------------------------------------------------------------

def test_many_accounts_failing_from_one_address_slow_that_address_only(province, clock, settings):
    assert settings.LOGIN_ADDRESS_MAX_ACCOUNTS == 20
    script = Client(REMOTE_ADDR="203.0.113.9")
    for i in range(19):
        login(script, f"ghost{i}", "sai")
    assert login(Client(REMOTE_ADDR="203.0.113.9"), "clerk.vp").status_code == 302  # 19 names: not yet
    for i in range(19, 25):
        login(script, f"ghost{i}", "sai")

    assert waited(login(Client(REMOTE_ADDR="203.0.113.9"), "leader.vp"))
    assert login(Client(REMOTE_ADDR="198.51.100.7"), "leader.vp").status_code == 302


def test_one_account_failing_many_times_does_not_slow_its_address(province, clock):
    for _attempt in range(40):
        login(Client(REMOTE_ADDR="203.0.113.9"), "clerk.vp", "sai")
        clock.advance(MAXIMUM)
    assert login(Client(REMOTE_ADDR="203.0.113.9"), "leader.vp").status_code == 302


def test_known_browsers_behind_a_slowed_address_still_get_in(province, clock):
    colleague = Client(REMOTE_ADDR=PROXY)
    login(colleague, "clerk.vp")
    colleague.post(reverse("accounts:logout"))
    for i in range(30):
        login(Client(REMOTE_ADDR=PROXY), f"ghost{i}", "sai")
    assert login(colleague, "clerk.vp").status_code == 302


# --- Which address: REMOTE_ADDR, or what a trusted proxy reports ------------------------------------------

def request(remote, forwarded=None):
    extra = {"REMOTE_ADDR": remote}
    if forwarded is not None:
        extra["HTTP_X_FORWARDED_FOR"] = forwarded
    return RequestFactory().post(LOGIN, **extra)


def test_x_forwarded_for_is_ignored_unless_the_peer_is_a_trusted_proxy(settings):
    settings.LIENTHONG_TRUSTED_PROXIES = []
    assert client_ip(request("203.0.113.9", "198.51.100.7")) == "203.0.113.9"
    settings.LIENTHONG_TRUSTED_PROXIES = ["192.0.2.0/28", "2001:db8::1"]
    assert client_ip(request("203.0.113.9", "198.51.100.7")) == "203.0.113.9"
    # Through the proxy: the right-most address it did not add itself; what the client wrote is skipped.
    assert client_ip(request(PROXY, "198.51.100.7")) == "198.51.100.7"
    assert client_ip(request(PROXY, "1.2.3.4, 198.51.100.7")) == "198.51.100.7"
    assert client_ip(request("2001:db8::1", "1.2.3.4, 198.51.100.7, 192.0.2.3")) == "198.51.100.7"
    assert client_ip(request(PROXY, "khong-phai-dia-chi, 198.51.100.7")) == "198.51.100.7"
    # A proxy that reports no client: no address to throttle by (never the proxy's own).
    assert client_ip(request(PROXY)) is None
    assert client_ip(request(PROXY, "khong-phai-dia-chi")) is None


def test_behind_a_trusted_proxy_one_script_slows_only_its_own_address(province, clock, settings):
    settings.LIENTHONG_TRUSTED_PROXIES = [PROXY]
    for i in range(30):
        login(Client(REMOTE_ADDR=PROXY, HTTP_X_FORWARDED_FOR=f"10.9.9.{i}, 203.0.113.9"), f"ghost{i}", "sai")

    assert waited(login(Client(REMOTE_ADDR=PROXY, HTTP_X_FORWARDED_FOR="203.0.113.9"), "clerk.vp"))
    assert login(Client(REMOTE_ADDR=PROXY, HTTP_X_FORWARDED_FOR="198.51.100.7"), "clerk.vp").status_code == 302


def test_without_trusted_proxies_a_forged_header_does_not_escape_the_address_back_off(province, clock):
    for i in range(30):
        login(Client(REMOTE_ADDR="203.0.113.9", HTTP_X_FORWARDED_FOR=f"10.0.0.{i}"), f"ghost{i}", "sai")
    assert waited(login(Client(REMOTE_ADDR="203.0.113.9", HTTP_X_FORWARDED_FOR="10.0.0.200"), "clerk.vp"))


# --- Logged, listed, lifted ---------------------------------------------------------------------------------

@pytest.fixture
def sysadmin(province):
    return user_create(username="quantri", password=PASSWORD, full_name="Quản trị hệ thống", is_system_admin=True)


def test_a_lock_out_is_logged_listed_and_lifted_by_the_system_administrator(province, clock, sysadmin):
    from lienthong.accounts.models import LoginThrottle

    for _attempt in range(6):
        login(Client(REMOTE_ADDR="203.0.113.9"), "leader.vp", "sai")
    for i in range(25):
        login(Client(REMOTE_ADDR="203.0.113.9"), f"ghost{i}", "sai")
    logged = AuditEntry.objects.filter(object_type="login_throttle").values_list("summary", flat=True)
    assert any("leader.vp" in s for s in logged) and any("203.0.113.9" in s for s in logged)

    admin = Client()
    admin.force_login(sysadmin)
    page = admin.get(LOCKOUTS)
    assert page.status_code == 200
    html = page.content.decode()
    assert "Khóa đăng nhập" in html and "leader.vp" in html and "203.0.113.9" in html and "Gỡ khóa" in html
    assert 'class="topbar"' in html  # in the site layout

    account = LoginThrottle.objects.get(scope="account", key="leader.vp")
    response = admin.post(f"{LOCKOUTS}{account.pk}/go-khoa/")
    assert response.status_code == 302
    assert [r.key for r in admin.get(LOCKOUTS).context["rows"]] == ["203.0.113.9"]
    assert AuditEntry.objects.filter(object_type="login_throttle", actor=sysadmin).exists()
    assert login(Client(REMOTE_ADDR="198.51.100.7"), "leader.vp").status_code == 302

    address = LoginThrottle.objects.get(scope="address", key="203.0.113.9")
    admin.post(f"{LOCKOUTS}{address.pk}/go-khoa/")
    assert login(Client(REMOTE_ADDR="203.0.113.9"), "clerk.vp").status_code == 302


def test_only_the_system_administrator_sees_and_lifts_lock_outs(client, province, clock):
    from lienthong.accounts.models import LoginThrottle

    for _attempt in range(6):
        login(Client(), "leader.vp", "sai")
    row = LoginThrottle.objects.get(scope="account", key="leader.vp")
    client.force_login(province.users["clerk.vp"])
    assert client.get(LOCKOUTS).status_code == 403
    assert client.post(f"{LOCKOUTS}{row.pk}/go-khoa/").status_code == 403
    assert LoginThrottle.objects.get(pk=row.pk).blocked_until is not None


def test_the_admin_site_login_is_throttled_too(province, clock, sysadmin):
    browser = Client()
    for _attempt in range(5):
        browser.post("/quan-tri/login/", {"username": "quantri", "password": "sai"})
    page = browser.post("/quan-tri/login/", {"username": "quantri", "password": PASSWORD})
    assert page.status_code == 200 and waited(page)
    clock.advance(1)
    assert browser.post("/quan-tri/login/", {"username": "quantri", "password": PASSWORD}).status_code == 302
