"""JSON endpoints of the online-public-service catalogue (read only; imports go through the page).

Scoped like the pages (``selectors``): an agency's people read their own agency, the office, the council and
system administrators read every agency. A procedure the caller may not read answers 404, like one that does
not exist. Ratios are 0–1 with six decimals, ``null`` when there is nothing to count."""

from __future__ import annotations

import datetime as dt

from ninja import Field, Query, Router, Schema

from lienthong.assessment.indicator_source import period
from lienthong.core.errors import NotFound
from lienthong.core.schema_types import Id

from . import selectors
from .forms import ranking_year

router = Router(tags=["Dịch vụ công trực tuyến"])

INDICATOR_KEYS = ("dvc_level3_share", "dvc_level4_share", "dvc_service_usage_share", "dvc_online_dossier_share",
                  "dvc_on_time_dossier_share")


class ProcedureQuery(Schema):
    agency_id: Id | None = Field(None, description="Chỉ thủ tục của cơ quan này")
    q: str = Field("", max_length=100, description="Tìm trong mã, tên, lĩnh vực")
    level: str = Field("", max_length=12, description="Mức độ: 1, 2, 3, 4, mot_phan, toan_trinh, khong")
    year: int | None = Field(None, ge=2000, le=2100,
                             description="Năm đánh giá của số hồ sơ cộng dồn (01/11 năm trước – 31/10)")
    page: int = Field(1, ge=1)
    page_size: int = Field(50, ge=1, le=500)


class ProcedureOut(Schema):
    id: int
    agency_id: int
    agency_name: str
    code: str
    name: str
    field: str
    online_level: str
    online_level_label: str
    level_as_of: dt.date
    active: bool
    period_total: int = Field(description="Hồ sơ tiếp nhận trong năm đánh giá")
    period_online: int
    period_settled: int
    period_on_time: int


class ProcedurePage(Schema):
    year: int
    items: list[ProcedureOut]
    count: int
    page: int
    page_size: int


class MonthOut(Schema):
    month: dt.date
    online_level: str
    total: int
    online: int
    settled: int
    on_time: int


class IndicatorQuery(Schema):
    year: int | None = Field(None, ge=2000, le=2100, description="Năm đánh giá (mặc định: năm hiện hành)")
    agency_id: Id | None = Field(None, description="Chỉ một cơ quan")


class AgencyIndicators(Schema):
    agency_id: int
    agency_name: str
    procedures: int
    full: int
    partial: int
    used: int
    dossiers_total: int
    dossiers_online: int
    settled: int
    on_time: int
    indicators: dict[str, float | None] = Field(description="Giá trị các chỉ số dvc_* (tỷ lệ 0–1)")


class IndicatorOut(Schema):
    year: int
    period_start: dt.date
    period_end: dt.date
    items: list[AgencyIndicators]


def _months(year: int) -> tuple[dt.date, dt.date]:
    start, end = period(year)
    return start.replace(day=1), end.replace(day=1)


@router.get("/public-services/procedures", response=ProcedurePage, url_name="publicservices_procedures",
            summary="Danh mục thủ tục hành chính và mức độ dịch vụ công trực tuyến")
def procedure_list(request, params: Query[ProcedureQuery]):
    year = params.year or ranking_year()
    month_from, month_to = _months(year)
    qs = selectors.procedures_visible(user=request.auth, agency_id=params.agency_id, q=params.q, level=params.level,
                                      month_from=month_from, month_to=month_to)
    count = qs.count()
    start = (params.page - 1) * params.page_size
    items = [ProcedureOut(id=p.pk, agency_id=p.agency_id, agency_name=p.agency.name, code=p.code, name=p.name,
                          field=p.field, online_level=p.online_level,
                          online_level_label=str(p.get_online_level_display()), level_as_of=p.level_as_of,
                          active=p.active, period_total=p.period_total, period_online=p.period_online,
                          period_settled=p.period_settled, period_on_time=p.period_on_time)
             for p in qs[start:start + params.page_size]] if start < count else []
    return {"year": year, "items": items, "count": count, "page": params.page, "page_size": params.page_size}


@router.get("/public-services/procedures/{procedure_id}/months", response=list[MonthOut],
            url_name="publicservices_procedure_months", summary="Số liệu hồ sơ theo tháng của một thủ tục")
def procedure_months(request, procedure_id: Id):
    procedure = selectors.procedure_get(user=request.auth, pk=procedure_id)
    return list(selectors.procedure_months(procedure=procedure))


@router.get("/public-services/indicators", response=IndicatorOut, url_name="publicservices_indicators",
            summary="Chỉ số dịch vụ công trực tuyến theo cơ quan cho một năm đánh giá")
def indicators(request, params: Query[IndicatorQuery]):
    year = params.year or ranking_year()
    month_from, month_to = _months(year)
    agencies = list(selectors.agencies_visible(user=request.auth, agency_id=params.agency_id))
    if params.agency_id is not None and not agencies:
        raise NotFound()
    figures = selectors.service_figures(agency_ids=[a.pk for a in agencies], month_from=month_from,
                                        month_to=month_to)
    start, end = period(year)
    items = []
    for a in agencies:
        f = figures[a.pk]
        items.append({"agency_id": a.pk, "agency_name": a.name, "procedures": f.procedures, "full": f.full,
                      "partial": f.partial, "used": f.used, "dossiers_total": f.total, "dossiers_online": f.online,
                      "settled": f.settled, "on_time": f.on_time,
                      "indicators": {k: (float(v) if (v := f.ratio(k)) is not None else None)
                                     for k in INDICATOR_KEYS}})
    return {"year": year, "period_start": start, "period_end": end, "items": items}
