"""Who may see which report, resolved in SQL through ``assessment.selectors``.

The council, the approver and the office (``assessment.selectors.reads_all``) see a campaign's reports as soon
as its results are computed. A unit's people see only their own unit's result sheet, and only once the results
are published. A campaign the user cannot see at all is "not found"; one they can see but not its reports is
"no permission" (with a Vietnamese reason).
"""

from __future__ import annotations

from collections.abc import Iterator

from django.db.models import QuerySet
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from lienthong.accounts.selectors import agency_ids_for
from lienthong.assessment import selectors as assessment
from lienthong.assessment.models import Campaign, CampaignState, CampaignUnit, Result
from lienthong.core.errors import NotFound, PermissionDenied
from lienthong.files.inventory import StoredObject

from .models import ReportBuild

# Refusals users see (the tests use these constants rather than copies of the text).
NOT_COMPUTED = gettext_lazy("Đợt đánh giá này chưa có kết quả; báo cáo có sau khi tính kết quả.")
SHEET_AFTER_PUBLICATION = gettext_lazy("Phiếu kết quả của đơn vị được xem sau khi kết quả đánh giá được công bố.")


def _campaign(*, user, campaign_id: int) -> Campaign:
    campaign = assessment.campaigns_visible(user=user).filter(pk=campaign_id).first()
    if campaign is None:
        raise NotFound()
    return campaign


def _require_computed(campaign: Campaign) -> None:
    if campaign.results_computed_at is None:
        raise PermissionDenied(str(NOT_COMPUTED))


def campaign_for_reports(*, user, campaign_id: int) -> Campaign:
    """The campaign whose province-wide reports (charts, DOCX/PDF/XLSX) ``user`` may see and build."""
    campaign = _campaign(user=user, campaign_id=campaign_id)
    if not assessment.reads_all(user=user):
        raise PermissionDenied(_("Báo cáo toàn tỉnh dành cho Sở Thông tin và Truyền thông, UBND tỉnh và Văn phòng "
                                 "UBND tỉnh. Đơn vị xem phiếu kết quả của mình sau khi kết quả được công bố."))
    _require_computed(campaign)
    return campaign


def unit_result_for(*, user, campaign_id: int, agency_id: int) -> tuple[Campaign, CampaignUnit, Result]:
    """(campaign, unit, result) of one unit's result sheet, if ``user`` may read it."""
    campaign = _campaign(user=user, campaign_id=campaign_id)
    unit = CampaignUnit.objects.filter(campaign=campaign, agency_id=agency_id).select_related("agency").first()
    if unit is None:
        raise NotFound()
    if assessment.reads_all(user=user):
        _require_computed(campaign)
    else:
        if not agency_ids_for(user=user).filter(agency_id=agency_id).exists():
            raise PermissionDenied(_("Đơn vị chỉ được xem phiếu kết quả của chính mình."))
        if campaign.state != CampaignState.PUBLISHED_RESULTS:
            raise PermissionDenied(str(SHEET_AFTER_PUBLICATION))
    result = Result.objects.filter(campaign_unit=unit).first()
    if result is None:
        raise NotFound()
    return campaign, unit, result


def builds_for(*, campaign: Campaign) -> QuerySet[ReportBuild]:
    return ReportBuild.objects.filter(campaign=campaign).select_related("requested_by")


def build_for(*, user, build_id: int) -> ReportBuild:
    """A build of a campaign whose reports ``user`` may see."""
    build = ReportBuild.objects.filter(pk=build_id).select_related("campaign", "requested_by").first()
    if build is None:
        raise NotFound()
    campaign_for_reports(user=user, campaign_id=build.campaign_id)
    return build


def stored_reports() -> Iterator[StoredObject]:
    """Every built report file the file store holds (``files.inventory`` source); no hash is recorded for them."""
    rows = ReportBuild.objects.exclude(file="").order_by("id").values_list("file", "size")
    for name, size in rows.iterator(chunk_size=5000):
        yield StoredObject(name=name, size=size or None)
