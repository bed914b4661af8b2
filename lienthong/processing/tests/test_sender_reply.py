"""What of the receiving agency's processing the sender sees (issue 11, defect 11).

The sending agency follows its document at each recipient: the status (QCVN 102 code), its time, the
receiving agency (and the department working on it) and only what the recipient chose to send back
("Nội dung phản hồi cho nơi gửi"). Internal progress notes, results, instructions, deadlines and the names
of the recipient's people stay inside the receiving agency.
"""

from __future__ import annotations

import datetime as dt
import json

import pytest
from django.urls import reverse

from lienthong.delivery import services as delivery_services
from lienthong.delivery.models import Delivery, DeliveryEvent
from lienthong.delivery.tests.test_views_sender import html, issue, squash, tracking_rows
from lienthong.drafting.tests.test_api import as_user, post_json
from lienthong.processing import services as processing
from lienthong.processing.models import AssignmentRole, ProcessingNote

pytestmark = pytest.mark.django_db

NOTE = "Đã liên hệ Trạm Khuyến nông QQINTERNALNOTE"
NOTE_2 = "Chờ số liệu của xã QQSECONDNOTE"
RESULT = "Đã báo cáo Chủ tịch QQINTERNALRESULT"
INSTRUCTION = "Làm rõ trách nhiệm QQINSTRUCTION"
REPLY_05 = "Đang tổng hợp, dự kiến trả lời trước ngày 20/3."
REPLY_06 = "Đã trả lời bằng văn bản; đề nghị xã bổ sung danh sách hộ."
HUYEN = "Ủy ban nhân dân huyện Vị Thủy"
# The district's people as they are named (make_province): none may reach the commune's tracking.
PEOPLE = ["Văn thư huyen", "Lãnh đạo huyen", "Trưởng phòng Phòng Nội vụ", "Chuyên viên Phòng Nội vụ",
          "Chuyên viên Phòng Tài chính - Kế hoạch"]
DEADLINE = dt.date.today() + dt.timedelta(days=40)
SECRETS = [NOTE, NOTE_2, RESULT, INSTRUCTION, "QQINTERNALNOTE", "QQSECONDNOTE", "QQINTERNALRESULT",
           "QQINSTRUCTION", DEADLINE.strftime("%d/%m/%Y")]


@pytest.fixture
def processed(province):
    """The commune's report, at the district: registered, assigned to Nội vụ (lead, with a deadline and an
    instruction) and to a person of Tài chính (support), handed on to a specialist who notes progress twice
    (first with nothing for the sender, then with a reply) and completes with a reply."""
    p, u = province, province.users
    report = issue(p)
    delivery = Delivery.objects.get(document=report)
    incoming = delivery_services.delivery_register(actor=u["clerk.huyen"], delivery_id=delivery.pk)
    handling = incoming.handling
    processing.handling_submit(actor=u["clerk.huyen"], handling_id=handling.pk, leader_id=u["leader.huyen"].pk)
    [lead, support] = processing.handling_assign(actor=u["leader.huyen"], handling_id=handling.pk, specs=[
        processing.AssignmentSpec(role=AssignmentRole.LEAD, unit_id=p.units["noivu"].pk,
                                  deadline=DEADLINE, instruction=INSTRUCTION),
        processing.AssignmentSpec(role=AssignmentRole.SUPPORT, user_id=u["specialist.huyen.taichinh"].pk)])
    [mine] = processing.assignment_delegate(actor=u["leader.huyen.noivu"], assignment_id=lead.pk, specs=[
        processing.AssignmentSpec(role=AssignmentRole.LEAD, user_id=u["specialist.huyen.noivu"].pk)])
    specialist = u["specialist.huyen.noivu"]
    processing.assignment_note(actor=specialist, assignment_id=mine.pk, text=NOTE, progress=30)
    processing.assignment_note(actor=specialist, assignment_id=mine.pk, text=NOTE_2, progress=60,
                               reply_to_sender=REPLY_05)
    processing.assignment_complete(actor=specialist, assignment_id=mine.pk, result=RESULT, reply_to_sender=REPLY_06)
    return report, incoming, mine


def _tracking_text(client, report) -> str:
    page = html(client.get(reverse("documents:detail", args=[report.pk])))
    [section] = page.xpath("//section[@id='theo-doi']")
    return squash(section)


@pytest.mark.parametrize("username", ["clerk.xa", "leader.xa", "specialist.xa"])
def test_the_sender_page_shows_status_time_unit_and_the_reply_only(client, province, processed, username):
    report, _incoming, _mine = processed
    client.force_login(province.users[username])
    response = client.get(reverse("documents:detail", args=[report.pk]))
    events = tracking_rows(response)[HUYEN]["events"]
    assert [e[0] for e in events] == ["–", "01", "03", "03", "04", "05", "05", "06"]
    # who acted at the recipient: the agency, never a person of it
    assert [e[3] for e in events[2:]] == [HUYEN] * 6
    assert events[4][4] == "Chủ trì: Phòng Nội vụ; Phối hợp: Phòng Tài chính - Kế hoạch"
    assert events[5][4] == "Phòng Nội vụ đang xử lý"                   # the note itself is not there
    assert REPLY_05 in events[6][4] and REPLY_06 in events[7][4]
    text = _tracking_text(client, report)
    for secret in SECRETS + PEOPLE:
        assert secret not in text, secret


def test_the_sender_api_shows_the_reply_and_never_the_note(province, processed):
    report, _incoming, _mine = processed
    response = as_user(province.users["clerk.xa"]).get(f"/api/documents/{report.pk}/deliveries")
    assert response.status_code == 200
    raw = json.dumps(response.json(), ensure_ascii=False)
    for secret in SECRETS + PEOPLE:
        assert secret not in raw, secret
    [huyen] = response.json()["recipients"]
    events = huyen["events"]
    assert [(e["code"], e["reply"]) for e in events][5:] == [("05", ""), ("05", REPLY_05), ("06", REPLY_06)]
    assert {e["actor_name"] for e in events[2:]} == {HUYEN}
    assert events[5]["description"] == "Phòng Nội vụ đang xử lý"
    assert events[0]["actor_name"] == "Văn thư xa"  # the sender's own people keep their names


def test_internal_notes_stay_inside_the_receiving_agency(client, province, processed):
    """The district's own panel still shows the notes, and which reply went to the sender."""
    _report, incoming, mine = processed
    assert not DeliveryEvent.objects.filter(description__contains="QQ").exists()
    assert not DeliveryEvent.objects.filter(reply__contains="QQ").exists()
    assert list(ProcessingNote.objects.filter(assignment=mine).values_list("text", "reply_to_sender")) == [
        (NOTE, ""), (NOTE_2, REPLY_05)]
    client.force_login(province.users["leader.huyen"])
    page = " ".join(client.get(reverse("documents:detail", args=[incoming.pk])).content.decode().split())
    assert NOTE in page and RESULT in page and REPLY_05 in page and REPLY_06 in page
    response = as_user(province.users["specialist.huyen.noivu"]).get(f"/api/documents/{incoming.pk}/handling")
    assert response.status_code == 200
    [lead, _support] = response.json()["assignments"]
    [child] = lead["children"]
    assert [(n["text"], n["reply_to_sender"]) for n in child["notes"]] == [(NOTE, ""), (NOTE_2, REPLY_05)]
    assert (child["result"], child["reply_to_sender"]) == (RESULT, REPLY_06)


def test_the_reply_field_on_the_web_forms_and_the_api(client, province):
    p, u = province, province.users
    report = issue(p)
    incoming = delivery_services.delivery_register(
        actor=u["clerk.huyen"], delivery_id=Delivery.objects.get(document=report).pk)
    processing.handling_submit(actor=u["clerk.huyen"], handling_id=incoming.handling.pk,
                               leader_id=u["leader.huyen"].pk)
    [lead] = processing.handling_assign(actor=u["leader.huyen"], handling_id=incoming.handling.pk, specs=[
        processing.AssignmentSpec(role=AssignmentRole.LEAD, user_id=u["specialist.huyen"].pk)])
    client.force_login(u["specialist.huyen"])
    page = client.get(reverse("documents:detail", args=[incoming.pk])).content.decode()
    assert f'name="n{lead.pk}-reply_to_sender"' in page and f'name="c{lead.pk}-reply_to_sender"' in page
    assert "Nội dung phản hồi cho nơi gửi" in page

    too_long = client.post(reverse("processing:note", args=[lead.pk]), {
        f"n{lead.pk}-text": NOTE, f"n{lead.pk}-reply_to_sender": "x" * 2001})
    assert too_long.status_code == 200 and not ProcessingNote.objects.exists()  # shown again with the error
    client.post(reverse("processing:note", args=[lead.pk]), {
        f"n{lead.pk}-text": NOTE, f"n{lead.pk}-progress": "40", f"n{lead.pk}-reply_to_sender": REPLY_05})
    assert ProcessingNote.objects.get().reply_to_sender == REPLY_05

    api = as_user(u["specialist.huyen"])
    bad = post_json(api, f"/api/assignments/{lead.pk}/complete", {"result": RESULT, "reply_to_sender": "x" * 2001})
    assert bad.status_code == 422
    done = post_json(api, f"/api/assignments/{lead.pk}/complete", {"result": RESULT, "reply_to_sender": REPLY_06})
    assert done.status_code == 200, done.content
    events = as_user(u["clerk.xa"]).get(f"/api/documents/{report.pk}/deliveries").json()["recipients"][0]["events"]
    assert [(e["code"], e["reply"]) for e in events][-2:] == [("05", REPLY_05), ("06", REPLY_06)]
    assert NOTE not in json.dumps(events, ensure_ascii=False) and RESULT not in json.dumps(events, ensure_ascii=False)


def test_old_status_rows_lose_the_internal_text_they_carried(province):
    """Rows written before the fix carried the note (05), the instruction's people and deadlines (04) and
    the names of the recipient's people: the data migration blanks them; reversing it changes nothing."""
    import importlib

    from django.apps import apps

    p, u = province, province.users
    report = issue(p)
    delivery = Delivery.objects.get(document=report)
    now = delivery.sent_at
    old = [DeliveryEvent.objects.create(delivery=delivery, kind=kind, code=code, at=now, actor=u[who],
                                        actor_name=str(u[who]), description=text)
           for kind, code, who, text in (
               ("registered", "03", "clerk.huyen", "Vào sổ văn bản đến, số đến 7"),
               ("assigned", "04", "leader.huyen", "Chủ trì: Chuyên viên huyen (hạn 20/03/2018)"),
               ("in_progress", "05", "specialist.huyen", NOTE),
               ("done", "06", "specialist.huyen", "Đã xử lý xong"))]
    migration = importlib.import_module("lienthong.delivery.migrations.0002_status_reply_to_sender")
    migration.forget_internal_text(apps, None)
    rows = {e.kind: e for e in DeliveryEvent.objects.filter(pk__in=[e.pk for e in old])}
    assert [(rows[k].actor_name, rows[k].description) for k in ("registered", "assigned", "in_progress", "done")] == [
        ("", "Vào sổ văn bản đến, số đến 7"), ("", ""), ("", ""), ("", "Đã xử lý xong")]
    assert rows["in_progress"].actor_id == u["specialist.huyen"].pk  # who did it stays on record, unshown
    sent = DeliveryEvent.objects.get(delivery=delivery, kind="sent")
    assert sent.actor_name == "Văn thư xa"  # the sender's own rows are untouched


def test_no_reply_field_for_a_paper_document_there_is_no_one_to_send_it_to(client, province):
    from lienthong.testing.builders import doc_input

    u = province.users
    paper = processing.incoming_register_paper(
        actor=u["clerk.huyen"], agency=province.agencies["huyen"], data=doc_input("cong-van", "Công văn giấy"),
        number_symbol="15/SYT-KHTC", issuer_name="Sở Y tế")
    processing.handling_submit(actor=u["clerk.huyen"], handling_id=paper.handling.pk, leader_id=u["leader.huyen"].pk)
    [lead] = processing.handling_assign(actor=u["leader.huyen"], handling_id=paper.handling.pk, specs=[
        processing.AssignmentSpec(role=AssignmentRole.LEAD, user_id=u["specialist.huyen"].pk)])
    client.force_login(u["specialist.huyen"])
    page = client.get(reverse("documents:detail", args=[paper.pk])).content.decode()
    assert f'name="n{lead.pk}-text"' in page and "Nội dung phản hồi cho nơi gửi" not in page
