"""The recipient văn thư's pages: the queues of delivered documents, a delivered document before
registration, and receive / return / register / recall answers, as a clerk meets them."""

from __future__ import annotations

import datetime as dt

import lxml.html
import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils.html import escape

from lienthong.delivery import services as delivery_services
from lienthong.delivery.models import Delivery, DeliveryEvent, DeliveryState, RecallState
from lienthong.delivery.views import inbox as inbox_views
from lienthong.documents.models import Direction, Document, DocumentStatus
from lienthong.documents.services.registration import ALREADY_REGISTERED, RECEIVED_BEFORE_ISSUE
from lienthong.processing import services as processing
from lienthong.processing.models import Handling
from lienthong.processing.tests.test_flow import issue_report
from lienthong.testing.builders import doc_input, doc_type

pytestmark = pytest.mark.django_db
INBOX = reverse("delivery:inbox")


def page(response):
    return lxml.html.fromstring(response.content.decode())


def texts(response, xpath: str) -> list[str]:
    return [" ".join(e.text_content().split()) for e in page(response).xpath(xpath)]


def detail(d) -> str:
    return reverse("delivery:inbox_detail", args=[d.pk])


def delivery_to(p, recipient="huyen", **kw) -> Delivery:
    _draft, doc = issue_report(p, recipients=(recipient,), **kw)
    return Delivery.objects.get(document=doc, recipient_agency=p.agencies[recipient])


@pytest.fixture
def district_clerk(client, province):
    client.force_login(province.users["clerk.huyen"])
    return client


def register_post(**overrides) -> dict:
    return {"received_on": "2018-03-13", "due_date": "", "document_type": "", "notes": "", **overrides}


# --- The queues ---------------------------------------------------------------------------------------

def test_inbox_lists_urgent_first_with_sender_number_subject_and_counts(district_clerk, province):
    normal = delivery_to(province, subject="Báo cáo kết quả tiêm chủng")
    urgent = delivery_to(province, subject="Báo cáo thiệt hại do lũ quét", urgency="flash")

    response = district_clerk.get(INBOX)

    assert response.status_code == 200
    rows = page(response).xpath("//table[contains(@class,'inbox')]/tbody/tr")
    assert [r.xpath(".//a/@href")[0] for r in rows] == [detail(urgent), detail(normal)]
    first = " ".join(rows[0].text_content().split())
    assert first.startswith("HỎA TỐC UBND xã Vị Thắng 02/BC-UBND Báo cáo · 12/03/2018")
    assert "Báo cáo thiệt hại do lũ quét" in first
    assert texts(response, "//nav[@class='tabs']/a") == ["Chờ tiếp nhận 2", "Chờ vào sổ 0", "Yêu cầu thu hồi 0"]


def test_inbox_query_count_does_not_grow_with_the_queue(district_clerk, province):
    delivery_to(province)
    district_clerk.get(INBOX)  # warm-up (session, content types)
    with CaptureQueriesContext(connection) as one:
        district_clerk.get(INBOX)
    for n in range(4):
        delivery_to(province, subject=f"Báo cáo số {n}", urgency="urgent" if n % 2 else "normal")
    with CaptureQueriesContext(connection) as five:
        response = district_clerk.get(INBOX)
    assert len(page(response).xpath("//table[contains(@class,'inbox')]/tbody/tr")) == 5
    assert len(five) == len(one) <= 10


def test_the_queues_follow_the_state(district_clerk, province):
    d = delivery_to(province)
    delivery_services.delivery_receive(actor=province.users["clerk.huyen"], delivery_id=d.pk)

    assert detail(d) not in district_clerk.get(INBOX).content.decode()
    assert detail(d) in district_clerk.get(INBOX + "?queue=to_register").content.decode()
    assert district_clerk.get(INBOX + "?queue=nonsense").status_code == 200


def test_people_who_are_not_clerks_see_an_empty_inbox(client, province):
    delivery_to(province)
    client.force_login(province.users["leader.huyen"])
    response = client.get(INBOX)
    assert "Chỉ văn thư của cơ quan nhận" in response.content.decode()
    assert not page(response).xpath("//table[contains(@class,'inbox')]/tbody/tr/td/a")


# --- One delivered document ---------------------------------------------------------------------------

def test_the_recipient_reads_the_files_before_registering(district_clerk, province):
    d = delivery_to(province)
    response = district_clerk.get(detail(d))
    assert response.status_code == 200
    [link] = page(response).xpath("//ul[@class='files']//a")
    assert link.text_content() == "da-ky.pdf"

    pdf = district_clerk.get(link.get("href") + "?inline=1")
    assert pdf.status_code == 200 and pdf["Content-Type"] == "application/pdf"
    assert b"".join(pdf.streaming_content).startswith(b"%PDF")
    d.refresh_from_db()
    assert d.state == DeliveryState.ARRIVED  # reading does not receive


def test_a_clerk_of_another_agency_gets_404_and_nothing_changes(client, province):
    d = delivery_to(province)
    file_id = d.document.files.get().pk
    client.force_login(province.users["clerk.stttt"])

    assert client.get(detail(d)).status_code == 404
    assert client.get(reverse("delivery:inbox_file", args=[d.pk, file_id])).status_code == 404
    for name in ("inbox_receive", "inbox_return", "inbox_register", "inbox_recall"):
        response = client.post(reverse(f"delivery:{name}", args=[d.pk]),
                               {"reason": "Sai nơi nhận", "answer": "agree", **register_post()})
        assert response.status_code == 404, name
    d.refresh_from_db()
    assert d.state == DeliveryState.ARRIVED and d.incoming_document is None
    assert DeliveryEvent.objects.filter(delivery=d).count() == 2  # sent, arrived


def test_receive_then_register_opens_the_new_incoming_document(district_clerk, province):
    d = delivery_to(province)

    response = district_clerk.post(reverse("delivery:inbox_receive", args=[d.pk]), follow=True)
    assert escape(str(inbox_views.RECEIVED)) in response.content.decode()
    d.refresh_from_db()
    assert d.state == DeliveryState.RECEIVED

    response = district_clerk.post(reverse("delivery:inbox_register", args=[d.pk]),
                                   register_post(notes="Chuyển Phòng Nội vụ", due_date="2018-03-30"))
    incoming = Document.objects.get(direction=Direction.INCOMING)
    assert response.status_code == 302
    assert response["Location"] == reverse("documents:detail", args=[incoming.pk])
    assert (incoming.register_number, incoming.received_on, incoming.due_date, incoming.notes) == (
        1, dt.date(2018, 3, 13), dt.date(2018, 3, 30), "Chuyển Phòng Nội vụ")
    assert Handling.objects.get(document=incoming).state == "registered"
    shown = district_clerk.get(response["Location"]).content.decode()
    assert escape(inbox_views.REGISTERED % {"n": 1}) in shown
    assert "Nhận qua hệ thống liên thông từ" in shown


def test_one_click_registration_from_arrived_with_a_type_override(district_clerk, province):
    d = delivery_to(province)
    district_clerk.post(reverse("delivery:inbox_register", args=[d.pk]),
                        register_post(document_type=doc_type("to-trinh").pk))
    incoming = Document.objects.get(direction=Direction.INCOMING)
    assert incoming.document_type.code == "to-trinh"
    d.refresh_from_db()
    assert d.state == DeliveryState.REGISTERED
    assert list(d.events.values_list("code", flat=True)) == ["", "01", "03", "03"]


def test_a_second_registration_of_the_same_delivery_gets_a_clear_message(district_clerk, province):
    d = delivery_to(province)
    url = reverse("delivery:inbox_register", args=[d.pk])
    district_clerk.post(url, register_post())

    response = district_clerk.post(url, register_post())

    assert response.status_code == 200
    assert texts(response, "//div[@class='form-errors']/p") == [
        delivery_services.TAKEN % {"s": DeliveryState.REGISTERED.label}]
    assert page(response).xpath("//a[normalize-space()='Mở văn bản đến']")
    assert Document.objects.filter(direction=Direction.INCOMING).count() == 1


def test_the_same_paper_registered_by_hand_is_flagged_before_and_refused_on_registration(district_clerk, province):
    d = delivery_to(province)
    source = d.document
    processing.incoming_register_paper(
        actor=province.users["clerk.huyen"], agency=province.agencies["huyen"],
        data=doc_input("bao-cao", source.subject, issued_on=source.issued_on), number_symbol=source.number_symbol,
        issuer_agency=province.agencies["xa"])

    shown = district_clerk.get(detail(d))
    assert texts(shown, "//div[contains(@class,'warning')]")[0].startswith(
        "Cảnh báo trùng: văn bản cùng số, ký hiệu và nơi ban hành đã được vào sổ với số đến 1.")

    response = district_clerk.post(reverse("delivery:inbox_register", args=[d.pk]), register_post())
    assert texts(response, "//div[@class='form-errors']/p") == [
        ALREADY_REGISTERED % {"s": "01/BC-UBND", "i": "Ủy ban nhân dân xã Vị Thắng", "n": 1}]
    d.refresh_from_db()
    assert d.state == DeliveryState.ARRIVED  # the claim rolled back with the refused registration
    assert Document.objects.filter(direction=Direction.INCOMING).count() == 1


def test_a_received_date_before_the_issue_date_is_shown_next_to_the_field(district_clerk, province):
    d = delivery_to(province)
    response = district_clerk.post(reverse("delivery:inbox_register", args=[d.pk]),
                                   register_post(received_on="2018-03-01"))
    blocks = page(response).xpath("//div[contains(@class,'field')][.//*[@name='received_on']]//p[@class='error']")
    assert [b.text_content() for b in blocks] == [str(RECEIVED_BEFORE_ISSUE)]
    assert not Document.objects.filter(direction=Direction.INCOMING).exists()
    d.refresh_from_db()
    assert d.state == DeliveryState.ARRIVED


def test_return_needs_a_reason_and_then_leaves_the_queue(district_clerk, province):
    d = delivery_to(province)
    url = reverse("delivery:inbox_return", args=[d.pk])

    response = district_clerk.post(url, {"reason": "   "})
    assert response.status_code == 200
    assert texts(response, "//div[contains(@class,'field')][.//*[@name='reason']]//p[@class='error']") == [
        str(delivery_services.RETURN_REASON_REQUIRED)]
    d.refresh_from_db()
    assert d.state == DeliveryState.ARRIVED and not d.events.filter(code="02").exists()

    response = district_clerk.post(url, {"reason": "Gửi nhầm nơi nhận"}, follow=True)
    assert escape(inbox_views.RETURNED % {"s": "01/BC-UBND", "a": "Ủy ban nhân dân xã Vị Thắng"}) in (
        response.content.decode())
    assert detail(d) not in response.content.decode()  # back on the inbox, without it
    d.refresh_from_db()
    assert (d.state, d.reason) == (DeliveryState.RETURNED, "Gửi nhầm nơi nhận")
    assert d.events.get(code="02").description == "Gửi nhầm nơi nhận"


def test_recall_agreed_takes_the_registered_copy_out_of_the_lists(district_clerk, province):
    d = delivery_to(province)
    district_clerk.post(reverse("delivery:inbox_register", args=[d.pk]), register_post())
    incoming = Document.objects.get(direction=Direction.INCOMING)
    documents = reverse("documents:list") + "?direction=in"
    assert reverse("documents:detail", args=[incoming.pk]) in district_clerk.get(documents).content.decode()
    delivery_services.delivery_recall(actor=province.users["clerk.xa"], document=d.document, reason="Sai số liệu")

    recall_queue = district_clerk.get(INBOX + "?queue=recall")
    assert texts(recall_queue, "//nav[@class='tabs']/a")[2] == "Yêu cầu thu hồi 1"
    shown = district_clerk.get(detail(d))
    assert "Nơi gửi yêu cầu thu hồi văn bản này" in shown.content.decode()
    assert "Sai số liệu" in shown.content.decode()

    response = district_clerk.post(reverse("delivery:inbox_recall", args=[d.pk]), {"answer": "agree"}, follow=True)
    assert escape(str(inbox_views.RECALL_AGREED)) in response.content.decode()
    incoming.refresh_from_db()
    assert incoming.status == DocumentStatus.WITHDRAWN
    assert reverse("documents:detail", args=[incoming.pk]) not in district_clerk.get(documents).content.decode()
    d.refresh_from_db()
    assert (d.state, d.recall_state) == (DeliveryState.WITHDRAWN, RecallState.ACCEPTED)


def test_refusing_a_recall_needs_a_reason(district_clerk, province):
    d = delivery_to(province)
    delivery_services.delivery_recall(actor=province.users["clerk.xa"], document=d.document, reason="Sai số liệu")
    url = reverse("delivery:inbox_recall", args=[d.pk])

    response = district_clerk.post(url, {"answer": "refuse", "reason": ""})
    assert texts(response, "//div[contains(@class,'field')][.//*[@name='reason']]//p[@class='error']") == [
        str(delivery_services.REFUSAL_REASON_REQUIRED)]
    d.refresh_from_db()
    assert d.recall_state == RecallState.REQUESTED

    district_clerk.post(url, {"answer": "refuse", "reason": "Đã triển khai thực hiện"})
    d.refresh_from_db()
    assert d.recall_state == RecallState.REFUSED
    assert d.events.get(code="16").description == "Đã triển khai thực hiện"


def test_a_recalled_copy_is_no_longer_readable(district_clerk, province):
    d = delivery_to(province, subject="Báo cáo bị thu hồi")
    file_id = d.document.files.get().pk
    delivery_services.delivery_recall(actor=province.users["clerk.xa"], document=d.document, reason="Nhầm")
    district_clerk.post(reverse("delivery:inbox_recall", args=[d.pk]), {"answer": "agree"})
    gone = district_clerk.get(reverse("delivery:inbox_file", args=[d.pk, file_id]))
    assert gone.status_code == 410 and "Văn bản đã bị thu hồi" in gone.content.decode()
    assert "Văn bản đã được gỡ theo yêu cầu thu hồi" in district_clerk.get(detail(d)).content.decode()


def test_the_registered_copy_keeps_the_delivered_files(district_clerk, province):
    _draft, doc = issue_report(province)
    d = Delivery.objects.get(document=doc)
    district_clerk.post(reverse("delivery:inbox_register", args=[d.pk]), register_post())
    incoming = Document.objects.get(direction=Direction.INCOMING)
    assert [f.filename for f in incoming.files.all()] == ["da-ky.pdf"]
