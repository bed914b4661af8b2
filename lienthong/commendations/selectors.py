"""Reads of the commendations app, permission-scoped through the ranking's authorities.

Who may look: the council (Sở TT&TT), the office (Văn phòng UBND tỉnh) and the approver (UBND tỉnh) —
the bodies that prepare and decide commendations — see every campaign's proposals; the CCHC index is
imported by the council or the office. Unit people see neither (the shared "no permission" page).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal

from django.db.models import QuerySet

from lienthong.agencies.models import Agency
from lienthong.assessment import selectors as assessment_selectors
from lienthong.assessment.models import AuthorityKind, Campaign, CampaignState, Result
from lienthong.core.errors import NotFound

from .models import ReformIndexScore
from .rules import CommendationRules, Verdict, describe, evaluate

RESULT_STATES = (CampaignState.APPROVED, CampaignState.PUBLISHED_RESULTS)


def may_import(*, user) -> bool:
    return assessment_selectors.user_has_authority(user=user, kinds=(AuthorityKind.COUNCIL, AuthorityKind.OFFICE))


def may_view_proposals(*, user) -> bool:
    return assessment_selectors.reads_all(user=user)


def ranked_agencies() -> QuerySet[Agency]:
    """Internal agencies that belong to a ranking group (the template's reference list)."""
    return Agency.objects.filter(is_external=False, group__isnull=False).order_by("group__order", "group__name",
                                                                                    "name")


def reform_scores(*, year: int | None = None) -> QuerySet[ReformIndexScore]:
    qs = ReformIndexScore.objects.select_related("agency", "imported_by").order_by("-year", "rank", "agency__name")
    return qs if year is None else qs.filter(year=year)


def reform_years() -> list[int]:
    return list(ReformIndexScore.objects.order_by("-year").values_list("year", flat=True).distinct())


def campaign_get(*, user, campaign_id: int) -> Campaign:
    campaign = assessment_selectors.campaigns_visible(user=user).filter(pk=campaign_id).first()
    if campaign is None:
        raise NotFound()
    return campaign


@dataclass
class ProposalRow:
    result: Result  # with campaign_unit.agency
    reform: ReformIndexScore | None
    verdict: Verdict

    @property
    def agency(self) -> Agency:
        return self.result.campaign_unit.agency


@dataclass
class GroupProposals:
    code: str
    name: str
    rows: list[ProposalRow] = field(default_factory=list)

    @property
    def proposed(self) -> list[ProposalRow]:
        return sorted((r for r in self.rows if r.verdict.proposed),
                      key=lambda r: (-(r.verdict.combined or Decimal(0)), r.result.rank or 0, r.agency.name))


@dataclass
class Proposals:
    campaign: Campaign
    rules: CommendationRules
    reform_year: int
    rule_lines: list[str]
    ready: bool  # results approved or published
    groups: list[GroupProposals]

    @property
    def proposed_count(self) -> int:
        return sum(len(g.proposed) for g in self.groups)


def proposals(*, user, campaign: Campaign, rules: CommendationRules) -> Proposals:
    """Every ranked unit of the campaign with its CCHC index and the rule's verdict, per group, in three
    queries whatever the number of units (results with agencies, CCHC rows, nothing else)."""
    cs = campaign.criteria_set.criteria_set()
    top_labels = [b.label for b in cs.bands[:max(rules.class_levels, 1)]]
    reform_year = rules.reform_year or campaign.year
    lines = describe(rules, top_labels=top_labels, reform_year=reform_year)
    ready = campaign.state in RESULT_STATES
    if not ready:
        return Proposals(campaign, rules, reform_year, lines, False, [])
    results = list(assessment_selectors.results_visible(user=user, campaign=campaign)
                   .select_related("campaign_unit__agency"))
    scores = {s.agency_id: s for s in ReformIndexScore.objects.filter(
        year=reform_year, agency_id__in=[r.campaign_unit.agency_id for r in results])}
    names = {g.code: g.name for g in cs.groups}
    groups: dict[str, GroupProposals] = {}
    for r in results:
        cu = r.campaign_unit
        reform = scores.get(cu.agency_id)
        verdict = evaluate(rules=rules, top_labels=top_labels, excluded=cu.excluded, rank=r.rank,
                           class_label=r.class_label, index=r.index, reform=reform.value if reform else None,
                           reform_year=reform_year)
        group = groups.setdefault(cu.group_code, GroupProposals(cu.group_code, names.get(cu.group_code, cu.group_code)))
        group.rows.append(ProposalRow(r, reform, verdict))
    order = [g.code for g in cs.groups]
    ordered = sorted(groups.values(), key=lambda g: order.index(g.code) if g.code in order else len(order))
    for g in ordered:
        g.rows.sort(key=lambda row: (row.result.rank is None, row.result.rank or 0, row.agency.name))
    return Proposals(campaign, rules, reform_year, lines, True, ordered)
