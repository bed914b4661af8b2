"""API tokens and web sessions end when they should (issue 11, defect 2): with a password change
(by any path: a service, the Django admin, ``manage.py changepassword``), a deactivation and an
explicit revoke (DELETE /api/auth/token, the page "Phiên đăng nhập và mã truy cập")."""

from __future__ import annotations

import datetime as dt
import json

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from lienthong.accounts.models import ApiToken
from lienthong.accounts.services import api_token_issue
from lienthong.testing.builders import PASSWORD

LOGIN = reverse("accounts:login")
SESSIONS = "/tai-khoan/phien/"
LIST = reverse("documents:list")


def bearer(token: str) -> Client:
    return Client(headers={"Authorization": f"Bearer {token}"})


def api_login(username, password=PASSWORD, **headers) -> str:
    response = Client(**headers).post("/api/auth/token", json.dumps({"username": username, "password": password}),
                                      content_type="application/json")
    assert response.status_code == 200
    return response.json()["token"]


def web_login(username, **extra) -> Client:
    client = Client(**extra)
    assert client.post(LOGIN, {"username": username, "password": PASSWORD}).status_code == 302
    return client


def signed_in(client) -> bool:
    return client.get(LIST).status_code == 200


# --- Password change -----------------------------------------------------------------------------------

def test_a_token_taken_before_a_password_change_is_refused(province):
    user = province.users["clerk.vp"]
    token = api_login("clerk.vp")
    assert bearer(token).get("/api/documents").status_code == 200

    user.set_password("mat-khau-moi-2018")  # as the Django admin and manage.py changepassword do
    user.save()

    response = bearer(token).get("/api/documents")
    assert response.status_code == 401
    assert response.json()["code"] == "not_authenticated"
    fresh = api_login("clerk.vp", "mat-khau-moi-2018")
    assert bearer(fresh).get("/api/documents").status_code == 200


def test_a_password_change_through_the_admin_site_ends_tokens_and_other_sessions(province):
    from lienthong.accounts.services import user_create

    admin_user = user_create(username="quantri", password=PASSWORD, full_name="Quản trị", is_system_admin=True)
    user = province.users["clerk.vp"]
    token = api_login("clerk.vp")
    browser = web_login("clerk.vp")
    admin = Client()
    admin.force_login(admin_user)

    response = admin.post(reverse("admin:auth_user_password_change", args=[user.pk]),
                          {"password1": "mat-khau-moi-2018", "password2": "mat-khau-moi-2018",
                           "usable_password": "true"})

    assert response.status_code == 302
    assert bearer(token).get("/api/documents").status_code == 401
    assert not signed_in(browser)


def test_tokens_of_a_deactivated_person_stay_dead_after_reactivation(province):
    user = province.users["clerk.vp"]
    token = api_login("clerk.vp")
    browser = web_login("clerk.vp")

    user.is_active = False
    user.save()
    assert bearer(token).get("/api/documents").status_code == 401
    assert not signed_in(browser)

    user.is_active = True
    user.save()
    assert bearer(token).get("/api/documents").status_code == 401
    assert not signed_in(browser)


# --- DELETE /api/auth/token ---------------------------------------------------------------------------------

def test_delete_revokes_the_callers_token_only(province):
    token, other = api_login("clerk.vp"), api_login("clerk.vp")

    response = bearer(token).delete("/api/auth/token")

    assert response.status_code == 204
    assert bearer(token).get("/api/documents").status_code == 401
    assert bearer(token).delete("/api/auth/token").status_code == 401
    assert bearer(other).get("/api/documents").status_code == 200


def test_delete_token_is_in_the_openapi_schema(client, db):
    operations = client.get("/api/openapi.json").json()["paths"]["/api/auth/token"]
    assert {"post", "delete"} <= set(operations)
    assert "204" in operations["delete"]["responses"]


def test_tokens_still_expire_after_the_configured_days(province, settings, monkeypatch):
    settings.API_TOKEN_TTL_DAYS = 2
    token = api_token_issue(user=province.users["clerk.vp"])
    later = timezone.now() + dt.timedelta(days=2, seconds=1)
    monkeypatch.setattr(timezone, "now", lambda: later)
    assert bearer(token).get("/api/documents").status_code == 401


# --- The page "Phiên đăng nhập và mã truy cập" ------------------------------------------------------------------

@pytest.fixture
def clerk(province):
    return province.users["clerk.vp"]


def test_the_page_lists_live_tokens_and_sessions_and_marks_the_current_one(province, clerk):
    token = api_login("clerk.vp", HTTP_USER_AGENT="lienthong-client/1.0")
    phone = web_login("clerk.vp", HTTP_USER_AGENT="Dien thoai Android", REMOTE_ADDR="198.51.100.7")
    laptop = web_login("clerk.vp", HTTP_USER_AGENT="May tinh Firefox")
    api_token_issue(user=province.users["leader.vp"])
    web_login("leader.vp", HTTP_USER_AGENT="Trinh duyet cua lanh dao")

    page = laptop.get(SESSIONS)

    assert page.status_code == 200
    html = page.content.decode()
    assert "<h1>Phiên đăng nhập và mã truy cập</h1>" in html
    assert "lienthong-client/1.0" in html and "Dien thoai Android" in html and "198.51.100.7" in html
    assert "May tinh Firefox" in html and "phiên này" in html
    assert "Trinh duyet cua lanh dao" not in html
    assert token not in html and phone.session.session_key not in html
    assert html.count("Thu hồi") >= 3
    assert len(page.context["tokens"]) == 1 and len(page.context["sessions"]) == 2
    # Every signed-in person reaches it from the header.
    assert f'href="{SESSIONS}"' in laptop.get(LIST).content.decode()


def test_revoking_a_token_from_the_page(province, clerk):
    token = api_login("clerk.vp")
    browser = web_login("clerk.vp")
    row = ApiToken.objects.get(user=clerk)

    response = browser.post(f"{SESSIONS}ma-truy-cap/{row.pk}/thu-hoi/")

    assert response.status_code == 302 and response["Location"] == SESSIONS
    assert bearer(token).get("/api/documents").status_code == 401
    assert signed_in(browser)


def test_revoking_another_web_session_signs_that_browser_out(province, clerk):
    phone = web_login("clerk.vp", HTTP_USER_AGENT="Dien thoai")
    laptop = web_login("clerk.vp")
    phone_row = next(s for s in laptop.get(SESSIONS).context["sessions"] if not s.is_current)

    laptop.post(f"{SESSIONS}dang-nhap/{phone_row.pk}/thu-hoi/")

    assert not signed_in(phone)
    assert signed_in(laptop)
    assert len(laptop.get(SESSIONS).context["sessions"]) == 1


def test_nobody_revokes_someone_elses_token_or_session(province, clerk):
    api_login("leader.vp")
    leader = web_login("leader.vp")
    token_row = ApiToken.objects.get(user=province.users["leader.vp"])
    session_row = leader.get(SESSIONS).context["sessions"][0]
    clerk_browser = web_login("clerk.vp")

    assert clerk_browser.post(f"{SESSIONS}ma-truy-cap/{token_row.pk}/thu-hoi/").status_code == 404
    assert clerk_browser.post(f"{SESSIONS}dang-nhap/{session_row.pk}/thu-hoi/").status_code == 404
    assert ApiToken.objects.filter(pk=token_row.pk).exists()
    assert signed_in(leader)


def test_revoking_needs_a_post_with_the_csrf_token(province, clerk):
    api_login("clerk.vp")
    row = ApiToken.objects.get(user=clerk)
    browser = Client(enforce_csrf_checks=True)
    browser.force_login(clerk)
    assert browser.get(f"{SESSIONS}ma-truy-cap/{row.pk}/thu-hoi/").status_code == 405
    assert browser.post(f"{SESSIONS}ma-truy-cap/{row.pk}/thu-hoi/").status_code == 403
    assert ApiToken.objects.filter(pk=row.pk).exists()


def test_logging_out_ends_the_session_and_drops_it_from_the_list(province, clerk):
    phone = web_login("clerk.vp")
    laptop = web_login("clerk.vp")
    phone.post(reverse("accounts:logout"))
    assert not signed_in(phone)
    assert len(laptop.get(SESSIONS).context["sessions"]) == 1
