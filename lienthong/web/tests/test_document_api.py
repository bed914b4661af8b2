"""Documents through the JSON API: lists, search, detail, registering incoming documents (``lienthong.web.api``).
Downloading an original is tested with the documents app (``documents/tests/test_api.py``)."""

import datetime as dt
from pathlib import Path

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from lienthong.accounts.models import Role
from lienthong.accounts.services import api_token_issue, user_create
from lienthong.api import VALIDATION_MESSAGES
from lienthong.audit.models import AuditEntry
from lienthong.core.errors import NOT_FOUND_OR_HIDDEN
from lienthong.documents import services
from lienthong.documents.models import Document, DocumentFile, Register, StoredFile
from lienthong.documents.services.inputs import ISSUED_IN_FUTURE, ONLY_CLERKS_REGISTER, SUBJECT_REQUIRED
from lienthong.documents.services.registration import (
    ALREADY_REGISTERED,
    INCOMING_NOTATION_REQUIRED,
    ISSUER_REQUIRED,
    RECEIVED_BEFORE_ISSUE,
)
from lienthong.files import checks
from lienthong.search.text import QUERY_WITHOUT_WORDS
from lienthong.testing.builders import doc_input, pdf_upload, tiny_pdf
from lienthong.web.api import AGENCY_NOT_NAMED, NO_SUCH_AGENCY, NO_SUCH_DOCUMENT_TYPE
from lienthong.web.selectors import NOT_A_CLERK

TODAY = dt.date(2018, 3, 20)
NOT_FOUND = {"code": "not_found", "message": NOT_FOUND_OR_HIDDEN}


def as_user(user) -> Client:
    return Client(headers={"Authorization": f"Bearer {api_token_issue(user=user)}"})


def register_incoming(province, number_symbol, subject, *, agency="stttt", **extra):
    files = extra.pop("files", [])
    return services.document_register_incoming(
        actor=province.users[f"clerk.{agency}"], agency=province.agencies[agency],
        data=doc_input("quyet-dinh", subject, issued_on=dt.date(2018, 3, 1), files=files, **extra),
        number_symbol=number_symbol, issuer_agency=province.agencies["ubnd"], today=TODAY)


@pytest.fixture
def docs(province):
    """At Sở TT&TT: an ordinary incoming decision with a PDF and a secret one. At VP: one outgoing notice."""
    return {
        "plain": register_incoming(province, "15/QĐ-UBND", "Quyết định phê duyệt kế hoạch kết nối LGSP",
                                   files=[pdf_upload("qd-15.pdf", "Ke hoach ket noi")]),
        "secret": register_incoming(province, "16/QĐ-UBND", "Quyết định về bảo vệ bí mật nhà nước",
                                    secrecy="confidential"),
        "vp": services.document_register_outgoing(
            actor=province.users["clerk.vp"], agency=province.agencies["vp"],
            data=doc_input("thong-bao", "Thông báo kết luận giao ban LGSP"), today=TODAY),
    }


# --- Lists and search -----------------------------------------------------------------------------------

def test_list_shows_the_agencys_documents_newest_first_with_their_metadata(province, docs):
    body = as_user(province.users["clerk.stttt"]).get("/api/documents").json()

    assert (body["count"], body["page"], body["page_size"]) == (2, 1, 25)
    assert [d["number_symbol"] for d in body["items"]] == ["16/QĐ-UBND", "15/QĐ-UBND"]
    assert body["items"][1] == {
        "id": docs["plain"].pk, "agency_id": province.agencies["stttt"].pk, "direction": "in", "year": 2018,
        "register_number": 1, "number_symbol": "15/QĐ-UBND", "subject": "Quyết định phê duyệt kế hoạch kết nối LGSP",
        "issuer_name": "Ủy ban nhân dân tỉnh Hậu Giang", "issuer": "Ủy ban nhân dân tỉnh Hậu Giang",
        "issued_on": "2018-03-01", "received_on": "2018-03-20", "document_type": "Quyết định",
        "document_type_code": "quyet-dinh", "urgency": "normal", "secrecy": "normal", "status": "active",
        "snippet": None,
    }


def test_list_filters_by_direction_and_year_and_pages(province, docs):
    for n in range(3):
        register_incoming(province, f"{20 + n}/QĐ-UBND", f"Quyết định số {n}")
    client = as_user(province.users["clerk.stttt"])

    second_page = client.get("/api/documents", {"direction": "in", "year": 2018, "page": 2, "page_size": 2}).json()

    assert second_page["count"] == 5
    assert [d["number_symbol"] for d in second_page["items"]] == ["20/QĐ-UBND", "16/QĐ-UBND"]
    assert client.get("/api/documents", {"direction": "out"}).json()["count"] == 0
    assert client.get("/api/documents", {"year": 2017}).json()["count"] == 0
    assert client.get("/api/documents", {"page": 9}).json()["items"] == []


def test_search_finds_visible_documents_and_returns_a_snippet(province, docs):
    body = as_user(province.users["clerk.stttt"]).get("/api/documents", {"q": "lgsp"}).json()

    assert [d["id"] for d in body["items"]] == [docs["plain"].pk]
    assert body["count"] == 1
    assert isinstance(body["items"][0]["snippet"], str) and body["items"][0]["snippet"]


def test_search_does_not_reach_other_agencies_documents(province, docs):
    body = as_user(province.users["clerk.vp"]).get("/api/documents", {"q": "lgsp"}).json()

    assert [d["id"] for d in body["items"]] == [docs["vp"].pk]


def test_search_pages_are_cut_from_the_best_matches_and_counted_apart(province, docs, monkeypatch):
    from lienthong.search import selectors as search_selectors

    for n in range(4):
        register_incoming(province, f"{40 + n}/QĐ-UBND", f"Quyết định về LGSP đợt {n}")
    client = as_user(province.users["clerk.stttt"])

    second = client.get("/api/documents", {"q": "lgsp", "page": 2, "page_size": 2}).json()
    assert (second["count"], second["count_more"]) == (5, False)
    assert len(second["items"]) == 2
    # Same date of issue: the one registered last first.
    newest = client.get("/api/documents", {"q": "lgsp", "sort": "date", "page_size": 2}).json()
    assert [d["number_symbol"] for d in newest["items"]] == ["43/QĐ-UBND", "42/QĐ-UBND"]

    monkeypatch.setattr(search_selectors, "COUNT_EXACT_UP_TO", 3)
    capped = client.get("/api/documents", {"q": "lgsp", "page_size": 2}).json()
    assert (capped["count"], capped["count_more"], len(capped["items"])) == (3, True, 2)


def test_search_without_any_word_is_a_vietnamese_422_on_q(province, docs):
    response = as_user(province.users["clerk.stttt"]).get("/api/documents", {"q": "?!"})

    assert response.status_code == 422
    assert response.json()["errors"] == {"q": [str(QUERY_WITHOUT_WORDS)]}


def _count_queries(client, path, params=None):
    with CaptureQueriesContext(connection) as ctx:
        assert client.get(path, params or {}).status_code == 200
    return len(ctx.captured_queries)


@pytest.mark.parametrize("params", [{}, {"q": "quyet"}], ids=["list", "search"])
def test_list_query_count_does_not_grow_with_documents(province, docs, params, django_assert_max_num_queries):
    client = as_user(province.users["clerk.stttt"])
    client.get("/api/documents", params)  # warm-up: first use of a token records its use
    small = _count_queries(client, "/api/documents", params)
    for n in range(12):
        register_incoming(province, f"{30 + n}/QĐ-UBND", f"Quyết định bổ sung số {n}")

    large = _count_queries(client, "/api/documents", params)

    assert small == large
    with django_assert_max_num_queries(7):  # the search: positions, pass, rows, snippets' text, count
        client.get("/api/documents", params)


# --- Detail and originals -------------------------------------------------------------------------------

def test_detail_has_every_metadata_field_and_the_files_and_is_logged(province, docs):
    doc = docs["plain"]
    df = DocumentFile.objects.get(document=doc)
    services.document_grant(document_id=doc.pk, user_ids=[province.users["specialist.stttt"].pk])  # assigned

    response = as_user(province.users["specialist.stttt"]).get(f"/api/documents/{doc.pk}")

    assert response.status_code == 200
    body = response.json()
    assert body["files"] == [{
        "id": df.pk, "filename": "qd-15.pdf", "size": len(tiny_pdf("Ke hoach ket noi")),
        "sha256": df.stored_file.sha256, "content_type": "application/pdf", "kind": "pdf",
        "extraction_status": "done", "page_count": 1, "download_url": f"/api/documents/{doc.pk}/files/{df.pk}",
        "stored_file_id": df.stored_file_id, "verification": None,  # not verified: on_commit did not run
    }]
    assert {k: body[k] for k in ("agency_name", "register_code", "register_number", "document_type_code",
                                 "code_number", "code_notation", "identifier", "issuer_agency_id", "issued_on",
                                 "received_on", "page_count", "signer_authority", "due_date", "is_paper")} == {
        "agency_name": "Sở Thông tin và Truyền thông tỉnh Hậu Giang", "register_code": "den", "register_number": 1,
        "document_type_code": "quyet-dinh", "code_number": "15", "code_notation": "QĐ-UBND",
        "identifier": "000.00.00.H30,2018/03/01,15/QĐ-UBND", "issuer_agency_id": province.agencies["ubnd"].pk,
        "issued_on": "2018-03-01", "received_on": "2018-03-20", "page_count": 1, "signer_authority": "",
        "due_date": None, "is_paper": False,
    }
    assert AuditEntry.objects.filter(action="viewed", object_id=str(doc.pk),
                                     actor=province.users["specialist.stttt"]).count() == 1


def test_missing_document_and_missing_file_are_404(province, docs):
    client = as_user(province.users["clerk.stttt"])

    assert client.get("/api/documents/999999").json() == NOT_FOUND
    assert client.get(f"/api/documents/{docs['plain'].pk}/files/999999").status_code == 404


# --- Permission matrix ----------------------------------------------------------------------------------

# Who sees Sở TT&TT's ordinary and secret incoming documents.
MATRIX = [
    ("clerk.stttt", True, True),
    ("leader.stttt", True, True),
    ("specialist.stttt", False, False),  # incoming documents only once assigned to them
    ("clerk.vp", False, False),
    ("leader.ubnd", False, False),
    ("clerk.xa", False, False),
]


@pytest.mark.parametrize("username, sees_plain, sees_secret", MATRIX)
def test_permission_matrix_for_lists_detail_and_files(province, docs, username, sees_plain, sees_secret):
    user = province.users[username]
    client = as_user(user)
    plain, secret = docs["plain"], docs["secret"]
    df = DocumentFile.objects.get(document=plain)

    listed = {d["id"] for d in client.get("/api/documents", {"page_size": 100}).json()["items"]}
    searched = {d["id"] for d in client.get("/api/documents", {"q": "quyet dinh"}).json()["items"]}
    detail = client.get(f"/api/documents/{plain.pk}")
    secret_detail = client.get(f"/api/documents/{secret.pk}")
    download = client.get(f"/api/documents/{plain.pk}/files/{df.pk}")

    assert (plain.pk in listed, secret.pk in listed) == (sees_plain, sees_secret)
    assert secret.pk not in searched or sees_secret
    assert plain.pk not in searched or sees_plain
    assert detail.status_code == (200 if sees_plain else 404)
    assert secret_detail.status_code == (200 if sees_secret else 404)
    assert download.status_code == (200 if sees_plain else 404)
    if not sees_plain:
        assert detail.json() == NOT_FOUND
        assert download.json() == NOT_FOUND
        assert AuditEntry.objects.filter(action="denied", object_id=str(plain.pk), actor=user).count() == 2
    if not sees_secret:
        assert secret_detail.json() == NOT_FOUND
        assert AuditEntry.objects.filter(action="denied", object_id=str(secret.pk), actor=user).count() == 1
    if sees_plain:
        assert not AuditEntry.objects.filter(action="denied", actor=user).exclude(object_id=str(secret.pk)).exists()


# --- Registering incoming documents ---------------------------------------------------------------------

def incoming_form(province, **overrides):
    form = {
        "document_type": "quyet-dinh", "number_symbol": "120/QĐ-UBND", "issuer_agency_id": province.agencies["ubnd"].pk,
        "issued_on": "2018-03-01", "subject": "Quyết định thành lập Tổ công tác chuyển đổi số", "urgency": "urgent",
        "signer_authority": "KT.", "signer_position": "Phó Chủ tịch", "signer_name": "Trần Văn Bình",
        "page_count": "", "due_date": "", "is_paper": "false", "files": [pdf_upload("qd-120.pdf")],
    }
    form.update(overrides)
    return {k: v for k, v in form.items() if v is not None}


def originals_on_disk(settings) -> list[Path]:
    root = Path(settings.MEDIA_ROOT) / "originals"
    return [p for p in root.rglob("*") if p.is_file()] if root.exists() else []


def test_clerk_of_one_agency_registers_an_incoming_document_with_its_pdf(province, settings):
    client = as_user(province.users["clerk.stttt"])

    first = client.post("/api/documents/incoming", incoming_form(province))
    second = client.post("/api/documents/incoming", incoming_form(province, number_symbol="121/QĐ-UBND",
                                                                  files=[pdf_upload("qd-121.pdf", "Mot van ban")]))

    assert first.status_code == 201, first.content
    body = first.json()
    today = timezone.localdate()
    assert {k: body[k] for k in ("agency_id", "direction", "year", "register_number", "number_symbol", "document_type",
                                 "issuer_name", "received_on", "urgency", "signer_authority", "signer_name",
                                 "page_count")} == {
        "agency_id": province.agencies["stttt"].pk, "direction": "in", "year": today.year, "register_number": 1,
        "number_symbol": "120/QĐ-UBND", "document_type": "Quyết định", "issuer_name": "Ủy ban nhân dân tỉnh Hậu Giang",
        "received_on": today.isoformat(), "urgency": "urgent", "signer_authority": "KT.",
        "signer_name": "Trần Văn Bình", "page_count": 1,
    }
    assert [(f["filename"], f["kind"]) for f in body["files"]] == [("qd-120.pdf", "pdf")]
    assert second.json()["register_number"] == 2
    assert Document.objects.filter(agency=province.agencies["stttt"], direction="in").count() == 2
    assert len(originals_on_disk(settings)) == 2


def test_free_text_issuer_and_explicit_agency_are_accepted(province):
    client = as_user(province.users["clerk.xa"])

    response = client.post("/api/documents/incoming", incoming_form(
        province, agency_id=province.agencies["xa"].pk, issuer_agency_id=None, issuer_name="Công an huyện Vị Thủy",
        document_type="cong-van", number_symbol="35/CAH-TH"))

    assert response.status_code == 201, response.content
    assert (response.json()["issuer_name"], response.json()["issuer_agency_id"]) == ("Công an huyện Vị Thủy", None)


def test_clerk_of_several_agencies_must_name_the_agency(province):
    user = user_create(username="clerk.hai-noi", password="x-demo-1234", full_name="Văn thư hai nơi",
                       positions=[(province.agencies["vp"], Role.CLERK, ""),
                                  (province.agencies["stttt"], Role.CLERK, "")])
    client = as_user(user)

    unnamed = client.post("/api/documents/incoming", incoming_form(province))
    named = client.post("/api/documents/incoming", incoming_form(province, agency_id=province.agencies["vp"].pk))

    assert unnamed.status_code == 422
    assert unnamed.json()["errors"] == {"agency_id": [str(AGENCY_NOT_NAMED)]}
    assert named.status_code == 201
    assert named.json()["agency_id"] == province.agencies["vp"].pk


@pytest.mark.parametrize("username, agency_key", [
    ("specialist.stttt", None),  # not a clerk anywhere
    ("leader.stttt", "stttt"),  # not a clerk of that agency
    ("clerk.vp", "stttt"),  # clerk of another agency
])
def test_only_a_clerk_of_the_agency_may_register(province, settings, username, agency_key):
    client = as_user(province.users[username])
    agency_id = province.agencies[agency_key].pk if agency_key else None

    response = client.post("/api/documents/incoming", incoming_form(province, agency_id=agency_id))

    assert response.status_code == 403
    assert response.json()["code"] == "permission_denied"
    assert response.json()["message"] in {str(NOT_A_CLERK), str(ONLY_CLERKS_REGISTER)}
    assert not Document.objects.exists() and not StoredFile.objects.exists()
    assert originals_on_disk(settings) == []


def _future():
    return (timezone.localdate() + dt.timedelta(days=1)).isoformat()


def _exe():
    return SimpleUploadedFile("setup.pdf", b"MZ\x90\x00" + b"\x00" * 200, content_type="application/pdf")


def _text_file():
    return SimpleUploadedFile("ghi-chu.txt", "Nội dung văn bản".encode(), content_type="text/plain")


BAD_INPUTS = [
    ("unknown-type", {"document_type": "khong-co"}, "document_type", [NO_SUCH_DOCUMENT_TYPE % {"code": "khong-co"}]),
    ("empty-subject", {"subject": ""}, "subject", [SUBJECT_REQUIRED]),
    ("missing-subject", {"subject": None}, "subject", [VALIDATION_MESSAGES["missing"]]),
    ("future-issue-date", {"issued_on": "FUTURE"}, "issued_on", [ISSUED_IN_FUTURE]),
    ("bad-date-format", {"issued_on": "05/03/2018"}, "issued_on", [VALIDATION_MESSAGES["date_parsing"]]),
    ("bad-due-date", {"due_date": "31-02-2018"}, "due_date", [VALIDATION_MESSAGES["date_parsing"]]),
    ("unknown-urgency", {"urgency": "rat-gap"}, "urgency",
     [VALIDATION_MESSAGES["enum"] % {"expected": "'normal', 'urgent', 'very_urgent', 'flash'"}]),
    ("refused-file-type", {"files": [pdf_upload, _text_file]}, "files",
     [checks.NOT_ACCEPTED % {"name": "ghi-chu.txt", "types": checks.ACCEPTED_LABELS}]),
    ("executable", {"files": [_exe]}, "files", [checks.EXECUTABLE % {"name": "setup.pdf"}]),
    ("no-file", {"files": None}, "files", ["Cần đính kèm ít nhất một tệp."]),
    ("unknown-issuer-agency", {"issuer_agency_id": "999999"}, "issuer_agency_id", [NO_SUCH_AGENCY % {"id": 999999}]),
]


@pytest.mark.parametrize("overrides, field, messages", [b[1:] for b in BAD_INPUTS], ids=[b[0] for b in BAD_INPUTS])
def test_bad_input_is_a_vietnamese_422_on_the_field_and_stores_nothing(province, settings, overrides, field, messages):
    overrides = dict(overrides)
    if overrides.get("issued_on") == "FUTURE":
        overrides["issued_on"] = _future()
    if overrides.get("files"):
        overrides["files"] = [make() for make in overrides["files"]]
    client = as_user(province.users["clerk.stttt"])

    response = client.post("/api/documents/incoming", incoming_form(province, **overrides))

    assert response.status_code == 422, response.content
    body = response.json()
    assert body["code"] == "validation_error"
    assert body["errors"][field] == messages
    assert body["message"] in {m for msgs in body["errors"].values() for m in msgs}
    assert not Document.objects.exists()
    assert not StoredFile.objects.exists()
    assert originals_on_disk(settings) == []
    assert all(r.last_number == 0 for r in Register.objects.all())


def test_all_service_errors_come_back_together(province):
    client = as_user(province.users["clerk.stttt"])

    response = client.post("/api/documents/incoming", incoming_form(
        province, subject="  ", issued_on=_future(), number_symbol="", issuer_agency_id=None))

    assert response.status_code == 422
    assert response.json()["errors"] == {
        "subject": [SUBJECT_REQUIRED],
        "issued_on": [ISSUED_IN_FUTURE],
        "number_symbol": [INCOMING_NOTATION_REQUIRED],
        "issuer_name": [ISSUER_REQUIRED],
        "received_on": [RECEIVED_BEFORE_ISSUE],
    }


def test_registering_the_same_incoming_document_twice_is_refused(province):
    client = as_user(province.users["clerk.stttt"])
    assert client.post("/api/documents/incoming", incoming_form(province)).status_code == 201

    again = client.post("/api/documents/incoming", incoming_form(province, files=[pdf_upload("lan-2.pdf")]))

    assert again.status_code == 422
    assert again.json()["errors"] == {"number_symbol": [
        ALREADY_REGISTERED % {"s": "120/QĐ-UBND", "i": province.agencies["ubnd"].name, "n": 1}]}
    assert Document.objects.count() == 1
