"""Implausible metadata of a document is refused wherever a person types it (issue 11, defect 9): a
số, ký hiệu that does not follow the grammar of shared/domain/vanthu.md §3.2, a date before the
earliest plausible year or in the future. The refusal is a Vietnamese message next to the field,
and nothing is stored: no record, no file, no number taken from the register."""

import datetime as dt

import pytest
from django.urls import reverse
from django.utils import timezone

from lienthong.core.errors import ValidationFailed
from lienthong.core.middleware import NUL_REFUSED  # a NUL never reaches the forms: see test_bad_input
from lienthong.documents import services
from lienthong.documents.models import Document, Register, StoredFile
from lienthong.documents.notation import (
    CONTROL_CHARACTERS,
    EXAMPLES,
    LEADING_ZERO_MISSING,
    SHAPE_INVALID,
    YEAR_OUT_OF_RANGE,
)
from lienthong.documents.services.inputs import (
    DUE_BEFORE_ISSUE,
    DUE_TOO_FAR,
    EARLIER_THAN_ALLOWED,
    ISSUED_IN_FUTURE,
    ISSUED_ON_LABEL,
)
from lienthong.documents.services.registration import RECEIVED_BEFORE_ISSUE, RECEIVED_IN_FUTURE
from lienthong.testing.builders import doc_input
from lienthong.web.tests.test_document_api import as_user, incoming_form, originals_on_disk
from lienthong.web.tests.test_document_pages import errors_next_to, incoming_post, outgoing_post


def shape(text: str) -> str:
    return SHAPE_INVALID % {"s": text, "e": EXAMPLES}


def too_early(year: int) -> str:
    return EARLIER_THAN_ALLOWED % {"label": ISSUED_ON_LABEL, "date": f"01/01/{year}"}


TOO_EARLY = too_early(1945)

BAD_NUMBERS = [
    ("slash", "/", shape("/")),
    ("no-symbol", "01/", shape("01/")),
    ("word", "abc", shape("abc")),
    ("newline", "12\n/QĐ", CONTROL_CHARACTERS),
    ("tab", "12\t/QĐ-UBND", CONTROL_CHARACTERS),
    ("no-leading-zero", "5/QĐ-UBND", LEADING_ZERO_MISSING % {"s": "5/QĐ-UBND", "f": "05/QĐ-UBND"}),
]


def assert_nothing_stored(settings=None):
    assert not Document.objects.exists()
    assert not StoredFile.objects.exists()
    assert all(r.last_number == 0 for r in Register.objects.all())
    if settings is not None:
        assert originals_on_disk(settings) == []


# --- POST /api/documents/incoming -----------------------------------------------------------------

@pytest.mark.parametrize("number_symbol, message", [b[1:] for b in BAD_NUMBERS], ids=[b[0] for b in BAD_NUMBERS])
def test_api_refuses_a_malformed_number_symbol_and_takes_no_number(province, settings, number_symbol, message):
    response = as_user(province.users["clerk.stttt"]).post(
        "/api/documents/incoming", incoming_form(province, number_symbol=number_symbol))

    assert response.status_code == 422, response.content
    assert response.json()["errors"] == {"number_symbol": [message]}
    assert_nothing_stored(settings)


def test_api_refuses_a_nul_in_the_number_symbol_and_takes_no_number(province, settings):
    response = as_user(province.users["clerk.stttt"]).post(
        "/api/documents/incoming", incoming_form(province, number_symbol="12\x00/QĐ"))

    assert response.status_code == 400
    assert response.json()["message"] == str(NUL_REFUSED)
    assert_nothing_stored(settings)


def test_api_refuses_an_issue_date_before_1945(province, settings):
    response = as_user(province.users["clerk.stttt"]).post(
        "/api/documents/incoming", incoming_form(province, issued_on="1899-01-01"))

    assert response.status_code == 422, response.content
    assert response.json()["errors"] == {"issued_on": [TOO_EARLY]}
    assert_nothing_stored(settings)


def test_api_stores_the_normalised_number_symbol(province):
    response = as_user(province.users["clerk.stttt"]).post(
        "/api/documents/incoming", incoming_form(province, number_symbol=" 120 / Q\u00d0 – UBND"))

    assert response.status_code == 201, response.content
    assert response.json()["number_symbol"] == "120/Q\u0110-UBND"
    doc = Document.objects.get()
    assert (doc.code_number, doc.code_notation) == ("120", "QĐ-UBND")


def test_api_accepts_a_qppl_number_and_a_party_document(province):
    client = as_user(province.users["clerk.stttt"])

    law = client.post("/api/documents/incoming", incoming_form(
        province, number_symbol="09/2018/QĐ-UBND", issued_on="2018-03-01"))
    party = client.post("/api/documents/incoming", incoming_form(
        province, number_symbol="120-TB/TU", issuer_agency_id=None, issuer_name="Tỉnh ủy Hậu Giang",
        document_type="thong-bao"))

    assert (law.status_code, party.status_code) == (201, 201), (law.content, party.content)
    assert Document.objects.get(number_symbol="09/2018/QĐ-UBND").code_notation == "2018/QĐ-UBND"
    party_doc = Document.objects.get(number_symbol="120-TB/TU")
    assert (party_doc.code_number, party_doc.code_notation) == ("120", "TB/TU")


def test_api_refuses_a_qppl_year_after_the_issue_date(province):
    response = as_user(province.users["clerk.stttt"]).post("/api/documents/incoming", incoming_form(
        province, number_symbol="09/2019/QĐ-UBND", issued_on="2018-03-01"))

    assert response.status_code == 422
    assert response.json()["errors"] == {"number_symbol": [
        YEAR_OUT_OF_RANGE % {"y": 2019, "s": "09/2019/QĐ-UBND", "min": 1945, "max": 2018}]}


# --- The web form -----------------------------------------------------------------------------------

@pytest.mark.parametrize("number_symbol, message", [b[1:] for b in BAD_NUMBERS], ids=[b[0] for b in BAD_NUMBERS])
def test_form_refuses_a_malformed_number_symbol_and_takes_no_number(clerk_client, province, number_symbol, message):
    response = clerk_client.post(reverse("documents:register_incoming"),
                                 incoming_post(province, number_symbol=number_symbol))

    assert response.status_code == 422
    assert errors_next_to(response, "number_symbol") == [message]
    assert_nothing_stored()


def test_form_refuses_a_nul_in_the_number_symbol_and_takes_no_number(clerk_client, province):
    response = clerk_client.post(reverse("documents:register_incoming"),
                                 incoming_post(province, number_symbol="12\x00/QĐ"))

    assert response.status_code == 400
    assert str(NUL_REFUSED) in response.content.decode()
    assert_nothing_stored()


def test_form_refuses_an_issue_date_before_1945(clerk_client, province):
    response = clerk_client.post(reverse("documents:register_incoming"),
                                 incoming_post(province, issued_on="1899-01-01"))

    assert response.status_code == 422
    assert errors_next_to(response, "issued_on") == [TOO_EARLY]
    assert_nothing_stored()


def test_outgoing_paper_registration_refuses_an_issue_date_before_1945(clerk_client, province):
    response = clerk_client.post(reverse("documents:register_outgoing"),
                                 outgoing_post(province, issued_on="1899-01-01"))

    assert response.status_code == 422
    assert errors_next_to(response, "issued_on") == [TOO_EARLY]
    assert_nothing_stored()


# --- The rules of the dates -------------------------------------------------------------------------

TODAY = dt.date(2018, 3, 20)


def register_in(province, *, issued_on=dt.date(2018, 3, 1), **kw):
    kw.setdefault("today", TODAY)
    return services.document_register_incoming(
        actor=province.users["clerk.stttt"], agency=province.agencies["stttt"],
        data=doc_input("quyet-dinh", "Quyết định phê duyệt kế hoạch", issued_on=issued_on,
                       due_date=kw.pop("due_date", None)),
        number_symbol=kw.pop("number_symbol", "15/QĐ-UBND"), issuer_agency=province.agencies["ubnd"], **kw)


@pytest.mark.parametrize("kw, field, message", [
    ({"issued_on": dt.date(1944, 12, 31), "received_on": dt.date(1945, 1, 2)}, "issued_on", TOO_EARLY),
    ({"issued_on": dt.date(2018, 3, 21)}, "issued_on", ISSUED_IN_FUTURE),
    ({"received_on": dt.date(2018, 3, 21)}, "received_on", RECEIVED_IN_FUTURE),
    ({"received_on": dt.date(2018, 2, 28)}, "received_on", RECEIVED_BEFORE_ISSUE),
    ({"due_date": dt.date(2018, 2, 28)}, "due_date", DUE_BEFORE_ISSUE),
    ({"due_date": dt.date(2108, 3, 20)}, "due_date", DUE_TOO_FAR % {"date": "31/12/2028"}),
], ids=["issued-1944", "issued-tomorrow", "received-tomorrow", "received-before-issue", "due-before-issue",
        "due-in-a-century"])
def test_implausible_dates_are_refused(province, kw, field, message):
    with pytest.raises(ValidationFailed) as exc:
        register_in(province, **kw)
    assert exc.value.errors[field] == [str(message)]
    assert_nothing_stored()


@pytest.mark.parametrize("number_symbol", ["/", "01/", "12\n/QĐ", "12\x00/QĐ", "5/QĐ-UBND"])
def test_the_service_itself_refuses_a_malformed_number_symbol(province, number_symbol):
    """Whatever path calls it (a form, the API, an import), the registration reads the number itself."""
    with pytest.raises(ValidationFailed) as exc:
        register_in(province, number_symbol=number_symbol)
    assert list(exc.value.errors) == ["number_symbol"]
    assert_nothing_stored()


def test_the_earliest_year_is_a_setting(province, settings):
    settings.LIENTHONG_EARLIEST_DOCUMENT_YEAR = 2000
    with pytest.raises(ValidationFailed) as exc:
        register_in(province, issued_on=dt.date(1999, 12, 31))
    assert exc.value.errors["issued_on"] == [too_early(2000)]
    assert register_in(province, issued_on=dt.date(2000, 1, 1)).register_number == 1


def test_today_is_the_date_in_vietnam(province, monkeypatch):
    """At 01:00 on 21 March in Hà Nội it is still 20 March in UTC: a document issued on the 21st is
    not "in the future"."""
    monkeypatch.setattr(timezone, "now", lambda: dt.datetime(2018, 3, 20, 18, 0, tzinfo=dt.UTC))
    doc = register_in(province, issued_on=dt.date(2018, 3, 21), today=None)
    assert (doc.issued_on, doc.received_on) == (dt.date(2018, 3, 21), dt.date(2018, 3, 21))
    with pytest.raises(ValidationFailed) as exc:
        register_in(province, issued_on=dt.date(2018, 3, 22), number_symbol="16/QĐ-UBND", today=None)
    assert exc.value.errors["issued_on"] == [str(ISSUED_IN_FUTURE)]
