"""The ranking campaign workflow end to end on the test province, and the bad input it must refuse."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from lienthong.assessment import engine, selectors, services
from lienthong.assessment.criteria.loading import AT
from lienthong.assessment.models import (
    Adjustment,
    CampaignState,
    CriteriaSetVersion,
    CriterionValue,
    Evidence,
    Result,
    SelfAssessment,
)
from lienthong.assessment.services import campaigns, criteria_sets, self_assessments
from lienthong.assessment.services.results import ADJUST_REASON_REQUIRED
from lienthong.audit.models import AuditEntry
from lienthong.core.errors import DomainError, PermissionDenied, ValidationFailed
from lienthong.documents.models import StoredFile
from lienthong.testing.builders import pdf_upload

MIC = (Path(__file__).parents[1] / "criteria_sets" / "mic-2017-default.yaml").read_text(encoding="utf-8")
PUBLISHED_ON = dt.date(2018, 3, 1)

# Full values of the "so_nganh" group (criteria A–F), a good unit and a weaker one.
GOOD = {"A1": 1, "A2": 0.9, "A3": 2000, "A4": True, "A5": "dat_chuan", "B1": 0.9, "B2": 0.8, "B3": 0.7, "B4": 1,
        "B5": 3, "C1": 1, "C2": 4, "D1": 0.5, "D2": 0.2, "D3": 0.8, "D4": 0.2, "E1": True, "E2": "quy_che_va_cap_do",
        "E3": True, "E4": True, "F1": True, "F2": 1, "F3": 0.8}
WEAK = {**GOOD, "A1": 0.5, "A3": 1000, "B1": 0.3, "E2": "khong", "F1": False}


def _sa(campaign, agency) -> SelfAssessment:
    return SelfAssessment.objects.get(campaign_unit__campaign=campaign, campaign_unit__agency=agency)


def _published(ranking):
    p, council, version, campaign = ranking
    return services.campaign_publish(actor=council, campaign=campaign, today=PUBLISHED_ON)


def test_campaign_end_to_end(ranking):
    p, council, version, campaign = ranking
    a, u = p.agencies, p.users
    campaign = _published(ranking)
    assert campaign.state == CampaignState.SELF_ASSESSMENT
    assert campaign.deadline > PUBLISHED_ON + dt.timedelta(days=15)  # 15 working days, weekends skipped
    assert campaign.deadline.weekday() < 5

    # automatic indicators are filled beside the self-reported values; the measured value wins at scoring
    measured = {"e_doc_share": 0.95}
    services.criterion_values_autofill(campaign=campaign, indicator=lambda agency, key, year: measured.get(key))
    vp_sa = _sa(campaign, a["vp"])
    assert vp_sa.values.get(criterion_code="B1").auto_value == 0.95

    for agency, values in (("vp", GOOD), ("stttt", WEAK)):
        sa = _sa(campaign, a[agency])
        services.self_assessment_save(actor=u[f"specialist.{agency}"], self_assessment=sa, values=values,
                                      comments={"A1": "Theo danh sách tài sản 31/12/2017"})
        services.self_assessment_submit(actor=u[f"leader.{agency}"], self_assessment=sa, today=PUBLISHED_ON)
    huyen_sa = _sa(campaign, a["huyen"])
    services.self_assessment_save(actor=u["clerk.huyen"], self_assessment=huyen_sa,
                                  values={**GOOD, "G1": 1, "G2": 0.1, "G3": 1})
    services.self_assessment_submit(actor=u["leader.huyen"], self_assessment=huyen_sa, today=PUBLISHED_ON)

    services.campaign_advance(actor=council, campaign=campaign, to=CampaignState.REVIEW)
    # the Department sends one value back; the unit corrects it and confirms
    cv = vp_sa.values.get(criterion_code="A1")
    services.review_send_back(actor=council, criterion_value=cv, note="Đề nghị gửi danh sách máy tính kèm theo.")
    vp_sa.refresh_from_db()
    assert vp_sa.state == "sent_back"
    with pytest.raises(DomainError):  # cannot close the review while a value waits for the unit
        services.self_assessment_confirm(actor=council, self_assessment=vp_sa)
    services.criterion_confirm(actor=u["leader.vp"], criterion_value=cv, value=0.95,
                               comment="Đã bổ sung danh sách.")
    vp_sa.refresh_from_db()
    assert vp_sa.state == "submitted"
    for sa in SelfAssessment.objects.filter(campaign_unit__campaign=campaign):
        services.self_assessment_confirm(actor=council, self_assessment=sa)
    cv.refresh_from_db()
    assert cv.review_status == "confirmed" and cv.value == 0.95
    assert vp_sa.values.get(criterion_code="A2").review_status == "ok"

    services.campaign_advance(actor=council, campaign=campaign, to=CampaignState.COUNCIL)
    stttt_cu = campaign.units.get(agency=a["stttt"])
    adj = services.council_adjust(actor=council, campaign_unit=stttt_cu, criterion_code="E2", new_points=2,
                                  reason="Có quy chế ATTT ban hành tháng 12/2017 (bổ sung tại phiên họp).")
    assert (adj.old_points, adj.new_points) == (0, 2)
    assert AuditEntry.objects.filter(object_type="campaign_unit", object_id=str(stttt_cu.pk),
                                     summary__contains="Lý do: Có quy chế ATTT").exists()

    services.campaign_compute_results(actor=council, campaign=campaign)
    results = {r.campaign_unit.agency_id: r for r in Result.objects.select_related("campaign_unit")}
    vp, st, hu = results[a["vp"].pk], results[a["stttt"].pk], results[a["huyen"].pk]
    assert vp.criteria["B1"]["points"] == pytest.approx(9.5)  # measured 0.95 × 10, not the reported 0.9
    assert vp.criteria["A1"]["points"] == pytest.approx(0.95 * 4)  # the confirmed value
    assert st.criteria["E2"]["points"] == 2  # the council's adjustment
    assert (vp.rank, st.rank, hu.rank) == (1, 2, 1)  # huyện ranked in its own group
    assert vp.total > st.total and vp.class_label and set(vp.categories) == {"A", "B", "C", "D", "E", "F"}
    assert "G" in hu.categories and hu.max_points == 110

    # units see nothing of the results before approval; the approver approves
    assert not selectors.results_visible(user=u["leader.huyen"], campaign=campaign).exists()
    with pytest.raises(PermissionDenied):
        services.campaign_approve(actor=council, campaign=campaign)
    approval = services.campaign_approve(actor=u["leader.ubnd"], campaign=campaign,
                                         decision="Quyết định số 321/QĐ-UBND ngày 20/3/2018")
    assert approval.campaign.state == CampaignState.APPROVED
    assert list(selectors.results_visible(user=u["leader.huyen"], campaign=campaign)) == [hu]
    services.campaign_publish_results(actor=council, campaign=campaign)
    assert selectors.results_visible(user=u["leader.huyen"], campaign=campaign).count() == 3
    # after publication a unit may read the others' self-assessments
    assert selectors.self_assessments_visible(user=u["leader.huyen"], campaign=campaign).count() == 3


def test_next_year_shows_the_change(ranking):
    p, council, version, campaign = ranking
    a, u = p.agencies, p.users
    Result.objects.all().delete()
    campaign = _published(ranking)
    services.self_assessment_save(actor=u["clerk.vp"], self_assessment=_sa(campaign, a["vp"]), values=WEAK)
    for to in (CampaignState.REVIEW, CampaignState.COUNCIL):
        services.campaign_advance(actor=council, campaign=campaign, to=to)
    services.campaign_compute_results(actor=council, campaign=campaign)
    services.campaign_approve(actor=u["leader.ubnd"], campaign=campaign)
    nxt = services.campaign_create(actor=council, year=2018, criteria_set=version,
                                   units=[services.UnitInput(a["vp"].pk, "so_nganh")])
    nxt = services.campaign_publish(actor=council, campaign=nxt, today=dt.date(2019, 3, 1))
    services.self_assessment_save(actor=u["clerk.vp"], self_assessment=_sa(nxt, a["vp"]), values=GOOD)
    for to in (CampaignState.REVIEW, CampaignState.COUNCIL):
        services.campaign_advance(actor=council, campaign=nxt, to=to)
    [r] = services.campaign_compute_results(actor=council, campaign=nxt)
    last = Result.objects.get(campaign_unit__campaign=campaign, campaign_unit__agency=a["vp"])
    assert r.previous_index == pytest.approx(last.index)
    assert r.change_index == pytest.approx(r.index - last.index) and r.change_index > 0


def test_adjustment_without_reason_is_refused(ranking):
    p, council, version, campaign = ranking
    campaign = _published(ranking)
    for to in (CampaignState.REVIEW, CampaignState.COUNCIL):
        services.campaign_advance(actor=council, campaign=campaign, to=to)
    cu = campaign.units.get(agency=p.agencies["vp"])
    with pytest.raises(ValidationFailed) as exc:
        services.council_adjust(actor=council, campaign_unit=cu, criterion_code="A1", new_points=3, reason="   ")
    assert exc.value.errors["reason"] == [str(ADJUST_REASON_REQUIRED)]
    with pytest.raises(ValidationFailed) as exc:
        services.council_adjust(actor=council, campaign_unit=cu, criterion_code="A1", new_points=9, reason="x")
    assert "new_points" in exc.value.errors
    with pytest.raises(PermissionDenied):
        services.council_adjust(actor=p.users["leader.vp"], campaign_unit=cu, criterion_code="A1", new_points=3,
                                reason="Tự sửa điểm")
    assert not Adjustment.objects.exists()


def test_submission_after_deadline_needs_a_reopening(ranking):
    p, council, version, campaign = ranking
    a, u = p.agencies, p.users
    campaign = _published(ranking)
    sa = _sa(campaign, a["vp"])
    late = campaign.deadline + dt.timedelta(days=1)
    with pytest.raises(DomainError) as exc:
        services.self_assessment_submit(actor=u["leader.vp"], self_assessment=sa, today=late)
    assert str(exc.value) == self_assessments.PAST_DEADLINE % {"d": f"{campaign.deadline:%d/%m/%Y}"}
    sa.refresh_from_db()
    assert sa.state == "draft" and sa.submitted_at is None

    with pytest.raises(PermissionDenied):  # a unit cannot reopen itself
        services.self_assessment_reopen(actor=u["leader.vp"], self_assessment=sa, reason="Xin gia hạn")
    with pytest.raises(ValidationFailed):
        services.self_assessment_reopen(actor=council, self_assessment=sa, reason="")
    services.self_assessment_reopen(actor=council, self_assessment=sa, reason="Đơn vị có công văn xin gia hạn 3 ngày.")
    services.self_assessment_save(actor=u["specialist.vp"], self_assessment=sa, values={"A1": 0.8})
    services.self_assessment_submit(actor=u["leader.vp"], self_assessment=sa, today=late)
    sa.refresh_from_db()
    assert sa.state == "submitted" and sa.reopened_by == council
    logged = AuditEntry.objects.filter(object_type="self_assessment", object_id=str(sa.pk))
    assert logged.filter(summary__contains="Đơn vị có công văn xin gia hạn").exists()
    assert logged.filter(details__late=True).exists()


def test_bad_values_are_refused_and_nothing_saved(ranking):
    p, council, version, campaign = ranking
    campaign = _published(ranking)
    sa = _sa(campaign, p.agencies["vp"])
    with pytest.raises(ValidationFailed) as exc:
        services.self_assessment_save(actor=p.users["clerk.vp"], self_assessment=sa,
                                      values={"A1": 0.5, "A2": 1.4, "B5": -1, "G1": 1})
    assert set(exc.value.errors) == {"A2", "B5", "G1"}  # G1 applies to districts only
    assert exc.value.errors["A2"] == [engine.RATIO_OUTSIDE % {"v": "1,4"}]
    assert sa.values.get(criterion_code="A1").value is None
    with pytest.raises(PermissionDenied):  # another unit cannot write it
        services.self_assessment_save(actor=p.users["clerk.huyen"], self_assessment=sa, values={"A1": 1})


def test_evidence_of_a_refused_type_leaves_nothing(ranking):
    p, council, version, campaign = ranking
    campaign = _published(ranking)
    cv = _sa(campaign, p.agencies["vp"]).values.get(criterion_code="A1")
    media_before = {f for f in Path(_media()).rglob("*") if f.is_file()}
    exe = SimpleUploadedFile("danh-sach.exe", b"MZ\x90\x00" + b"\x00" * 200, content_type="application/octet-stream")
    with pytest.raises(ValidationFailed) as exc:
        services.evidence_add(actor=p.users["specialist.vp"], criterion_value=cv, uploads=[pdf_upload(), exe])
    assert "danh-sach.exe" in exc.value.errors["files"][0]
    assert not Evidence.objects.exists() and not StoredFile.objects.exists()
    assert {f for f in Path(_media()).rglob("*") if f.is_file()} == media_before
    rows = services.evidence_add(actor=p.users["specialist.vp"], criterion_value=cv,
                                 uploads=[pdf_upload("danh-sach-may-tinh.pdf")])
    assert [e.filename for e in rows] == ["danh-sach-may-tinh.pdf"] and StoredFile.objects.count() == 1


def _media():
    from django.conf import settings

    Path(settings.MEDIA_ROOT).mkdir(parents=True, exist_ok=True)
    return settings.MEDIA_ROOT


def test_a_frozen_criteria_set_cannot_be_edited(ranking):
    p, council, version, campaign = ranking
    version.refresh_from_db()
    assert version.frozen
    edited = MIC.replace('name: "Bộ tiêu chí đánh giá', 'name: "Bộ tiêu chí (sửa) đánh giá', 1)
    with pytest.raises(DomainError) as exc:
        services.criteria_set_import(yaml_text=edited, actor=council)
    assert str(exc.value) == criteria_sets.FROZEN % {"code": "mic-2017-default", "v": 1}
    with pytest.raises(DomainError):
        services.criteria_set_update(version=version, yaml_text=edited, actor=council)
    assert CriteriaSetVersion.objects.get(pk=version.pk).yaml_text == MIC
    # a new version is accepted
    v2 = services.criteria_set_import(yaml_text=edited.replace("  version: 1", "  version: 2", 1), actor=council)
    assert (v2.version, v2.frozen) == (2, False)


def test_criteria_set_errors_name_line_and_field(ranking):
    p, council, version, campaign = ranking
    bad = MIC.replace("rule: ratio_to_best", "rule: ratio_best", 1)
    with pytest.raises(ValidationFailed) as exc:
        services.criteria_set_import(yaml_text=bad.replace("  version: 1", "  version: 3", 1), actor=council)
    assert any(m.startswith(AT % {"line": 41, "field": "rule", "msg": ""}) for m in exc.value.errors["yaml_text"])
    assert not CriteriaSetVersion.objects.filter(version=3).exists()
    with pytest.raises(PermissionDenied):
        services.criteria_set_import(yaml_text=MIC, actor=p.users["leader.huyen"])


def test_a_unit_sees_only_its_own_self_assessment_before_publication(ranking):
    p, council, version, campaign = ranking
    a, u = p.agencies, p.users
    campaign = _published(ranking)
    vp_sa, huyen_sa = _sa(campaign, a["vp"]), _sa(campaign, a["huyen"])
    assert list(selectors.self_assessments_visible(user=u["leader.huyen"])) == [huyen_sa]
    with pytest.raises(DomainError):  # NotFound: the same answer as for a missing one
        selectors.self_assessment_get(user=u["leader.huyen"], pk=vp_sa.pk)
    assert selectors.self_assessments_visible(user=council).count() == 3
    assert selectors.self_assessments_visible(user=u["clerk.vp"]).count() == 3  # the Provincial Office oversees
    assert selectors.self_assessments_visible(user=u["clerk.xa"]).count() == 0
    assert not selectors.campaigns_visible(user=u["clerk.xa"]).exists()
    assert CriterionValue.objects.filter(self_assessment=huyen_sa, criterion_code="G1").exists()
    assert not CriterionValue.objects.filter(self_assessment=vp_sa, criterion_code="G1").exists()


def test_excluded_and_separately_ranked_units(ranking):
    from lienthong.testing.builders import make_agency

    p, council, version, campaign = ranking
    a = p.agencies
    with pytest.raises(ValidationFailed) as exc:
        services.campaign_create(actor=council, year=2017, criteria_set=version,
                                 units=[services.UnitInput(a["vp"].pk, "so_nganh", excluded=True)])
    assert exc.value.errors["units"] == [str(campaigns.EXCLUDED_NEEDS_REASON)]
    thongke = make_agency("Cục Thống kê tỉnh Hậu Giang", "CTK", a["ubnd"].level, parent=a["ubnd"])
    c = services.campaign_create(actor=council, year=2017, criteria_set=version, units=[
        services.UnitInput(a["vp"].pk, "so_nganh"),
        services.UnitInput(a["stttt"].pk, "so_nganh", excluded=True, excluded_reason="Cơ quan chủ trì đánh giá"),
        services.UnitInput(thongke.pk, "nganh_doc", separate_reason="Cơ quan ngành dọc, xếp hạng riêng"),
    ])
    c = services.campaign_publish(actor=council, campaign=c, today=PUBLISHED_ON)
    for to in (CampaignState.REVIEW, CampaignState.COUNCIL):
        services.campaign_advance(actor=council, campaign=c, to=to)
    services.campaign_compute_results(actor=council, campaign=c)
    res = {r.campaign_unit.agency_id: r for r in Result.objects.filter(campaign_unit__campaign=c)
           .select_related("campaign_unit")}
    assert res[a["stttt"].pk].rank is None and res[a["stttt"].pk].campaign_unit.excluded_reason
    assert res[a["vp"].pk].rank == 1 and res[thongke.pk].rank == 1
    assert res[thongke.pk].campaign_unit.separate_group


def test_units_are_told_of_publication_send_back_and_reopening(ranking):
    from lienthong.notifications.models import Notification

    p, council, version, campaign = ranking
    a, u = p.agencies, p.users

    def titles(user):
        return list(Notification.objects.filter(user=u[user]).order_by("pk").values_list("title", flat=True))

    campaign = _published(ranking)
    assert titles("leader.vp")[-1] == campaigns.PUBLISHED_TITLE % {"d": f"{campaign.deadline:%d/%m/%Y}"}
    assert titles("clerk.huyen") and not titles("specialist.vp")  # leaders and văn thư of each unit

    sa = _sa(campaign, a["vp"])
    services.self_assessment_save(actor=u["clerk.vp"], self_assessment=sa, values=GOOD)
    services.self_assessment_submit(actor=u["leader.vp"], self_assessment=sa, today=PUBLISHED_ON)
    services.campaign_advance(actor=council, campaign=campaign, to=CampaignState.REVIEW)
    for code in ("A1", "A2"):  # two values sent back in one review: one notice
        services.review_send_back(actor=council, criterion_value=sa.values.get(criterion_code=code), note="Bổ sung")
    sent_back = [t for t in titles("clerk.vp") if t == str(self_assessments.SENT_BACK_TITLE)]
    assert len(sent_back) == 1
    assert str(self_assessments.SENT_BACK_TITLE) not in titles("clerk.huyen")

    services.self_assessment_reopen(actor=council, self_assessment=_sa(campaign, a["huyen"]),
                                    reason="Đơn vị xin gửi muộn vì mất điện")
    assert titles("leader.huyen")[-1] == str(self_assessments.REOPENED_TITLE)
    body = Notification.objects.filter(user=u["leader.huyen"]).latest("pk").body
    assert "mất điện" in body
