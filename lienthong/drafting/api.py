"""JSON endpoints for drafts of outgoing documents: the queues, the draft with its files, comments and
history, and one POST per step of the flow (vanthu.md §4.1). Thin: parse, call a selector or service,
shape the answer.

A draft the caller may not see (``drafting.selectors.drafts_visible_to``) answers 404 exactly like
one that does not exist. A step the draft's state does not allow is a 400 ``invalid_state``; a step
that is someone else's turn is a 403; bad field values are a 422 naming the field. Every write
answers with the draft as the caller now sees it, ``allowed_actions`` included, so a client never
has to guess what comes next.

Field errors carry the services' names: ``signer``, ``reviewer``, ``unit``, ``recipients``,
``related_document`` for the form's ``signer_id``, ``reviewer_id``, ``unit_id``, ``recipient_ids`` /
``recipient_list_ids`` and ``related_document_id``, as on the web form.
"""

from __future__ import annotations

from django.urls import reverse
from django.utils.translation import gettext as _
from ninja import File, Form, Query, Router, Status
from ninja.files import UploadedFile

from lienthong.core.api_tools import FILE_RESPONSE_DOC, page_of, state_errors_as_400
from lienthong.core.errors import ValidationFailed
from lienthong.core.schema_types import Id
from lienthong.documents import selectors as document_selectors
from lienthong.drafting import selectors, services
from lienthong.drafting.models import DraftState
from lienthong.drafting.schemas import (
    AddFilesIn,
    ApproveIn,
    CommentIn,
    CommentOut,
    DraftDetail,
    DraftFileOut,
    DraftIn,
    DraftListItem,
    DraftListQuery,
    DraftPage,
    NoteIn,
    NumberIn,
    PersonOut,
    ReasonIn,
    RecipientOut,
    SealIn,
    SignIn,
    StepOut,
)
from lienthong.files import original_response

router = Router(tags=["Dự thảo văn bản đi"])

S = DraftState
# What the person whose turn it is may do at each state (selectors.may_act decides whose turn it is).
_QUEUES = {"mine": selectors.my_drafts, "to_approve": selectors.to_approve, "to_issue": selectors.to_issue}


def allowed_actions(user, draft) -> list[str]:
    """The steps ``user`` may take on ``draft`` now (``selectors.available_steps``)."""
    return selectors.available_steps(user=user, draft=draft)


def _detail(user, draft_id: int) -> DraftDetail:
    draft = selectors.draft_get(user=user, draft_id=draft_id)
    parts = selectors.draft_detail(draft=draft)
    return DraftDetail(
        id=draft.pk, agency_id=draft.agency_id, agency_name=draft.agency.name, unit_id=draft.unit_id,
        unit_name=draft.unit.name if draft.unit_id else None, document_type=draft.document_type.name,
        document_type_code=draft.document_type.code, subject=draft.subject, urgency=draft.urgency,
        secrecy=draft.secrecy, unit_abbreviation=draft.unit_abbreviation, reviewer=PersonOut.of(draft.reviewer),
        signer=PersonOut.of(draft.signer), signer_authority=draft.signer_authority,
        signer_position=draft.signer_position, extra_recipients=draft.extra_recipients,
        recipients_text=draft.recipients_text, related_document_id=draft.related_document_id,
        relation_kind=draft.relation_kind, state=draft.state, state_label=str(S(draft.state).label),
        allowed_actions=allowed_actions(user, draft), document_id=draft.document_id,
        number_symbol=draft.document.number_symbol if draft.document_id else None,
        created_by=PersonOut.of(draft.created_by), created_at=draft.created_at, updated_at=draft.updated_at,
        state_changed_at=draft.state_changed_at, issued_at=draft.issued_at,
        files=[DraftFileOut.of(f, download_url=reverse("api:draft_file", kwargs={"draft_id": draft.pk,
                                                                                   "file_id": f.pk}))
               for f in parts["files"]],
        comments=[CommentOut.of(c) for c in parts["comments"]],
        steps=[StepOut.of(s) for s in parts["steps"]],
        recipients=[RecipientOut(agency_id=r.agency_id, name=r.agency.name) for r in parts["recipients"]],
    )


def _input(data: DraftIn, *, files=(), attachments=()) -> services.DraftInput:
    document_type = document_selectors.document_type_by_code(code=data.document_type.strip())
    return services.DraftInput(
        document_type=document_type, subject=data.subject, signer_id=data.signer_id, reviewer_id=data.reviewer_id,
        unit_id=data.unit_id, urgency=data.urgency, secrecy=data.secrecy, signer_authority=data.signer_authority,
        signer_position=data.signer_position, unit_abbreviation=data.unit_abbreviation,
        extra_recipients=data.extra_recipients, related_document_id=data.related_document_id,
        relation_kind=data.relation_kind or "", recipient_ids=data.recipient_ids,
        recipient_list_ids=data.recipient_list_ids, files=list(files or []), attachments=list(attachments or []),
    )


# --- Lists and reading -----------------------------------------------------------------------------

@router.get("/drafts", response=DraftPage, url_name="draft_list", summary="Danh sách dự thảo theo hàng đợi")
def draft_list(request, params: Query[DraftListQuery]):
    """Dự thảo đang soạn của tôi, chờ tôi kiểm tra / duyệt / ký, hoặc chờ văn thư xử lý (khẩn trước),
    kèm số lượng của cả ba hàng đợi."""
    user = request.auth
    page = page_of(_QUEUES[params.queue](user=user), params.page, params.page_size, DraftListItem.of)
    counts = selectors.queue_counts(user=user)
    page["counts"] = {"mine": counts["my_drafts"], "to_approve": counts["to_approve"], "to_issue": counts["to_issue"]}
    return page


@router.post("/drafts", response={201: DraftDetail}, url_name="draft_create", summary="Tạo dự thảo (kèm tệp)")
def draft_create(request, data: Form[DraftIn], files: File[list[UploadedFile]] = None,
                 attachments: File[list[UploadedFile]] = None):
    """Tạo dự thảo với phiên bản đầu (``files``), phụ lục (``attachments``) và nơi nhận. Gửi dạng
    multipart/form-data; các trường danh sách (``recipient_ids``) lặp lại cho mỗi giá trị. Cần có tệp
    dự thảo và nơi nhận trước khi trình."""
    user = request.auth
    agency = selectors.drafting_agency(user=user, agency_id=data.agency_id)
    draft = services.draft_create(actor=user, agency=agency, data=_input(data, files=files, attachments=attachments))
    return Status(201, _detail(user, draft.pk))


@router.get("/drafts/{int:draft_id}", response=DraftDetail, url_name="draft_detail", summary="Chi tiết dự thảo")
def draft_detail(request, draft_id: Id):
    """Thông tin, bước hiện tại, các thao tác người gọi được làm, các phiên bản tệp (kèm địa chỉ tải),
    ý kiến góp ý, lịch sử xử lý và nơi nhận."""
    return _detail(request.auth, draft_id)


@router.put("/drafts/{int:draft_id}", response=DraftDetail, url_name="draft_update", summary="Sửa thông tin dự thảo")
def draft_update(request, draft_id: Id, data: DraftIn):
    """Chỉ người soạn thảo, khi dự thảo đang ở bước soạn thảo (kể cả sau khi bị trả lại). Gửi JSON;
    ``agency_id`` không đổi được."""
    user = request.auth
    draft = selectors.draft_get(user=user, draft_id=draft_id)
    with state_errors_as_400():
        services.draft_update(actor=user, draft=draft, data=_input(data))
    return _detail(user, draft_id)


@router.get("/drafts/{int:draft_id}/files/{int:file_id}", url_name="draft_file", summary="Tải một tệp của dự thảo",
            openapi_extra=FILE_RESPONSE_DOC)
def draft_file(request, draft_id: Id, file_id: Id):
    """Nội dung gốc của một phiên bản, phụ lục, bản đã ký hoặc bản có dấu; mỗi lần tải được ghi nhật ký."""
    user = request.auth
    draft = selectors.draft_get(user=user, draft_id=draft_id)
    df = selectors.draft_file_get(draft=draft, file_id=file_id)
    services.draft_file_record_download(actor=user, draft=draft, summary=df.filename)
    return original_response(stored_file=df.stored_file, filename=df.filename)


@router.post("/drafts/{int:draft_id}/comments", response={201: CommentOut}, url_name="draft_comment",
             summary="Góp ý dự thảo")
def draft_comment(request, draft_id: Id, data: CommentIn):
    """Ai xem được dự thảo đều góp ý được, cho đến khi dự thảo phát hành hoặc bị hủy."""
    user = request.auth
    draft = selectors.draft_get(user=user, draft_id=draft_id)
    with state_errors_as_400():
        comment = services.draft_comment(actor=user, draft=draft, text=data.text)
    return Status(201, CommentOut.of(comment))


@router.post("/drafts/{int:draft_id}/files", response={201: DraftDetail}, url_name="draft_add_files",
             summary="Thêm phiên bản dự thảo hoặc phụ lục (kèm tệp)")
def draft_add_files(request, draft_id: Id, data: Form[AddFilesIn], files: File[list[UploadedFile]]):
    """Người đang giữ dự thảo ở bước hiện tại (trước khi ký) tải lên phiên bản mới (``role=draft``,
    đánh số tiếp) hoặc phụ lục (``role=attachment``)."""
    user = request.auth
    draft = selectors.draft_get(user=user, draft_id=draft_id)
    with state_errors_as_400():
        services.draft_add_files(actor=user, draft=draft, uploads=files, role=data.role, note=data.note)
    return Status(201, _detail(user, draft_id))


# --- The steps of the flow -------------------------------------------------------------------------

def _step(request, draft_id: Id, service, **kwargs) -> DraftDetail:
    user = request.auth
    draft = selectors.draft_get(user=user, draft_id=draft_id)
    with state_errors_as_400():
        service(actor=user, draft=draft, **kwargs)
    return _detail(user, draft_id)


@router.post("/drafts/{int:draft_id}/submit", response=DraftDetail, url_name="draft_submit", summary="Trình dự thảo")
def draft_submit(request, draft_id: Id, data: NoteIn):
    """Người soạn thảo trình: đến lãnh đạo đơn vị kiểm tra nội dung nếu có, nếu không đến văn thư
    kiểm tra thể thức. Cần có tệp dự thảo và nơi nhận."""
    return _step(request, draft_id, services.draft_submit, note=data.note)


@router.post("/drafts/{int:draft_id}/check-content", response=DraftDetail, url_name="draft_check_content",
             summary="Đạt nội dung (lãnh đạo đơn vị)")
def draft_check_content(request, draft_id: Id, data: NoteIn):
    """Lãnh đạo đơn vị được chọn kiểm tra nội dung; dự thảo chuyển đến văn thư kiểm tra thể thức."""
    return _step(request, draft_id, services.draft_check_content, note=data.note)


@router.post("/drafts/{int:draft_id}/check-format", response=DraftDetail, url_name="draft_check_format",
             summary="Đạt thể thức (văn thư)")
def draft_check_format(request, draft_id: Id, data: NoteIn):
    """Văn thư của cơ quan ban hành kiểm tra thể thức, kỹ thuật trình bày; dự thảo chuyển đến người ký duyệt."""
    return _step(request, draft_id, services.draft_check_format, note=data.note)


@router.post("/drafts/{int:draft_id}/approve", response=DraftDetail, url_name="draft_approve",
             summary="Duyệt dự thảo (người ký)")
def draft_approve(request, draft_id: Id, data: ApproveIn):
    """Người ký duyệt nội dung và quyết định độ khẩn; dự thảo chuyển sang bước ký."""
    return _step(request, draft_id, services.draft_approve, note=data.note, urgency=data.urgency)


@router.post("/drafts/{int:draft_id}/return", response=DraftDetail, url_name="draft_return",
             summary="Trả lại dự thảo cho người soạn thảo")
def draft_return(request, draft_id: Id, data: ReasonIn):
    """Người kiểm tra nội dung, văn thư hoặc người ký trả lại kèm lý do (ghi thành ý kiến góp ý)."""
    return _step(request, draft_id, services.draft_return, reason=data.reason)


def _options(data) -> dict:
    """Method options of a signing step: the signing PIN (server-held keys)."""
    if data.method == "remote":  # a token signature arrives through /api/signing/remote/…/finish
        raise ValidationFailed({"method": [_("Ký bằng USB token: dùng /api/signing/remote/prepare rồi "
                                             "/api/signing/remote/{session}/finish.")]})
    return {"pin": data.pin} if data.pin else {}


@router.post("/drafts/{int:draft_id}/sign", response=DraftDetail, url_name="draft_sign",
             summary="Ký văn bản (kèm bản quét khi ký trên giấy)")
def draft_sign(request, draft_id: Id, data: Form[SignIn], files: File[list[UploadedFile]] = None):
    """Người ký ký văn bản đã duyệt. Ký trên giấy (``method=paper``): người ký hoặc văn thư đính kèm
    bản quét văn bản đã ký (multipart/form-data, trường ``files``). Ký số (``method=pades``): người ký
    ký bằng chứng thư số của mình lưu trên máy chủ, mở bằng mã PIN (``pin``)."""
    return _step(request, draft_id, services.draft_sign, method=data.method, uploads=list(files or []),
                 options=_options(data))


@router.post("/drafts/{int:draft_id}/number", response=DraftDetail, url_name="draft_number",
             summary="Cấp số, ngày văn bản đi (văn thư)")
def draft_number(request, draft_id: Id, data: NumberIn):
    """Lấy số tiếp theo của sổ văn bản đi; bản đã ký và phụ lục thành tệp của văn bản đi
    (``document_id``, ``number_symbol`` trong kết quả)."""
    return _step(request, draft_id, services.draft_number, register_id=data.register_id)


@router.post("/drafts/{int:draft_id}/seal", response=DraftDetail, url_name="draft_seal",
             summary="Đóng dấu / ký số cơ quan (văn thư)")
def draft_seal(request, draft_id: Id, data: Form[SealIn], files: File[list[UploadedFile]] = None):
    """Bản quét có dấu (``files``) là không bắt buộc: không có thì bản đã ký vẫn là bản gốc.
    ``issue=true`` phát hành luôn trong cùng bước (văn bản khẩn). Ký số cơ quan (``method=pades``,
    ``pin`` khi khóa là tệp PKCS#12): chỉ khi văn bản đã có chữ ký số hợp lệ của người có thẩm quyền;
    số, ngày văn bản được điền vào tệp trước chữ ký cơ quan."""
    return _step(request, draft_id, services.draft_seal, method=data.method, uploads=list(files or []),
                 issue=data.issue, options=_options(data))


@router.post("/drafts/{int:draft_id}/issue", response=DraftDetail, url_name="draft_issue",
             summary="Phát hành văn bản (văn thư)")
def draft_issue(request, draft_id: Id):
    """Gửi ngay đến mọi cơ quan nhận trong hệ thống (trạng thái 01 “đã đến”); nơi nhận ngoài hệ thống
    chờ liên thông ra ngoài."""
    return _step(request, draft_id, services.draft_issue)


@router.post("/drafts/{int:draft_id}/abandon", response=DraftDetail, url_name="draft_abandon",
             summary="Hủy dự thảo (người soạn thảo)")
def draft_abandon(request, draft_id: Id, data: ReasonIn):
    """Chỉ khi dự thảo đang ở bước soạn thảo; bắt buộc nêu lý do. Dự thảo được giữ lại cùng lịch sử."""
    return _step(request, draft_id, services.draft_abandon, reason=data.reason)
