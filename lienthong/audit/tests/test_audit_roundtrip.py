"""Every service that writes the audit log with text a user typed, fed the longest text its form or API
accepts — Vietnamese with diacritics and emoji — leaves a chain that ``verify_audit`` finds intact, and a
checkpoint written afterwards agrees (issue 11, defect 3: a long cancel reason made a normal action look
like tampering)."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest

from lienthong.audit.models import AuditEntry
from lienthong.audit.services import audit_checkpoint_write, audit_verify_report
from lienthong.core.limits import COMMENT_MAX_LENGTH, NOTE_MAX_LENGTH, REASON_MAX_LENGTH, SHORT_NOTE_MAX_LENGTH
from lienthong.testing.builders import doc_input, doc_type, pdf_upload

TODAY = dt.date(2018, 3, 20)
WORDS = "Đặng Thị Ưng ầ ỹ 🇻🇳👍🏽 Sở TT&TT — “trích yếu” "


def long(n: int) -> str:
    """``n`` characters of multi-byte text (NFC, no surrounding blanks, so nothing strips it shorter)."""
    return "Ạ" + (WORDS * (n // len(WORDS) + 1))[:n - 2] + "ễ"


# --- Scenarios: each drives services the way the pages and the API do, with the longest text allowed --------

def _documents(p):
    from lienthong.documents import services

    doc = services.document_register_outgoing(
        actor=p.users["clerk.vp"], agency=p.agencies["vp"], today=TODAY,
        data=doc_input(subject=long(1000), notes=long(NOTE_MAX_LENGTH), signer_name=long(100)))
    services.document_record_view(actor=p.users["clerk.vp"], document=doc, detail=long(600))
    services.document_cancel(actor=p.users["clerk.vp"], document=doc, reason=long(REASON_MAX_LENGTH))


def _issued(p, **kw):
    from lienthong.processing.tests.test_flow import issue_report

    return issue_report(p, subject=long(1000), **kw)[1]


def _delivery_return(p):
    from lienthong.delivery import services
    from lienthong.delivery.models import Delivery

    delivery = Delivery.objects.get(document=_issued(p), recipient_agency=p.agencies["huyen"])
    services.delivery_receive(actor=p.users["clerk.huyen"], delivery_id=delivery.pk)
    services.delivery_return(actor=p.users["clerk.huyen"], delivery_id=delivery.pk, reason=long(REASON_MAX_LENGTH))


def _delivery_recall(p):
    from lienthong.delivery import services
    from lienthong.delivery.models import Delivery

    doc = _issued(p)
    services.delivery_recall(actor=p.users["clerk.xa"], document=doc, reason=long(REASON_MAX_LENGTH))
    delivery = Delivery.objects.get(document=doc, recipient_agency=p.agencies["huyen"])
    services.delivery_recall_answer(actor=p.users["clerk.huyen"], delivery_id=delivery.pk, agree=False,
                                    reason=long(REASON_MAX_LENGTH))


def _processing(p):
    from lienthong.delivery import services as delivery_services
    from lienthong.delivery.models import Delivery
    from lienthong.processing import services
    from lienthong.processing.models import AssignmentRole

    u = p.users
    delivery = Delivery.objects.get(document=_issued(p), recipient_agency=p.agencies["huyen"])
    incoming = delivery_services.delivery_register(actor=u["clerk.huyen"], delivery_id=delivery.pk,
                                                   notes=long(NOTE_MAX_LENGTH), today=TODAY)
    handling = incoming.handling
    services.handling_submit(actor=u["clerk.huyen"], handling_id=handling.pk, leader_id=u["leader.huyen"].pk,
                             note=long(REASON_MAX_LENGTH))
    [lead] = services.handling_assign(actor=u["leader.huyen"], handling_id=handling.pk, specs=[
        services.AssignmentSpec(role=AssignmentRole.LEAD, user_id=u["specialist.huyen"].pk,
                                deadline=dt.date(2018, 3, 30), instruction=long(REASON_MAX_LENGTH))])
    services.assignment_chase(actor=u["leader.huyen"], assignment_id=lead.pk, message=long(NOTE_MAX_LENGTH))
    services.assignment_note(actor=u["specialist.huyen"], assignment_id=lead.pk, text=long(COMMENT_MAX_LENGTH),
                             progress=50)
    services.assignment_complete(actor=u["specialist.huyen"], assignment_id=lead.pk, result=long(COMMENT_MAX_LENGTH))


def _drafting(p):
    from lienthong.drafting import services

    u = p.users
    data = services.DraftInput(document_type=doc_type("bao-cao"), subject=long(1000), signer_id=u["leader.xa"].pk,
                               signer_position="Chủ tịch", recipient_ids=[p.agencies["huyen"].pk],
                               extra_recipients="Lưu: VT", files=[pdf_upload("du-thao.pdf", "Bao cao")])
    draft = services.draft_create(actor=u["specialist.xa"], agency=p.agencies["xa"], data=data)
    services.draft_add_files(actor=u["specialist.xa"], draft=draft, uploads=[pdf_upload("ban-2.pdf", "Ban 2")],
                             note=long(SHORT_NOTE_MAX_LENGTH))
    services.draft_comment(actor=u["specialist.xa"], draft=draft, text=long(COMMENT_MAX_LENGTH))
    services.draft_submit(actor=u["specialist.xa"], draft=draft, note=long(COMMENT_MAX_LENGTH))
    services.draft_return(actor=u["clerk.xa"], draft=draft, reason=long(REASON_MAX_LENGTH))
    services.draft_abandon(actor=u["specialist.xa"], draft=draft, reason=long(REASON_MAX_LENGTH))


def _assessment(p):
    from lienthong.assessment import services
    from lienthong.assessment.models import (
        AssessmentAuthority,
        AuthorityKind,
        CampaignState,
        CriterionValue,
        SelfAssessment,
    )

    a, u = p.agencies, p.users
    AssessmentAuthority.objects.create(agency=a["stttt"], kind=AuthorityKind.COUNCIL)
    AssessmentAuthority.objects.create(agency=a["ubnd"], kind=AuthorityKind.APPROVER)
    council = u["specialist.stttt"]
    shipped = Path(services.__file__).parents[1] / "criteria_sets" / "mic-2017-default.yaml"
    yaml_text = shipped.read_text(encoding="utf-8")
    version = services.criteria_set_import(yaml_text=yaml_text, actor=council)
    campaign = services.campaign_create(actor=council, year=2017, criteria_set=version, units=[
        services.UnitInput(a["vp"].pk, "so_nganh"),
        services.UnitInput(a["huyen"].pk, "ubnd_huyen", separate_reason=long(SHORT_NOTE_MAX_LENGTH))])
    campaign = services.campaign_publish(actor=council, campaign=campaign, today=dt.date(2018, 3, 1))
    sa = SelfAssessment.objects.get(campaign_unit__campaign=campaign, campaign_unit__agency=a["vp"])
    services.self_assessment_save(actor=u["specialist.vp"], self_assessment=sa, values={"A1": 0.9},
                                  comments={"A1": long(COMMENT_MAX_LENGTH)})
    services.self_assessment_reopen(actor=council, self_assessment=sa, reason=long(NOTE_MAX_LENGTH))
    services.self_assessment_submit(actor=u["leader.vp"], self_assessment=sa, today=dt.date(2018, 3, 2))
    services.campaign_advance(actor=council, campaign=campaign, to=CampaignState.REVIEW)
    cv = CriterionValue.objects.get(self_assessment=sa, criterion_code="A1")
    services.review_send_back(actor=council, criterion_value=cv, note=long(COMMENT_MAX_LENGTH))
    services.criterion_confirm(actor=u["leader.vp"], criterion_value=cv, value=0.95, comment=long(COMMENT_MAX_LENGTH))
    services.campaign_advance(actor=council, campaign=campaign, to=CampaignState.COUNCIL)
    services.council_adjust(actor=council, campaign_unit=campaign.units.get(agency=a["vp"]), criterion_code="A1",
                            new_points=2, reason=long(REASON_MAX_LENGTH))


def _calendar_and_catalogue(p):
    from lienthong.accounts.models import User
    from lienthong.publicservices import services as procedures
    from lienthong.workcalendar import services as calendar

    admin = p.users["clerk.vp"]
    User.objects.filter(pk=admin.pk).update(is_system_admin=True)
    admin.refresh_from_db()
    calendar.holiday_save(actor=admin, day=dt.date(2018, 10, 10), name=long(200))
    procedures.procedure_save(actor=admin, agency_id=p.agencies["vp"].pk, code="1.001", name=long(500),
                              online_level="4", today=TODAY)


def _long_actor_name(p):
    """A person whose full name fills its column (150) acts: the entry's actor name is cut before hashing."""
    from lienthong.accounts.models import User
    from lienthong.documents import services

    User.objects.filter(pk=p.users["clerk.vp"].pk).update(full_name=long(150))
    clerk = User.objects.get(pk=p.users["clerk.vp"].pk)
    services.document_register_outgoing(actor=clerk, agency=p.agencies["vp"], data=doc_input(), today=TODAY)


SCENARIOS = {
    "documents": _documents, "delivery_return": _delivery_return, "delivery_recall": _delivery_recall,
    "processing": _processing, "drafting": _drafting, "assessment": _assessment,
    "calendar_and_catalogue": _calendar_and_catalogue, "long_actor_name": _long_actor_name,
}


@pytest.mark.parametrize("scenario", list(SCENARIOS))
def test_services_fed_the_longest_text_leave_the_audit_log_intact(province, scenario):
    before = AuditEntry.objects.count()

    SCENARIOS[scenario](province)

    written = list(AuditEntry.objects.order_by("id")[before:])
    assert written, "the scenario wrote no audit entry"
    assert any(WORDS[:8] in e.summary or WORDS[:8] in str(e.details) or WORDS[:8] in e.actor_name for e in written)
    assert all(len(e.summary) <= 500 and len(e.actor_name) <= 150 for e in written)
    report = audit_verify_report()
    assert [f"{p.chain} #{p.seq}: {p.reason}" for p in report.problems] == []
    audit_checkpoint_write()
    assert audit_verify_report().problems == []
