"""Reads of the ranking, permission-scoped in SQL.

Who plays which part is data (``AssessmentAuthority`` rows: agency + kind), never a hard-wired agency
code: ``council`` (Sở TT&TT) runs campaigns and sees everything; ``approver`` (UBND tỉnh) and ``office``
(Văn phòng UBND tỉnh) read everything; a unit sees only its own self-assessment until the results are
published, and then the self-assessments of the other units of that campaign as well.
"""

from __future__ import annotations

from django.db.models import Q, QuerySet

from lienthong.accounts.models import Role
from lienthong.accounts.selectors import active_positions, agency_ids_for
from lienthong.core.errors import NotFound

from .models import AssessmentAuthority, AuthorityKind, Campaign, CampaignState, Result, SelfAssessment

READ_ALL_KINDS = (AuthorityKind.COUNCIL, AuthorityKind.APPROVER, AuthorityKind.OFFICE)


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
