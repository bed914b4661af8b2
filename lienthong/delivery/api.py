"""JSON endpoints for delivery between agencies. Thin: parse, call a selector or service, shape the answer.

Recipient side (the văn thư of the receiving agency, ``delivery_for_recipient``): the queues, a
delivered document with its files, receive, return, register, answer a recall. Sender side (whoever
sees the outgoing document, ``documents_visible_to``): per recipient status with the QCVN 102 codes,
recall, the list of sent documents. A delivery or document the caller may not see answers 404 like
one that does not exist; a step the current state does not allow is a 400 ``invalid_state``.
"""

from __future__ import annotations

from django.urls import reverse
from django.utils.translation import gettext as _
from ninja import Query, Router, Status

from lienthong.accounts import selectors as account_selectors
from lienthong.core.api_tools import FILE_RESPONSE_DOC, page_of, state_errors_as_400
from lienthong.core.errors import NotFound, PermissionDenied, ValidationFailed, Withdrawn
from lienthong.core.schema_types import Id
from lienthong.delivery import selectors, services
from lienthong.delivery.models import DeliveryState
from lienthong.delivery.schemas import (
    DeliveryDetail,
    DeliveryListItem,
    DeliveryTracking,
    InboxPage,
    InboxQuery,
    ReasonIn,
    RecallAnswerIn,
    RecallIn,
    RecipientListIn,
    RecipientListOut,
    RecipientListQuery,
    RecipientStatusOut,
    RegisteredOut,
    RegisterIn,
    SentItem,
    SentPage,
    SentQuery,
)
from lienthong.documents import selectors as document_selectors
from lienthong.documents import services as document_services
from lienthong.files import original_response
from lienthong.signing.api_verification import DocumentFileOut
from lienthong.signing.selectors import verifications_for

INBOX_TAG = "Văn bản đến qua liên thông"
SENDER_TAG = "Theo dõi văn bản đã gửi"
LISTS_TAG = "Danh sách nơi nhận"

router = Router(tags=[INBOX_TAG])


# --- Recipient side --------------------------------------------------------------------------------

def _detail(user, delivery_id: int) -> DeliveryDetail:
    delivery = selectors.delivery_for_recipient(user=user, delivery_id=delivery_id)
    dfs = selectors.delivery_files(delivery=delivery)
    checked = verifications_for(stored_file_ids=[df.stored_file_id for df in dfs])
    files = [
        DocumentFileOut.of(df, download_url=reverse("api:delivery_file", kwargs={"delivery_id": delivery.pk,
                                                                                   "file_id": df.pk}),
                           verification=checked.get(df.stored_file_id))
        for df in dfs
    ]
    return DeliveryDetail.of(delivery, files=files, events=delivery.events.all())


@router.get("/deliveries", response=InboxPage, url_name="delivery_inbox",
            summary="Hàng đợi văn bản đến qua liên thông của văn thư")
def delivery_inbox(request, params: Query[InboxQuery]):
    """Văn bản các cơ quan khác gửi đến cơ quan mà người gọi là văn thư: chờ tiếp nhận, chờ vào sổ, hoặc
    yêu cầu thu hồi chờ trả lời; khẩn trước, mới trước. Kèm số lượng của cả ba hàng đợi."""
    user = request.auth
    page = page_of(selectors.inbox(user=user, queue=params.queue), params.page, params.page_size,
                   DeliveryListItem.of)
    page["counts"] = selectors.inbox_counts(user=user)
    return page


@router.get("/deliveries/{int:delivery_id}", response=DeliveryDetail, url_name="delivery_detail",
            summary="Văn bản được gửi đến (phía nhận)")
def delivery_detail(request, delivery_id: Id):
    """Thông tin văn bản của nơi gửi, các tệp (tải được trước khi vào sổ), trạng thái và lịch sử."""
    return _detail(request.auth, delivery_id)


@router.get("/deliveries/{int:delivery_id}/files/{int:file_id}", url_name="delivery_file",
            summary="Tải tệp của văn bản được gửi đến", openapi_extra=FILE_RESPONSE_DOC)
def delivery_file(request, delivery_id: Id, file_id: Id):
    """Nội dung gốc của tệp văn bản nơi gửi đã phát hành; mỗi lần tải được ghi nhật ký."""
    user = request.auth
    delivery = selectors.delivery_for_recipient(user=user, delivery_id=delivery_id)
    if delivery.state == DeliveryState.WITHDRAWN:  # given back after a recall (NĐ30 Art. 18.4): 410
        raise Withdrawn()
    df = next((f for f in selectors.delivery_files(delivery=delivery) if f.pk == file_id), None)
    if df is None:
        raise NotFound()
    services.delivery_document_record_download(actor=user, delivery=delivery, filename=df.filename)
    return original_response(stored_file=df.stored_file, filename=df.filename)


@router.post("/deliveries/{int:delivery_id}/receive", response=DeliveryDetail, url_name="delivery_receive",
             summary="Tiếp nhận văn bản (trạng thái 03 gửi về nơi gửi)")
def delivery_receive(request, delivery_id: Id):
    """Văn thư xác nhận đã nhận văn bản; nơi gửi thấy trạng thái “đã tiếp nhận” kèm thời điểm và người nhận."""
    user = request.auth
    with state_errors_as_400():
        services.delivery_receive(actor=user, delivery_id=delivery_id)
    return _detail(user, delivery_id)


@router.post("/deliveries/{int:delivery_id}/return", response=DeliveryDetail, url_name="delivery_return",
             summary="Trả lại văn bản cho nơi gửi (trạng thái 02)")
def delivery_return(request, delivery_id: Id, data: ReasonIn):
    """Gửi nhầm, sai thể thức, không đọc được…: chỉ trước khi vào sổ, bắt buộc nêu lý do."""
    user = request.auth
    with state_errors_as_400():
        services.delivery_return(actor=user, delivery_id=delivery_id, reason=data.reason)
    return _detail(user, delivery_id)


@router.post("/deliveries/{int:delivery_id}/register", response={201: RegisteredOut}, url_name="delivery_register",
             summary="Vào sổ văn bản đến (cấp số đến)")
def delivery_register(request, delivery_id: Id, data: RegisterIn):
    """Thông tin và tệp lấy từ văn bản của nơi gửi; trả về mã văn bản đến mới (``incoming_document_id``)
    để trình lãnh đạo qua /api/documents/{id}/handling/submit."""
    user = request.auth
    with state_errors_as_400():
        incoming = services.delivery_register(
            actor=user, delivery_id=delivery_id, received_on=data.received_on, due_date=data.due_date,
            notes=data.notes)
    return Status(201, RegisteredOut(delivery_id=delivery_id, incoming_document_id=incoming.pk,
                                     register_number=incoming.register_number, number_symbol=incoming.number_symbol,
                                     received_on=incoming.received_on))


@router.post("/deliveries/{int:delivery_id}/recall-answer", response=DeliveryDetail, url_name="delivery_recall_answer",
             summary="Trả lời yêu cầu thu hồi (15 đồng ý, 16 từ chối)")
def delivery_recall_answer(request, delivery_id: Id, data: RecallAnswerIn):
    """Đồng ý: bản của cơ quan nhận rời khỏi danh sách và tìm kiếm, hồ sơ và nhật ký được giữ nguyên.
    Từ chối: cần nêu lý do."""
    user = request.auth
    with state_errors_as_400():
        services.delivery_recall_answer(actor=user, delivery_id=delivery_id, agree=data.agree, reason=data.reason)
    return _detail(user, delivery_id)


# --- Sender side -----------------------------------------------------------------------------------

def _visible_document(user, document_id: int):
    try:
        return document_selectors.document_get(user=user, document_id=document_id)
    except NotFound:
        document_services.document_record_denied(actor=user, document_id=document_id)
        raise


def _tracking(document) -> DeliveryTracking:
    deliveries = selectors.deliveries_of(document=document)
    summary: dict[str, int] = {}
    for d in deliveries:
        summary[d.state] = summary.get(d.state, 0) + 1
    return DeliveryTracking(document_id=document.pk, number_symbol=document.number_symbol, subject=document.subject,
                            status=document.status, summary=summary,
                            recipients=[RecipientStatusOut.of(d) for d in deliveries])


@router.get("/documents/{int:document_id}/deliveries", response=DeliveryTracking, url_name="document_deliveries",
            tags=[SENDER_TAG], summary="Tình trạng văn bản đi tại từng nơi nhận")
def document_deliveries(request, document_id: Id):
    """Mỗi nơi nhận: trạng thái hiện tại và các sự kiện theo QCVN 102 (mã, thời điểm, người, mô tả)."""
    return _tracking(_visible_document(request.auth, document_id))


@router.post("/documents/{int:document_id}/recall", response=DeliveryTracking, url_name="document_recall",
             tags=[SENDER_TAG], summary="Thu hồi văn bản đã phát hành (trạng thái 13)")
def document_recall(request, document_id: Id, data: RecallIn):
    """Văn thư hoặc lãnh đạo cơ quan ban hành yêu cầu mọi nơi nhận trả lại văn bản, kèm lý do; văn bản
    đi bị khóa ngay. Mỗi nơi nhận trả lời đồng ý (15) hoặc từ chối (16)."""
    user = request.auth
    document = _visible_document(user, document_id)
    with state_errors_as_400():
        services.delivery_recall(actor=user, document=document, reason=data.reason)
    return _tracking(document_selectors.document_get(user=user, document_id=document_id))


@router.get("/sent", response=SentPage, url_name="sent_list", tags=[SENDER_TAG],
            summary="Văn bản đã gửi, kèm số nơi nhận theo trạng thái")
def sent_list(request, params: Query[SentQuery]):
    """Văn bản đi người gọi được xem đã gửi đến ít nhất một nơi nhận, mới trước; mỗi văn bản kèm số nơi nhận
    ở từng trạng thái (đã đến, đã tiếp nhận, đã vào sổ, đã phân công, đang xử lý, hoàn thành, bị trả lại…)."""
    page = page_of(selectors.sent_documents(user=request.auth, agency_id=params.agency_id), params.page,
                   params.page_size, lambda d: d)
    summary = selectors.delivery_summary(document_ids=[d.pk for d in page["items"]])
    page["items"] = [SentItem(id=d.pk, agency_id=d.agency_id, number_symbol=d.number_symbol, subject=d.subject,
                              document_type=d.document_type.name, issued_on=d.issued_on, urgency=d.urgency,
                              status=d.status, recipients=sum(summary.get(d.pk, {}).values()),
                              by_state=summary.get(d.pk, {}))
                     for d in page["items"]]
    return page


# --- Saved recipient lists ---------------------------------------------------------------------------

def _own_agency_id(user, agency_id: int | None) -> int:
    held = account_selectors.position_agencies(user=user).all_ids
    if agency_id is None:
        if len(held) != 1:
            raise ValidationFailed({"agency_id": [_("Cần chọn cơ quan.")]})
        return next(iter(held))
    if agency_id not in held:
        raise PermissionDenied(_("Bạn không công tác ở cơ quan này."))
    return agency_id


def _list_out(rl) -> RecipientListOut:
    return RecipientListOut(id=rl.pk, name=rl.name, agency_id=rl.agency_id, size=rl.size,
                            member_ids=sorted(m.pk for m in rl.members.all()))


@router.get("/recipient-lists", response=list[RecipientListOut], url_name="recipient_lists", tags=[LISTS_TAG],
            summary="Danh sách nơi nhận đã lưu")
def recipient_lists(request, params: Query[RecipientListQuery]):
    """Danh sách dùng chung và danh sách riêng của (các) cơ quan người gọi, ví dụ “Các UBND huyện”."""
    user = request.auth
    held = account_selectors.position_agencies(user=user).all_ids
    agency_ids = [_own_agency_id(user, params.agency_id)] if params.agency_id is not None else sorted(held)
    seen: dict[int, RecipientListOut] = {}
    for agency_id in agency_ids or [0]:  # 0: no agency of one's own, the shared lists only
        for rl in selectors.recipient_lists_for(agency_id=agency_id, with_members=True):
            seen.setdefault(rl.pk, _list_out(rl))
    return sorted(seen.values(), key=lambda rl: (rl.name, rl.id))


@router.post("/recipient-lists", response={201: RecipientListOut}, url_name="recipient_list_create",
             tags=[LISTS_TAG], summary="Lưu danh sách nơi nhận")
def recipient_list_create(request, data: RecipientListIn):
    """Văn thư hoặc lãnh đạo lưu danh sách cho cơ quan mình; quản trị hệ thống lưu danh sách dùng chung
    (``shared=true``). Mỗi cơ quan chỉ được chọn một lần."""
    user = request.auth
    agency_id = None if data.shared else _own_agency_id(user, data.agency_id)
    rl = services.recipient_list_save(actor=user, agency_id=agency_id, name=data.name, member_ids=data.member_ids)
    rl = selectors.recipient_list_for(agency_id=agency_id or 0, list_id=rl.pk)
    return Status(201, _list_out(rl))
