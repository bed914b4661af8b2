"""JSON endpoint for the agency directory: every body of the province, for pickers and integrations.

The directory is not secret inside the province: any authenticated caller may read it.
"""

from __future__ import annotations

from typing import Annotated

from ninja import Field, Query, Router, Schema
from pydantic import BeforeValidator

from lienthong.agencies.models import Agency
from lienthong.agencies.selectors import agency_directory

router = Router(tags=["Cơ quan"])


def _blank_to_none(value):
    if isinstance(value, str) and not value.strip():
        return None
    return value


class AgencyQuery(Schema):
    q: Annotated[str | None, BeforeValidator(_blank_to_none)] = Field(
        None, max_length=200, description="Một phần tên cơ quan, có dấu hoặc không dấu")
    level: Annotated[str | None, BeforeValidator(_blank_to_none)] = Field(
        None, max_length=30, description="Mã cấp hành chính, ví dụ tinh, huyen, xa")
    page: int = Field(1, ge=1)
    page_size: int = Field(50, ge=1, le=200)


class AgencyOut(Schema):
    id: int
    name: str
    short_name: str
    abbreviation: str
    identifier_code: str | None
    level: str = Field(description="Mã cấp hành chính")
    level_name: str
    group: str | None = Field(description="Mã nhóm xếp hạng")
    group_name: str | None
    parent_id: int | None
    is_external: bool
    is_active: bool

    @classmethod
    def of(cls, agency: Agency) -> AgencyOut:
        return cls(id=agency.pk, name=agency.name, short_name=agency.short_name, abbreviation=agency.abbreviation,
                   identifier_code=agency.identifier_code, level=agency.level.code, level_name=agency.level.name,
                   group=agency.group.code if agency.group_id else None,
                   group_name=agency.group.name if agency.group_id else None, parent_id=agency.parent_id,
                   is_external=agency.is_external, is_active=agency.is_active)


class AgencyPage(Schema):
    items: list[AgencyOut]
    count: int
    page: int
    page_size: int


@router.get("/agencies", response=AgencyPage, url_name="agency_list", summary="Danh mục cơ quan")
def agency_list(request, params: Query[AgencyQuery]):
    qs = agency_directory(q=params.q, level_code=params.level)
    start = (params.page - 1) * params.page_size
    count = qs.count()
    items = [AgencyOut.of(a) for a in qs[start:start + params.page_size]] if start < count else []
    return {"items": items, "count": count, "page": params.page, "page_size": params.page_size}
