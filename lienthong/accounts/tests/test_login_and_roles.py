"""Signing in (Argon2, Vietnamese page, throttling), the sliding session timeout, and a person who
holds positions in two agencies."""

from __future__ import annotations

import datetime as dt

import pytest
from django.contrib.sessions.models import Session
from django.urls import reverse
from django.utils import timezone

from lienthong.accounts.models import Position, Role
from lienthong.accounts.services import LOGIN_LOCKED, user_create
from lienthong.accounts.views import INVALID_LOGIN
from lienthong.documents import services
from lienthong.testing.builders import PASSWORD, doc_input

LOGIN = reverse("accounts:login")
LIST = reverse("documents:list")
TODAY = dt.date(2018, 3, 20)
WRONG = str(INVALID_LOGIN)


def login(client, username, password=PASSWORD, **extra):
    return client.post(LOGIN, {"username": username, "password": password}, **extra)


def is_logged_in(client) -> bool:
    return "_auth_user_id" in client.session


def test_passwords_are_stored_with_argon2(province):
    user = province.users["clerk.vp"]
    assert user.password.startswith("argon2")
    assert PASSWORD not in user.password
    assert user.check_password(PASSWORD)


def test_login_page_is_in_vietnamese(client, db):
    page = client.get(LOGIN).content.decode()
    assert '<html lang="vi">' in page
    for text in ("<h1>Đăng nhập</h1>", ">Tên đăng nhập", ">Mật khẩu", 'type="submit">Đăng nhập</button>'):
        assert text in page


def test_right_password_signs_in(client, province):
    response = login(client, "clerk.vp")
    assert response.status_code == 302 and response["Location"] == reverse("documents:home")
    assert is_logged_in(client)


def test_wrong_password_is_refused_in_vietnamese(client, province):
    response = login(client, "clerk.vp", "sai-mat-khau")
    assert response.status_code == 200
    assert WRONG in response.content.decode()
    assert not is_logged_in(client)


def test_unknown_user_gets_the_same_message(client, province):
    response = login(client, "khong.ton.tai", "sai-mat-khau")
    assert WRONG in response.content.decode()


def test_after_too_many_failures_even_the_right_password_waits(client, province, settings, clock):
    """The back-off itself is tested in test_throttling.py."""
    for _ in range(settings.LOGIN_MAX_FAILURES):
        assert WRONG in login(client, "clerk.vp", "sai-mat-khau").content.decode()

    response = login(client, "clerk.vp")

    page = response.content.decode()
    assert LOGIN_LOCKED % {"s": 1} in page
    assert WRONG not in page
    assert not is_logged_in(client)
    # Another person is not slowed by someone hammering clerk.vp.
    assert login(client, "leader.vp").status_code == 302


def test_session_timeout_settings():
    import os

    from django.conf import settings

    assert settings.SESSION_COOKIE_AGE == int(os.environ.get("SESSION_TIMEOUT_SECONDS") or 30 * 60)
    # Sliding expiry comes from SessionRefreshMiddleware (at most one session write a minute).
    assert "lienthong.accounts.middleware.SessionRefreshMiddleware" in settings.MIDDLEWARE
    assert settings.SESSION_COOKIE_HTTPONLY is True


def test_idle_session_expires_but_activity_keeps_it_alive(client, province, settings, monkeypatch):
    """The timeout slides: a request within the age renews it; silence longer than the age signs out."""
    age = settings.SESSION_COOKIE_AGE
    start = timezone.now()
    clock = {"now": start}
    monkeypatch.setattr(timezone, "now", lambda: clock["now"])
    assert login(client, "clerk.vp").status_code == 302
    session = Session.objects.get()
    assert session.expire_date == start + dt.timedelta(seconds=age)

    # Two requests, each just inside the age: together longer than one age, still signed in.
    for step in (1, 2):
        clock["now"] = start + dt.timedelta(seconds=step * (age - 60))
        assert client.get(LIST).status_code == 200, step
        assert Session.objects.get().expire_date == clock["now"] + dt.timedelta(seconds=age)

    clock["now"] += dt.timedelta(seconds=age + 1)
    response = client.get(LIST)
    assert response.status_code == 302
    assert response["Location"] == f"{LOGIN}?next={LIST}"


def test_expired_session_row_sends_the_user_to_login(client, province):
    login(client, "clerk.vp")
    Session.objects.update(expire_date=timezone.now() - dt.timedelta(seconds=1))
    response = client.get(LIST)
    assert response.status_code == 302 and response["Location"].startswith(LOGIN)


@pytest.fixture
def two_hats(province):
    """Chị Lan: clerk of the VP UBND and specialist at Sở TT&TT."""
    vp, stttt = province.agencies["vp"], province.agencies["stttt"]
    lan = user_create(username="lan", password=PASSWORD, full_name="Nguyễn Thị Lan",
                      positions=[(vp, Role.CLERK, "Văn thư"), (stttt, Role.SPECIALIST, "Chuyên viên")])

    def register(agency_key, **kw):
        return services.document_register_outgoing(
            actor=province.users[f"clerk.{agency_key}"], agency=province.agencies[agency_key],
            data=doc_input(**kw), today=TODAY)

    docs = {
        "vp": register("vp", subject="Thông báo VP"),
        "vp_secret": register("vp", subject="Báo cáo mật VP", secrecy="secret"),
        "stttt": register("stttt", subject="Kế hoạch Sở"),
        "stttt_secret": register("stttt", subject="Báo cáo mật Sở", secrecy="confidential"),
        "xa": register("xa", subject="Văn bản của xã"),
    }
    return lan, docs


def test_two_positions_see_both_agencies_by_their_role(client, two_hats):
    lan, docs = two_hats
    client.force_login(lan)

    listed = {d.pk for d in client.get(LIST).context["page"].object_list}

    assert listed == {docs["vp"].pk, docs["vp_secret"].pk, docs["stttt"].pk}
    for key, expected in [("vp", 200), ("vp_secret", 200), ("stttt", 200), ("stttt_secret", 404), ("xa", 404)]:
        assert client.get(reverse("documents:detail", args=[docs[key].pk])).status_code == expected, key


def test_a_second_position_gives_registering_rights_only_where_it_is_a_clerk(client, province, two_hats):
    lan, _docs = two_hats
    client.force_login(lan)
    form = client.get(reverse("documents:register_outgoing")).context["form"]
    assert list(form.fields["agency"].queryset) == [province.agencies["vp"]]


def test_a_position_that_ends_takes_its_documents_with_it(client, two_hats):
    lan, docs = two_hats
    Position.objects.filter(user=lan, role=Role.CLERK).update(is_active=False)
    client.force_login(lan)
    listed = {d.pk for d in client.get(LIST).context["page"].object_list}
    assert listed == {docs["stttt"].pk}


def test_login_does_not_redirect_to_another_site(client, province):
    response = client.post(f"{LOGIN}?next=https://evil.example/", {
        "username": "clerk.vp", "password": PASSWORD, "next": "https://evil.example/"})
    assert response.status_code == 302 and response["Location"] == reverse("documents:home")
