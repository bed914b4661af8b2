"""Free text typed by users has one limit per kind (lienthong.core.limits), told in Vietnamese at the form and
the API, and checked again by the service for input that comes without a form: over-long text is refused,
never cut silently, and nothing changes (issue 11, defect 3)."""

from __future__ import annotations

import datetime as dt

import lxml.html
import pytest
from django.contrib.messages import get_messages
from django.urls import reverse

from lienthong.api import VALIDATION_MESSAGES
from lienthong.audit.services import audit_verify
from lienthong.core.limits import REASON_MAX_LENGTH, TOO_LONG
from lienthong.delivery.models import Delivery, DeliveryState
from lienthong.documents import services as document_services
from lienthong.documents.models import DocumentStatus
from lienthong.drafting.tests.test_api import as_user, issue_via_api, post_json
from lienthong.processing.tests.test_flow import issue_report
from lienthong.testing.builders import doc_input

TODAY = dt.date(2018, 3, 20)
WORDS = "Đặng Thị Ưng ầ 🇻🇳 lý do "


def text(n: int) -> str:
    """``n`` characters of Vietnamese with emoji, not ending in a blank (forms strip those)."""
    return (WORDS * (n // len(WORDS) + 1))[:n - 1] + "ầ"


def too_long(length: int) -> str:
    return TOO_LONG % {"limit_value": REASON_MAX_LENGTH, "show_value": length}


def shown_messages(response) -> list[str]:
    return [str(m) for m in get_messages(response.wsgi_request)]


def form_errors(response) -> list[str]:
    doc = lxml.html.fromstring(response.content.decode())
    return [" ".join(e.text_content().split()) for e in doc.xpath("//p[@class='error']")]


# --- Cancelling a document (web form; the API has no cancel route) -------------------------------------

def test_an_over_long_cancel_reason_is_refused_with_a_vietnamese_message(client, province):
    doc = document_services.document_register_outgoing(actor=province.users["clerk.vp"],
                                                       agency=province.agencies["vp"], data=doc_input(), today=TODAY)
    client.force_login(province.users["clerk.vp"])

    response = client.post(reverse("documents:cancel", args=[doc.pk]), {"reason": text(REASON_MAX_LENGTH + 1)})

    assert shown_messages(response) == [too_long(REASON_MAX_LENGTH + 1)]
    doc.refresh_from_db()
    assert (doc.status, doc.cancel_reason) == (DocumentStatus.ACTIVE, "")

    client.post(reverse("documents:cancel", args=[doc.pk]), {"reason": text(REASON_MAX_LENGTH)})
    doc.refresh_from_db()
    assert (doc.status, len(doc.cancel_reason)) == (DocumentStatus.CANCELLED, REASON_MAX_LENGTH)
    assert audit_verify()[1] == []


def test_the_cancel_service_refuses_an_over_long_reason_too(province):
    doc = document_services.document_register_outgoing(actor=province.users["clerk.vp"],
                                                       agency=province.agencies["vp"], data=doc_input(), today=TODAY)
    from lienthong.core.errors import ValidationFailed

    with pytest.raises(ValidationFailed) as exc:
        document_services.document_cancel(actor=province.users["clerk.vp"], document=doc,
                                          reason=text(REASON_MAX_LENGTH + 5))
    assert exc.value.errors == {"reason": [too_long(REASON_MAX_LENGTH + 5)]}
    doc.refresh_from_db()
    assert doc.status == DocumentStatus.ACTIVE


# --- Returning a delivered document (web form and API) -------------------------------------------------

def test_an_over_long_return_reason_is_refused_on_the_page(client, province):
    _draft, doc = issue_report(province)
    delivery = Delivery.objects.get(document=doc, recipient_agency=province.agencies["huyen"])
    client.force_login(province.users["clerk.huyen"])

    response = client.post(reverse("delivery:inbox_return", args=[delivery.pk]),
                           {"reason": text(REASON_MAX_LENGTH + 1)})

    assert response.status_code == 200
    assert too_long(REASON_MAX_LENGTH + 1) in form_errors(response)
    delivery.refresh_from_db()
    assert (delivery.state, delivery.reason) == (DeliveryState.ARRIVED, "")


def test_an_over_long_return_reason_is_refused_by_the_api(province):
    report = issue_via_api(province)
    delivery = Delivery.objects.get(document_id=report["document_id"], recipient_agency=province.agencies["huyen"])
    client = as_user(province.users["clerk.huyen"])

    refused = post_json(client, f"/api/deliveries/{delivery.pk}/return", {"reason": text(REASON_MAX_LENGTH + 1)})
    accepted = post_json(client, f"/api/deliveries/{delivery.pk}/return", {"reason": text(REASON_MAX_LENGTH)})

    assert refused.status_code == 422
    too_long_for_the_api = VALIDATION_MESSAGES["string_too_long"] % {"max_length": REASON_MAX_LENGTH}
    assert refused.json()["errors"] == {"reason": [too_long_for_the_api]}
    assert accepted.status_code == 200 and len(accepted.json()["reason"]) == REASON_MAX_LENGTH
    assert audit_verify()[1] == []


def test_an_over_long_recall_reason_typed_on_the_page_is_refused_not_cut(client, province):
    """The recall button posts its reason without a form: the service refuses it."""
    _draft, doc = issue_report(province)
    client.force_login(province.users["clerk.xa"])

    response = client.post(reverse("delivery:recall", args=[doc.pk]), {"reason": text(REASON_MAX_LENGTH + 1)})

    assert shown_messages(response) == [too_long(REASON_MAX_LENGTH + 1)]
    doc.refresh_from_db()
    assert doc.status == DocumentStatus.ACTIVE
    assert not Delivery.objects.filter(document=doc).exclude(reason="").exists()
