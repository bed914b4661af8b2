"""JSON endpoints for the usage statistics behind the dashboard at /giam-sat/: the overview of every agency
for a period (level, group filters, thresholds marking laggards) and one agency's month-by-month trend.

Only the people who may open the dashboard (``selectors.may_oversee``: the Provincial Office, Sở TT&TT,
system administrators) may call them; anyone else gets 403. Parameters are read by the same forms as
the page (``query.usage_query``), so a bad month or threshold is a 422 naming the parameter."""

from __future__ import annotations

import datetime as dt

from django.utils.translation import gettext_lazy
from ninja import Field, Query, Router, Schema

from lienthong.core.errors import NotFound, PermissionDenied, ValidationFailed
from lienthong.core.schema_types import Id
from lienthong.oversight import selectors
from lienthong.oversight.forms import UsageFilterForm, months_back
from lienthong.oversight.query import usage_query

router = Router(tags=["Thống kê sử dụng"])
# The 404 of an unknown agency (the tests use this constant rather than a copy of the text).
NO_SUCH_AGENCY = gettext_lazy("Không tìm thấy cơ quan.")

class OverviewQuery(Schema):
    month_from: str | None = Field(None, description="Tháng đầu của kỳ, YYYY-MM (mặc định: hai tháng trước)")
    month_to: str | None = Field(None, description="Tháng cuối của kỳ, YYYY-MM (mặc định: tháng này)")
    level: str | None = Field(None, max_length=30, description="Mã cấp hành chính, ví dụ tinh, huyen, xa")
    group: str | None = Field(None, max_length=50, description="Mã nhóm cơ quan, ví dụ so-nganh")
    min_active: str | None = Field(None, description="Ngưỡng tỷ lệ người dùng hoạt động tối thiểu (%)")
    min_electronic: str | None = Field(None, description="Ngưỡng tỷ lệ gửi điện tử tối thiểu (%)")
    min_signed: str | None = Field(None, description="Ngưỡng tỷ lệ ký số hợp lệ tối thiểu (%)")
    max_overdue: str | None = Field(None, description="Số việc quá hạn tối đa")


class TrendQuery(Schema):
    month_from: str | None = Field(None, description="YYYY-MM; mặc định 11 tháng trước tháng cuối")
    month_to: str | None = Field(None, description="YYYY-MM; mặc định tháng này")


class UsageFigures(Schema):
    staff_accounts: int
    active_users: int
    unused_accounts: int
    documents_issued: int
    documents_received: int
    active_user_share: float | None
    sent_electronically_share: float | None
    e_doc_share: float | None
    digital_sign_valid_share: float | None
    received_signed_valid_share: float | None
    e_case_share: float | None
    on_time_share: float | None
    median_processing_days: float | None
    overdue_items: int
    late_acknowledgements: int = Field(
        description="Văn bản đến không được xác nhận đã nhận (03) trong ngày làm việc đến")
    last_activity_at: dt.datetime | None


class AgencyUsage(UsageFigures):
    agency_id: int
    agency_name: str
    agency_short_name: str
    level: str
    group: str | None
    group_name: str | None
    below_thresholds: list[str] = Field(description="Các chỉ số dưới ngưỡng (khóa chỉ số)")


class Overview(Schema):
    month_from: dt.date
    month_to: dt.date
    thresholds: dict[str, float] = Field(description="Ngưỡng đã áp dụng (tỷ lệ 0–1; việc quá hạn: số việc)")
    count: int
    lagging_count: int
    items: list[AgencyUsage]


class TrendMonth(UsageFigures):
    month: dt.date


class Trend(Schema):
    agency_id: int
    agency_name: str
    months: list[TrendMonth]


def _figures(row) -> dict:
    return {name: getattr(row, name) for name in UsageFigures.model_fields}


def _require_overseer(request) -> None:
    if not selectors.may_oversee(request.user):
        raise PermissionDenied(str(selectors.OVERSEERS_ONLY))


def _params(params: Schema) -> dict:
    return {k: v for k, v in params.model_dump().items() if v not in (None, "")}


@router.get("/usage-statistics", response=Overview, url_name="usage_statistics",
            summary="Tình hình sử dụng hệ thống của các cơ quan")
def usage_statistics(request, params: Query[OverviewQuery]):
    """One row per internal agency for the period, ordered by level, group and name, with the indicators
    below the thresholds given (if any). Three queries whatever the number of agencies."""
    _require_overseer(request)
    q = usage_query(_params(params))
    if not q.is_valid:
        raise ValidationFailed(q.errors())
    rows, lagging = q.rows(), q.lagging()
    items = [AgencyUsage(agency_id=r.agency_id, agency_name=r.agency_name, agency_short_name=r.agency_short_name,
                         level=r.level_code, group=r.group_code, group_name=r.group_name,
                         below_thresholds=sorted(lagging.get(r.agency_id, {})), **_figures(r)) for r in rows]
    return {"month_from": q.month_from, "month_to": q.month_to, "thresholds": q.thresholds, "count": len(items),
            "lagging_count": len(lagging), "items": items}


@router.get("/usage-statistics/{agency_id}/trend", response=Trend, url_name="usage_statistics_trend",
            summary="Tình hình sử dụng hệ thống của một cơ quan theo tháng")
def usage_statistics_trend(request, agency_id: Id, params: Query[TrendQuery]):
    """The agency's figures month by month from ``month_from`` (default: the twelve months ending with
    ``month_to``) to ``month_to``; months without statistics give zeros. At most 36 months."""
    _require_overseer(request)
    if selectors.internal_agency(agency_id=agency_id) is None:
        raise NotFound(str(NO_SUCH_AGENCY))
    data = _params(params)
    if "month_from" not in data and "month_to" in data:
        data["month_from"] = data["month_to"]  # the form's default start could fall after the end asked for
    form = UsageFilterForm(data)
    if not form.is_valid():
        raise ValidationFailed({("period" if k == "__all__" else k): v for k, v in form.errors.items()})
    first, last = form.cleaned_data["month_from"], form.cleaned_data["month_to"]
    if not params.month_from:
        first = months_back(last, 11)
    trend = selectors.usage_trend(agency_id=agency_id, months=selectors.months_between(first, last))
    name = trend[0].row.agency_name if trend else ""
    return {"agency_id": agency_id, "agency_name": name,
            "months": [TrendMonth(month=p.month, **_figures(p.row)) for p in trend]}
