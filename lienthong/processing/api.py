"""JSON endpoints for processing incoming documents (vanthu.md §4.2). Thin: parse, call a selector or
service, shape the answer.

The work queues come from ``processing.selectors`` (each scoped to the caller). A document's
handling is reached through the document (``documents_visible_to``) and an assignment through
``assignment_get``: what the caller may not see answers 404 like what does not exist. A step the
current state does not allow is a 400 ``invalid_state``; a step that is not the caller's is a 403.
"""

from __future__ import annotations

from django.utils.translation import gettext_lazy
from ninja import Query, Router, Status

from lienthong.core.api_tools import page_bounds, state_errors_as_400
from lienthong.core.errors import NotFound
from lienthong.core.schema_types import Id, PersonOut
from lienthong.documents import selectors as document_selectors
from lienthong.documents import services as document_services
from lienthong.processing import selectors, services
from lienthong.processing.models import HandlingState
from lienthong.processing.schemas import (
    AssignIn,
    AssignmentNode,
    ChaseIn,
    ChaseOut,
    CompleteIn,
    HandlingOut,
    LinkedDocument,
    NoteIn,
    NoteOut,
    QueueItem,
    QueuePage,
    QueueQuery,
    SubmitIn,
)

router = Router(tags=["Xử lý văn bản đến"])
# The 404 of a document that has no handling (the tests use this constant rather than a copy of the text).
NO_HANDLING = gettext_lazy("Văn bản này không có quy trình xử lý văn bản đến.")


def _specs(items) -> list[services.AssignmentSpec]:
    return [services.AssignmentSpec(role=s.role, unit_id=s.unit_id, user_id=s.user_id, deadline=s.deadline,
                                    instruction=s.instruction) for s in items]


# --- Queues ----------------------------------------------------------------------------------------

def _queue_page(user, queue: str, page: int, page_size: int) -> dict:
    """One page of a queue. "to_assign" is the documents submitted to the caller followed by the
    parts given to a unit the caller heads and not yet handed on: two querysets paged as one."""
    parts = {
        "to_submit": [(selectors.handlings_to_submit(user=user), QueueItem.of_handling)],
        "to_assign": [(selectors.handlings_to_assign(user=user), QueueItem.of_handling),
                      (selectors.unit_to_assign(user=user), QueueItem.of_assignment)],
        "to_process": [(selectors.to_process(user=user), QueueItem.of_assignment)],
        "info": [(selectors.for_information(user=user), QueueItem.of_assignment)],
        "overdue": [(selectors.overdue_assigned_by(user=user), QueueItem.of_assignment)],
    }[queue]
    start, end = page_bounds(page, page_size)
    items, offset = [], 0
    for qs, shape in parts:
        n = qs.count()
        lo, hi = max(start - offset, 0), min(end - offset, n)
        if lo < hi:
            items += [shape(row) for row in qs[lo:hi]]
        offset += n
    return {"items": items, "count": offset, "page": page, "page_size": page_size}


@router.get("/handlings", response=QueuePage, url_name="handling_queue", summary="Hàng đợi xử lý văn bản đến")
def handling_queue(request, params: Query[QueueQuery]):
    """Văn thư: chờ trình; lãnh đạo: chờ phân công; chuyên viên: được giao xử lý, để biết; người giao
    việc: quá hạn. Khẩn trước, hạn gần trước; mỗi phần việc kèm ``deadline_status``. Kèm số lượng
    các hàng đợi."""
    user = request.auth
    page = _queue_page(user, params.queue, params.page, params.page_size)
    counts = selectors.queue_counts(user=user)
    counts["info"] = selectors.for_information(user=user).count()
    page["counts"] = counts
    return page


# --- A document's handling --------------------------------------------------------------------------

def _handling(user, document_id: int):
    try:
        document = document_selectors.document_get(user=user, document_id=document_id)
    except NotFound:
        document_services.document_record_denied(actor=user, document_id=document_id)
        raise
    handling = selectors.handling_of(document_id=document.pk)
    if handling is None:
        raise NotFound(str(NO_HANDLING))
    return handling


def _handling_out(user, document_id: int) -> HandlingOut:
    handling = _handling(user, document_id)
    rows = selectors.assignment_tree(handling=handling)
    children: dict[int | None, list] = {}
    for a in rows:
        children.setdefault(a.parent_id, []).append(a)

    def node(a) -> AssignmentNode:
        return AssignmentNode.of(a, children=[node(c) for c in children.get(a.pk, [])])

    return HandlingOut(
        id=handling.pk, document_id=handling.document_id, state=handling.state,
        state_label=str(HandlingState(handling.state).label), is_urgent=handling.is_urgent,
        received_on=handling.received_on, submitted_to=PersonOut.of(handling.submitted_to),
        submitted_at=handling.submitted_at, submit_note=handling.submit_note,
        reply_document=LinkedDocument.of(handling.reply_document), completed_at=handling.completed_at,
        assignments=[node(a) for a in children.get(None, [])],
    )


@router.get("/documents/{int:document_id}/handling", response=HandlingOut, url_name="document_handling",
            summary="Quá trình xử lý một văn bản đến")
def document_handling(request, document_id: Id):
    """Trạng thái, người nhận trình, cây phân công (chủ trì, phối hợp, để biết; phân công tiếp trong đơn vị)
    với hạn xử lý, tình trạng hạn, tiến độ, ghi chú xử lý và văn bản trả lời."""
    return _handling_out(request.auth, document_id)


@router.post("/documents/{int:document_id}/handling/submit", response=HandlingOut, url_name="handling_submit",
             summary="Trình văn bản đến cho lãnh đạo (văn thư)")
def handling_submit(request, document_id: Id, data: SubmitIn):
    """Văn thư trình văn bản đã vào sổ cho một lãnh đạo của cơ quan (có thể trình lại người khác trước
    khi phân công); văn bản khẩn được báo ngay."""
    user = request.auth
    handling = _handling(user, document_id)
    with state_errors_as_400():
        services.handling_submit(actor=user, handling_id=handling.pk, leader_id=data.leader_id, note=data.note)
    return _handling_out(user, document_id)


@router.post("/documents/{int:document_id}/handling/assign", response=HandlingOut, url_name="handling_assign",
             summary="Phân công xử lý (lãnh đạo)")
def handling_assign(request, document_id: Id, data: AssignIn):
    """Một đơn vị hoặc người chủ trì, các đơn vị / người phối hợp và để biết; mỗi dòng một hạn xử lý
    (không trước ngày đến; bỏ trống: hạn mặc định theo độ khẩn) và ý kiến chỉ đạo. Có thể phân công
    thêm sau; chỉ có một chủ trì."""
    user = request.auth
    handling = _handling(user, document_id)
    with state_errors_as_400():
        services.handling_assign(actor=user, handling_id=handling.pk, specs=_specs(data.assignments),
                                 late_reason=data.late_reason)
    return _handling_out(user, document_id)


# --- One part of the work ---------------------------------------------------------------------------

@router.post("/assignments/{int:assignment_id}/delegate", response=HandlingOut, url_name="assignment_delegate",
             summary="Phân công tiếp trong đơn vị (lãnh đạo đơn vị)")
def assignment_delegate(request, assignment_id: Id, data: AssignIn):
    """Giao phần việc của đơn vị cho người trong đơn vị, hạn không sau hạn của đơn vị."""
    user = request.auth
    assignment = selectors.assignment_get(user=user, assignment_id=assignment_id)
    with state_errors_as_400():
        services.assignment_delegate(actor=user, assignment_id=assignment.pk, specs=_specs(data.assignments))
    return _handling_out(user, assignment.document_id)


@router.post("/assignments/{int:assignment_id}/notes", response={201: NoteOut}, url_name="assignment_note",
             summary="Ghi chú xử lý, cập nhật tiến độ")
def assignment_note(request, assignment_id: Id, data: NoteIn):
    """Người hoặc đơn vị được giao ghi lại việc đã làm. Nơi gửi nhận trạng thái 05 “đang xử lý” (đơn vị đang
    xử lý) và chỉ ``reply_to_sender`` nếu có; ý kiến xử lý (``text``) là nội bộ."""
    user = request.auth
    assignment = selectors.assignment_get(user=user, assignment_id=assignment_id)
    with state_errors_as_400():
        note = services.assignment_note(actor=user, assignment_id=assignment.pk, text=data.text,
                                        progress=data.progress, reply_to_sender=data.reply_to_sender)
    return Status(201, NoteOut.of(note))


@router.post("/assignments/{int:assignment_id}/complete", response=HandlingOut, url_name="assignment_complete",
             summary="Hoàn thành phần việc, gắn văn bản trả lời")
def assignment_complete(request, assignment_id: Id, data: CompleteIn):
    """Văn bản trả lời phải là văn bản đi của cơ quan mình mà người gọi được xem. Khi phần chủ trì
    xong, văn bản đến hoàn thành (trạng thái 06 gửi về nơi gửi, kèm số văn bản trả lời và ``reply_to_sender``
    nếu có; ``result`` là nội bộ)."""
    user = request.auth
    assignment = selectors.assignment_get(user=user, assignment_id=assignment_id)
    with state_errors_as_400():
        services.assignment_complete(actor=user, assignment_id=assignment.pk, result=data.result,
                                     reply_document_id=data.reply_document_id, reply_to_sender=data.reply_to_sender)
    return _handling_out(user, assignment.document_id)


@router.post("/assignments/{int:assignment_id}/chase", response=ChaseOut, url_name="assignment_chase",
             summary="Đôn đốc xử lý")
def assignment_chase(request, assignment_id: Id, data: ChaseIn):
    """Lãnh đạo, văn thư hoặc người giao việc nhắc người (hoặc lãnh đạo đơn vị) đang giữ phần việc."""
    user = request.auth
    assignment = selectors.assignment_get(user=user, assignment_id=assignment_id)
    with state_errors_as_400():
        notified = services.assignment_chase(actor=user, assignment_id=assignment.pk, message=data.message)
    return {"notified": notified}
