"""The API as a whole: tokens, bearer authentication, Vietnamese errors, OpenAPI, and the directories."""

import datetime as dt
import json
import re

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from lienthong.accounts.models import ApiToken
from lienthong.accounts.services import LOGIN_LOCKED, api_token_issue
from lienthong.api import VALIDATION_MESSAGES
from lienthong.testing.builders import PASSWORD, make_agency, make_levels

NOT_AUTHENTICATED = "Thiếu hoặc sai mã truy cập. Gửi tiêu đề Authorization: Bearer <mã> lấy từ /api/auth/token."


def post_json(client, path, data):
    return client.post(path, json.dumps(data), content_type="application/json")


def as_user(user) -> Client:
    return Client(headers={"Authorization": f"Bearer {api_token_issue(user=user)}"})


# --- Tokens --------------------------------------------------------------------------------------------

def test_good_credentials_get_a_token_that_opens_the_api(client, province):
    response = post_json(client, "/api/auth/token", {"username": "clerk.vp", "password": PASSWORD})

    assert response.status_code == 200
    token = response.json()["token"]
    assert len(token) >= 40
    assert ApiToken.objects.filter(user=province.users["clerk.vp"]).count() == 1
    listed = client.get("/api/documents", headers={"Authorization": f"Bearer {token}"})
    assert listed.status_code == 200
    assert listed.json() == {"items": [], "count": 0, "count_more": False, "page": 1, "page_size": 25}


def test_wrong_password_is_refused_in_vietnamese_and_issues_no_token(client, province):
    response = post_json(client, "/api/auth/token", {"username": "clerk.vp", "password": "sai-mat-khau"})

    assert response.status_code == 401
    assert response.json() == {"code": "invalid_credentials", "message": "Tên đăng nhập hoặc mật khẩu không đúng."}
    assert not ApiToken.objects.exists()


def test_repeated_failures_make_the_token_endpoint_wait_even_for_the_right_password(client, province, settings):
    """A back-off, not a lock: the details are in accounts/tests/test_throttling.py."""
    settings.LOGIN_MAX_FAILURES, settings.LOGIN_BACKOFF_BASE_SECONDS = 3, 30
    for _attempt in range(3):
        assert post_json(client, "/api/auth/token", {"username": "clerk.vp", "password": "sai"}).status_code == 401

    response = post_json(client, "/api/auth/token", {"username": "clerk.vp", "password": PASSWORD})

    assert response.status_code == 429
    assert response.json()["code"] == "login_locked"
    assert 0 < int(response["Retry-After"]) <= 30
    assert response.json()["message"] == LOGIN_LOCKED % {"s": response["Retry-After"]}
    assert not ApiToken.objects.exists()


def test_token_request_without_password_names_the_missing_field(client, province):
    response = post_json(client, "/api/auth/token", {"username": "clerk.vp"})

    assert response.status_code == 422
    missing = str(VALIDATION_MESSAGES["missing"])
    assert response.json() == {"code": "validation_error", "message": missing, "errors": {"password": [missing]}}


def test_unreadable_json_body_is_a_vietnamese_400(client, province):
    response = client.post("/api/auth/token", "{khong phai json", content_type="application/json")

    assert response.status_code == 400
    assert response.json() == {"code": "bad_request",
                               "message": "Không đọc được nội dung yêu cầu (JSON không hợp lệ)."}


# --- Bearer authentication -----------------------------------------------------------------------------

def _expired_token(province):
    token = api_token_issue(user=province.users["clerk.vp"])
    ApiToken.objects.update(expires_at=timezone.now() - dt.timedelta(seconds=1))
    return token


def _token_of_inactive_user(province):
    user = province.users["clerk.vp"]
    token = api_token_issue(user=user)
    user.is_active = False
    user.save(update_fields=["is_active"])
    return token


@pytest.mark.parametrize("make_header", [
    lambda p: "Bearer khong-phai-ma-that",
    lambda p: f"Token {api_token_issue(user=p.users['clerk.vp'])}",
    lambda p: f"Bearer {_expired_token(p)}",
    lambda p: f"Bearer {_token_of_inactive_user(p)}",
], ids=["unknown", "wrong-scheme", "expired", "inactive-user"])
def test_invalid_tokens_are_refused_with_401(province, make_header):
    client = Client(headers={"Authorization": make_header(province)})

    response = client.get("/api/documents")

    assert response.status_code == 401
    assert response.json() == {"code": "not_authenticated", "message": NOT_AUTHENTICATED}
    assert response["WWW-Authenticate"].startswith("Bearer")


def test_every_endpoint_but_the_token_one_needs_a_bearer_token(client, province):
    for path in ["/api/documents", "/api/agencies", "/api/registers", "/api/documents/1",
                 "/api/documents/1/files/1"]:
        response = client.get(path)
        assert (path, response.status_code, response.json()) == (path, 401, {"code": "not_authenticated",
                                                                              "message": NOT_AUTHENTICATED})
    refused = client.post("/api/documents/incoming", {"document_type": "cong-van"})
    assert refused.status_code == 401
    assert ApiToken.objects.count() == 0


def test_query_parameter_errors_are_vietnamese_per_field(province):
    client = as_user(province.users["clerk.vp"])

    response = client.get("/api/documents", {"direction": "sideways", "year": "nam-ngoai", "page": "0"})

    assert response.status_code == 422
    assert response.json()["errors"] == {
        "direction": [VALIDATION_MESSAGES["enum"] % {"expected": "'in', 'out'"}],
        "year": [str(VALIDATION_MESSAGES["int_parsing"])],
        "page": [VALIDATION_MESSAGES["greater_than_equal"] % {"ge": 1}],
    }


def test_empty_query_parameters_mean_no_filter(province):
    client = as_user(province.users["clerk.vp"])

    response = client.get("/api/documents", {"q": "", "direction": "", "year": ""})

    assert response.status_code == 200
    assert response.json()["count"] == 0


# --- OpenAPI --------------------------------------------------------------------------------------------

def test_openapi_schema_is_json_listing_every_endpoint_with_bearer_security(client, db):
    response = client.get("/api/openapi.json")

    assert response.status_code == 200
    schema = json.loads(response.content)
    assert schema["openapi"].startswith("3.1")
    assert set(schema["paths"]) >= {  # the document flow's routes are checked in their apps' tests
        "/api/auth/token", "/api/agencies", "/api/registers", "/api/documents", "/api/documents/incoming",
        "/api/documents/{document_id}", "/api/documents/{document_id}/files/{file_id}",
    }
    assert set(schema["paths"]["/api/documents/incoming"]) == {"post"}
    assert "multipart/form-data" in schema["paths"]["/api/documents/incoming"]["post"]["requestBody"]["content"]
    assert schema["components"]["securitySchemes"]["BearerToken"] == {"type": "http", "scheme": "bearer"}
    assert "security" not in schema["paths"]["/api/auth/token"]["post"]
    assert schema["paths"]["/api/documents"]["get"]["security"] == [{"BearerToken": []}]


def test_interactive_docs_live_at_api_docs_and_do_not_shadow_documents(client, db):
    response = client.get("/api/docs")

    assert response.status_code == 200
    page = response.content.decode()
    assert "/api/openapi.json" in page
    assert re.findall(r'(?:src|href)="(https?:)?//', page) == []  # assets come from our static files, no CDN
    assert "/static/ninja/swagger-ui-bundle.js" in page
    assert client.get("/api/documents").status_code == 401  # the resource, not the docs page


# --- Agency directory -----------------------------------------------------------------------------------

def test_agency_directory_matches_names_without_diacritics(province):
    client = as_user(province.users["specialist.xa"])

    response = client.get("/api/agencies", {"q": "vi  THUY"})

    assert response.status_code == 200
    huyen = province.agencies["huyen"]
    assert response.json() == {"count": 1, "page": 1, "page_size": 50, "items": [{
        "id": huyen.pk, "name": "Ủy ban nhân dân huyện Vị Thủy", "short_name": "UBND huyện Vị Thủy",
        "abbreviation": "UBND", "identifier_code": "000.00.35.H30", "level": "huyen", "level_name": "Cấp huyện",
        "group": None, "group_name": None, "parent_id": province.agencies["ubnd"].pk, "is_external": False,
        "is_active": True,
    }]}


def test_agency_directory_filters_by_level_and_pages(province):
    client = as_user(province.users["clerk.vp"])

    communes = client.get("/api/agencies", {"level": "xa"}).json()
    first = client.get("/api/agencies", {"page_size": 2}).json()
    last = client.get("/api/agencies", {"page_size": 2, "page": 3}).json()

    assert [a["name"] for a in communes["items"]] == ["Ủy ban nhân dân xã Vị Thắng"]
    assert (first["count"], len(first["items"]), len(last["items"])) == (5, 2, 1)
    assert first["items"][0]["name"] == "Ủy ban nhân dân tỉnh Hậu Giang"
    vp = next(a for a in client.get("/api/agencies", {"q": "van phong"}).json()["items"])
    assert (vp["group"], vp["group_name"]) == ("so-nganh", "Sở, ban, ngành")


def _count_queries(client, path):
    with CaptureQueriesContext(connection) as ctx:
        assert client.get(path).status_code == 200
    return len(ctx.captured_queries)


def test_agency_directory_query_count_does_not_grow_with_rows(province, django_assert_max_num_queries):
    client = as_user(province.users["clerk.vp"])
    client.get("/api/agencies")  # warm-up: first use of a token records its use
    small = _count_queries(client, "/api/agencies")
    levels = make_levels()
    for i in range(15):
        make_agency(f"Ủy ban nhân dân xã Thử {i}", "UBND", levels["xa"], parent=province.agencies["huyen"])

    large = _count_queries(client, "/api/agencies")

    assert small == large
    with django_assert_max_num_queries(3):
        client.get("/api/agencies")


# --- Registers ------------------------------------------------------------------------------------------

def test_registers_list_only_the_callers_agencies(province):
    from lienthong.documents.numbering import ensure_year_registers

    ensure_year_registers(agency_id=province.agencies["vp"].pk, year=2018)
    ensure_year_registers(agency_id=province.agencies["stttt"].pk, year=2018)
    client = as_user(province.users["specialist.vp"])

    body = client.get("/api/registers", {"year": 2018}).json()

    # A specialist sees neither the two secret registers nor the incoming one: their books list the
    # subjects of documents a specialist sees only when they are assigned to them.
    assert body["count"] == 2
    assert not any(r["is_secret"] or r["direction"] == "in" for r in body["items"])
    clerk_view = as_user(province.users["clerk.vp"]).get("/api/registers", {"year": 2018}).json()
    assert clerk_view["count"] == 5
    assert {r["agency_id"] for r in body["items"]} == {province.agencies["vp"].pk}
    incoming = next(r for r in clerk_view["items"] if r["code"] == "den")
    assert incoming == {"id": incoming["id"], "agency_id": province.agencies["vp"].pk,
                        "agency_name": "Văn phòng Ủy ban nhân dân tỉnh Hậu Giang", "year": 2018, "direction": "in",
                        "code": "den", "name": "Sổ đăng ký văn bản đến", "is_secret": False, "last_number": 0}
    assert client.get("/api/registers", {"year": 2017}).json()["count"] == 0
