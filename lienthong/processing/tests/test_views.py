"""The processing of an incoming document through its web pages: the panel on the document page
(submit, assign, hand on inside a unit, notes, completion with the reply, đôn đốc), the work queues,
and bad input that must show a Vietnamese error and store nothing."""

from __future__ import annotations

import datetime as dt

import lxml.html
import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils.html import escape

from lienthong.agencies.models import Unit
from lienthong.delivery import services as delivery_services
from lienthong.delivery.models import Delivery, DeliveryState
from lienthong.documents.models import Direction, Document
from lienthong.notifications.models import Notification
from lienthong.processing import forms as processing_forms
from lienthong.processing import services as processing
from lienthong.processing import views as processing_views
from lienthong.processing.models import (
    Assignment,
    AssignmentRole,
    AssignmentState,
    Handling,
    HandlingState,
    ProcessingNote,
)
from lienthong.processing.services import assignments, registration
from lienthong.processing.tests.test_flow import TODAY, issue_report
from lienthong.testing.builders import doc_type, tiny_pdf

pytestmark = pytest.mark.django_db


def page(response):
    return lxml.html.fromstring(response.content.decode())


def texts(response, xpath: str) -> list[str]:
    return [" ".join(e.text_content().split()) for e in page(response).xpath(xpath)]


def doc_url(doc) -> str:
    return reverse("documents:detail", args=[doc.pk])


def as_user(client, province, username):
    client.force_login(province.users[username])
    return client


def registered(p, **kw) -> Document:
    """A commune report delivered to the district and registered there (received 12/03/2018)."""
    _draft, report = issue_report(p, **kw)
    d = Delivery.objects.get(document=report, recipient_agency=p.agencies["huyen"])
    return delivery_services.delivery_register(actor=p.users["clerk.huyen"], delivery_id=d.pk, today=TODAY)


def submitted(p, **kw) -> Document:
    incoming = registered(p, **kw)
    processing.handling_submit(actor=p.users["clerk.huyen"], handling_id=incoming.handling.pk,
                               leader_id=p.users["leader.huyen"].pk)
    return incoming


def assigned(p, **kw) -> tuple[Document, Assignment]:
    incoming = submitted(p, **kw)
    [lead, _support] = processing.handling_assign(actor=p.users["leader.huyen"], handling_id=incoming.handling.pk,
                                                  specs=[
        processing.AssignmentSpec(role=AssignmentRole.LEAD, unit_id=p.units["noivu"].pk,
                                  deadline=dt.date(2018, 3, 20)),
        processing.AssignmentSpec(role=AssignmentRole.SUPPORT, unit_id=p.units["taichinh"].pk)])
    return incoming, lead


def assign_post(*rows) -> dict:
    data = {}
    for i, (role, target, deadline, instruction) in enumerate(rows):
        data.update({f"a-row-{i}-role": role, f"a-row-{i}-target": target, f"a-row-{i}-deadline": deadline,
                     f"a-row-{i}-instruction": instruction})
    return data


def panel_errors(response) -> list[str]:
    return texts(response, "//section[@id='xu-ly']//div[@class='form-errors']/p")


# --- The whole flow, page by page ----------------------------------------------------------------------

def test_receive_register_submit_assign_delegate_work_and_complete_through_the_pages(client, province):
    p, u = province, province.users
    _draft, report = issue_report(p)
    delivery = Delivery.objects.get(document=report)

    # The district clerk receives and registers it, then submits it to the chairman.
    clerk = as_user(client, p, "clerk.huyen")
    clerk.post(reverse("delivery:inbox_receive", args=[delivery.pk]))
    response = clerk.post(reverse("delivery:inbox_register", args=[delivery.pk]), {"received_on": "2018-03-13"})
    incoming = Document.objects.get(direction=Direction.INCOMING)
    handling = incoming.handling
    shown = clerk.get(response["Location"])
    assert texts(shown, "//section[@id='xu-ly']//h3")[0] == "Trình lãnh đạo"
    assert "Nhận qua hệ thống liên thông từ Ủy ban nhân dân xã Vị Thắng, văn bản số 01/BC-UBND" in \
        texts(shown, "//p[@class='origin']")[0]
    leaders = page(shown).xpath("//select[@name='leader']/option/@value")
    assert leaders == ["", str(u["leader.huyen"].pk)]  # agency-wide leaders only, not the unit heads
    response = clerk.post(reverse("processing:submit", args=[handling.pk]),
                          {"leader": u["leader.huyen"].pk, "note": "Kính trình Chủ tịch"}, follow=True)
    assert escape(processing_views.SUBMITTED % {"l": "Lãnh đạo huyen"}) in response.content.decode()
    handling.refresh_from_db()
    assert (handling.state, handling.submitted_to_id) == (HandlingState.SUBMITTED, u["leader.huyen"].pk)

    # The chairman assigns a lead department with a deadline and a supporting one (default deadline).
    leader = as_user(client, p, "leader.huyen")
    queue = leader.get(reverse("processing:queue", args=["to_assign"]))
    assert doc_url(incoming) + "#xu-ly" in queue.content.decode()
    shown = leader.get(doc_url(incoming))
    default = page(shown).xpath("//input[@name='a-row-0-deadline']/@value")[0]
    assert default == "27/03/2018"  # 10 working days after 13/03/2018 (the province default for normal)
    targets = page(shown).xpath("//select[@name='a-row-0-target']//option/@value")
    assert f"unit:{p.units['noivu'].pk}" in targets and f"user:{u['specialist.huyen.noivu'].pk}" in targets
    response = leader.post(reverse("processing:assign", args=[handling.pk]), assign_post(
        ("lead", f"unit:{p.units['noivu'].pk}", "2018-03-20", "Tổng hợp, đề xuất trả lời"),
        ("support", f"unit:{p.units['taichinh'].pk}", default, ""),
        ("support", "", default, "")))  # an empty line is skipped
    assert response.status_code == 302
    lead, support = Assignment.objects.filter(handling=handling).order_by("id")
    assert (lead.role, lead.unit_id, lead.deadline, lead.instruction) == (
        AssignmentRole.LEAD, p.units["noivu"].pk, dt.date(2018, 3, 20), "Tổng hợp, đề xuất trả lời")
    assert (support.role, support.deadline) == (AssignmentRole.SUPPORT, dt.date(2018, 3, 27))

    # The head of the department hands it to a specialist of the department.
    head = as_user(client, p, "leader.huyen.noivu")
    queue = head.get(reverse("processing:queue", args=["to_assign"]))
    assert f"#pv-{lead.pk}" in queue.content.decode()
    shown = head.get(doc_url(incoming))
    assert page(shown).xpath(f"//form[@action='{reverse('processing:delegate', args=[lead.pk])}']")
    assert not page(shown).xpath(f"//form[@action='{reverse('processing:delegate', args=[support.pk])}']")
    people = page(shown).xpath(f"//select[@name='d{lead.pk}-row-0-target']/option/@value")
    assert people == ["", f"user:{u['leader.huyen.noivu'].pk}", f"user:{u['specialist.huyen.noivu'].pk}"]
    response = head.post(reverse("processing:delegate", args=[lead.pk]), {
        f"d{lead.pk}-row-0-role": "lead", f"d{lead.pk}-row-0-target": f"user:{u['specialist.huyen.noivu'].pk}",
        f"d{lead.pk}-row-0-deadline": "2018-03-19", f"d{lead.pk}-row-0-instruction": "Dự thảo văn bản trả lời"})
    assert response.status_code == 302
    mine = Assignment.objects.get(parent=lead)

    # The specialist records progress, then completes with the reply issued by the district.
    specialist = as_user(client, p, "specialist.huyen.noivu")
    queue = specialist.get(reverse("processing:queue", args=["to_process"]))
    assert texts(queue, "//table[contains(@class,'queue')]/tbody/tr/td[3]//a") == ["01/BC-UBND"]
    specialist.post(reverse("processing:note", args=[mine.pk]),
                    {f"n{mine.pk}-text": "Đang tổng hợp số liệu thiệt hại", f"n{mine.pk}-progress": "50"})
    mine.refresh_from_db()
    assert (mine.state, mine.progress) == (AssignmentState.IN_PROGRESS, 50)
    _reply_draft, reply = issue_report(p, sender="huyen", recipients=("xa",), subject="Trả lời báo cáo thiệt hại")
    shown = specialist.get(doc_url(incoming))
    assert str(reply.pk) in page(shown).xpath(f"//select[@name='c{mine.pk}-reply_document']/option/@value")
    response = specialist.post(reverse("processing:complete", args=[mine.pk]), {
        f"c{mine.pk}-result": "Đã dự thảo, lãnh đạo ký văn bản trả lời", f"c{mine.pk}-reply_document": reply.pk,
        f"c{mine.pk}-reply_number": ""}, follow=True)
    assert escape(str(processing_views.PART_COMPLETED)) in response.content.decode()

    handling.refresh_from_db()
    assert (handling.state, handling.reply_document_id) == (HandlingState.DONE, reply.pk)
    assert texts(response, "//section[@id='xu-ly']//span[contains(@class,'hstate')]") == ["Hoàn thành"]
    assert "Đang tổng hợp số liệu thiệt hại" in response.content.decode()
    delivery.refresh_from_db()
    assert delivery.state == DeliveryState.DONE
    assert list(delivery.events.values_list("code", flat=True)) == ["", "01", "03", "03", "04", "05", "06"]


def test_the_panel_shows_each_person_only_what_they_may_do(client, province):
    p = province
    incoming, lead = assigned(p)
    # A specialist of the supporting department sees the document (unit grant) but acts on nothing.
    shown = as_user(client, p, "specialist.huyen.taichinh").get(doc_url(incoming))
    assert shown.status_code == 200
    panel = page(shown).xpath("//section[@id='xu-ly']")[0]
    assert panel.xpath(".//table[contains(@class,'tree')]")
    assert not panel.xpath(".//form")
    # The clerk may chase but not assign; the chairman may assign more and chase.
    clerk = page(as_user(client, p, "clerk.huyen").get(doc_url(incoming))).xpath("//section[@id='xu-ly']")[0]
    assert clerk.xpath(f".//form[@action='{reverse('processing:chase', args=[lead.pk])}']")
    assert not clerk.xpath(f".//form[@action='{reverse('processing:assign', args=[incoming.handling.pk])}']")
    chief = page(as_user(client, p, "leader.huyen").get(doc_url(incoming))).xpath("//section[@id='xu-ly']")[0]
    assert chief.xpath(f".//form[@action='{reverse('processing:assign', args=[incoming.handling.pk])}']")
    assert chief.xpath(".//summary[normalize-space()='Phân công thêm đơn vị, cá nhân']")


def test_a_paper_document_registered_by_hand_enters_the_same_flow(client, province,
                                                                django_capture_on_commit_callbacks):
    clerk = as_user(client, province, "clerk.huyen")
    with django_capture_on_commit_callbacks(execute=True):
        response = clerk.post(reverse("documents:register_incoming"), {
            "agency": province.agencies["huyen"].pk, "number_symbol": "45/UBND-VX", "issued_on": "2018-03-05",
            "document_type": doc_type("cong-van").pk, "issuer_name": "Sở Y tế tỉnh Hậu Giang",
            "subject": "V/v phòng chống dịch sốt xuất huyết", "urgency": "urgent", "secrecy": "normal",
            "received_on": "2018-03-06",
            "files": SimpleUploadedFile("45.pdf", tiny_pdf("Cong van 45"), content_type="application/pdf")})
    response = clerk.get(response["Location"])
    doc = Document.objects.get(number_symbol="45/UBND-VX")
    assert Handling.objects.get(document=doc).is_urgent
    assert texts(response, "//section[@id='xu-ly']//h3")[0] == "Trình lãnh đạo"
    assert not page(response).xpath("//p[@class='origin']")
    leader_bell = Notification.objects.filter(user=province.users["leader.huyen"], kind="incoming")
    assert leader_bell.get().title == registration.URGENT_ARRIVED % {
        "s": "45/UBND-VX", "t": "V/v phòng chống dịch sốt xuất huyết"}


# --- Bad input: a Vietnamese error next to the form, nothing stored -----------------------------------

def first_line(message) -> str:
    """A refusal of the first line of an instruction, as the service words it."""
    return assignments.LINE % {"i": 1} + str(message)


@pytest.mark.parametrize("rows, message", [
    ([("lead", "unit:{noivu}", "2018-03-01", "")],
     first_line(assignments.LINE_BEFORE_RECEIVED % {"d": "12/03/2018"})),
    ([("lead", "unit:{other}", "", "")], first_line(assignments.LINE_UNIT_NOT_IN_AGENCY)),
    ([("lead", "user:{outsider}", "", "")], first_line(assignments.LINE_PERSON_NOT_IN_AGENCY)),
    ([("support", "unit:{noivu}", "", "")], assignments.LEAD_REQUIRED),
    ([("lead", "unit:{noivu}", "", ""), ("lead", "unit:{taichinh}", "", "")], assignments.ONE_LEAD_ONLY),
    ([("lead", "", "", "Không chọn ai")], assignments.NOBODY_CHOSEN),
], ids=["deadline-before-received", "unit-of-another-agency", "person-of-another-agency", "no-lead",
        "two-leads", "nobody"])
def test_bad_assignments_are_refused_with_the_typed_lines_kept(client, province, rows, message):
    p = province
    incoming = submitted(p)
    other = Unit.objects.create(agency=p.agencies["xa"], name="Bộ phận Văn phòng - Thống kê")
    ids = {"noivu": p.units["noivu"].pk, "taichinh": p.units["taichinh"].pk, "other": other.pk,
           "outsider": p.users["specialist.xa"].pk}
    rows = [(r, t.format(**ids), d, i) for r, t, d, i in rows]

    response = as_user(client, p, "leader.huyen").post(
        reverse("processing:assign", args=[incoming.handling.pk]), assign_post(*rows))

    assert response.status_code == 200
    assert str(message) in panel_errors(response)
    assert not Assignment.objects.exists()
    assert Handling.objects.get(document=incoming).state == HandlingState.SUBMITTED
    options = page(response).xpath("//select[@name='a-row-0-target']//option/@value")
    if rows[0][1] in options[1:]:  # what the leader chose is still selected
        assert page(response).xpath("//select[@name='a-row-0-target']//option[@selected]/@value") == [rows[0][1]]


def test_a_malformed_target_is_shown_on_its_line(client, province):
    incoming = submitted(province)
    response = as_user(client, province, "leader.huyen").post(
        reverse("processing:assign", args=[incoming.handling.pk]), assign_post(("lead", "unit:abc", "", "")))
    assert texts(response, "//div[contains(@class,'assign-row')]//p[@class='error']") == [
        str(processing_forms.TARGET_INVALID)]
    assert not Assignment.objects.exists()


def test_a_clerk_cannot_assign_and_a_specialist_cannot_submit(client, province):
    incoming = submitted(province)
    response = as_user(client, province, "clerk.huyen").post(
        reverse("processing:assign", args=[incoming.handling.pk]),
        assign_post(("lead", f"unit:{province.units['noivu'].pk}", "", "")))
    assert str(assignments.ASSIGN_NOT_ALLOWED) in panel_errors(response)
    assert not Assignment.objects.exists()
    # A specialist of the agency does not even see an incoming document that was not assigned to them.
    response = as_user(client, province, "specialist.huyen").post(
        reverse("processing:submit", args=[incoming.handling.pk]), {"leader": province.users["leader.huyen"].pk})
    assert response.status_code == 404


def test_submitting_without_a_leader_shows_the_error(client, province):
    incoming = registered(province)
    response = as_user(client, province, "clerk.huyen").post(
        reverse("processing:submit", args=[incoming.handling.pk]), {"leader": "", "note": "Kính trình"})
    assert texts(response, "//div[contains(@class,'field')][.//*[@name='leader']]//p[@class='error']") == [
        str(processing_forms.LEADER_REQUIRED)]
    # A unit head is not a leader the văn thư may submit to.
    response = as_user(client, province, "clerk.huyen").post(
        reverse("processing:submit", args=[incoming.handling.pk]),
        {"leader": province.users["leader.huyen.noivu"].pk})
    assert texts(response, "//div[contains(@class,'field')][.//*[@name='leader']]//p[@class='error']") == [
        str(processing_forms.LEADER_INVALID)]
    assert Handling.objects.get(document=incoming).state == HandlingState.REGISTERED


def test_a_unit_head_cannot_hand_on_to_someone_outside_the_unit_nor_after_the_unit_deadline(client, province):
    p = province
    incoming, lead = assigned(p)
    head = as_user(client, p, "leader.huyen.noivu")
    url = reverse("processing:delegate", args=[lead.pk])
    prefix = f"d{lead.pk}-row-0"

    def line(username, deadline=""):
        return {f"{prefix}-role": "lead", f"{prefix}-target": f"user:{p.users[username].pk}",
                f"{prefix}-deadline": deadline}

    response = head.post(url, line("specialist.huyen.taichinh"))
    assert first_line(assignments.LINE_PERSON_NOT_IN_UNIT) in panel_errors(response)
    response = head.post(url, line("specialist.huyen.noivu", "2018-03-25"))
    assert first_line(assignments.LINE_AFTER_UNIT_DEADLINE % {"d": "20/03/2018"}) in panel_errors(response)
    assert not Assignment.objects.filter(parent=lead).exists()
    # Only the head of the unit hands on its part.
    response = as_user(client, p, "specialist.huyen.noivu").post(url, line("specialist.huyen.noivu"))
    assert str(assignments.DELEGATE_NOT_ALLOWED) in panel_errors(response)


def test_bad_progress_and_an_unknown_reply_number_store_nothing(client, province):
    p = province
    incoming = submitted(p)
    [mine] = processing.handling_assign(actor=p.users["leader.huyen"], handling_id=incoming.handling.pk, specs=[
        processing.AssignmentSpec(role=AssignmentRole.LEAD, user_id=p.users["specialist.huyen"].pk)])
    specialist = as_user(client, p, "specialist.huyen")

    response = specialist.post(reverse("processing:note", args=[mine.pk]),
                               {f"n{mine.pk}-text": "Đã xong", f"n{mine.pk}-progress": "150"})
    assert texts(response, f"//div[contains(@class,'field')][.//*[@name='n{mine.pk}-progress']]//p[@class='error']") \
        == [str(assignments.PROGRESS_RANGE)]
    response = specialist.post(reverse("processing:note", args=[mine.pk]), {f"n{mine.pk}-text": "  "})
    assert texts(response, f"//div[contains(@class,'field')][.//*[@name='n{mine.pk}-text']]//p[@class='error']") \
        == [str(assignments.NOTE_EMPTY)]
    assert not ProcessingNote.objects.exists()

    response = specialist.post(reverse("processing:complete", args=[mine.pk]),
                               {f"c{mine.pk}-result": "Xong", f"c{mine.pk}-reply_number": "99/UBND-VP"})
    assert texts(response,
                 f"//div[contains(@class,'field')][.//*[@name='c{mine.pk}-reply_number']]//p[@class='error']") == [
        processing_views.REPLY_NUMBER_UNKNOWN % {"s": "99/UBND-VP"}]
    mine.refresh_from_db()
    assert mine.state == AssignmentState.PENDING


def test_the_reply_can_be_given_by_its_number(client, province):
    p = province
    incoming = submitted(p)
    [mine] = processing.handling_assign(actor=p.users["leader.huyen"], handling_id=incoming.handling.pk, specs=[
        processing.AssignmentSpec(role=AssignmentRole.LEAD, user_id=p.users["specialist.huyen"].pk)])
    _d, reply = issue_report(p, sender="huyen", recipients=("xa",), subject="Trả lời")
    as_user(client, p, "specialist.huyen").post(reverse("processing:complete", args=[mine.pk]),
                                                {f"c{mine.pk}-reply_number": " 01/bc-ubnd "})
    mine.refresh_from_db()
    assert (mine.state, mine.reply_document_id) == (AssignmentState.DONE, reply.pk)
    assert Handling.objects.get(document=incoming).state == HandlingState.DONE


def test_the_reply_number_may_be_typed_without_accents(client, province):
    """A specialist types "01/DA-UBND" for the district's "01/ĐA-UBND": the one issued document with that số whose
    number reads the same without accents is the reply; an exact match always wins."""
    p = province
    incoming = submitted(p)
    [mine] = processing.handling_assign(actor=p.users["leader.huyen"], handling_id=incoming.handling.pk, specs=[
        processing.AssignmentSpec(role=AssignmentRole.LEAD, user_id=p.users["specialist.huyen"].pk)])
    _d, reply = issue_report(p, sender="huyen", recipients=("xa",), subject="Đề án trả lời", type_code="de-an")
    assert reply.number_symbol == "01/ĐA-UBND"
    as_user(client, p, "specialist.huyen").post(reverse("processing:complete", args=[mine.pk]),
                                                {f"c{mine.pk}-reply_number": "01/DA-UBND"})
    mine.refresh_from_db()
    assert (mine.state, mine.reply_document_id) == (AssignmentState.DONE, reply.pk)


# --- Đôn đốc, add a line --------------------------------------------------------------------------------

def test_chasing_an_open_part_notifies_the_people_on_it(client, province):
    p = province
    incoming, lead = assigned(p)
    response = as_user(client, p, "leader.huyen").post(
        reverse("processing:chase", args=[lead.pk]), {f"ch{lead.pk}-message": "Đề nghị báo cáo trước 17h"},
        follow=True)
    assert escape(processing_views.CHASED % {"n": 1}) in response.content.decode()
    chase = Notification.objects.get(kind="chase")  # written at once, not on commit
    assert chase.user == p.users["leader.huyen.noivu"]
    assert chase.body.startswith("Đề nghị báo cáo trước 17h")
    # A specialist who only supports cannot chase.
    response = as_user(client, p, "specialist.huyen.taichinh").post(reverse("processing:chase", args=[lead.pk]), {})
    assert str(assignments.CHASE_NOT_ALLOWED) in panel_errors(response)
    assert Notification.objects.filter(kind="chase").count() == 1


def test_add_row_returns_one_more_line_and_the_next_button(client, province):
    incoming = submitted(province)
    response = as_user(client, province, "leader.huyen").get(
        reverse("processing:assign_row", args=[incoming.handling.pk]) + "?prefix=a&i=2", HTTP_HX_REQUEST="true")
    html = page(response)
    assert html.xpath("//select[@name='a-row-2-target']") and html.xpath("//input[@name='a-row-2-deadline']")
    [button] = html.xpath("//button[@hx-swap-oob='true']")
    assert button.get("hx-get").endswith("?prefix=a&i=3")
    # Someone who does not see the document gets nothing.
    response = as_user(client, province, "clerk.stttt").get(
        reverse("processing:assign_row", args=[incoming.handling.pk]) + "?prefix=a&i=2")
    assert response.status_code == 404


# --- Work queues ----------------------------------------------------------------------------------------

def _count_queries(client, url) -> int:
    with CaptureQueriesContext(connection) as ctx:
        assert client.get(url).status_code == 200
    return len(ctx)


@pytest.mark.parametrize("username, queue", [
    ("specialist.huyen", "to_process"), ("leader.huyen", "to_assign"), ("leader.huyen.noivu", "to_assign"),
    ("clerk.huyen", "to_submit"), ("leader.huyen", "overdue"), ("specialist.huyen", "info"),
])
def test_queues_answer_in_a_constant_number_of_queries(client, province, django_assert_max_num_queries,
                                                       username, queue):
    p, u = province, province.users

    def add_work(n):
        for i in range(n):
            incoming = registered(p, subject=f"Báo cáo số {i} của {n}")
            if queue == "to_submit":
                continue
            processing.handling_submit(actor=u["clerk.huyen"], handling_id=incoming.handling.pk,
                                       leader_id=u["leader.huyen"].pk)
            if queue == "to_assign" and username == "leader.huyen":
                continue
            processing.handling_assign(actor=u["leader.huyen"], handling_id=incoming.handling.pk, specs=[
                processing.AssignmentSpec(role=AssignmentRole.LEAD, unit_id=p.units["noivu"].pk),
                processing.AssignmentSpec(role=AssignmentRole.INFO if queue == "info" else AssignmentRole.SUPPORT,
                                          user_id=u["specialist.huyen"].pk),
                processing.AssignmentSpec(role=AssignmentRole.INFO, user_id=u["specialist.huyen.taichinh"].pk)])

    url = reverse("processing:queue", args=[queue])
    as_user(client, p, username)
    add_work(1)
    client.get(url)  # warm-up
    small = _count_queries(client, url)
    add_work(4)
    with django_assert_max_num_queries(12):
        response = client.get(url)
    assert _count_queries(client, url) == small
    assert len(page(response).xpath("//table[contains(@class,'queue')]/tbody/tr[not(td[@class='empty'])]")) >= 5


def test_an_unknown_queue_is_404(client, province):
    assert as_user(client, province, "clerk.huyen").get(reverse("processing:queue", args=["nope"])).status_code == 404


def test_overdue_and_due_soon_deadlines_are_coloured(client, province):
    incoming, lead = assigned(province)  # deadlines in March 2018: long overdue
    shown = as_user(client, province, "leader.huyen").get(doc_url(incoming))
    cells = page(shown).xpath(f"//tr[@id='pv-{lead.pk}']/td[contains(@class,'deadline')]")
    assert "overdue" in cells[0].get("class") and "Quá hạn" in cells[0].text_content()
    overdue = as_user(client, province, "leader.huyen").get(reverse("processing:queue", args=["overdue"]))
    assert len(page(overdue).xpath("//td[contains(@class,'deadline') and contains(@class,'overdue')]")) == 2


def test_queue_tabs_load_their_counts_separately(client, province):
    registered(province)
    response = as_user(client, province, "clerk.huyen").get(reverse("processing:queue_tabs") + "?current=to_submit",
                                                            HTTP_HX_REQUEST="true")
    assert texts(response, "//nav[@class='tabs']/a") == [
        "Chờ trình lãnh đạo 1", "Chờ phân công 0", "Cần xử lý 0", "Để biết", "Đã giao, quá hạn 0"]
    assert page(response).xpath("//a[@aria-current='page']/@href") == [reverse("processing:queue", args=["to_submit"])]


def test_the_admin_shows_handlings_read_only_without_their_content(client, province):
    from lienthong.accounts.models import User
    from lienthong.accounts.services import user_create

    incoming, lead = assigned(province)
    root = user_create(username="root", password="x", full_name="Quản trị", is_system_admin=True)
    User.objects.filter(pk=root.pk).update(is_staff=True, is_superuser=True)
    client.force_login(User.objects.get(pk=root.pk))
    for url in ("/quan-tri/processing/handling/", f"/quan-tri/processing/handling/{incoming.handling.pk}/change/",
                "/quan-tri/processing/assignment/", f"/quan-tri/processing/assignment/{lead.pk}/change/"):
        response = client.get(url)
        assert response.status_code == 200, url
        assert "thiệt hại" not in response.content.decode(), url  # the subject stays out of the admin
    assert client.post(f"/quan-tri/processing/assignment/{lead.pk}/delete/", {"post": "yes"}).status_code == 403
    assert Assignment.objects.filter(pk=lead.pk).exists()


def test_person_options_do_not_repeat_the_unit_the_title_already_names(client, province):
    """Issue 18: "Nguyễn Quốc Hùng (Trưởng phòng Phòng Tài chính - Kế hoạch – Phòng Tài chính - Kế hoạch)"."""
    from lienthong.accounts.models import Position

    p = province
    Position.objects.filter(user=p.users["leader.huyen.taichinh"]).update(
        title="Trưởng phòng Phòng Tài chính - Kế hoạch")
    incoming = submitted(p)
    options = texts(as_user(client, p, "leader.huyen").get(doc_url(incoming)), "//select//option")
    head = [o for o in options if o.startswith(str(p.users["leader.huyen.taichinh"]))]
    assert head and set(head) == {f"{p.users['leader.huyen.taichinh']} (Trưởng phòng Phòng Tài chính - Kế hoạch)"}
    assert f"{p.users['leader.huyen.noivu']} (Trưởng phòng – Phòng Nội vụ)" in options


# --- Deadlines against the document's own (issue 18) -------------------------------------------------------

def test_default_deadline_never_falls_after_the_documents_own_and_a_later_one_needs_a_reason(client, province):
    """A document due 18/12 was pre-filled with 21/12. The assignment starts at the document's deadline; a later
    date is refused until the leader ticks the confirmation and gives a reason, which the history keeps."""
    from lienthong.audit.models import AuditEntry

    p = province
    incoming = submitted(p)
    due = TODAY + dt.timedelta(days=1)
    Document.objects.filter(pk=incoming.pk).update(due_date=due)
    leader = as_user(client, p, "leader.huyen")
    shown = page(leader.get(doc_url(incoming)))
    assert set(shown.xpath("//input[starts-with(@name, 'a-row-') and contains(@name, '-deadline')]/@value")) == {
        due.strftime("%d/%m/%Y")}

    late = (due + dt.timedelta(days=5)).isoformat()
    url = reverse("processing:assign", args=[incoming.handling.pk])
    rows = assign_post(("lead", f"unit:{p.units['noivu'].pk}", late, ""),
                       ("support", f"unit:{p.units['taichinh'].pk}", "", ""))
    response = leader.post(url, rows)
    assert response.status_code == 200
    expected = str(assignments.LATE_NEEDS_REASON % {"i": 1, "d": (due + dt.timedelta(days=5)).strftime("%d/%m/%Y"),
                                                    "due": due.strftime("%d/%m/%Y")})
    assert expected in texts(response, "//details[contains(@class,'late-deadline')]//div[@class='form-errors']/p")
    assert not Assignment.objects.exists()

    # A reason without the confirmation is not enough.
    assert leader.post(url, {**rows, "a-late-reason": "Chờ số liệu quý"}).status_code == 200
    assert not Assignment.objects.exists()

    response = leader.post(url, {**rows, "a-late-confirm": "on", "a-late-reason": "Chờ số liệu của Cục Thống kê"})
    assert response.status_code == 302
    lead, support = Assignment.objects.order_by("role")
    assert (lead.role, lead.deadline, support.deadline) == ("lead", due + dt.timedelta(days=5), due)
    entry = AuditEntry.objects.filter(object_type="document", object_id=str(incoming.pk), action="assigned").get()
    assert "Chờ số liệu của Cục Thống kê" in entry.summary


def test_the_service_takes_the_documents_deadline_when_none_is_given(province):
    p = province
    incoming = submitted(p)
    due = TODAY + dt.timedelta(days=1)
    Document.objects.filter(pk=incoming.pk).update(due_date=due)
    [lead] = processing.handling_assign(actor=p.users["leader.huyen"], handling_id=incoming.handling.pk, specs=[
        processing.AssignmentSpec(role=AssignmentRole.LEAD, unit_id=p.units["noivu"].pk)])
    assert lead.deadline == due


def test_the_department_row_shows_its_specialists_progress(client, province):
    """Issue 18: the department row stayed at 0 % while its specialist reported 50 %."""
    p = province
    incoming, lead = assigned(p)
    head, specialist = p.users["leader.huyen.noivu"], p.users["specialist.huyen.noivu"]
    [mine] = processing.assignment_delegate(actor=head, assignment_id=lead.pk, specs=[
        processing.AssignmentSpec(role=AssignmentRole.LEAD, user_id=specialist.pk)])
    processing.assignment_note(actor=specialist, assignment_id=mine.pk, text="Đang tổng hợp số liệu", progress=50)
    lead.refresh_from_db()
    assert lead.progress == 50
    rows = texts(as_user(client, p, "leader.huyen").get(doc_url(incoming)), "//tr[contains(., 'Phòng Nội vụ')]")
    assert rows and "50" in rows[0]
