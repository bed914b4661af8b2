"""Odd input is the client's mistake, answered 4xx in Vietnamese, never 500 (issue 11, defect 7): NUL
characters anywhere, ids past 2^63 − 1, months out of range, numbers with hundreds of digits. Both
databases: SQLite overflowed on big integers, PostgreSQL refused NUL in text."""

from __future__ import annotations

import json

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client, override_settings

from lienthong.accounts.services import api_token_issue
from lienthong.api import VALIDATION_MESSAGES
from lienthong.assessment.models import AssessmentAuthority, AuthorityKind
from lienthong.core.middleware import NUL_REFUSED, OUT_OF_RANGE
from lienthong.core.months import MAX_YEAR, MIN_YEAR, MONTH_OUT_OF_RANGE
from lienthong.testing.builders import PASSWORD, tiny_pdf

HUGE = 2**64


@pytest.fixture
def overseer(province):
    AssessmentAuthority.objects.create(agency=province.agencies["vp"], kind=AuthorityKind.OFFICE)
    return province.users["clerk.vp"]


@pytest.fixture
def api(overseer):
    return Client(headers={"Authorization": f"Bearer {api_token_issue(user=overseer)}"})


def post_json(client, path, data):
    return client.post(path, json.dumps(data), content_type="application/json")


# --- NUL ---------------------------------------------------------------------------------------------

def test_a_nul_in_the_token_request_is_refused_as_json_400(client, province):
    response = post_json(client, "/api/auth/token", {"username": "clerk.vp\x00", "password": PASSWORD})

    assert response.status_code == 400
    assert response.json() == {"code": "bad_request", "message": str(NUL_REFUSED)}


def test_a_nul_in_an_api_query_string_or_a_comment_is_refused(api, province):
    assert api.get("/api/documents?q=%00").json()["message"] == str(NUL_REFUSED)
    response = post_json(api, "/api/drafts/1/comments", {"text": "Góp ý\x00"})
    assert response.status_code == 400 and response.json()["message"] == str(NUL_REFUSED)


def test_a_nul_in_an_uploaded_incoming_document_is_refused_and_nothing_is_stored(api, province):
    from lienthong.documents.models import Document

    form = {"document_type": "cong-van", "number_symbol": "15/UBND\x00", "issued_on": "2018-03-05",
            "subject": "Trích yếu", "files": SimpleUploadedFile("van-ban.pdf", tiny_pdf(), "application/pdf")}
    response = api.post("/api/documents/incoming", form)

    assert response.status_code == 400 and response.json()["message"] == str(NUL_REFUSED), response.content
    assert not Document.objects.exists()


def test_a_nul_in_a_web_search_or_form_is_the_vietnamese_400_page(client, province):
    client.force_login(province.users["clerk.vp"])
    search = client.get("/van-ban/?q=%00")
    login = Client().post("/tai-khoan/dang-nhap/", {"username": "clerk.vp\x00", "password": PASSWORD})

    for response in (search, login):
        assert response.status_code == 400
        assert str(NUL_REFUSED) in response.content.decode()
        assert "Yêu cầu không hợp lệ" in response.content.decode()  # the 400 page's heading


# --- Integers past 2^63 − 1 -------------------------------------------------------------------------------

def test_ids_past_the_database_range_are_422_naming_the_field(api, province):
    sent = api.get(f"/api/sent?agency_id={HUGE}")
    verify = api.post(f"/api/files/{HUGE}/verify")
    members = post_json(api, "/api/recipient-lists", {"name": "Các huyện", "member_ids": [HUGE]})
    draft = api.post("/api/drafts", {"document_type": "cong-van", "subject": "Về việc", "signer_id": str(HUGE),
                                      "files": SimpleUploadedFile("du-thao.pdf", tiny_pdf(), "application/pdf")})

    for response, field in ((sent, "agency_id"), (verify, "stored_file_id"), (members, "member_ids.0"),
                            (draft, "signer_id")):
        assert response.status_code == 422, response.content
        assert response.json()["errors"][field] == [VALIDATION_MESSAGES["less_than_equal"] % {"le": 2**63 - 1}]


@override_settings(ROOT_URLCONF="lienthong.core.tests.error_urls")
def test_an_overflow_no_validation_caught_is_still_a_400_not_a_500(client, db):
    for path in ("/thu-loi/overflow/", "/thu-loi/data-error/"):
        response = client.get(path)
        assert response.status_code == 400
        assert str(OUT_OF_RANGE) in response.content.decode()
    response = client.get("/api/thu-loi/overflow")
    assert response.status_code == 400 and response.json()["code"] == "out_of_range"


# --- Months and numbers out of range ----------------------------------------------------------------------

def test_the_trend_refuses_month_9999_12_in_vietnamese(api, province):
    agency = province.agencies["vp"].pk

    response = api.get(f"/api/usage-statistics/{agency}/trend?month_to=9999-12")

    assert response.status_code == 422
    assert response.json()["errors"]["month_to"] == [
        MONTH_OUT_OF_RANGE % {"first": f"01/{MIN_YEAR}", "last": f"12/{MAX_YEAR}"}]


def test_the_web_trend_and_chart_ignore_a_period_out_of_range(client, overseer, province):
    client.force_login(overseer)
    agency = province.agencies["vp"].pk
    query = "?month_from=9999-12&month_to=9999-12"

    page = client.get(f"/giam-sat/co-quan/{agency}/{query}")
    chart = client.get(f"/giam-sat/co-quan/{agency}/bieu-do.png{query}")

    assert page.status_code == 200
    assert chart.status_code == 200 and chart["Content-Type"] == "image/png"


def test_a_400_digit_overdue_threshold_is_a_422(api, province):
    response = api.get(f"/api/usage-statistics?max_overdue={'9' * 400}")

    assert response.status_code == 422
    assert response.json()["errors"]["max_overdue"][0].startswith("Đảm bảo giá trị này là nhỏ hơn hoặc bằng")
