"""After the recipient agrees to a recall (QCVN 102 status 15), its copy leaves the system: no list,
search, queue or download shows it any more, its open work is closed, and only the record, its log
and the notice of withdrawal stay, for the agency's văn thư and leaders (who see no file).

vanthu.md §7 rule 9 (recall: freeze on the sender side, delete on the recipient side, log both);
NĐ30 Art. 18.4 (electronic recipients delete a recalled document); Phụ lục VI §III.8 (the system
deletes the incoming copy and its metadata on the recipient side and keeps the recall log).
"""

from __future__ import annotations

import datetime as dt

import lxml.html
import pytest
from django.test import Client
from django.urls import reverse

from lienthong.core.errors import WITHDRAWN
from lienthong.delivery import selectors as delivery_selectors
from lienthong.delivery import services as delivery_services
from lienthong.delivery.models import Delivery
from lienthong.documents import services as document_services
from lienthong.documents.models import Document, DocumentStatus
from lienthong.documents.selectors import document_list
from lienthong.drafting.tests.test_api import NOT_FOUND, as_user
from lienthong.notifications.models import Notification
from lienthong.processing import selectors as processing_selectors
from lienthong.processing import services as processing
from lienthong.processing.models import Assignment, AssignmentRole, AssignmentState, Handling, HandlingState
from lienthong.processing.services.registration import WORK_CLOSED_BY_RECALL
from lienthong.processing.tests.test_flow import issue_report
from lienthong.search.selectors import search_documents
from lienthong.testing.builders import tiny_pdf

pytestmark = pytest.mark.django_db
TODAY = dt.date(2018, 3, 12)
WITHDRAWN_MESSAGE = "Văn bản đã bị thu hồi"  # the notice's heading on the pages (delivery/_withdrawal_notice.html)


def registered_copy(p, *, assign: bool):
    """The commune's report, registered by the district (and, with ``assign``, submitted to the
    district's chairman who assigns it to a specialist). Returns (delivery, incoming copy)."""
    u = p.users
    _draft, report = issue_report(p)
    delivery = Delivery.objects.get(document=report)
    incoming = delivery_services.delivery_register(actor=u["clerk.huyen"], delivery_id=delivery.pk,
                                                   today=TODAY)
    if assign:
        handling = incoming.handling
        processing.handling_submit(actor=u["clerk.huyen"], handling_id=handling.pk, leader_id=u["leader.huyen"].pk)
        processing.handling_assign(actor=u["leader.huyen"], handling_id=handling.pk, specs=[
            processing.AssignmentSpec(role=AssignmentRole.LEAD, user_id=u["specialist.huyen"].pk,
                                      deadline=TODAY + dt.timedelta(days=10))])
    delivery.refresh_from_db()
    return delivery, incoming


def recall_and_agree(p, delivery: Delivery) -> None:
    delivery_services.delivery_recall(actor=p.users["clerk.xa"], document=delivery.document,
                                      reason="Ban hành nhầm số liệu")
    delivery_services.delivery_recall_answer(actor=p.users["clerk.huyen"], delivery_id=delivery.pk, agree=True)


def web(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def downloaded(response) -> bytes:
    return b"".join(response.streaming_content)


def test_a_withdrawn_copy_no_longer_opens_nor_downloads(province):
    """The auditor's case: the copy withdrawn after status 15 still opened, its file still downloaded
    through the page and the API (200, original bytes), and it still read "Chờ trình lãnh đạo"."""
    p = province
    delivery, incoming = registered_copy(p, assign=False)
    file_id = incoming.files.get().pk
    clerk, api = web(p.users["clerk.huyen"]), as_user(p.users["clerk.huyen"])
    file_url = reverse("documents:file", args=[incoming.pk, file_id])
    api_file_url = f"/api/documents/{incoming.pk}/files/{file_id}"
    assert downloaded(clerk.get(file_url)) == tiny_pdf("Bao cao da ky")  # readable before the recall

    recall_and_agree(p, delivery)

    page = clerk.get(file_url)
    assert page.status_code == 410
    assert WITHDRAWN_MESSAGE in page.content.decode()
    answer = api.get(api_file_url)
    assert answer.status_code == 410
    assert answer.json() == {"code": "withdrawn", "message": str(WITHDRAWN)}
    # Nor through the delivery it came by, on the page or through the API.
    sent_file_id = delivery.document.files.get().pk
    page = clerk.get(reverse("delivery:inbox_file", args=[delivery.pk, sent_file_id]))
    assert page.status_code == 410
    assert WITHDRAWN_MESSAGE in page.content.decode()
    assert api.get(f"/api/deliveries/{delivery.pk}/files/{sent_file_id}").status_code == 410
    assert api.get(f"/api/deliveries/{delivery.pk}").json()["document"]["files"] == []

    # The record stays for the văn thư, with the notice of withdrawal, without its file or its processing.
    shown = clerk.get(reverse("documents:detail", args=[incoming.pk]))
    body = shown.content.decode()
    assert shown.status_code == 200
    assert "Chờ trình lãnh đạo" not in body
    assert file_url not in body
    assert WITHDRAWN_MESSAGE in body and "Ban hành nhầm số liệu" in body
    handling = Handling.objects.get(document=incoming)
    assert handling.state == HandlingState.WITHDRAWN
    assert processing_selectors.handlings_to_submit(user=p.users["clerk.huyen"]).count() == 0


@pytest.mark.parametrize("role", ["clerk", "leader"])
def test_the_clerk_and_the_leader_keep_the_record_its_log_and_the_notice_without_the_file(province, role):
    p = province
    delivery, incoming = registered_copy(p, assign=True)
    user = p.users[f"{role}.huyen"]
    recall_and_agree(p, delivery)
    client, api = web(user), as_user(user)

    page = client.get(reverse("documents:detail", args=[incoming.pk]))
    assert page.status_code == 200
    tree = lxml.html.fromstring(page.content.decode())
    notice = " ".join(tree.xpath("string(//*[@id='withdrawal-notice'])").split())
    assert WITHDRAWN_MESSAGE in notice
    assert "Ủy ban nhân dân xã Vị Thắng" in notice and "Ban hành nhầm số liệu" in notice
    assert tree.xpath("//a[contains(@href, '/tep/')]") == [] and tree.xpath("//iframe") == []
    history = " ".join(tree.xpath("string(//table[@class='grid'])").split())
    assert "Gỡ văn bản theo yêu cầu thu hồi" in history  # the log is kept
    detail = api.get(f"/api/documents/{incoming.pk}").json()
    assert (detail["status"], detail["files"], detail["legally_valid"]) == ("withdrawn", [], False)

    # Out of every list, search and queue.
    assert not document_list(user=user).filter(pk=incoming.pk).exists()
    assert search_documents(user=user, query="thiet hai") == []
    assert api.get("/api/documents", {"q": "thiet hai"}).json()["count"] == 0
    assert reverse("documents:detail", args=[incoming.pk]) not in client.get(
        reverse("documents:list") + "?direction=in").content.decode()
    assert processing_selectors.handlings_to_assign(user=user).count() == 0


def test_the_assigned_specialist_loses_the_copy_and_its_work_is_closed(province, django_capture_on_commit_callbacks):
    p = province
    delivery, incoming = registered_copy(p, assign=True)
    specialist = p.users["specialist.huyen"]
    client, api = web(specialist), as_user(specialist)
    file_id = incoming.files.get().pk
    assert processing_selectors.to_process(user=specialist).count() == 1
    assert client.get(reverse("documents:detail", args=[incoming.pk])).status_code == 200

    with django_capture_on_commit_callbacks(execute=True):
        recall_and_agree(p, delivery)

    assert client.get(reverse("documents:detail", args=[incoming.pk])).status_code == 404
    assert client.get(reverse("documents:file", args=[incoming.pk, file_id])).status_code == 404
    assert api.get(f"/api/documents/{incoming.pk}").json() == NOT_FOUND
    assert api.get(f"/api/documents/{incoming.pk}/files/{file_id}").status_code == 404
    assert api.get(f"/api/documents/{incoming.pk}/handling").status_code == 404
    assert processing_selectors.to_process(user=specialist).count() == 0
    assert api.get("/api/handlings", {"queue": "to_process"}).json()["items"] == []
    assert search_documents(user=specialist, query="thiet hai") == []
    [assignment] = Assignment.objects.filter(document=incoming)
    assert assignment.state == AssignmentState.WITHDRAWN
    assert Handling.objects.get(document=incoming).state == HandlingState.WITHDRAWN
    # …and told so: the work given to them is closed, not completed.
    assert list(Notification.objects.filter(user=specialist, kind="recall").values_list("title", flat=True)) == [
        WORK_CLOSED_BY_RECALL % {"s": "01/BC-UBND"}]


def test_a_recalled_document_is_no_longer_legally_valid(province):
    p = province
    delivery, incoming = registered_copy(p, assign=False)
    sent = delivery.document
    # As if both had verified as valid electronic documents (QĐ 28/2018).
    document_services.document_set_legally_valid(valid_ids=[sent.pk, incoming.pk])

    delivery_services.delivery_recall(actor=p.users["clerk.xa"], document=sent, reason="Ban hành nhầm số liệu")
    assert Document.objects.get(pk=sent.pk).legally_valid is False  # the sender's copy at once
    assert Document.objects.get(pk=incoming.pk).legally_valid is True  # the recipient has not answered yet
    delivery_services.delivery_recall_answer(actor=p.users["clerk.huyen"], delivery_id=delivery.pk, agree=True)
    assert Document.objects.get(pk=incoming.pk).legally_valid is False
    assert Document.objects.get(pk=sent.pk).status == DocumentStatus.RECALLED
    # A later re-verification does not make either valid again.
    assert delivery_selectors.documents_delivered(document_ids=[sent.pk, incoming.pk]) == set()


def test_a_refused_recall_leaves_the_copy_and_its_work_as_they_were(province):
    p = province
    delivery, incoming = registered_copy(p, assign=True)
    delivery_services.delivery_recall(actor=p.users["clerk.xa"], document=delivery.document, reason="Nhầm")
    delivery_services.delivery_recall_answer(actor=p.users["clerk.huyen"], delivery_id=delivery.pk, agree=False,
                                             reason="Đã triển khai thực hiện")
    specialist = p.users["specialist.huyen"]
    assert processing_selectors.to_process(user=specialist).count() == 1
    response = web(specialist).get(reverse("documents:file", args=[incoming.pk, incoming.files.get().pk]))
    assert downloaded(response) == tiny_pdf("Bao cao da ky")
