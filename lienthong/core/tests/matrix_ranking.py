"""The ranking's part of the permission matrix: its scenario, its tables and its cases.

Who plays which part is data (``AssessmentAuthority``): in the matrix the Văn phòng (clerk.vp) is both the
council and the office, UBND tỉnh (leader.ubnd) approves. Two campaigns rank the district (ubnd_huyen)
and the commune (placed in the so_nganh group): 2017 went through the whole workflow and its results are
published; 2018 is open, the district has submitted its self-assessment and the commune is still writing.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path

from django.utils import timezone

from lienthong.core.testing import pdf_upload

MIC = (Path(__file__).parents[2] / "assessment" / "criteria_sets" / "mic-2017-default.yaml").read_text(
    encoding="utf-8")
BASE = {"A1": 1, "A2": 0.9, "A3": 2000, "A4": True, "A5": "dat_chuan", "B1": 0.9, "B2": 0.8, "B3": 0.7, "B4": 1,
        "B5": 3, "C1": 1, "C2": 4, "D1": 0.5, "D2": 0.2, "D3": 0.8, "D4": 0.2, "E1": True,
        "E2": "quy_che_va_cap_do", "E3": True, "E4": True, "F1": True, "F2": 1, "F3": 0.8}
DISTRICT = {**BASE, "G1": 1, "G2": 0.1, "G3": 1}
COMMUNE = {**BASE, "A1": 0.6, "B1": 0.4, "F1": False}

# Marker words in comments: a page that shows one to someone who may not read that self-assessment leaks it.
M_SA_HUYEN_2018 = "QQSAHUYEN"       # the district's 2018 self-assessment (submitted; results not published)
M_SA_XA_2018 = "QQSAXA"             # the commune's 2018 self-assessment (still a draft)


def build(p, ids: dict) -> None:
    from lienthong.assessment import services
    from lienthong.assessment.models import AssessmentAuthority, AuthorityKind, SelfAssessment

    u, a = p.users, p.agencies
    AssessmentAuthority.objects.create(agency=a["vp"], kind=AuthorityKind.COUNCIL)
    AssessmentAuthority.objects.create(agency=a["ubnd"], kind=AuthorityKind.APPROVER)
    council = u["clerk.vp"]
    version = services.criteria_set_import(yaml_text=MIC, actor=council)
    ids["criteria_set"] = version.pk
    units = [services.UnitInput(a["huyen"].pk, "ubnd_huyen"), services.UnitInput(a["xa"].pk, "so_nganh")]

    def sa(campaign, key):
        return SelfAssessment.objects.get(campaign_unit__campaign=campaign, campaign_unit__agency=a[key])

    # 2017: the whole workflow, results published.
    c17 = services.campaign_create(actor=council, year=2017, criteria_set=version, units=units)
    c17 = services.campaign_publish(actor=council, campaign=c17, today=dt.date(2018, 1, 15))
    for key, values in (("huyen", DISTRICT), ("xa", COMMUNE)):
        services.self_assessment_save(actor=u[f"clerk.{key}"], self_assessment=sa(c17, key), values=values)
        services.self_assessment_submit(actor=u[f"leader.{key}"], self_assessment=sa(c17, key),
                                        today=dt.date(2018, 1, 16))
    services.campaign_advance(actor=council, campaign=c17, to="review")
    for key in ("huyen", "xa"):
        services.self_assessment_confirm(actor=council, self_assessment=sa(c17, key))
    services.campaign_advance(actor=council, campaign=c17, to="council")
    services.campaign_compute_results(actor=council, campaign=c17)
    services.campaign_approve(actor=u["leader.ubnd"], campaign=c17, decision="Quyết định số 1/QĐ-UBND")
    services.campaign_publish_results(actor=council, campaign=c17)
    ids["campaign_2017"] = c17.pk
    ids["unit_2017_huyen"] = c17.units.get(agency=a["huyen"]).pk
    ids["sa_2017_huyen"] = sa(c17, "huyen").pk

    # 2018: open; the district submitted (with evidence), the commune is writing.
    c18 = services.campaign_create(actor=council, year=2018, criteria_set=version, units=units)
    c18 = services.campaign_publish(actor=council, campaign=c18, today=timezone.localdate())
    ids["campaign_2018"] = c18.pk
    for key in ("huyen", "xa"):
        ids[f"unit_2018_{key}"] = c18.units.get(agency=a[key]).pk
        ids[f"sa_2018_{key}"] = sa(c18, key).pk
    services.self_assessment_save(actor=u["clerk.huyen"], self_assessment=sa(c18, "huyen"), values=DISTRICT,
                                  comments={"A1": f"Giải trình {M_SA_HUYEN_2018}"})
    cv = sa(c18, "huyen").values.get(criterion_code="A1")
    ids["value_2018_huyen_A1"] = cv.pk
    [evidence] = services.evidence_add(actor=u["clerk.huyen"], criterion_value=cv,
                                       uploads=[pdf_upload("minh-chung.pdf", "Minh chung")])
    ids["evidence_2018_huyen"] = evidence.pk
    services.self_assessment_submit(actor=u["leader.huyen"], self_assessment=sa(c18, "huyen"))
    services.self_assessment_save(actor=u["clerk.xa"], self_assessment=sa(c18, "xa"), values={"A1": 0.5},
                                  comments={"A1": f"Giải trình {M_SA_XA_2018}"})
    ids["value_2018_xa_A1"] = sa(c18, "xa").values.get(criterion_code="A1").pk


def snapshot_queries(rows, count) -> list[tuple[str, str]]:
    """The ranking's tables a refused request must leave untouched."""
    from lienthong.assessment.models import Adjustment, Campaign, CriterionValue, Evidence, Result, SelfAssessment

    return [
        ("campaigns", rows(Campaign, "id", "state")),
        ("self-assessments", rows(SelfAssessment, "id", "state", "updated_at")),
        ("criterion values", rows(CriterionValue, "id", "review_status", "updated_at")),
        ("evidence", count(Evidence)), ("adjustments", count(Adjustment)), ("results", count(Result)),
    ]
