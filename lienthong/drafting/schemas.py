"""Shapes of the drafts API: the draft form (multipart or JSON), the steps' bodies, and the answers.

Whether a value is acceptable (a signer who is not a leader, a recipient chosen twice, a step out
of turn) is decided by ``drafting.services``, so the web pages and the API give the same answers.
"""

from __future__ import annotations

import datetime as dt
from typing import Annotated, Literal

from ninja import Field, Schema
from pydantic import BeforeValidator

from lienthong.core.choices import Urgency
from lienthong.core.limits import COMMENT_MAX_LENGTH, REASON_MAX_LENGTH, SHORT_NOTE_MAX_LENGTH
from lienthong.core.schema_types import Id, PersonOut
from lienthong.documents.models import RelationKind, Secrecy, SignerAuthority
from lienthong.documents.schemas import (
    DEFAULT_PAGE_SIZE,
    MAX_PAGE_SIZE,
    OptionalInt,
    SecrecyCode,
    SignerAuthorityCode,
    UrgencyCode,
    blank_to_none,
)
from lienthong.drafting.models import DraftState, FileRole

DraftQueue = Literal["mine", "to_approve", "to_issue"]
RelationKindCode = Annotated[Literal[tuple(RelationKind.values)] | None, BeforeValidator(blank_to_none)]


def _blank_ids(value):
    """A multipart form sends ``recipient_ids=`` for an empty choice: no ids."""
    if isinstance(value, list):
        return [v for v in value if not (isinstance(v, str) and not v.strip())]
    return value


IdList = Annotated[list[Id], BeforeValidator(_blank_ids)]


class DraftListQuery(Schema):
    queue: DraftQueue = Field("mine", description=(
        "mine: dự thảo đang soạn của tôi; to_approve: chờ tôi kiểm tra nội dung, duyệt, ký; "
        "to_issue: chờ văn thư kiểm tra thể thức, cấp số, đóng dấu, phát hành"))
    page: int = Field(1, ge=1)
    page_size: int = Field(DEFAULT_PAGE_SIZE, ge=1, le=MAX_PAGE_SIZE)


class DraftIn(Schema):
    """The draft's metadata (NĐ30 Phụ lục I): multipart form fields on creation, JSON when edited."""

    agency_id: OptionalInt = Field(
        None, description="Cơ quan ban hành; bỏ trống khi người gọi chỉ công tác ở một cơ quan")
    document_type: str = Field(..., max_length=40, description="Mã loại văn bản, ví dụ bao-cao, cong-van")
    subject: str = Field(..., max_length=1000, description="Trích yếu")
    signer_id: OptionalInt = Field(None, description="Người ký: lãnh đạo của cơ quan ban hành")
    reviewer_id: OptionalInt = Field(
        None, description="Lãnh đạo đơn vị kiểm tra nội dung; bỏ trống thì trình thẳng văn thư kiểm tra thể thức")
    unit_id: OptionalInt = Field(None, description="Đơn vị soạn thảo")
    urgency: UrgencyCode = Urgency.NORMAL.value
    secrecy: SecrecyCode = Secrecy.NORMAL.value
    signer_authority: SignerAuthorityCode = SignerAuthority.NONE.value
    signer_position: str = Field("", max_length=100, description="Chức vụ người ký")
    unit_abbreviation: str = Field("", max_length=20, description="Chữ viết tắt đơn vị (ký hiệu công văn)")
    recipient_ids: IdList = Field([], description="Cơ quan nhận trong danh mục (lặp lại trường cho mỗi cơ quan)")
    recipient_list_ids: IdList = Field([], description="Danh sách nơi nhận đã lưu")
    extra_recipients: str = Field("", max_length=2000, description="Nơi nhận khác, mỗi dòng một nơi (ví dụ Lưu: VT)")
    related_document_id: OptionalInt = Field(
        None, description="Văn bản được sửa đổi, thay thế, đính chính hoặc trả lời")
    relation_kind: RelationKindCode = Field(None, description="amends, replaces, corrects, replies_to")


class NoteIn(Schema):
    note: str = Field("", max_length=COMMENT_MAX_LENGTH, description="Ý kiến kèm theo (không bắt buộc)")


class ApproveIn(NoteIn):
    urgency: Annotated[UrgencyCode | None, BeforeValidator(blank_to_none)] = Field(
        None, description="Người ký quyết định độ khẩn; bỏ trống thì giữ nguyên")


class ReasonIn(Schema):
    reason: str = Field("", max_length=REASON_MAX_LENGTH, description="Lý do (bắt buộc)")


class CommentIn(Schema):
    text: str = Field("", max_length=COMMENT_MAX_LENGTH, description="Ý kiến góp ý")


class AddFilesIn(Schema):
    role: Literal[FileRole.DRAFT.value, FileRole.ATTACHMENT.value] = Field(
        FileRole.DRAFT.value, description="draft: phiên bản mới của dự thảo; attachment: phụ lục, tài liệu kèm theo")
    note: str = Field("", max_length=SHORT_NOTE_MAX_LENGTH, description="Ghi chú về phiên bản")


class SignIn(Schema):
    method: str = Field("paper", max_length=40, description=(
        "Cách ký; paper: ký trên giấy, đính kèm bản quét; pades: ký số bằng khóa lưu trên máy chủ (cần pin); "
        "ký bằng USB token dùng /api/signing/remote/prepare và /finish"))
    pin: str = Field("", max_length=100, description="Mã PIN ký số (method=pades)")


class SealIn(SignIn):
    issue: bool = Field(False, description="Phát hành ngay sau khi đóng dấu (văn bản khẩn)")


class NumberIn(Schema):
    register_id: OptionalInt = Field(None, description="Sổ văn bản đi; bỏ trống thì dùng sổ mặc định của loại văn bản")


class DraftListItem(Schema):
    id: int
    agency_id: int
    agency_name: str
    subject: str
    document_type: str = Field(description="Tên loại văn bản")
    document_type_code: str
    urgency: str
    secrecy: str
    state: str
    state_label: str
    created_by: PersonOut
    signer: PersonOut
    document_id: int | None = Field(description="Văn bản đi đã cấp số (khi đã cấp số)")
    state_changed_at: dt.datetime
    updated_at: dt.datetime

    @classmethod
    def of(cls, draft) -> DraftListItem:
        return cls(id=draft.pk, agency_id=draft.agency_id, agency_name=draft.agency.name, subject=draft.subject,
                   document_type=draft.document_type.name, document_type_code=draft.document_type.code,
                   urgency=draft.urgency, secrecy=draft.secrecy, state=draft.state,
                   state_label=str(DraftState(draft.state).label), created_by=PersonOut.of(draft.created_by),
                   signer=PersonOut.of(draft.signer), document_id=draft.document_id,
                   state_changed_at=draft.state_changed_at, updated_at=draft.updated_at)


class DraftQueueCounts(Schema):
    mine: int
    to_approve: int
    to_issue: int


class DraftPage(Schema):
    items: list[DraftListItem]
    count: int
    page: int
    page_size: int
    counts: DraftQueueCounts


class DraftFileOut(Schema):
    id: int
    role: str = Field(description="draft, attachment, signed, sealed")
    role_label: str
    version: int
    filename: str
    size: int
    sha256: str
    content_type: str
    note: str
    uploaded_by: PersonOut
    uploaded_at: dt.datetime
    download_url: str

    @classmethod
    def of(cls, df, *, download_url: str) -> DraftFileOut:
        sf = df.stored_file
        return cls(id=df.pk, role=df.role, role_label=str(FileRole(df.role).label), version=df.version,
                   filename=df.filename, size=sf.size, sha256=sf.sha256, content_type=sf.content_type, note=df.note,
                   uploaded_by=PersonOut.of(df.uploaded_by), uploaded_at=df.uploaded_at, download_url=download_url)


class CommentOut(Schema):
    id: int
    author: PersonOut
    text: str
    version: int | None = Field(description="Phiên bản dự thảo được góp ý")
    created_at: dt.datetime

    @classmethod
    def of(cls, comment) -> CommentOut:
        return cls(id=comment.pk, author=PersonOut.of(comment.author), text=comment.text, version=comment.version,
                   created_at=comment.created_at)


class StepOut(Schema):
    action: str
    from_state: str
    to_state: str
    to_state_label: str
    actor: PersonOut
    note: str
    at: dt.datetime

    @classmethod
    def of(cls, step) -> StepOut:
        return cls(action=step.action, from_state=step.from_state, to_state=step.to_state,
                   to_state_label=str(DraftState(step.to_state).label), actor=PersonOut.of(step.actor),
                   note=step.note, at=step.at)


class RecipientOut(Schema):
    agency_id: int
    name: str


class DraftDetail(Schema):
    id: int
    agency_id: int
    agency_name: str
    unit_id: int | None
    unit_name: str | None
    document_type: str
    document_type_code: str
    subject: str
    urgency: str
    secrecy: str
    unit_abbreviation: str
    reviewer: PersonOut | None
    signer: PersonOut
    signer_authority: str
    signer_position: str
    extra_recipients: str
    recipients_text: str = Field(description="“Nơi nhận” in trên văn bản")
    related_document_id: int | None
    relation_kind: str
    state: str
    state_label: str
    allowed_actions: list[str] = Field(description=(
        "Các thao tác người gọi được làm lúc này: update, add_files, comment, submit, check_content, "
        "check_format, approve, return, sign, number, seal, issue, abandon"))
    document_id: int | None
    number_symbol: str | None
    created_by: PersonOut
    created_at: dt.datetime
    updated_at: dt.datetime
    state_changed_at: dt.datetime
    issued_at: dt.datetime | None
    files: list[DraftFileOut]
    comments: list[CommentOut]
    steps: list[StepOut]
    recipients: list[RecipientOut]
