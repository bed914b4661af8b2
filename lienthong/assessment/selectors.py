"""Reads of the ranking, permission-scoped in SQL.

Who plays which part is data (``AssessmentAuthority`` rows: agency + kind), never a hard-wired agency
code: ``council`` (Sở TT&TT) runs campaigns and sees everything; ``approver`` (UBND tỉnh) and ``office``
(Văn phòng UBND tỉnh) read everything; a unit sees only its own self-assessment until the results are
published, and then the self-assessments of the other units of that campaign as well.
"""

from __future__ import annotations

from typing import NamedTuple

from django.db.models import Count, IntegerField, OuterRef, Prefetch, Q, QuerySet, Subquery
from django.db.models.functions import Coalesce

from lienthong.accounts.models import Position, Role
from lienthong.accounts.selectors import active_positions, agency_ids_for
from lienthong.agencies.models import Agency
from lienthong.agencies.selectors import agency_directory
from lienthong.core.errors import NotFound

from .criteria import CriteriaSet
from .engine import Unit, UnitResult, score
from .models import (
    Adjustment,
    AssessmentAuthority,
    AuthorityKind,
    Campaign,
    CampaignState,
    CampaignUnit,
    CriteriaSetVersion,
    CriterionValue,
    Evidence,
    Result,
    ReviewStatus,
    SelfAssessment,
    SelfAssessmentState,
    ValueCorrection,
)

READ_ALL_KINDS = (AuthorityKind.COUNCIL, AuthorityKind.APPROVER, AuthorityKind.OFFICE)
# ``signatory_role``'s answer for a unit's văn thư, who sends on a named leader's behalf.
SIGNATORY_CLERK = Role.CLERK


def authority_agency_ids(*, kind) -> QuerySet:
    return AssessmentAuthority.objects.filter(kind=kind).values("agency_id")


def user_has_authority(*, user, kinds, roles=None) -> bool:
    """Does ``user`` hold an active position (optionally with one of ``roles``) in an agency of these kinds?"""
    qs = active_positions(user=user).filter(
        agency_id__in=AssessmentAuthority.objects.filter(kind__in=list(kinds)).values("agency_id"))
    if roles is not None:
        qs = qs.filter(role__in=list(roles))
    return qs.exists()


def is_council(*, user) -> bool:
    return user_has_authority(user=user, kinds=(AuthorityKind.COUNCIL,))


def is_approver(*, user) -> bool:
    """Leaders (agency-wide) of an approving agency approve results."""
    return active_positions(user=user).filter(
        role=Role.LEADER, unit__isnull=True,
        agency_id__in=authority_agency_ids(kind=AuthorityKind.APPROVER)).exists()


def reads_all(*, user) -> bool:
    return user_has_authority(user=user, kinds=READ_ALL_KINDS)


def campaigns_visible(*, user) -> QuerySet[Campaign]:
    qs = Campaign.objects.select_related("criteria_set", "council_agency")
    if reads_all(user=user):
        return qs
    return qs.exclude(state=CampaignState.DRAFT).filter(
        units__agency_id__in=agency_ids_for(user=user)).distinct()


# Steps at which a campaign is open to its units: published, not yet approved.
OPEN_STATES = (CampaignState.PUBLISHED, CampaignState.SELF_ASSESSMENT, CampaignState.REVIEW, CampaignState.COUNCIL)


def open_campaigns_leaving_out(*, user, reads_every_campaign: bool) -> list[tuple[str, str]]:
    """The open campaigns that assess none of the user's agencies, as (campaign name, the user's agencies' short
    names): the campaign list tells such a unit that it is not assessed, rather than that there is no campaign.
    Empty for those who read every campaign (``reads_all``, passed in: the page knows it already). One query,
    two when a campaign leaves the user out."""
    if reads_every_campaign:
        return []
    mine = agency_ids_for(user=user)
    campaigns = list(Campaign.objects.filter(state__in=OPEN_STATES).exclude(units__agency_id__in=mine)
                     .order_by("-year", "pk").values_list("name", flat=True))
    if not campaigns:
        return []
    names = ", ".join(a.short_name or a.name for a in Agency.objects.filter(pk__in=mine).order_by("name"))
    return [(name, names) for name in campaigns] if names else []


def self_assessments_visible(*, user, campaign: Campaign | None = None) -> QuerySet[SelfAssessment]:
    qs = SelfAssessment.objects.select_related("campaign_unit__agency", "campaign_unit__campaign")
    if campaign is not None:
        qs = qs.filter(campaign_unit__campaign=campaign)
    if reads_all(user=user):
        return qs
    mine = agency_ids_for(user=user)
    published_to_me = Campaign.objects.filter(state=CampaignState.PUBLISHED_RESULTS, units__agency_id__in=mine)
    return qs.filter(Q(campaign_unit__agency_id__in=mine) | Q(campaign_unit__campaign__in=published_to_me.values("pk")))


def self_assessment_get(*, user, pk: int) -> SelfAssessment:
    sa = self_assessments_visible(user=user).filter(pk=pk).first()
    if sa is None:
        raise NotFound()
    return sa


def results_visible(*, user, campaign: Campaign) -> QuerySet[Result]:
    """Computed results: the council, approver and office see them as soon as computed; a unit sees its
    own once approved, and every unit's once published."""
    qs = Result.objects.filter(campaign_unit__campaign=campaign).select_related("campaign_unit__agency").order_by(
        "campaign_unit__group_code", "rank", "campaign_unit__agency__name")
    if reads_all(user=user):
        return qs
    mine = agency_ids_for(user=user)
    in_campaign = Campaign.objects.filter(pk=campaign.pk, units__agency_id__in=mine)
    return qs.filter(
        Q(campaign_unit__campaign__state=CampaignState.PUBLISHED_RESULTS,
          campaign_unit__campaign__in=in_campaign.values("pk"))
        | Q(campaign_unit__campaign__state=CampaignState.APPROVED, campaign_unit__agency_id__in=mine))


def previous_results(*, campaign: Campaign) -> dict[str, Result]:
    """Last year's results of the same criteria-set code (approved or published), by agency id as text."""
    rows = Result.objects.filter(
        campaign_unit__campaign__year=campaign.year - 1,
        campaign_unit__campaign__criteria_set__code=campaign.criteria_set.code,
        campaign_unit__campaign__state__in=(CampaignState.APPROVED, CampaignState.PUBLISHED_RESULTS),
    ).select_related("campaign_unit")
    return {str(r.campaign_unit.agency_id): r for r in rows}


# ----------------------------------------------------------------------------- campaign pages (H1)
# Reads of the campaign web pages (assessment/views/campaigns.py): list, detail, council adjustments, results.
# Each returns a queryset or a fixed number of queries whatever the number of units.


def campaign_list(*, user) -> QuerySet[Campaign]:
    """``campaigns_visible`` with the number of units and of submitted self-assessments (subqueries, so the
    counts stay right when the visibility filter joins the units)."""
    def count(qs):
        return Coalesce(Subquery(qs.order_by().values("campaign_id").annotate(n=Count("pk")).values("n")[:1],
                                 output_field=IntegerField()), 0)

    units = CampaignUnit.objects.filter(campaign_id=OuterRef("pk"))
    submitted = units.filter(self_assessment__state__in=(SelfAssessmentState.SUBMITTED, SelfAssessmentState.SENT_BACK,
                                                         SelfAssessmentState.CONFIRMED))
    return campaigns_visible(user=user).annotate(unit_count=count(units), submitted_count=count(submitted))


def campaign_get(*, user, pk: int) -> Campaign:
    campaign = campaigns_visible(user=user).filter(pk=pk).first()
    if campaign is None:
        raise NotFound()
    return campaign


def my_self_assessments(*, user, campaign_ids=None) -> QuerySet[SelfAssessment]:
    """The self-assessments of the user's own agencies (what a unit's people fill in)."""
    qs = SelfAssessment.objects.filter(campaign_unit__agency_id__in=agency_ids_for(user=user)).select_related(
        "campaign_unit__agency").order_by("campaign_unit__agency__name")
    if campaign_ids is not None:
        qs = qs.filter(campaign_unit__campaign_id__in=campaign_ids)
    return qs


def any_result_visible(*, user, campaign: Campaign) -> bool:
    """Does ``user`` see at least one computed result of the campaign (``results_visible``)? One query."""
    return results_visible(user=user, campaign=campaign).exists()


def campaign_units_visible(*, user, campaign: Campaign):
    """Units of a campaign with their agency and self-assessment: all of them for the council, approver and
    office (and for every unit once the results are published), otherwise the user's own units only."""
    qs = CampaignUnit.objects.filter(campaign=campaign).select_related("agency", "self_assessment").order_by(
        "group_code", "agency__name")
    if reads_all(user=user) or campaign.state == CampaignState.PUBLISHED_RESULTS:
        return qs
    return qs.filter(agency_id__in=agency_ids_for(user=user))


class ScoringInputs(NamedTuple):
    cs: CriteriaSet
    cus: list
    units: list
    values: dict
    overrides: dict
    corrections: dict

    def score(self, previous=None):
        return score(self.cs, self.units, self.values, overrides=self.overrides, corrections=self.corrections,
                     previous=previous)


def scoring_inputs(campaign: Campaign) -> ScoringInputs:
    """What ``engine.score`` needs to score the whole campaign as it stands: ``(criteria set, campaign units,
    engine units, values, overrides, corrections)``; ``.score()`` scores them. A unit's value of a criterion
    with an ``indicator:`` source is the measured value when there is one, else its own; ``overrides`` are the
    council's adjustments of points, ``corrections`` its corrections of values (the latest of each wins). The
    same inputs serve the council's adjustment, the results and the unit's page. Three queries."""
    cs = campaign.criteria_set.criteria_set()
    cus = list(campaign.units.all())
    source = {c.code: c for _cat, c in cs.criteria()}
    values: dict[str, dict] = {str(cu.agency_id): {} for cu in cus}
    by_cu = {cu.pk: str(cu.agency_id) for cu in cus}
    for cu_id, code, v, auto in CriterionValue.objects.filter(
            self_assessment__campaign_unit__campaign=campaign).values_list(
            "self_assessment__campaign_unit_id", "criterion_code", "value", "auto_value"):
        crit = source.get(code)
        use = auto if crit is not None and crit.indicator_key and auto is not None else v
        values[by_cu[cu_id]][code] = use
    overrides: dict[str, dict] = {}
    for cu_id, code, pts in Adjustment.objects.filter(campaign_unit__campaign=campaign).order_by(
            "at", "pk").values_list("campaign_unit_id", "criterion_code", "new_points"):
        overrides.setdefault(by_cu[cu_id], {})[code] = pts  # the latest adjustment wins
    corrections: dict[str, dict] = {}
    for cu_id, code, v in ValueCorrection.objects.filter(campaign_unit__campaign=campaign).order_by(
            "at", "pk").values_list("campaign_unit_id", "criterion_code", "new_value"):
        corrections.setdefault(by_cu[cu_id], {})[code] = v  # the latest correction wins
    units = [Unit(code=str(cu.agency_id), group=cu.group_code, not_applicable=frozenset(cu.not_applicable),
                  excluded=cu.excluded) for cu in cus]
    return ScoringInputs(cs, cus, units, values, overrides, corrections)


def campaign_unit_visible(*, user, campaign: Campaign, pk) -> CampaignUnit | None:
    """One unit of ``campaign_units_visible``, ``None`` when there is none or ``user`` may not see it."""
    return campaign_units_visible(user=user, campaign=campaign).filter(pk=pk).first()


def campaign_units_readable(*, user, campaign: Campaign) -> QuerySet[CampaignUnit]:
    """Units of a campaign whose self-assessment ``user`` may read (``self_assessments_visible``; every unit
    for the council, approver and office), with agency and self-assessment, by group and name: the API's."""
    units = CampaignUnit.objects.filter(campaign=campaign).select_related("agency", "self_assessment").order_by(
        "group_code", "agency__name")
    if not reads_all(user=user):
        units = units.filter(
            self_assessment__in=self_assessments_visible(user=user, campaign=campaign).values("pk"))
    return units


def unit_current_scores(*, campaign: Campaign, campaign_unit) -> UnitResult:
    """The unit's points as they stand now (values, measured values, adjustments so far), scored with the
    whole campaign because some rules compare a unit with the best of its group. ``engine.UnitResult``."""
    return scoring_inputs(campaign).score().by_code[str(campaign_unit.agency_id)]


def unit_adjustments(*, campaign_unit) -> QuerySet:
    return Adjustment.objects.filter(campaign_unit=campaign_unit).select_related("by").order_by("-at", "-pk")


def unit_value_corrections(*, campaign_unit) -> QuerySet:
    return ValueCorrection.objects.filter(campaign_unit=campaign_unit).select_related("by").order_by("-at", "-pk")



def criteria_set_versions() -> QuerySet:
    """Criteria-set versions a new campaign may use, newest year first."""
    return CriteriaSetVersion.objects.order_by("-year", "code", "-version")


def criteria_set_version_or_newest(*, pk=None) -> CriteriaSetVersion | None:
    """The version ``pk`` of ``criteria_set_versions``, else (none asked, or no such version) the newest."""
    versions = criteria_set_versions()
    version = versions.filter(pk=pk).first() if pk is not None else None
    return version or versions.first()


def agencies_with_group() -> QuerySet[Agency]:
    """The internal, active agencies that belong to a group (the units a new campaign may rank), in
    directory order with their level and group."""
    return agency_directory(external=False).filter(group__isnull=False, is_active=True)


# ----------------------------------------------------------------------------- end of campaign pages (H1)


# --------------------------------------------------------------------------- self-assessment pages (H2)


def is_unit_member(*, user, self_assessment: SelfAssessment) -> bool:
    """Does ``user`` hold an active position in the unit this self-assessment belongs to?"""
    return agency_ids_for(user=user).filter(agency_id=self_assessment.campaign_unit.agency_id).exists()


def self_assessment_editable(*, self_assessment: SelfAssessment) -> bool:
    """May the unit still change its values (the same rule as ``services.self_assessment_save``)?"""
    state = self_assessment.state
    return state == "reopened" or (
        state == "draft" and self_assessment.campaign_unit.campaign.state in (CampaignState.PUBLISHED,
                                                                              CampaignState.SELF_ASSESSMENT))


def self_assessment_values(*, self_assessment: SelfAssessment) -> list:
    """The criterion values of one self-assessment with their evidence files, in two queries."""
    return list(CriterionValue.objects.filter(self_assessment=self_assessment)
                .select_related("reviewed_by", "confirmed_by")
                .prefetch_related(Prefetch("evidence", queryset=Evidence.objects.order_by("uploaded_at", "pk")))
                .order_by("pk"))


def self_assessment_reload(*, self_assessment: SelfAssessment) -> SelfAssessment:
    """Read the self-assessment's fields again in place (after a refused write), and return it."""
    self_assessment.refresh_from_db()
    return self_assessment


def criterion_values(*, self_assessment: SelfAssessment) -> QuerySet[CriterionValue]:
    """The self-assessment's criterion values (its prefetched ones when the caller prefetched them)."""
    return self_assessment.values.all()


def criterion_codes(*, self_assessment: SelfAssessment) -> set[str]:
    """The codes of the criteria this self-assessment has values for (those that apply to the unit)."""
    return set(CriterionValue.objects.filter(self_assessment=self_assessment)
               .values_list("criterion_code", flat=True))


def criterion_value_of(*, self_assessment: SelfAssessment, pk) -> CriterionValue | None:
    """The value ``pk`` if it belongs to ``self_assessment``, else ``None``."""
    return CriterionValue.objects.filter(pk=pk, self_assessment=self_assessment).first()


def criterion_values_by_code(*, self_assessment: SelfAssessment, codes) -> dict[str, CriterionValue]:
    """The self-assessment's values of the criteria ``codes``, by code (codes it has no value for are left out)."""
    return {cv.criterion_code: cv for cv in CriterionValue.objects.filter(self_assessment=self_assessment,
                                                                          criterion_code__in=codes)}


def any_not_sent_back(*, self_assessment: SelfAssessment, codes) -> bool:
    """Has the self-assessment a value of one of ``codes`` not already sent back to the unit? One query."""
    return CriterionValue.objects.filter(self_assessment=self_assessment, criterion_code__in=codes).exclude(
        review_status=ReviewStatus.SENT_BACK).exists()


def evidence_get(*, user, pk: int):
    """One evidence file of a self-assessment ``user`` may see; ``NotFound`` otherwise."""
    ev = (Evidence.objects.select_related("stored_file", "criterion_value__self_assessment__campaign_unit")
          .filter(pk=pk, criterion_value__self_assessment__in=self_assessments_visible(user=user).values("pk"))
          .first())
    if ev is None:
        raise NotFound()
    return ev


def reminder_candidates() -> QuerySet[SelfAssessment]:
    """Self-assessments not yet sent, of campaigns still in the self-assessment step with a deadline."""
    return (SelfAssessment.objects.filter(
        state__in=("draft", "reopened"),
        campaign_unit__excluded=False,
        campaign_unit__campaign__state__in=(CampaignState.PUBLISHED, CampaignState.SELF_ASSESSMENT),
        campaign_unit__campaign__deadline__isnull=False)
        .select_related("campaign_unit__campaign", "campaign_unit__agency").order_by("pk"))


# --------------------------------------------------------------------------- who sends for the unit (issue 11)
# Filling in is the staff's; sending (and confirming values the Department sent back) is an official act of
# the unit, as the signed paper form was: an agency-wide leader, or the văn thư on a named leader's behalf.
# Heads of a department (a leader position inside a unit) are not leaders of the unit.


def unit_leaders(*, agency_id: int) -> QuerySet:
    """Active agency-wide leader positions of the unit, with their people: on whose behalf a văn thư sends."""
    return (Position.objects.filter(agency_id=agency_id, role=Role.LEADER, unit__isnull=True, is_active=True,
                                    user__is_active=True)
            .select_related("user").order_by("user__full_name", "user_id"))


def signatory_role(*, user, agency_id: int) -> str | None:
    """``Role.LEADER`` when ``user`` leads the unit (sends in own name), ``Role.CLERK`` when its văn thư (sends
    on a leader's behalf), ``None`` otherwise. One query."""
    roles = set(active_positions(user=user).filter(agency_id=agency_id).filter(
        Q(role=Role.LEADER, unit__isnull=True) | Q(role=Role.CLERK)).values_list("role", flat=True))
    if Role.LEADER in roles:
        return Role.LEADER
    return Role.CLERK if Role.CLERK in roles else None
