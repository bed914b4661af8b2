"""A campaign with computed results on the test province, built through the real services (the pattern of
assessment/tests/test_workflow.py): VP and Sở TT&TT in "so_nganh" (the Sở weak in human resources and
security), the district in "ubnd_huyen", a Cục Thống kê ranked separately in "nganh_doc", and the commune
evaluated but excluded with a reason."""

from __future__ import annotations

import pytest

from lienthong.accounts.models import Role
from lienthong.accounts.services import user_create
from lienthong.assessment import services
from lienthong.assessment.models import AssessmentAuthority, AuthorityKind, CampaignState, SelfAssessment
from lienthong.assessment.tests.test_workflow import GOOD, MIC, PUBLISHED_ON, WEAK
from lienthong.testing.builders import PASSWORD, make_agency

WEAKER = {**WEAK, "F2": 0, "F3": 0.1, "A2": 0.2}
SEPARATE = "Cơ quan ngành dọc, hạ tầng CNTT do Tổng cục Thống kê đầu tư"
EXCLUDED = "Cấp xã chưa thuộc phạm vi đánh giá năm 2017"


def _sa(campaign, agency) -> SelfAssessment:
    return SelfAssessment.objects.get(campaign_unit__campaign=campaign, campaign_unit__agency=agency)


@pytest.fixture
def computed(province):
    """(province, council, campaign) in the council step with results computed (not approved)."""
    p = province
    a, u = p.agencies, p.users
    a["thongke"] = make_agency("Cục Thống kê tỉnh Hậu Giang", "CTK", a["ubnd"].level, code="000.00.90.H30",
                               short_name="Cục Thống kê")
    u["specialist.thongke"] = user_create(username="specialist.thongke", password=PASSWORD,
                                          full_name="Chuyên viên Cục Thống kê",
                                          positions=[(a["thongke"], Role.SPECIALIST, "")])
    u["leader.thongke"] = user_create(username="leader.thongke", password=PASSWORD,  # sends its self-assessment
                                      full_name="Lãnh đạo Cục Thống kê", positions=[(a["thongke"], Role.LEADER, "")])
    AssessmentAuthority.objects.create(agency=a["stttt"], kind=AuthorityKind.COUNCIL)
    AssessmentAuthority.objects.create(agency=a["ubnd"], kind=AuthorityKind.APPROVER)
    AssessmentAuthority.objects.create(agency=a["vp"], kind=AuthorityKind.OFFICE)
    council = u["specialist.stttt"]
    version = services.criteria_set_import(yaml_text=MIC, actor=council)
    campaign = services.campaign_create(actor=council, year=2017, criteria_set=version, units=[
        services.UnitInput(a["vp"].pk, "so_nganh"),
        services.UnitInput(a["stttt"].pk, "so_nganh"),
        services.UnitInput(a["huyen"].pk, "ubnd_huyen"),
        services.UnitInput(a["thongke"].pk, "nganh_doc", separate_reason=SEPARATE),
        services.UnitInput(a["xa"].pk, "ubnd_huyen", excluded=True, excluded_reason=EXCLUDED),
    ])
    campaign = services.campaign_publish(actor=council, campaign=campaign, today=PUBLISHED_ON)
    for agency, values in (("vp", GOOD), ("stttt", WEAKER), ("huyen", {**GOOD, "G1": 1, "G2": 0.1, "G3": 1}),
                           ("xa", WEAK), ("thongke", {**GOOD, "D1": 0, "D2": 0, "D3": 0, "D4": 0})):
        sa = _sa(campaign, a[agency])
        services.self_assessment_save(actor=u[f"specialist.{agency}"], self_assessment=sa, values=values)
        services.self_assessment_submit(actor=u[f"leader.{agency}"], self_assessment=sa, today=PUBLISHED_ON)
    for to in (CampaignState.REVIEW, CampaignState.COUNCIL):
        services.campaign_advance(actor=council, campaign=campaign, to=to)
    services.campaign_compute_results(actor=council, campaign=campaign)
    campaign.refresh_from_db()
    return p, council, campaign


@pytest.fixture
def published(computed):
    p, council, campaign = computed
    services.campaign_approve(actor=p.users["leader.ubnd"], campaign=campaign,
                              decision="Quyết định số 321/QĐ-UBND ngày 20/3/2018")
    services.campaign_publish_results(actor=council, campaign=campaign)
    campaign.refresh_from_db()
    return p, council, campaign
