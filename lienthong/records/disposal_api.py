"""JSON endpoints for disposal (files proposed for review, disposal on a decision) and records statistics."""

from __future__ import annotations

import datetime as dt

from ninja import Field, Query, Router, Schema

from lienthong.core.api_tools import page_of
from lienthong.core.schema_types import Id
from lienthong.documents.schemas import DEFAULT_PAGE_SIZE, MAX_PAGE_SIZE, OptionalInt
from lienthong.records import disposal
from lienthong.records import statistics as records_statistics

router = Router(tags=["Hồ sơ"])


class ProposalQuery(Schema):
    page: int = Field(1, ge=1, le=10**6)
    page_size: int = Field(DEFAULT_PAGE_SIZE, ge=1, le=MAX_PAGE_SIZE)


class ProposalOut(Schema):
    case_file_id: int
    agency_id: int
    number: str
    title: str
    retention: str
    end_date: dt.date | None
    expired_on: dt.date
    owner: str


class ProposalPage(Schema):
    items: list[ProposalOut]
    count: int
    page: int
    page_size: int


class DisposeIn(Schema):
    case_file_ids: list[Id] = Field(..., min_length=1, max_length=disposal.MAX_AT_ONCE)
    decision_document_id: Id | None = Field(None, description="Quyết định tiêu hủy: văn bản đã đăng ký (bắt buộc)")
    decision_reference: str = Field("", max_length=255, description="Số, ký hiệu, ngày quyết định (để trống: "
                                                                     "lấy từ văn bản)")
    note: str = Field("", max_length=2000)


class DisposedOut(Schema):
    case_file_ids: list[int]
    originals_removed: int
    decision_reference: str


class CountsOut(Schema):
    name: str
    unit: str
    open: int
    closed: int
    handed_over: int
    accepted: int
    disposed: int
    total: int


class FilingOut(Schema):
    documents: int
    filed: int
    unfiled: int
    share: float | None


class OverdueOut(Schema):
    id: int
    number: str
    title: str
    owner: str
    end_date: dt.date
    retention: str


class StatisticsOut(Schema):
    year: int | None
    officials: list[CountsOut]
    units: list[CountsOut]
    filing: FilingOut
    overdue_for_handover: int
    overdue: list[OverdueOut]


class StatisticsQuery(Schema):
    year: OptionalInt = Field(None, description="Năm hình thành hồ sơ, năm của văn bản")


@router.get("/dossiers/disposal-proposals", response=ProposalPage, url_name="dossier_disposal_proposals",
            summary="Hồ sơ hết thời hạn bảo quản, đề nghị xem xét tiêu hủy")
def disposal_proposals(request, params: Query[ProposalQuery]):
    """Cho lãnh đạo và văn thư của cơ quan. Hồ sơ bảo quản vĩnh viễn không bao giờ có trong danh sách."""
    return page_of(disposal.proposal_list(user=request.auth), params.page, params.page_size, lambda r: {
        "case_file_id": r.case_file_id, "agency_id": r.agency_id, "number": r.case_file.number,
        "title": r.case_file.title, "retention": r.case_file.retention.name, "end_date": r.case_file.end_date,
        "expired_on": r.expired_on, "owner": str(r.case_file.owner)})


@router.post("/dossiers/dispose", response=DisposedOut, url_name="dossier_dispose",
             summary="Tiêu hủy hồ sơ hết giá trị theo quyết định")
def dossier_dispose(request, payload: DisposeIn):
    """Xóa bản gốc các văn bản (trừ văn bản còn thuộc hồ sơ khác được giữ), giữ siêu dữ liệu và biên bản tiêu
    hủy. Từ chối khi không có quyết định, khi hồ sơ bảo quản vĩnh viễn hoặc chưa hết thời hạn bảo quản."""
    done = disposal.files_dispose(actor=request.auth, case_file_ids=payload.case_file_ids,
                                  decision_document_id=payload.decision_document_id,
                                  decision_reference=payload.decision_reference, note=payload.note)
    return {"case_file_ids": [r.case_file_id for r in done.records], "originals_removed": done.originals_removed,
            "decision_reference": done.records[0].decision_reference if done.records else ""}


def _counts(r) -> dict:
    return {"name": r.name, "unit": r.unit, "total": r.total} | {str(s.value): r.count(s)
                                                                for s in records_statistics.STATES}


@router.get("/dossiers/statistics", response=StatisticsOut, url_name="dossier_statistics",
            summary="Thống kê hồ sơ: theo người lập, đơn vị; văn bản đã và chưa lập hồ sơ; quá hạn nộp lưu")
def dossier_statistics(request, params: Query[StatisticsQuery]):
    stats = records_statistics.statistics(user=request.auth, year=params.year)
    return {"year": stats.year, "officials": [_counts(r) for r in stats.officials],
            "units": [_counts(r) for r in stats.units],
            "filing": {"documents": stats.filing.documents, "filed": stats.filing.filed,
                       "unfiled": stats.filing.unfiled, "share": stats.filing.share},
            "overdue_for_handover": stats.overdue_count,
            "overdue": [{"id": f.pk, "number": f.number, "title": f.title, "owner": str(f.owner),
                         "end_date": f.end_date, "retention": f.retention.name} for f in stats.overdue]}
