"""Shapes of the processing API: work queues, the handling of an incoming document with its assignment
tree, and the bodies of submit, assign, delegate, note, complete and chase."""

from __future__ import annotations

import datetime as dt
from typing import Literal

from ninja import Field, Schema

from lienthong.core.choices import Urgency
from lienthong.core.limits import COMMENT_MAX_LENGTH, NOTE_MAX_LENGTH, REASON_MAX_LENGTH
from lienthong.core.schema_types import Id, PersonOut
from lienthong.documents.schemas import DEFAULT_PAGE_SIZE, MAX_PAGE_SIZE, OptionalDate, OptionalInt
from lienthong.processing.models import AssignmentRole, AssignmentState, HandlingState

ProcessingQueue = Literal["to_submit", "to_assign", "to_process", "info", "overdue"]


class UnitRef(Schema):
    id: int
    name: str

    @classmethod
    def of(cls, unit) -> UnitRef | None:
        return cls(id=unit.pk, name=unit.name) if unit is not None else None


class DocumentRef(Schema):
    id: int
    number_symbol: str
    subject: str
    document_type: str
    issuer_name: str
    issued_on: dt.date
    received_on: dt.date | None
    register_number: int = Field(description="Số đến")
    urgency: str
    secrecy: str

    @classmethod
    def of(cls, doc) -> DocumentRef:
        return cls(id=doc.pk, number_symbol=doc.number_symbol, subject=doc.subject,
                   document_type=doc.document_type.name, issuer_name=doc.issuer_name, issued_on=doc.issued_on,
                   received_on=doc.received_on, register_number=doc.register_number, urgency=doc.urgency,
                   secrecy=doc.secrecy)


class LinkedDocument(Schema):
    id: int
    number_symbol: str

    @classmethod
    def of(cls, doc) -> LinkedDocument | None:
        return cls(id=doc.pk, number_symbol=doc.number_symbol) if doc is not None else None


class QueueQuery(Schema):
    queue: ProcessingQueue = Field("to_process", description=(
        "to_submit: văn thư, chờ trình lãnh đạo; to_assign: lãnh đạo, chờ phân công (kể cả phần việc giao "
        "cho đơn vị mình chưa giao tiếp); to_process: được giao xử lý; info: được gửi để biết; "
        "overdue: phần việc tôi giao đã quá hạn"))
    page: int = Field(1, ge=1)
    page_size: int = Field(DEFAULT_PAGE_SIZE, ge=1, le=MAX_PAGE_SIZE)


class QueueItem(Schema):
    """One row of a queue: a whole incoming document (``kind=handling``) or one part of its work
    (``kind=assignment``)."""

    kind: Literal["handling", "assignment"]
    handling_id: int
    assignment_id: int | None
    document: DocumentRef
    is_urgent: bool
    state: str
    state_label: str
    submitted_at: dt.datetime | None = None
    role: str | None = None
    role_label: str | None = None
    unit: UnitRef | None = None
    user: PersonOut | None = None
    deadline: dt.date | None = None
    deadline_status: str = Field("", description="overdue: quá hạn; due_soon: sắp đến hạn; '' còn hạn hoặc xong")
    instruction: str = ""
    progress: int | None = None
    assigned_by: PersonOut | None = None
    assigned_at: dt.datetime | None = None

    @classmethod
    def of_handling(cls, h) -> QueueItem:
        return cls(kind="handling", handling_id=h.pk, assignment_id=None, document=DocumentRef.of(h.document),
                   is_urgent=h.is_urgent, state=h.state, state_label=str(HandlingState(h.state).label),
                   submitted_at=h.submitted_at)

    @classmethod
    def of_assignment(cls, a) -> QueueItem:
        return cls(kind="assignment", handling_id=a.handling_id, assignment_id=a.pk,
                   document=DocumentRef.of(a.document),
                   is_urgent=a.document.urgency != Urgency.NORMAL, state=a.state,
                   state_label=str(AssignmentState(a.state).label), role=a.role,
                   role_label=str(AssignmentRole(a.role).label), unit=UnitRef.of(a.unit), user=PersonOut.of(a.user),
                   deadline=a.deadline, deadline_status=getattr(a, "deadline_status", ""), instruction=a.instruction,
                   progress=a.progress, assigned_by=PersonOut.of(a.assigned_by), assigned_at=a.assigned_at)


class QueueCounts(Schema):
    to_submit: int
    to_assign: int
    to_process: int
    info: int
    overdue: int


class QueuePage(Schema):
    items: list[QueueItem]
    count: int
    page: int
    page_size: int
    counts: QueueCounts


class NoteOut(Schema):
    id: int
    author: PersonOut
    text: str = Field(description="Ý kiến, tiến độ xử lý: nội bộ cơ quan nhận văn bản")
    progress: int | None
    reply_to_sender: str = Field(description="Nội dung phản hồi đã gửi về nơi gửi cùng trạng thái 05 ('' nếu không)")
    created_at: dt.datetime

    @classmethod
    def of(cls, note) -> NoteOut:
        return cls(id=note.pk, author=PersonOut.of(note.author), text=note.text, progress=note.progress,
                   reply_to_sender=note.reply_to_sender, created_at=note.created_at)


class AssignmentNode(Schema):
    id: int
    role: str = Field(description="lead: chủ trì; support: phối hợp; info: để biết")
    role_label: str
    unit: UnitRef | None
    user: PersonOut | None
    deadline: dt.date | None
    deadline_status: str = Field(description="overdue, due_soon hoặc ''")
    instruction: str
    state: str
    state_label: str
    progress: int
    result: str = Field(description="Kết quả xử lý: nội bộ cơ quan nhận văn bản")
    reply_to_sender: str = Field(description="Nội dung phản hồi gửi về nơi gửi khi hoàn thành ('' nếu không)")
    reply_document: LinkedDocument | None
    assigned_by: PersonOut
    assigned_at: dt.datetime
    completed_at: dt.datetime | None
    notes: list[NoteOut]
    children: list[AssignmentNode] = Field(description="Phân công tiếp trong đơn vị")

    @classmethod
    def of(cls, a, *, children: list[AssignmentNode]) -> AssignmentNode:
        return cls(id=a.pk, role=a.role, role_label=str(AssignmentRole(a.role).label), unit=UnitRef.of(a.unit),
                   user=PersonOut.of(a.user), deadline=a.deadline, deadline_status=a.deadline_status,
                   instruction=a.instruction, state=a.state, state_label=str(AssignmentState(a.state).label),
                   progress=a.progress, result=a.result, reply_to_sender=a.reply_to_sender,
                   reply_document=LinkedDocument.of(a.reply_document),
                   assigned_by=PersonOut.of(a.assigned_by), assigned_at=a.assigned_at, completed_at=a.completed_at,
                   notes=[NoteOut.of(n) for n in a.notes.all()], children=children)


AssignmentNode.model_rebuild()


class HandlingOut(Schema):
    id: int
    document_id: int
    state: str = Field(description="registered, submitted, assigned, in_progress, done, "
                                   "withdrawn (đã đóng do văn bản bị thu hồi)")
    state_label: str
    is_urgent: bool
    received_on: dt.date
    submitted_to: PersonOut | None
    submitted_at: dt.datetime | None
    submit_note: str
    reply_document: LinkedDocument | None
    completed_at: dt.datetime | None
    assignments: list[AssignmentNode] = Field(description="Phân công của lãnh đạo, mỗi dòng kèm phân công tiếp")


class SubmitIn(Schema):
    leader_id: Id = Field(..., description="Lãnh đạo cơ quan nhận trình")
    note: str = Field("", max_length=REASON_MAX_LENGTH, description="Ý kiến đề xuất của văn thư")


class AssignmentSpecIn(Schema):
    role: Literal[tuple(AssignmentRole.values)] = Field(..., description="lead: chủ trì; support: phối hợp; "
                                                                         "info: để biết")
    unit_id: OptionalInt = Field(None, description="Đơn vị được giao (hoặc user_id, không cả hai)")
    user_id: OptionalInt = Field(None, description="Người được giao (hoặc unit_id, không cả hai)")
    deadline: OptionalDate = Field(None, description="Hạn xử lý; bỏ trống: hạn mặc định theo độ khẩn")
    instruction: str = Field("", max_length=REASON_MAX_LENGTH, description="Ý kiến chỉ đạo")


class AssignIn(Schema):
    assignments: list[AssignmentSpecIn] = Field(..., description="Các đơn vị, người được giao")
    late_reason: str = Field("", max_length=500, description="Lý do (và xác nhận) khi có hạn xử lý sau hạn của "
                                                              "văn bản; bắt buộc trong trường hợp đó")


# Issue 11: what the sender reads with the status, apart from the internal note or result.
REPLY_TO_SENDER_MAX = 2000  # DeliveryEvent.reply
REPLY_TO_SENDER = ("Nội dung phản hồi cho nơi gửi (không bắt buộc): chỉ nội dung này được gửi về cơ quan gửi văn "
                   "bản cùng trạng thái; ý kiến xử lý và kết quả là nội bộ cơ quan nhận")


class NoteIn(Schema):
    text: str = Field("", max_length=COMMENT_MAX_LENGTH, description="Nội dung")
    progress: OptionalInt = Field(None, description="Tiến độ 0–100 %")
    reply_to_sender: str = Field("", max_length=REPLY_TO_SENDER_MAX, description=REPLY_TO_SENDER)


class CompleteIn(Schema):
    result: str = Field("", max_length=COMMENT_MAX_LENGTH, description="Kết quả xử lý")
    reply_document_id: OptionalInt = Field(None, description="Văn bản trả lời: văn bản đi của cơ quan mình")
    reply_to_sender: str = Field("", max_length=REPLY_TO_SENDER_MAX, description=REPLY_TO_SENDER)


class ChaseIn(Schema):
    message: str = Field("", max_length=NOTE_MAX_LENGTH, description="Nội dung đôn đốc; bỏ trống dùng câu mặc định")


class ChaseOut(Schema):
    notified: int = Field(description="Số người nhận được thông báo")
