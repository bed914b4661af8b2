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

from lienthong.testing.builders import pdf_upload

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
    xa_a1 = sa(c18, "xa").values.get(criterion_code="A1")
    ids["value_2018_xa_A1"] = xa_a1.pk
    [evidence] = services.evidence_add(actor=u["clerk.xa"], criterion_value=xa_a1,
                                       uploads=[pdf_upload("minh-chung-xa.pdf", "Minh chung xa")])
    ids["evidence_2018_xa"] = evidence.pk


def snapshot_queries(rows, count) -> list[tuple[str, str]]:
    """The ranking's tables a refused request must leave untouched."""
    from lienthong.assessment.models import Adjustment, Campaign, CriterionValue, Evidence, Result, SelfAssessment

    return [
        ("campaigns", rows(Campaign, "id", "state")),
        ("self-assessments", rows(SelfAssessment, "id", "state", "updated_at")),
        ("criterion values", rows(CriterionValue, "id", "review_status", "updated_at")),
        ("evidence", count(Evidence)), ("adjustments", count(Adjustment)), ("results", count(Result)),
    ]


def build_more(p, ids: dict) -> None:
    """A procedure of the district in the public-service catalogue, and a built XLSX of the 2017 report."""
    from lienthong.assessment.models import Campaign
    from lienthong.publicservices import services as public_services
    from lienthong.reports import services as report_services

    u, a = p.users, p.agencies
    proc = public_services.procedure_save(actor=u["clerk.huyen"], agency_id=a["huyen"].pk, code="1.001234",
                                          name="Đăng ký khai sinh", online_level="4", today=dt.date(2018, 1, 10))
    public_services.procedure_month_save(actor=u["clerk.huyen"], procedure=proc, month=dt.date(2017, 12, 1),
                                         online_level="4", total=10, online=4, settled=10, on_time=9,
                                         today=dt.date(2018, 1, 10))
    ids["procedure_huyen"] = proc.pk
    build = report_services.report_build_request(actor=u["clerk.vp"], campaign=Campaign.objects.get(
        pk=ids["campaign_2017"]), fmt="xlsx")
    ids["report_build"] = build.pk


def web_cases(w, add, *, people, LOGGED_IN, HUYEN, XA) -> None:
    """The ranking's pages. ``add(route, label, method, kwargs, query, **case)`` as in the matrix."""
    from lienthong.testing.builders import pdf_upload

    d = w.ids
    council = people("clerk.vp")                    # council and office
    readers = people("clerk.vp", "leader.ubnd")    # council, office, approver: read everything
    units = {"huyen": HUYEN, "xa": XA}
    in_campaign = HUYEN | XA | readers

    add("assessment:campaigns", ok=LOGGED_IN)
    add("assessment:campaign_new", ok=council, refused=LOGGED_IN - council)
    add("assessment:campaign_new", "no unit chosen", "POST", data={"year": "2019", "name": "Thử"},
        ok=council, ok_status=200, changes="no", refused=LOGGED_IN - council)
    for year in ("2017", "2018"):
        add("assessment:campaign", year, kwargs={"campaign_id": d[f"campaign_{year}"]}, ok=in_campaign)
    add("assessment:results", "2017 (published)", kwargs={"campaign_id": d["campaign_2017"]}, ok=in_campaign)
    add("assessment:results", "2018 (not computed)", kwargs={"campaign_id": d["campaign_2018"]}, ok=readers,
        refused=HUYEN | XA)
    add("assessment:campaign_action", "2018 to review", "POST", {"campaign_id": d["campaign_2018"]},
        data={"action": "review"}, ok=council, ok_status=302, refused=in_campaign - council)
    add("assessment:adjust", "2017 district", kwargs={"campaign_id": d["campaign_2017"],
                                                     "unit_id": d["unit_2017_huyen"]},
        ok=council, refused=in_campaign - council)
    for key in ("huyen", "xa"):
        add("assessment:self_assessment", f"2018 {key}", kwargs={"sa_id": d[f"sa_2018_{key}"]},
            ok=units[key] | readers)
        add("assessment:review", f"2018 {key}", kwargs={"sa_id": d[f"sa_2018_{key}"]}, ok=council,
            refused=units[key] | readers - council)
    add("assessment:self_assessment", "2018 xa: save", "POST", {"sa_id": d["sa_2018_xa"]},
        data={"action": "save", "value-A2": "80"}, ok=XA, ok_status=302, refused=readers)
    # Sending is the unit's leader's, or its văn thư's on a leader's behalf; its specialist only fills in.
    signers_xa = people("clerk.xa", "leader.xa")
    add("assessment:self_assessment", "2018 xa: submit", "POST", {"sa_id": d["sa_2018_xa"]},
        data=lambda w, u: {"action": "submit", "on_behalf_of": str(w.users["leader.xa"].pk)},
        ok=signers_xa, ok_status=302, refused=XA - signers_xa | readers)
    add("assessment:evidence_upload", "2018 xa A1", "POST", {"sa_id": d["sa_2018_xa"],
                                                            "value_id": d["value_2018_xa_A1"]},
        data=lambda w, u: {"files": [pdf_upload("mc.pdf", "Minh chung")]}, ok=XA, ok_status=302, refused=readers)
    add("assessment:evidence_download", "2018 huyen", kwargs={"evidence_id": d["evidence_2018_huyen"]},
        ok=HUYEN | readers)
    # Taking an evidence file back: the unit's people while they may edit (the district has sent its own).
    add("assessment:evidence_delete", "2018 xa (draft)", "POST", {"evidence_id": d["evidence_2018_xa"]}, data={},
        ok=XA, ok_status=302, refused=readers)
    add("assessment:evidence_delete", "2018 huyen (sent)", "POST", {"evidence_id": d["evidence_2018_huyen"]},
        data={}, ok=HUYEN, ok_status=302, changes="no", refused=readers)
    signers_huyen = people("clerk.huyen", "leader.huyen")  # confirming a value sent back: as sending
    add("assessment:confirm_value", "2018 huyen A1 (not sent back)", "POST",
        {"sa_id": d["sa_2018_huyen"], "value_id": d["value_2018_huyen_A1"]}, data={},
        ok=signers_huyen, ok_status=302, changes="no", refused=HUYEN - signers_huyen | readers)

    c17 = {"campaign_id": d["campaign_2017"]}
    # The reports page (charts, province report builds) is the council's, the office's and the approver's;
    # a unit reads the published ranking and its own result sheet.
    add("reports:campaign", "2017", kwargs=c17, ok=readers, refused=HUYEN | XA)
    add("reports:build", "2017 xlsx", "POST", c17, data={"format": "xlsx"}, ok=readers, ok_status=302,
        changes="any", refused=HUYEN | XA)
    add("reports:chart", "2017", kwargs={**c17, "name": "chi-so-theo-nhom"}, ok=readers, refused=HUYEN | XA)
    add("reports:unit_sheet", "2017 huyen", kwargs={**c17, "agency_id": w.agencies["huyen"]}, ok=HUYEN | readers,
        refused=XA)
    add("reports:unit_sheet_pdf", "2017 huyen", kwargs={**c17, "agency_id": w.agencies["huyen"]},
        ok=HUYEN | readers, refused=XA)
    add("reports:build_status", "2017 xlsx", kwargs={"build_id": d["report_build"]}, ok=readers, refused=HUYEN | XA)
    add("reports:download", "2017 xlsx", kwargs={"build_id": d["report_build"]}, ok=readers, refused=HUYEN | XA)

    add("commendations:proposals", "2017", kwargs=c17, ok=readers, refused=LOGGED_IN - readers)
    add("commendations:proposals_xlsx", "2017", kwargs=c17, ok=readers, refused=LOGGED_IN - readers)
    add("commendations:reform_import", ok=council, refused=LOGGED_IN - council)
    add("commendations:reform_import", "empty upload", "POST", data={}, ok=council, ok_status=200, changes="no",
        refused=LOGGED_IN - council)
    add("commendations:reform_template", ok=council, refused=LOGGED_IN - council)

    writers = HUYEN | council | people("sysadmin")   # the agency's people, the office, the administrator
    add("publicservices:catalogue", ok=LOGGED_IN)
    add("publicservices:procedure_new", ok=LOGGED_IN)
    add("publicservices:procedure", "district", kwargs={"procedure_id": d["procedure_huyen"]}, ok=writers)
    add("publicservices:month_save", "district 01/2018", "POST", {"procedure_id": d["procedure_huyen"]},
        data={"month": "01/2018", "online_level": "4", "total": "5", "online": "2", "settled": "5", "on_time": "5"},
        ok=writers, ok_status=302, changes="any")
    add("publicservices:import", ok=LOGGED_IN)
    add("publicservices:template", ok=LOGGED_IN)

    overseers = people("clerk.vp", "sysadmin")
    add("oversight:export_pdf", ok=overseers, refused=LOGGED_IN - overseers)
    add("oversight:reminder_draft", "nothing chosen", "POST", data={}, ok=overseers, ok_status=302, changes="no",
        refused=LOGGED_IN - overseers)


def api_cases(w, add, *, people, LOGGED_IN, HUYEN, XA) -> None:
    d = w.ids
    readers = people("clerk.vp", "leader.ubnd")
    in_campaign = HUYEN | XA | readers
    add("GET /api/assessment/campaigns", ok=LOGGED_IN)
    for year in ("2017", "2018"):
        add("GET /api/assessment/campaigns/{campaign_id}", year,
            url=f"/api/assessment/campaigns/{d[f'campaign_{year}']}", ok=in_campaign)
    add("GET /api/assessment/campaigns/{campaign_id}/results", "2017",
        url=f"/api/assessment/campaigns/{d['campaign_2017']}/results", ok=in_campaign)
    add("GET /api/assessment/self-assessments/{sa_id}", "2018 huyen",
        url=f"/api/assessment/self-assessments/{d['sa_2018_huyen']}", ok=HUYEN | readers)
    add("PUT /api/assessment/self-assessments/{sa_id}/values", "2018 xa",
        url=f"/api/assessment/self-assessments/{d['sa_2018_xa']}/values", data={"values": {"A2": 0.7}},
        ok=XA, refused=readers)
    signers_xa = people("clerk.xa", "leader.xa")  # the leader, or the văn thư on a leader's behalf
    add("POST /api/assessment/self-assessments/{sa_id}/submit", "2018 xa",
        url=f"/api/assessment/self-assessments/{d['sa_2018_xa']}/submit",
        data=lambda w, u: {"on_behalf_of_id": w.users["leader.xa"].pk}, ok=signers_xa,
        refused=XA - signers_xa | readers)
    overseers = people("clerk.vp", "sysadmin")
    add("GET /api/usage-statistics", ok=overseers, refused=LOGGED_IN - overseers)
    add("GET /api/usage-statistics/{agency_id}/trend", "district",
        url=f"/api/usage-statistics/{w.agencies['huyen']}/trend", ok=overseers, refused=LOGGED_IN - overseers)
    add("GET /api/public-services/procedures", ok=LOGGED_IN)
    add("GET /api/public-services/procedures/{procedure_id}/months", "district",
        url=f"/api/public-services/procedures/{d['procedure_huyen']}/months", ok=HUYEN | people("clerk.vp", "sysadmin"))
    add("GET /api/public-services/indicators", ok=LOGGED_IN)
