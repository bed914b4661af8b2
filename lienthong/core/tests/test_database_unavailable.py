"""The database out of reach (a restart, a network cut): the user gets a Vietnamese 503 page (JSON under
/api/) with Retry-After, telling them to try again shortly and to check a form before sending it again; not
the generic 500 nor, when it is the session that could not be saved, a "bad request". The whole story,
with a real PostgreSQL restarted under load, is web/tests/test_concurrency_database_restart.py. Also: the
background-job settings refuse a retry delay that does not exceed the task timeout."""

from __future__ import annotations

import html

import pytest
from django.contrib.sessions.exceptions import SessionInterrupted
from django.core.exceptions import BadRequest
from django.db import OperationalError
from django.test import Client
from django.urls import path

from lienthong import urls as site_urls
from lienthong.core.error_views import BAD_REQUEST, DATABASE_UNAVAILABLE, RETRY_AFTER_SECONDS
from lienthong.core.tests.test_settings import run_manage


def database_gone(request):
    raise OperationalError("server closed the connection unexpectedly")


def session_not_saved(request):
    try:
        try:
            raise OperationalError("terminating connection due to administrator command")
        except OperationalError:
            raise ValueError("UpdateError") from None  # as SessionBase.save wraps it (context kept)
    except ValueError:
        raise SessionInterrupted("The request's session was deleted before the request completed.") from None


def bad(request):
    raise BadRequest("a broken form")


urlpatterns = [path("thu/csdl/", database_gone), path("api/thu/csdl", database_gone),
               path("thu/phien/", session_not_saved), path("thu/hong/", bad), *site_urls.urlpatterns]
handler400, handler500 = site_urls.handler400, site_urls.handler500

pytestmark = [pytest.mark.django_db, pytest.mark.urls(__name__)]


def _assert_unavailable_page(response):
    assert response.status_code == 503
    assert response["Retry-After"] == str(RETRY_AFTER_SECONDS) and response["X-Request-Reference"]
    page = html.unescape(response.content.decode())
    assert str(DATABASE_UNAVAILABLE) in page and response["X-Request-Reference"] in page
    assert "OperationalError" not in page and "administrator command" not in page


def test_a_request_that_cannot_reach_the_database_gets_a_503_page_with_retry_after():
    _assert_unavailable_page(Client(raise_request_exception=False).get("/thu/csdl/"))


def test_the_api_answers_503_json():
    response = Client(raise_request_exception=False).get("/api/thu/csdl")
    assert response.status_code == 503 and response["Retry-After"] == str(RETRY_AFTER_SECONDS)
    body = response.json()
    assert (body["code"], body["message"]) == ("database_unavailable", str(DATABASE_UNAVAILABLE))


def test_a_session_that_could_not_be_saved_for_the_database_is_a_503_not_a_bad_request():
    _assert_unavailable_page(Client(raise_request_exception=False).get("/thu/phien/"))


def test_a_real_bad_request_is_still_a_400():
    response = Client(raise_request_exception=False).get("/thu/hong/")
    assert response.status_code == 400 and str(BAD_REQUEST).rstrip(".") in html.unescape(response.content.decode())


def test_a_retry_delay_not_longer_than_the_task_timeout_is_refused():
    result = run_manage("check", Q_TIMEOUT_SECONDS="300", Q_RETRY_SECONDS="300")
    assert result.returncode != 0 and "Q_RETRY_SECONDS must be greater than Q_TIMEOUT_SECONDS" in result.stderr
    assert run_manage("check", Q_TIMEOUT_SECONDS="60", Q_RETRY_SECONDS="90").returncode == 0
