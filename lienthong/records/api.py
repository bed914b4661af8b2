"""JSON endpoints for case files (hồ sơ) and the file plan (danh mục hồ sơ)."""

from __future__ import annotations

import datetime as dt
from typing import Literal

from django.http import HttpResponse
from django.utils.http import content_disposition_header
from ninja import Field, Query, Router, Schema, Status

from lienthong.core.api_tools import page_of, state_errors_as_400
from lienthong.core.schema_types import Id
from lienthong.documents.schemas import DEFAULT_PAGE_SIZE, MAX_PAGE_SIZE, OptionalDate, OptionalInt
from lienthong.records import handover_selectors, package_export, selectors, services

router = Router(tags=["Hồ sơ"])

CaseFileStateCode = Literal["open", "closed", "handed_over", "accepted", "disposed"]


class DossierQuery(Schema):
    year: OptionalInt = Field(None, description="Năm hình thành hồ sơ")
    state: CaseFileStateCode | None = None
    mine: bool = Field(False, description="Chỉ hồ sơ do tôi lập")
    unit: OptionalInt = Field(None, description="Đơn vị")
    page: int = Field(1, ge=1, le=10**6)
    page_size: int = Field(DEFAULT_PAGE_SIZE, ge=1, le=MAX_PAGE_SIZE)


class DossierOut(Schema):
    id: int
    file_code: str  # FileCode = OrganId + FileCatalog + FileNotation (PL6 Part II §III)
    agency_id: int
    year: int
    number: str
    title: str
    retention: str
    retention_code: str
    state: str
    state_name: str
    owner: str
    unit_id: int | None
    plan_entry_id: int | None
    start_date: dt.date
    end_date: dt.date | None
    doc_total: int
    page_total: int


class DossierDocumentOut(Schema):
    ordinal: int
    document_id: int
    number_symbol: str
    issued_on: dt.date
    type_name: str
    subject: str
    issuer_name: str
    page_count: int | None


class DossierDetailOut(DossierOut):
    close_reason: str
    documents: list[DossierDocumentOut]


class DossierPage(Schema):
    items: list[DossierOut]
    count: int
    page: int
    page_size: int


class OpenIn(Schema):
    plan_entry_id: OptionalInt = Field(None, description="Hồ sơ trong danh mục đã ban hành")
    agency_id: OptionalInt = Field(None, description="Cơ quan (hồ sơ ngoài danh mục)")
    title: str = Field("", max_length=500)
    number: str = Field("", max_length=20)
    retention_code: str = Field("", max_length=20, description="Mã thời hạn bảo quản, ví dụ vinh-vien, 10-nam")
    start_date: OptionalDate = None
    description: str = Field("", max_length=500)


class FileIn(Schema):
    document_ids: list[Id] = Field(..., min_length=1, max_length=services.MAX_FILED_AT_ONCE)


class FiledOut(Schema):
    filed: list[int]
    doc_total: int


class CloseIn(Schema):
    retention_confirmed: bool = Field(False, description="Đã xem lại và xác nhận thời hạn bảo quản")
    retention_code: str = Field("", max_length=20, description="Đổi thời hạn bảo quản khi kết thúc")
    reason: str = Field("", max_length=2000, description="Bắt buộc khi còn cảnh báo (ví dụ văn bản còn đang xử lý)")


class PlanEntryOut(Schema):
    id: int
    number: str
    title: str
    retention: str
    retention_code: str
    permanent: bool
    responsible: str
    notes: str


class PlanHeadingOut(Schema):
    id: int
    numeral: str
    level: int
    title: str
    abbreviation: str
    entries: list[PlanEntryOut]


class PlanOut(Schema):
    id: int
    agency_id: int
    year: int
    state: str
    state_name: str
    numbering: str
    decision_reference: str
    decision_document_id: int | None
    total: int
    permanent: int
    fixed_term: int
    headings: list[PlanHeadingOut]


class PlanSummaryOut(Schema):
    id: int
    agency_id: int
    agency_name: str
    year: int
    state: str
    state_name: str


class PlanQuery(Schema):
    year: OptionalInt = None


def _out(f) -> dict:
    return {
        "id": f.pk, "file_code": f"{f.agency.identifier_code or ''}.{f.year}.{f.number}", "agency_id": f.agency_id,
        "year": f.year, "number": f.number, "title": f.title, "retention": f.retention.name,
        "retention_code": f.retention.code, "state": f.state, "state_name": f.get_state_display(),
        "owner": str(f.owner), "unit_id": f.unit_id, "plan_entry_id": f.plan_entry_id, "start_date": f.start_date,
        "end_date": f.end_date, "doc_total": f.doc_total, "page_total": f.page_total,
    }


def _detail(user, f) -> dict:
    readable = handover_selectors.may_read_custody(user=user, case_file=f)  # in custody: by request only
    items = selectors.case_file_items(user=user, case_file=f) if readable else []
    return _out(f) | {"close_reason": f.close_reason, "documents": [{
        "ordinal": i.ordinal, "document_id": i.document_id, "number_symbol": i.document.number_symbol,
        "issued_on": i.document.issued_on, "type_name": i.document.document_type.name,
        "subject": i.document.subject, "issuer_name": i.document.issuer_name,
        "page_count": i.document.page_count} for i in items]}


@router.get("/dossiers", response=DossierPage, url_name="dossier_list", summary="Danh sách hồ sơ")
def dossier_list(request, params: Query[DossierQuery]):
    """Hồ sơ người gọi được xem: của mình, của đơn vị mình, và (lãnh đạo, văn thư) của cơ quan."""
    qs = selectors.case_file_list(user=request.auth, year=params.year, state=params.state, mine=params.mine,
                                  unit_id=params.unit)
    return page_of(qs, params.page, params.page_size, _out)


@router.get("/dossiers/{int:case_file_id}", response=DossierDetailOut, url_name="dossier_detail",
            summary="Chi tiết hồ sơ và các văn bản trong hồ sơ")
def dossier_detail(request, case_file_id: Id):
    """Chỉ liệt kê những văn bản người gọi được xem."""
    return _detail(request.auth, selectors.case_file_get(user=request.auth, case_file_id=case_file_id))


@router.post("/dossiers", response={201: DossierOut}, url_name="dossier_open", summary="Mở hồ sơ")
def dossier_open(request, payload: OpenIn):
    """Từ hồ sơ trong danh mục đã ban hành (``plan_entry_id``) hoặc ngoài danh mục (tiêu đề, số ký hiệu,
    thời hạn bảo quản, ngày bắt đầu)."""
    row = services.case_file_open(actor=request.auth, plan_entry_id=payload.plan_entry_id,
                                  agency_id=payload.agency_id, title=payload.title, number=payload.number,
                                  retention_code=payload.retention_code, start_date=payload.start_date,
                                  description=payload.description)
    return Status(201, _out(selectors.case_file_get(user=request.auth, case_file_id=row.pk)))


@router.post("/dossiers/{int:case_file_id}/documents", response=FiledOut, url_name="dossier_file",
             summary="Đưa văn bản vào hồ sơ")
def dossier_file(request, case_file_id: Id, payload: FileIn):
    with state_errors_as_400():
        filed = services.documents_file(actor=request.auth, case_file_id=case_file_id,
                                        document_ids=payload.document_ids)
    row = selectors.case_file_get(user=request.auth, case_file_id=case_file_id)
    return {"filed": filed, "doc_total": row.doc_total}


@router.post("/dossiers/{int:case_file_id}/close", response=DossierDetailOut, url_name="dossier_close",
             summary="Kết thúc hồ sơ")
def dossier_close(request, case_file_id: Id, payload: CloseIn):
    """Kiểm tra hồ sơ, xác nhận thời hạn bảo quản và khóa hồ sơ. Còn cảnh báo (văn bản đang xử lý, văn bản
    đã hủy, trùng lặp, thiếu siêu dữ liệu) thì phải ghi lý do."""
    with state_errors_as_400():
        services.case_file_close(actor=request.auth, case_file_id=case_file_id,
                                 retention_confirmed=payload.retention_confirmed, reason=payload.reason,
                                 retention_code=payload.retention_code or None)
    return _detail(request.auth, selectors.case_file_get(user=request.auth, case_file_id=case_file_id))


PACKAGE_RESPONSE_DOC = {"responses": {200: {
    "description": "Gói hồ sơ (ZIP): hoso.xml theo Phụ lục VI, bản gốc các văn bản, manifest-sha256.txt",
    "content": {"application/zip": {}}}}}


@router.get("/dossiers/{int:case_file_id}/package", url_name="dossier_package",
            summary="Tải gói hồ sơ (bản gốc, siêu dữ liệu XML, tổng kiểm SHA-256)", openapi_extra=PACKAGE_RESPONSE_DOC)
def dossier_package(request, case_file_id: Id):
    """Chỉ hồ sơ đã kết thúc, và chỉ khi người gọi được xem mọi văn bản trong hồ sơ. Kiểm tra gói độc lập
    với cơ sở dữ liệu bằng ``manage.py verify_package``."""
    row = selectors.case_file_get(user=request.auth, case_file_id=case_file_id)
    with state_errors_as_400():
        data = package_export.case_file_package(user=request.auth, case_file=row)
    response = HttpResponse(data, content_type="application/zip")
    response["Content-Disposition"] = content_disposition_header(True, f"{package_export.package_name(row)}.zip")
    return response


def _plan_out(plan) -> dict:
    content = selectors.plan_content(plan=plan)
    return {
        "id": plan.pk, "agency_id": plan.agency_id, "year": plan.year, "state": plan.state,
        "state_name": plan.get_state_display(), "numbering": plan.numbering,
        "decision_reference": plan.decision_reference, "decision_document_id": plan.decision_document_id,
        "total": content.total, "permanent": content.permanent, "fixed_term": content.fixed_term,
        "headings": [{"id": r.heading.pk, "numeral": r.numeral, "level": r.level, "title": r.heading.title,
                      "abbreviation": r.heading.abbreviation, "entries": [{
                          "id": e.pk, "number": e.number, "title": e.title, "retention": e.retention.name,
                          "retention_code": e.retention.code, "permanent": e.retention.years is None,
                          "responsible": e.responsible_label, "notes": e.notes} for e in r.entries]}
                     for r in content.rows],
    }


@router.get("/file-plans", response=list[PlanSummaryOut], url_name="file_plan_list",
            summary="Danh mục hồ sơ của các cơ quan của tôi")
def file_plan_list(request, params: Query[PlanQuery]):
    return [{"id": p.pk, "agency_id": p.agency_id, "agency_name": p.agency.name, "year": p.year, "state": p.state,
             "state_name": p.get_state_display()}
            for p in selectors.plan_list(user=request.auth, year=params.year)[:200]]


@router.get("/file-plans/{int:plan_id}", response=PlanOut, url_name="file_plan_detail",
            summary="Danh mục hồ sơ: đề mục, hồ sơ, tổng số")
def file_plan_detail(request, plan_id: Id):
    return _plan_out(selectors.plan_get(user=request.auth, plan_id=plan_id))


from lienthong.records import handover_api  # noqa: E402, F401  (hand over, accept, return: same router)
