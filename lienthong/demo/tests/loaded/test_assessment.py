"""The demo's ranking campaigns: a completed 2017 campaign and an open 2018 one, built by ``load_demo``
through the workflow services, and not built twice."""

from __future__ import annotations

import datetime as dt
import io

import pytest
from django.core.management import call_command
from django.utils import timezone

from lienthong.accounts.models import User
from lienthong.assessment import selectors
from lienthong.assessment.models import (
    Adjustment,
    Approval,
    Campaign,
    CampaignState,
    CriterionValue,
    ReviewStatus,
    SelfAssessment,
    SelfAssessmentState,
)
from lienthong.audit.models import AuditEntry
from lienthong.demo.assessment import DEMO_COMMENT, NAMES, ensure_demo_campaigns

pytestmark = [pytest.mark.django_db, pytest.mark.slow_once]


def test_load_demo_builds_a_completed_2017_campaign_and_an_open_2018_one_once():
    demo = {u.username: u for u in User.objects.filter(username__in=[
        "lanhdao.ubndtinh", "lanhdao.syt", "lanhdao.vithuy", "lanhdao.vpubnd"])}
    _completed_2017(demo)
    _open_2018(demo)
    _not_twice()


def _completed_2017(demo):
    c = Campaign.objects.get(year=2017)
    assert c.name == NAMES[2017] and "(dữ liệu minh họa)" in c.name
    assert c.state == CampaignState.PUBLISHED_RESULTS
    assert c.published_on == dt.date(2018, 1, 15) and c.criteria_set.code == "mic-2017-default"
    units = {cu.agency.short_name: cu for cu in c.units.select_related("agency")}
    # 20 provincial bodies, the 8 districts and Cục Thống kê, ranked in its own group with the reason
    assert len(units) == 29
    assert sum(cu.group_code == "so_nganh" for cu in units.values()) == 20
    assert sum(cu.group_code == "ubnd_huyen" for cu in units.values()) == 8
    ctk = units["Cục Thống kê"]
    assert ctk.group_code == "nganh_doc" and "ngành dọc" in ctk.separate_reason
    assert units["Đài PT-TH Hậu Giang"].not_applicable == ["D1", "D2", "D3", "D4"]

    assert set(SelfAssessment.objects.filter(campaign_unit__campaign=c).values_list("state", flat=True)) == {
        SelfAssessmentState.CONFIRMED}
    values = CriterionValue.objects.filter(self_assessment__campaign_unit__campaign=c)
    # every applicable criterion has a value (the broadcaster has no procedures: category D is not applicable)
    assert list(values.filter(value__isnull=True).values_list("self_assessment__campaign_unit__agency__short_name",
                                                              "criterion_code")) == [
        ("Đài PT-TH Hậu Giang", code) for code in ("D1", "D2", "D3", "D4")]
    assert values.filter(comment__contains=DEMO_COMMENT).count() == values.exclude(value__isnull=True).count()
    # the review: one value sent back to Sở Y tế and confirmed (corrected) by the unit
    [sent_back] = values.filter(review_status=ReviewStatus.CONFIRMED)
    assert sent_back.self_assessment.campaign_unit.agency.short_name == "Sở Y tế"
    assert sent_back.review_note and sent_back.value == 0.86
    # the council's adjustment, with its reason, in the audit trail
    [adj] = Adjustment.objects.filter(campaign_unit__campaign=c)
    assert adj.campaign_unit.agency.short_name == "Sở Xây dựng" and adj.new_points == 2 and "Quy chế" in adj.reason
    assert AuditEntry.objects.filter(object_type="campaign_unit", summary__contains="Lý do: Sở Xây dựng có").exists()
    approval = Approval.objects.get(campaign=c)
    assert approval.approved_by == demo["lanhdao.ubndtinh"] and "QĐ-UBND" in approval.decision
    assert "(minh họa)" in approval.decision and approval.approved_at.date() == dt.date(2018, 3, 2)

    # what a unit sees once the results are published: every unit's result, ranked within its group
    results = list(selectors.results_visible(user=demo["lanhdao.syt"], campaign=c))
    assert len(results) == 29
    by_group: dict[str, list] = {}
    for r in results:
        by_group.setdefault(r.campaign_unit.group_code, []).append(r)
    assert [r.rank for r in by_group["nganh_doc"]] == [1]
    for rows in by_group.values():
        assert rows[0].rank == 1 and all(a.total >= b.total for a, b in zip(rows, rows[1:], strict=False))
    labels = {r.class_label for r in results}
    assert "Xuất sắc" in labels and "Yếu" in labels and len(labels) >= 4
    huyen = by_group["ubnd_huyen"][0]
    assert huyen.max_points == 110 and "G" in huyen.categories


def _open_2018(demo):
    c = Campaign.objects.get(year=2018)
    today = timezone.localdate()
    assert c.name == NAMES[2018] and c.state == CampaignState.SELF_ASSESSMENT
    assert c.published_on < today < c.deadline  # the reminders have something to remind of
    states = list(SelfAssessment.objects.filter(campaign_unit__campaign=c).values_list("state", flat=True))
    assert len(states) == 29
    assert 5 <= states.count(SelfAssessmentState.SUBMITTED) <= 15
    drafting = SelfAssessment.objects.filter(campaign_unit__campaign=c, state=SelfAssessmentState.DRAFT)
    started = drafting.filter(values__value__isnull=False).distinct().count()
    assert started and drafting.count() - started  # some drafting, some not started
    # a unit sees its own self-assessment of the open campaign, not the others'
    own = selectors.self_assessments_visible(user=demo["lanhdao.vithuy"], campaign=c)
    assert [sa.campaign_unit.agency.short_name for sa in own] == ["UBND huyện Vị Thủy"]
    # last year's results are there for the change column
    assert len(selectors.previous_results(campaign=c)) == 29
    assert selectors.campaigns_visible(user=demo["lanhdao.vpubnd"]).count() == 2
    # the 2017 CCHC index is there, so the commendation page proposes the best units
    from lienthong.commendations.rules import default_rules
    from lienthong.commendations.selectors import proposals

    c2017 = Campaign.objects.get(year=2017)
    shown = proposals(user=User.objects.get(username="chuyenvien.stttt"), campaign=c2017, rules=default_rules())
    assert shown.proposed_count >= 1


def _not_twice():
    counts = (Campaign.objects.count(), CriterionValue.objects.count(), AuditEntry.objects.count())
    assert ensure_demo_campaigns() == []
    call_command("load_demo", "--scale", "0", "--fast-pdfs", stdout=io.StringIO())
    assert (Campaign.objects.count(), CriterionValue.objects.count(), AuditEntry.objects.count()) == counts
