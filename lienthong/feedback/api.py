"""JSON endpoints of the problem reports: send one (with an optional screenshot), read mine, and the operator's
queue and triage. A report that is not the caller's answers 404; the operator's routes answer 403 to anyone else."""

from __future__ import annotations

import datetime as dt
from typing import Literal

from ninja import Field, File, Form, Query, Router, Schema, Status
from ninja.files import UploadedFile

from lienthong.core.errors import PermissionDenied
from lienthong.core.schema_types import Id
from lienthong.feedback import selectors, services
from lienthong.feedback.models import Source

router = Router(tags=["Báo lỗi, góp ý"])
MAX_PAGE = 200


class ReportIn(Schema):
    text: str = Field(max_length=services.TEXT_MAX, description="Nội dung báo lỗi hoặc góp ý")
    page_url: str = Field("", max_length=1000, description="Địa chỉ trang người dùng đang xem")
    request_id: str = Field("", max_length=64, description="Mã tham chiếu của lỗi máy chủ (nếu có)")


class MessageOut(Schema):
    by_operator: bool
    text: str
    created_at: dt.datetime


class ReportOut(Schema):
    id: int
    text: str
    source: str
    page_url: str
    reporter_role: str
    reporter_agency: str | None
    request_id: str
    kind: str
    severity: str
    state: str
    fixed_in: str
    has_screenshot: bool
    created_at: dt.datetime
    response_due_at: dt.datetime
    fix_due_at: dt.datetime
    first_response_at: dt.datetime | None
    fixed_at: dt.datetime | None
    occurrences: int
    messages: list[MessageOut] = []

    @staticmethod
    def of(report, *, thread: bool = False) -> ReportOut:
        return ReportOut(
            id=report.pk, text=report.text, source=report.source, page_url=report.page_url,
            reporter_role=report.reporter_role,
            reporter_agency=report.reporter_agency.name if report.reporter_agency_id else None,
            request_id=report.request_id, kind=report.kind, severity=report.severity, state=report.state,
            fixed_in=report.fixed_in, has_screenshot=bool(report.screenshot_name), created_at=report.created_at,
            response_due_at=report.response_due_at, fix_due_at=report.fix_due_at,
            first_response_at=report.first_response_at, fixed_at=report.fixed_at, occurrences=report.occurrences,
            messages=[MessageOut(by_operator=m.by_operator, text=m.text, created_at=m.created_at)
                      for m in selectors.report_messages(report=report)] if thread else [])


class CreatedOut(ReportOut):
    note: str = Field("", description="Vì sao ảnh chụp màn hình không được đính kèm (nếu có)")


class QueueQuery(Schema):
    state: Literal["", "new", "in_progress", "fixed", "closed"] = ""
    severity: Literal["", "critical", "high", "medium", "low"] = ""
    kind: Literal["defect", "suggestion", "guidance", "unsorted"] | None = None
    agency_id: int | None = Field(None, ge=1, le=2**31 - 1)


class TriageIn(Schema):
    action: Literal["classify", "answer", "fixed", "close"]
    kind: Literal["defect", "suggestion", "guidance"] | None = None
    severity: Literal["critical", "high", "medium", "low"] | None = None
    text: str = Field("", max_length=services.TEXT_MAX, description="Trả lời (answer) hoặc ghi chú (fixed, close)")
    release: str = Field("", max_length=services.RELEASE_MAX, description="Phiên bản đã sửa (fixed)")


@router.post("/problem-reports", response={201: CreatedOut}, url_name="problem_report_create",
             summary="Gửi báo lỗi hoặc góp ý")
def problem_report_create(request, data: Form[ReportIn], screenshot: File[UploadedFile] = None):
    """Vai trò, cơ quan, trình duyệt và thời điểm được ghi tự động. Ảnh chụp màn hình (PNG/JPEG) quá giới hạn
    hoặc không phải ảnh thì báo lỗi vẫn được ghi nhận, không kèm ảnh (``note`` nói lý do)."""
    report, note = services.report_create(
        user=request.auth, text=data.text, page_url=data.page_url, request_id=data.request_id,
        user_agent=request.headers.get("User-Agent", ""), screenshot=screenshot, source=Source.API)
    return Status(201, CreatedOut(**ReportOut.of(report).model_dump(), note=note))


@router.get("/problem-reports/mine", response=list[ReportOut], url_name="problem_report_mine",
            summary="Báo lỗi, góp ý của tôi")
def problem_report_mine(request):
    return [ReportOut.of(r) for r in selectors.reports_of(user=request.auth)[:MAX_PAGE]]


@router.get("/problem-reports", response=list[ReportOut], url_name="problem_report_queue",
            summary="Hàng đợi báo lỗi của nhà thầu / vận hành")
def problem_report_queue(request, params: Query[QueueQuery]):
    """Chỉ tài khoản nhà thầu / vận hành; mặc định các báo lỗi đang mở."""
    kind = None if params.kind is None else ("" if params.kind == "unsorted" else params.kind)
    qs = selectors.operator_queue(user=request.auth, state=params.state, severity=params.severity, kind=kind,
                                  agency_id=params.agency_id, open_only=not params.state)
    return [ReportOut.of(r) for r in qs[:MAX_PAGE]]


def _readable(user, report_id: int):
    if selectors.is_operator(user):
        return selectors.report_for_operator(user=user, report_id=report_id)
    return selectors.report_for_reporter(user=user, report_id=report_id)


@router.get("/problem-reports/{int:report_id}", response=ReportOut, url_name="problem_report_detail",
            summary="Chi tiết một báo lỗi, góp ý kèm trao đổi")
def problem_report_detail(request, report_id: Id):
    return ReportOut.of(_readable(request.auth, report_id), thread=True)


@router.post("/problem-reports/{int:report_id}/triage", response=ReportOut, url_name="problem_report_triage",
             summary="Nhà thầu phân loại, trả lời, đánh dấu đã sửa hoặc đóng báo lỗi")
def problem_report_triage(request, report_id: Id, data: TriageIn):
    user = request.auth
    if not selectors.is_operator(user):
        raise PermissionDenied(str(services.OPERATOR_ONLY))
    if data.action == "classify":
        services.report_classify(actor=user, report_id=report_id, kind=data.kind, severity=data.severity)
    elif data.action == "answer":
        services.report_answer(actor=user, report_id=report_id, text=data.text)
    elif data.action == "fixed":
        services.report_mark_fixed(actor=user, report_id=report_id, release=data.release, note=data.text)
    else:
        services.report_close(actor=user, report_id=report_id, note=data.text)
    return ReportOut.of(selectors.report_for_operator(user=user, report_id=report_id), thread=True)
