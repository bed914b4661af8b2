"""The whole flow through the services: a commune reports to the district, the district assigns,
a department answers, and the commune sees every status with times and the agency that acted."""

import datetime as dt

import pytest

from lienthong.core.errors import PermissionDenied, ValidationFailed
from lienthong.delivery import selectors as delivery_selectors
from lienthong.delivery import services as delivery_services
from lienthong.delivery.models import Delivery, DeliveryState, RecallState
from lienthong.documents.models import Direction, DocumentStatus
from lienthong.documents.selectors import document_list, documents_visible_to
from lienthong.drafting import services as drafting
from lienthong.drafting.models import DraftState
from lienthong.processing import selectors as processing_selectors
from lienthong.processing import services as processing
from lienthong.processing.models import AssignmentRole, HandlingState
from lienthong.search.selectors import search_documents
from lienthong.testing.builders import doc_type, pdf_upload

pytestmark = pytest.mark.django_db
TODAY = dt.date(2018, 3, 12)


def issue_report(p, *, sender="xa", recipients=("huyen",), subject="Báo cáo tình hình thiệt hại do mưa bão",
                 urgency="normal", type_code="bao-cao"):
    """A specialist drafts, the leader signs on paper, the clerk numbers, seals and issues."""
    u = p.users
    data = drafting.DraftInput(document_type=doc_type(type_code), subject=subject, signer_id=u[f"leader.{sender}"].pk,
                               signer_position="Chủ tịch", urgency=urgency,
                               recipient_ids=[p.agencies[r].pk for r in recipients],
                               extra_recipients="Lưu: VT", files=[pdf_upload("du-thao.pdf", "Bao cao thiet hai")])
    draft = drafting.draft_create(actor=u[f"specialist.{sender}"], agency=p.agencies[sender], data=data)
    drafting.draft_submit(actor=u[f"specialist.{sender}"], draft=draft)
    drafting.draft_check_format(actor=u[f"clerk.{sender}"], draft=draft)
    drafting.draft_approve(actor=u[f"leader.{sender}"], draft=draft)
    drafting.draft_sign(actor=u[f"clerk.{sender}"], draft=draft, uploads=[pdf_upload("da-ky.pdf", "Bao cao da ky")])
    doc = drafting.draft_number(actor=u[f"clerk.{sender}"], draft=draft, today=TODAY)
    drafting.draft_seal(actor=u[f"clerk.{sender}"], draft=draft)
    drafting.draft_issue(actor=u[f"clerk.{sender}"], draft=draft)
    draft.refresh_from_db()
    return draft, doc


def test_commune_to_district_and_back(province):
    p, u = province, province.users
    draft, report = issue_report(p)
    assert draft.state == DraftState.ISSUED
    assert report.number_symbol == "01/BC-UBND"
    assert "Nơi nhận:" in report.recipients_text and "Ủy ban nhân dân huyện Vị Thủy" in report.recipients_text

    # The district clerk sees it at once in the queue to receive, and receives and registers it.
    queue = list(delivery_selectors.inbox(user=u["clerk.huyen"]))
    assert [d.document_id for d in queue] == [report.pk]
    delivery = queue[0]
    delivery_services.delivery_receive(actor=u["clerk.huyen"], delivery_id=delivery.pk)
    incoming = delivery_services.delivery_register(actor=u["clerk.huyen"], delivery_id=delivery.pk,
                                                   today=TODAY)
    assert incoming.direction == Direction.INCOMING and incoming.register_number == 1
    assert incoming.number_symbol == "01/BC-UBND" and incoming.issuer_agency_id == p.agencies["xa"].pk
    assert incoming.files.count() == 1

    handling = incoming.handling
    processing.handling_submit(actor=u["clerk.huyen"], handling_id=handling.pk, leader_id=u["leader.huyen"].pk)
    assert list(processing_selectors.handlings_to_assign(user=u["leader.huyen"])) == [handling]
    processing.handling_assign(actor=u["leader.huyen"], handling_id=handling.pk, specs=[
        processing.AssignmentSpec(role=AssignmentRole.LEAD, unit_id=p.units["noivu"].pk,
                                  deadline=dt.date(2018, 3, 20), instruction="Tổng hợp, đề xuất"),
        processing.AssignmentSpec(role=AssignmentRole.SUPPORT, unit_id=p.units["taichinh"].pk),
    ])
    # The department head sees it (the unit was assigned) and hands it to the specialist.
    head = u["leader.huyen.noivu"]
    assert documents_visible_to(user=head).filter(pk=incoming.pk).exists()
    unit_part = processing_selectors.unit_to_assign(user=head).get()
    processing.assignment_delegate(actor=head, assignment_id=unit_part.pk, specs=[
        processing.AssignmentSpec(role=AssignmentRole.LEAD, user_id=u["specialist.huyen.noivu"].pk,
                                  deadline=dt.date(2018, 3, 19))])
    specialist = u["specialist.huyen.noivu"]
    mine = processing_selectors.to_process(user=specialist).get()
    processing.assignment_note(actor=specialist, assignment_id=mine.pk, text="Đang tổng hợp số liệu", progress=50)

    # The reply goes back up through the same flow, then closes the incoming document.
    reply_draft, reply = issue_report(p, sender="huyen", recipients=("xa",), subject="Trả lời báo cáo thiệt hại")
    processing.assignment_complete(actor=specialist, assignment_id=mine.pk, result="Đã trả lời",
                                   reply_document_id=reply.pk)
    handling.refresh_from_db()
    assert handling.state == HandlingState.DONE

    # The commune sees, for its recipient, every status with code, time and the agency (its people's names
    # stay at the district: issue 11).
    delivery.refresh_from_db()
    assert delivery.state == DeliveryState.DONE
    tracked = delivery_selectors.deliveries_of(document=report)[0]
    codes = [e.code for e in tracked.events.all()]
    assert codes == ["", "01", "03", "03", "04", "05", "06"]
    assert tracked.events.all()[2].party(tracked.recipient_agency.name) == "Ủy ban nhân dân huyện Vị Thủy"
    assert tracked.events.all()[2].actor == u["clerk.huyen"]  # on record, not shown
    assert reply.number_symbol == "01/BC-UBND" and reply.agency_id == p.agencies["huyen"].pk


def test_reply_link_must_be_a_visible_document_of_the_agency(province):
    p, u = province, province.users
    _draft, report = issue_report(p)
    d = Delivery.objects.get(document=report)
    incoming = delivery_services.delivery_register(actor=u["clerk.huyen"], delivery_id=d.pk, today=TODAY)
    processing.handling_submit(actor=u["clerk.huyen"], handling_id=incoming.handling.pk, leader_id=u["leader.huyen"].pk)
    [lead] = processing.handling_assign(actor=u["leader.huyen"], handling_id=incoming.handling.pk, specs=[
        processing.AssignmentSpec(role=AssignmentRole.LEAD, user_id=u["specialist.huyen"].pk)])
    with pytest.raises(ValidationFailed) as exc:  # the commune's own report is not the district's document
        processing.assignment_complete(actor=u["specialist.huyen"], assignment_id=lead.pk,
                                       reply_document_id=report.pk)
    assert "reply_document" in exc.value.errors


def test_bad_transitions_are_refused(province):
    p, u = province, province.users
    data = drafting.DraftInput(document_type=doc_type("bao-cao"), subject="Báo cáo", signer_id=u["leader.xa"].pk,
                               recipient_ids=[p.agencies["huyen"].pk, p.agencies["huyen"].pk])
    with pytest.raises(ValidationFailed) as exc:
        drafting.draft_create(actor=u["specialist.xa"], agency=p.agencies["xa"], data=data)
    assert exc.value.errors["recipients"] == [delivery_selectors.CHOSEN_TWICE % {"n": "Ủy ban nhân dân huyện Vị Thủy"}]
    data.recipient_ids = [p.agencies["huyen"].pk]
    data.files = [pdf_upload()]
    draft = drafting.draft_create(actor=u["specialist.xa"], agency=p.agencies["xa"], data=data)
    with pytest.raises(ValidationFailed):  # issuing an unapproved draft
        drafting.draft_issue(actor=u["clerk.xa"], draft=draft)
    drafting.draft_submit(actor=u["specialist.xa"], draft=draft)
    with pytest.raises(PermissionDenied):  # the format check is the clerk's
        drafting.draft_check_format(actor=u["leader.xa"], draft=draft)
    drafting.draft_return(actor=u["clerk.xa"], draft=draft, reason="Sai thể thức")
    assert draft.state == DraftState.DRAFTING
    from lienthong.documents.services import document_register_outgoing
    from lienthong.testing.builders import doc_input

    registered_only = document_register_outgoing(actor=u["clerk.xa"], agency=p.agencies["xa"], data=doc_input(),
                                                 today=TODAY)
    with pytest.raises(ValidationFailed) as exc:  # a recall of a document never issued
        delivery_services.delivery_recall(actor=u["clerk.xa"], document=registered_only, reason="Nhầm")
    assert "document" in exc.value.errors


def test_assignment_errors(province):
    p, u = province, province.users
    _draft, report = issue_report(p)
    d = Delivery.objects.get(document=report)
    incoming = delivery_services.delivery_register(actor=u["clerk.huyen"], delivery_id=d.pk, today=TODAY)
    h = incoming.handling
    with pytest.raises(ValidationFailed):  # not yet submitted
        processing.handling_assign(actor=u["leader.huyen"], handling_id=h.pk, specs=[
            processing.AssignmentSpec(role=AssignmentRole.LEAD, user_id=u["specialist.huyen"].pk)])
    processing.handling_submit(actor=u["clerk.huyen"], handling_id=h.pk, leader_id=u["leader.huyen"].pk)
    for spec in (
        processing.AssignmentSpec(role=AssignmentRole.LEAD, user_id=u["specialist.xa"].pk),  # outside the agency
        processing.AssignmentSpec(role=AssignmentRole.LEAD, user_id=u["specialist.huyen"].pk,
                                  deadline=TODAY - dt.timedelta(days=1)),  # before the date received
    ):
        with pytest.raises(ValidationFailed):
            processing.handling_assign(actor=u["leader.huyen"], handling_id=h.pk, specs=[spec])
    assert not h.assignments.exists()


def test_recall(province):
    p, u = province, province.users
    _draft, report = issue_report(p, recipients=("huyen", "stttt"))
    d_huyen = Delivery.objects.get(document=report, recipient_agency=p.agencies["huyen"])
    incoming = delivery_services.delivery_register(actor=u["clerk.huyen"], delivery_id=d_huyen.pk, today=TODAY)
    assert search_documents(user=u["clerk.huyen"], query="thiet hai")
    assert delivery_services.delivery_recall(actor=u["clerk.xa"], document=report, reason="Sai số liệu") == 2
    report.refresh_from_db()
    assert report.status == DocumentStatus.RECALLED
    delivery_services.delivery_recall_answer(actor=u["clerk.huyen"], delivery_id=d_huyen.pk, agree=True)
    d_so = Delivery.objects.get(document=report, recipient_agency=p.agencies["stttt"])
    with pytest.raises(ValidationFailed):  # refusing needs a reason
        delivery_services.delivery_recall_answer(actor=u["clerk.stttt"], delivery_id=d_so.pk, agree=False)
    delivery_services.delivery_recall_answer(actor=u["clerk.stttt"], delivery_id=d_so.pk, agree=False,
                                             reason="Đã xử lý xong")
    incoming.refresh_from_db()
    assert incoming.status == DocumentStatus.WITHDRAWN
    assert not document_list(user=u["clerk.huyen"]).filter(pk=incoming.pk).exists()
    assert not search_documents(user=u["clerk.huyen"], query="thiet hai")
    states = dict(Delivery.objects.filter(document=report).values_list("recipient_agency__pk", "recall_state"))
    assert states == {p.agencies["huyen"].pk: RecallState.ACCEPTED, p.agencies["stttt"].pk: RecallState.REFUSED}


def test_home_page_counts_each_roles_work_and_the_reply_is_linked(client, province):
    p, u = province, province.users
    _draft, report = issue_report(p)
    client.force_login(u["clerk.huyen"])
    body = client.get("/").content.decode()
    assert "Văn bản chờ tiếp nhận" in body and '<b>1</b>Văn bản chờ tiếp nhận' in body

    d = Delivery.objects.get(document=report)
    incoming = delivery_services.delivery_register(actor=u["clerk.huyen"], delivery_id=d.pk, today=TODAY)
    processing.handling_submit(actor=u["clerk.huyen"], handling_id=incoming.handling.pk, leader_id=u["leader.huyen"].pk)
    client.force_login(u["leader.huyen"])
    assert '<b>1</b>Văn bản đến chờ phân công' in client.get("/").content.decode()
    [lead] = processing.handling_assign(actor=u["leader.huyen"], handling_id=incoming.handling.pk, specs=[
        processing.AssignmentSpec(role=AssignmentRole.LEAD, user_id=u["specialist.huyen"].pk)])
    client.force_login(u["specialist.huyen"])
    assert '<b>1</b>Văn bản đến tôi cần xử lý' in client.get("/").content.decode()

    _reply_draft, reply = issue_report(p, sender="huyen", recipients=("xa",), subject="Trả lời báo cáo thiệt hại")
    processing.assignment_complete(actor=u["specialist.huyen"], assignment_id=lead.pk, reply_document_id=reply.pk)
    page = client.get(f"/van-ban/{incoming.pk}/").content.decode()
    assert "Được trả lời bởi" in page and f"/van-ban/{reply.pk}/" in page


def test_a_document_registered_before_the_flow_is_brought_in_by_its_clerk(client, province):
    from lienthong.documents.services import document_register_incoming
    from lienthong.testing.builders import doc_input

    u = province.users
    old = document_register_incoming(actor=u["clerk.huyen"], agency=province.agencies["huyen"], data=doc_input(),
                                     number_symbol="12/TB-UBND", issuer_agency=province.agencies["ubnd"],
                                     received_on=TODAY, today=TODAY)
    client.force_login(u["leader.huyen"])
    assert "Đưa vào luồng xử lý" not in client.get(f"/van-ban/{old.pk}/").content.decode()
    client.force_login(u["clerk.huyen"])
    assert "Đưa vào luồng xử lý" in client.get(f"/van-ban/{old.pk}/").content.decode()
    response = client.post(f"/xu-ly/bat-dau/{old.pk}/")
    assert response.status_code == 302
    old.refresh_from_db()
    assert old.handling.state == HandlingState.REGISTERED
    assert "Trình lãnh đạo" in client.get(f"/van-ban/{old.pk}/").content.decode()
    client.force_login(u["clerk.xa"])  # another agency's clerk: as if it did not exist
    assert client.post(f"/xu-ly/bat-dau/{old.pk}/").status_code == 404


def test_the_processing_panel_offers_to_draft_the_reply_and_the_clerk_sees_drafts_to_sign(client, province):
    from lienthong.drafting.selectors import to_issue

    p, u = province, province.users
    _draft, report = issue_report(p)
    d = Delivery.objects.get(document=report)
    incoming = delivery_services.delivery_register(actor=u["clerk.huyen"], delivery_id=d.pk, today=TODAY)
    client.force_login(u["clerk.huyen"])
    page = client.get(f"/van-ban/{incoming.pk}/").content.decode()
    assert f"/du-thao/tao/?lien-quan={incoming.pk}&amp;quan-he=replies_to" in page

    data = drafting.DraftInput(document_type=doc_type("bao-cao"), subject="Báo cáo", signer_id=u["leader.xa"].pk,
                               recipient_ids=[p.agencies["huyen"].pk], files=[pdf_upload()])
    draft = drafting.draft_create(actor=u["specialist.xa"], agency=p.agencies["xa"], data=data)
    drafting.draft_submit(actor=u["specialist.xa"], draft=draft)
    drafting.draft_check_format(actor=u["clerk.xa"], draft=draft)
    drafting.draft_approve(actor=u["leader.xa"], draft=draft)
    # Signed on paper: the văn thư attaches the scan, so the draft waits in the văn thư's queue too.
    assert list(to_issue(user=u["clerk.xa"])) == [draft]
