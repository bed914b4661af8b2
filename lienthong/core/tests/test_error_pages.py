"""What a user sees when something goes wrong: Vietnamese pages in the site's layout for the web, JSON
``{code, message}`` under /api/, never Django's debug pages (route listings, tracebacks, server paths);
and the static files served with DEBUG off, as ``make run`` does."""

from __future__ import annotations

import re

from django.core.management import call_command
from django.test import Client, override_settings

from lienthong.core.error_views import ADDRESS_NOT_FOUND, BAD_REQUEST, CSRF_FAILED, SERVER_ERROR
from lienthong.core.errors import NOT_PERMITTED
from lienthong.core.tests.test_settings import run_manage

ERROR_URLS = "lienthong.core.tests.error_urls"


def _page(response) -> str:
    return response.content.decode()


def test_debug_is_off_unless_a_developer_asks_for_it():
    show = ("shell", "-c", "from django.conf import settings; print('DEBUG', settings.DEBUG)")
    assert "DEBUG False" in run_manage(*show).stdout
    assert "DEBUG True" in run_manage(*show, LIENTHONG_DEBUG="1").stdout


def test_an_unknown_address_is_a_vietnamese_404_page_without_the_route_listing(client, db):
    response = client.get("/khong-co-trang-nay/")

    assert response.status_code == 404
    page = _page(response)
    assert "Không tìm thấy trang" in page
    assert 'href="/"' in page and "css/app.css" in page  # the site's layout with a link home
    assert "URLconf" not in page and "tai-khoan/" not in page


def test_an_unknown_api_address_is_json(client, db):
    response = client.get("/api/khong-co")

    assert response.status_code == 404
    assert response["Content-Type"].startswith("application/json")
    assert response.json() == {"code": "not_found", "message": str(ADDRESS_NOT_FOUND)}


@override_settings(ROOT_URLCONF=ERROR_URLS)
def test_a_crash_is_a_vietnamese_500_page_with_a_reference_and_no_traceback(db, caplog):
    client = Client(raise_request_exception=False)

    response = client.get("/thu-loi/crash/")

    assert response.status_code == 500
    page = _page(response)
    assert "Đã xảy ra lỗi" in page and 'href="/"' in page and "css/app.css" in page
    assert "Traceback" not in page and "/srv/lienthong" not in page and "RuntimeError" not in page
    reference = response["X-Request-Reference"]
    assert len(reference) >= 8 and reference in page
    assert any(reference in record.getMessage() for record in caplog.records)  # the log names it too
    # The title is the page's name; the problem report form (reference attached) is once in the page, not in it.
    title = re.search(r"<title>(.*?)</title>", page, re.S).group(1)
    assert title.startswith("Lỗi máy chủ") and "<" not in title
    assert page.count('class="fb-error-form"') == 1


@override_settings(ROOT_URLCONF=ERROR_URLS)
def test_a_crash_under_api_is_json_with_the_reference(db):
    response = Client(raise_request_exception=False).get("/api/thu-loi/crash")

    assert response.status_code == 500
    body = response.json()
    assert body["code"] == "server_error"
    assert body["message"] == str(SERVER_ERROR)
    assert body["reference"] == response["X-Request-Reference"]


@override_settings(ROOT_URLCONF=ERROR_URLS)
def test_refused_and_suspicious_requests_are_vietnamese_403_and_400(client, db):
    refused = client.get("/thu-loi/refuse/")
    assert refused.status_code == 403 and "Không có quyền" in _page(refused)  # the pages' headings
    suspicious = client.get("/thu-loi/suspicious/")
    assert suspicious.status_code == 400 and "Yêu cầu không hợp lệ" in _page(suspicious)
    assert client.get("/api/thu-loi/refuse").json() == {"code": "permission_denied", "message": str(NOT_PERMITTED)}
    assert client.get("/api/thu-loi/suspicious").json() == {"code": "bad_request", "message": str(BAD_REQUEST)}


def test_an_unknown_host_gets_the_vietnamese_400_page(client, db):
    response = client.get("/", HTTP_HOST="ke-gia-mao.example")

    assert response.status_code == 400
    assert "Yêu cầu không hợp lệ" in _page(response) and "ALLOWED_HOSTS" not in _page(response)


def test_a_form_sent_without_its_csrf_token_gets_a_vietnamese_403(db):
    client = Client(enforce_csrf_checks=True)

    response = client.post("/tai-khoan/dang-nhap/", {"username": "a", "password": "b"})

    assert response.status_code == 403
    page = _page(response)
    assert str(CSRF_FAILED) in page and "CSRF_COOKIE" not in page


def test_static_files_are_served_with_debug_off_after_collectstatic(tmp_path, db, settings):
    settings.STATIC_ROOT = tmp_path / "static"
    call_command("collectstatic", "--noinput", verbosity=0)

    response = Client().get("/static/css/app.css")

    assert response.status_code == 200
    assert b"".join(response.streaming_content if response.streaming else [response.content])
    assert Client().get("/static/css/khong-co.css").status_code == 404
