"""Shapes of the delivery API: the recipient's queues and actions, the sender's tracking view with the
QCVN 102 status codes, recalls and saved recipient lists."""

from __future__ import annotations

import datetime as dt
from typing import Literal

from ninja import Field, Schema

from lienthong.core.limits import NOTE_MAX_LENGTH, REASON_MAX_LENGTH
from lienthong.core.schema_types import Id
from lienthong.delivery.models import DeliveryState, EventKind, RecallState
from lienthong.documents.schemas import DEFAULT_PAGE_SIZE, MAX_PAGE_SIZE, OptionalDate, OptionalInt
from lienthong.signing.api_verification import DocumentFileOut

InboxQueue = Literal["to_receive", "to_register", "recall"]


class AgencyRef(Schema):
    id: int
    name: str

    @classmethod
    def of(cls, agency) -> AgencyRef:
        return cls(id=agency.pk, name=agency.name)


class InboxQuery(Schema):
    queue: InboxQueue = Field("to_receive", description=(
        "to_receive: đã đến, chờ tiếp nhận; to_register: đã tiếp nhận, chờ vào sổ; "
        "recall: nơi gửi yêu cầu thu hồi, chờ trả lời"))
    page: int = Field(1, ge=1)
    page_size: int = Field(DEFAULT_PAGE_SIZE, ge=1, le=MAX_PAGE_SIZE)


class DeliveredDocumentRef(Schema):
    id: int
    number_symbol: str
    subject: str
    document_type: str
    document_type_code: str
    issued_on: dt.date
    issuer_name: str
    urgency: str
    secrecy: str

    @classmethod
    def of(cls, doc) -> DeliveredDocumentRef:
        return cls(id=doc.pk, number_symbol=doc.number_symbol, subject=doc.subject,
                   document_type=doc.document_type.name, document_type_code=doc.document_type.code,
                   issued_on=doc.issued_on, issuer_name=doc.issuer_name, urgency=doc.urgency, secrecy=doc.secrecy)


def _delivery_fields(d) -> dict:
    return dict(
        id=d.pk, state=d.state, state_label=str(DeliveryState(d.state).label), recall_state=d.recall_state,
        recall_state_label=str(RecallState(d.recall_state).label) if d.recall_state else "", is_urgent=d.is_urgent,
        reason=d.reason, sent_at=d.sent_at, updated_at=d.updated_at, sender_agency=AgencyRef.of(d.sender_agency),
        recipient_agency=AgencyRef.of(d.recipient_agency),
    )


class DeliveryListItem(Schema):
    id: int
    state: str
    state_label: str
    recall_state: str = Field(description="'' (không), requested, accepted, refused")
    recall_state_label: str
    is_urgent: bool
    reason: str = Field(description="Lý do trả lại hoặc lý do thu hồi")
    sent_at: dt.datetime
    updated_at: dt.datetime
    sender_agency: AgencyRef
    recipient_agency: AgencyRef
    document: DeliveredDocumentRef

    @classmethod
    def of(cls, d) -> DeliveryListItem:
        return cls(**_delivery_fields(d), document=DeliveredDocumentRef.of(d.document))


class InboxCounts(Schema):
    to_receive: int
    to_register: int
    recall: int


class InboxPage(Schema):
    items: list[DeliveryListItem]
    count: int
    page: int
    page_size: int
    counts: InboxCounts


class EventOut(Schema):
    kind: str
    kind_label: str
    code: str = Field(description="Mã trạng thái QCVN 102:2016 (01 đã đến, 02 trả lại, 03 đã tiếp nhận / vào sổ, "
                                  "04 đã phân công, 05 đang xử lý, 06 hoàn thành, 13/15/16 thu hồi); '' khi gửi đi")
    at: dt.datetime
    actor_name: str = Field(description="Ai thực hiện: với thao tác của nơi gửi là người của nơi gửi; với thao tác "
                                        "của nơi nhận là tên cơ quan nhận (không nêu tên người); '' khi hệ thống")
    description: str = Field(description="Mô tả do hệ thống ghi: lý do trả lại / thu hồi, số đến, đơn vị được "
                                         "phân công, đơn vị đang xử lý, số văn bản trả lời")
    reply: str = Field(description="Nội dung phản hồi nơi nhận chọn gửi về nơi gửi ('' nếu không)")

    @classmethod
    def of(cls, e, *, recipient_name: str) -> EventOut:
        return cls(kind=e.kind, kind_label=str(EventKind(e.kind).label), code=e.code, at=e.at,
                   actor_name=e.party(recipient_name), description=e.description, reply=e.reply)


class DeliveredDocumentOut(DeliveredDocumentRef):
    """The sender's record as the recipient sees it before registering it (NĐ30 Phụ lục VI)."""

    code_number: str
    code_notation: str
    identifier: str
    issuer_agency_id: int | None
    place: str
    signer_authority: str
    signer_position: str
    signer_name: str
    recipients_text: str
    page_count: int | None
    status: str
    files: list[DocumentFileOut]

    @classmethod
    def of(cls, doc, *, files: list[DocumentFileOut]) -> DeliveredDocumentOut:
        return cls(
            **DeliveredDocumentRef.of(doc).model_dump(), code_number=doc.code_number, code_notation=doc.code_notation,
            identifier=doc.identifier, issuer_agency_id=doc.issuer_agency_id, place=doc.place,
            signer_authority=doc.signer_authority, signer_position=doc.signer_position, signer_name=doc.signer_name,
            recipients_text=doc.recipients_text, page_count=doc.page_count, status=doc.status, files=files)


class DeliveryDetail(Schema):
    id: int
    state: str
    state_label: str
    recall_state: str
    recall_state_label: str
    is_urgent: bool
    reason: str
    sent_at: dt.datetime
    updated_at: dt.datetime
    sender_agency: AgencyRef
    recipient_agency: AgencyRef
    incoming_document_id: int | None = Field(description="Văn bản đến đã vào sổ từ lần gửi này")
    document: DeliveredDocumentOut
    events: list[EventOut]

    @classmethod
    def of(cls, d, *, files: list[DocumentFileOut], events) -> DeliveryDetail:
        return cls(**_delivery_fields(d), incoming_document_id=d.incoming_document_id,
                   document=DeliveredDocumentOut.of(d.document, files=files),
                   events=[EventOut.of(e, recipient_name=d.recipient_agency.name) for e in events])


class ReasonIn(Schema):
    reason: str = Field("", max_length=REASON_MAX_LENGTH, description="Lý do (bắt buộc)")


class RegisterIn(Schema):
    received_on: OptionalDate = Field(None, description="Ngày đến; mặc định hôm nay")
    due_date: OptionalDate = Field(None, description="Hạn xử lý (nếu có)")
    notes: str = Field("", max_length=NOTE_MAX_LENGTH, description="Ghi chú")


class RegisteredOut(Schema):
    delivery_id: int
    incoming_document_id: int
    register_number: int = Field(description="Số đến")
    number_symbol: str
    received_on: dt.date | None


class RecallAnswerIn(Schema):
    agree: bool = Field(..., description="true: đồng ý thu hồi (gỡ văn bản khỏi danh sách, tìm kiếm); false: từ chối")
    reason: str = Field("", max_length=REASON_MAX_LENGTH, description="Lý do (bắt buộc khi từ chối)")


# --- Sender side -------------------------------------------------------------------------------------

class RecipientStatusOut(Schema):
    delivery_id: int
    agency_id: int
    agency_name: str
    state: str
    state_label: str
    recall_state: str
    recall_state_label: str
    reason: str
    sent_at: dt.datetime
    updated_at: dt.datetime
    events: list[EventOut]

    @classmethod
    def of(cls, d) -> RecipientStatusOut:
        return cls(delivery_id=d.pk, agency_id=d.recipient_agency_id, agency_name=d.recipient_agency.name,
                   state=d.state, state_label=str(DeliveryState(d.state).label), recall_state=d.recall_state,
                   recall_state_label=str(RecallState(d.recall_state).label) if d.recall_state else "",
                   reason=d.reason, sent_at=d.sent_at, updated_at=d.updated_at,
                   events=[EventOut.of(e, recipient_name=d.recipient_agency.name) for e in d.events.all()])


class DeliveryTracking(Schema):
    document_id: int
    number_symbol: str
    subject: str
    status: str = Field(description="Hiệu lực của văn bản đi: active, recalled…")
    summary: dict[str, int] = Field(description="Số nơi nhận theo trạng thái")
    recipients: list[RecipientStatusOut]


class RecallIn(Schema):
    reason: str = Field("", max_length=REASON_MAX_LENGTH, description="Lý do thu hồi (bắt buộc)")


class SentQuery(Schema):
    agency_id: OptionalInt = Field(None, description="Chỉ văn bản của một cơ quan")
    page: int = Field(1, ge=1)
    page_size: int = Field(DEFAULT_PAGE_SIZE, ge=1, le=MAX_PAGE_SIZE)


class SentItem(Schema):
    id: int
    agency_id: int
    number_symbol: str
    subject: str
    document_type: str
    issued_on: dt.date
    urgency: str
    status: str
    recipients: int = Field(description="Tổng số nơi nhận")
    by_state: dict[str, int] = Field(description="Số nơi nhận theo trạng thái (arrived, received, registered, "
                                                 "assigned, in_progress, done, returned, waiting, withdrawn)")


class SentPage(Schema):
    items: list[SentItem]
    count: int
    page: int
    page_size: int


class RecipientListQuery(Schema):
    agency_id: OptionalInt = Field(None, description="Cơ quan gửi; bỏ trống: mọi cơ quan người gọi công tác")


class RecipientListOut(Schema):
    id: int
    name: str
    agency_id: int | None = Field(description="Cơ quan sở hữu; null: danh sách dùng chung")
    size: int
    member_ids: list[int]


class RecipientListIn(Schema):
    name: str = Field("", max_length=200)
    member_ids: list[Id] = Field([], description="Các cơ quan trong danh sách")
    agency_id: OptionalInt = Field(None, description="Cơ quan sở hữu; bỏ trống: cơ quan duy nhất của người gọi")
    shared: bool = Field(False, description="Danh sách dùng chung cho mọi cơ quan (chỉ quản trị hệ thống)")
