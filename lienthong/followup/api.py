"""JSON endpoints of the task follow-up (``/api/tasks``): list with the page's filters, record, read one, and the
operations of its life (progress, result, confirm, send back, extension request and decision), the statistics.

Scoped like the pages (``selectors.tasks_visible_to``): a task the caller may not see answers 404 like one that
does not exist, and the attempt is logged. A result's file goes through the page (multipart); here a result links
an issued document or carries text only."""

from __future__ import annotations

import datetime as dt
from typing import Literal

from ninja import Field, Query, Router, Schema, Status

from lienthong.core.errors import NotFound
from lienthong.core.schema_types import Id

from . import selectors, services
from .models import Task

router = Router(tags=["Theo dõi nhiệm vụ"])


class TaskQuery(Schema):
    agency: Id | None = Field(None, description="Cơ quan chủ trì")
    state: Literal["open", "reported", "done"] | None = Field(None, description="Trạng thái")
    overdue: bool | None = Field(None, description="true: chỉ nhiệm vụ quá hạn chưa hoàn thành; false: trừ chúng")
    source_document: Id | None = Field(None, description="Văn bản giao")
    page: int = Field(1, ge=1, le=100000)
    page_size: int = Field(50, ge=1, le=500)


class TaskOut(Schema):
    id: int
    content: str
    passage: str
    source_document_id: int
    giver_agency_id: int
    given_by: str
    given_on: dt.date
    lead_agency_id: int
    lead_agency_name: str
    lead_unit_id: int | None
    coordinator_ids: list[int]
    deadline: dt.date | None = Field(description="null: thường xuyên")
    state: str
    completed_on: dt.date | None
    reported_on: dt.date | None
    handed_unit_id: int | None
    handed_user_id: int | None


class TaskPage(Schema):
    items: list[TaskOut]
    count: int
    page: int
    page_size: int


class TaskIn(Schema):
    source_document_id: Id
    content: str = Field(max_length=4000)
    lead_agency_id: Id | None = Field(None, description="Bắt buộc (lỗi tiếng Việt nếu thiếu)")
    lead_unit_id: Id | None = None
    coordinator_ids: list[Id] = Field(default_factory=list, max_length=200)
    deadline: dt.date | None = Field(None, description="Bỏ trống: nhiệm vụ thường xuyên")
    given_by: str = Field("", max_length=200)
    passage: str = Field("", max_length=4000)


class TextIn(Schema):
    text: str = Field(max_length=4000)


class ResultIn(TextIn):
    linked_document_id: Id | None = Field(None, description="Văn bản đi do cơ quan chủ trì ban hành")


class ReasonIn(Schema):
    reason: str = Field(max_length=2000)


class ExtensionIn(ReasonIn):
    new_deadline: dt.date


class DecisionIn(Schema):
    grant: bool
    note: str = Field("", max_length=2000)
    new_deadline: dt.date | None = None


class ExtensionOut(Schema):
    id: int
    task_id: int
    requested_deadline: dt.date
    reason: str
    state: str


class StatisticsQuery(Schema):
    start: dt.date
    end: dt.date


class StatRowOut(Schema):
    agency_id: int
    agency_name: str
    on_time: int
    late: int
    within: int
    overdue: int
    routine: int


class StatisticsOut(Schema):
    start: dt.date
    end: dt.date
    rows: list[StatRowOut]
    total: StatRowOut


def _out(task: Task, coordinators: dict[int, list[int]]) -> dict:
    return dict(
        id=task.pk, content=task.content, passage=task.passage, source_document_id=task.source_document_id,
        giver_agency_id=task.giver_agency_id, given_by=task.given_by, given_on=task.given_on,
        lead_agency_id=task.lead_agency_id, lead_agency_name=task.lead_agency.name, lead_unit_id=task.lead_unit_id,
        coordinator_ids=coordinators.get(task.pk, []), deadline=task.deadline, state=task.state,
        completed_on=task.completed_on, reported_on=task.reported_on, handed_unit_id=task.handed_unit_id,
        handed_user_id=task.handed_user_id)


def _one(user, task_id: int) -> dict:
    try:
        task = selectors.task_get(user=user, task_id=task_id)
    except NotFound:
        services.task_record_denied(actor=user, task_id=task_id)
        raise
    return _out(task, selectors.coordinator_ids(task_ids=[task.pk]))


def _row(r) -> dict:
    return dict(agency_id=r.agency_id, agency_name=r.agency_name, on_time=r.on_time, late=r.late, within=r.within,
                overdue=r.overdue, routine=r.routine)


@router.get("/tasks", response=TaskPage, url_name="task_list", summary="Danh sách nhiệm vụ được giao")
def task_list(request, params: Query[TaskQuery]):
    """Nhiệm vụ người gọi được xem (cơ quan giao, cơ quan chủ trì, phối hợp, cơ quan giám sát), hạn gần trước."""
    qs = selectors.task_list(user=request.auth, agency_id=params.agency, state=params.state, overdue=params.overdue,
                             source_document_id=params.source_document)
    count = qs.count()
    start = (params.page - 1) * params.page_size
    tasks = list(qs[start:start + params.page_size])
    coordinators = selectors.coordinator_ids(task_ids=[t.pk for t in tasks])
    return {"items": [_out(t, coordinators) for t in tasks], "count": count, "page": params.page,
            "page_size": params.page_size}


@router.get("/tasks/statistics", response=StatisticsOut, url_name="task_statistics",
            summary="Thống kê nhiệm vụ theo cơ quan chủ trì (bốn nhóm, thường xuyên riêng)")
def task_statistics(request, params: Query[StatisticsQuery]):
    """Nhiệm vụ giao trong kỳ: hoàn thành đúng hạn, quá hạn; chưa hoàn thành còn hạn, quá hạn; thường xuyên."""
    end = max(params.start, params.end)
    rows = selectors.statistics_visible(user=request.auth, start=params.start, end=end)
    return {"start": params.start, "end": end, "rows": [_row(r) for r in rows], "total": _row(selectors.totals(rows))}


@router.post("/tasks", response={201: TaskOut}, url_name="task_create", summary="Ghi nhận nhiệm vụ từ một văn bản")
def task_create(request, data: TaskIn):
    """Người của cơ quan giữ văn bản (văn thư, lãnh đạo, chuyên viên) ghi nhận; hạn không trước ngày văn bản."""
    task = services.task_record(actor=request.auth, document_id=data.source_document_id, data=services.TaskInput(
        content=data.content, lead_agency_id=data.lead_agency_id, lead_unit_id=data.lead_unit_id,
        coordinator_ids=list(data.coordinator_ids), deadline=data.deadline, given_by=data.given_by,
        passage=data.passage))
    return Status(201, _one(request.auth, task.pk))


@router.get("/tasks/{int:task_id}", response=TaskOut, url_name="task_detail", summary="Một nhiệm vụ")
def task_detail(request, task_id: Id):
    return _one(request.auth, task_id)


@router.post("/tasks/{int:task_id}/progress", response={201: TaskOut}, url_name="task_progress",
             summary="Báo cáo tiến độ (cơ quan chủ trì)")
def task_progress(request, task_id: Id, data: TextIn):
    services.task_report_progress(actor=request.auth, task_id=task_id, text=data.text)
    return Status(201, _one(request.auth, task_id))


@router.post("/tasks/{int:task_id}/result", response=TaskOut, url_name="task_result",
             summary="Báo cáo kết quả (cơ quan chủ trì)")
def task_result(request, task_id: Id, data: ResultIn):
    services.task_report_result(actor=request.auth, task_id=task_id, text=data.text,
                                linked_document_id=data.linked_document_id)
    return _one(request.auth, task_id)


@router.post("/tasks/{int:task_id}/confirm", response=TaskOut, url_name="task_confirm",
             summary="Xác nhận hoàn thành (cơ quan giao)")
def task_confirm(request, task_id: Id):
    services.task_confirm(actor=request.auth, task_id=task_id)
    return _one(request.auth, task_id)


@router.post("/tasks/{int:task_id}/send-back", response=TaskOut, url_name="task_send_back",
             summary="Trả lại kết quả, nêu lý do (cơ quan giao)")
def task_send_back(request, task_id: Id, data: ReasonIn):
    services.task_send_back(actor=request.auth, task_id=task_id, reason=data.reason)
    return _one(request.auth, task_id)


@router.post("/tasks/{int:task_id}/extension", response={201: ExtensionOut}, url_name="task_extension_request",
             summary="Xin gia hạn (cơ quan chủ trì)")
def task_extension_request(request, task_id: Id, data: ExtensionIn):
    ext = services.task_extension_request(actor=request.auth, task_id=task_id, new_deadline=data.new_deadline,
                                          reason=data.reason)
    return Status(201, ext)


@router.post("/tasks/{int:task_id}/extension/decision", response=ExtensionOut, url_name="task_extension_decide",
             summary="Đồng ý hoặc không đồng ý gia hạn (cơ quan giao)")
def task_extension_decide(request, task_id: Id, data: DecisionIn):
    return services.task_extension_decide(actor=request.auth, task_id=task_id, grant=data.grant, note=data.note,
                                          new_deadline=data.new_deadline)
