"""Writes on deliveries: fan-out on issue, receive / return / register, status reports, recall.

A state change is a conditional ``UPDATE … WHERE state IN (<allowed>)``: two văn thư receiving
the same delivery at once both run it, one row changes, and the other is told that someone else
has acted. Each change writes a ``DeliveryEvent`` with its QCVN 102 status code for the sender.
"""

from __future__ import annotations

import datetime as dt

from django.db import transaction
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from lienthong.accounts import selectors as account_selectors
from lienthong.accounts.models import Role
from lienthong.agencies.models import Agency
from lienthong.audit.models import AuditAction
from lienthong.audit.services import audit_log
from lienthong.core import events as core_events
from lienthong.core.choices import Urgency
from lienthong.core.errors import PermissionDenied, ValidationFailed
from lienthong.core.limits import REASON_MAX_LENGTH, check_max_length, too_long_message
from lienthong.core.text import nfc
from lienthong.delivery.models import (
    SENDER_KINDS,
    STATUS_CODES,
    Delivery,
    DeliveryEvent,
    DeliveryState,
    EventKind,
    OutboxMessage,
    OutboxState,
    RecallState,
    RecipientList,
)
from lienthong.delivery.selectors import delivery_for_recipient, recipients_resolve
from lienthong.documents import services as document_services
from lienthong.documents.models import Direction, Document, DocumentFile, DocumentStatus
from lienthong.notifications import services as notification_services

D = DeliveryState
# The order of the processing statuses: a report never moves a delivery backwards.
_PROGRESS = [D.ARRIVED, D.RECEIVED, D.REGISTERED, D.ASSIGNED, D.IN_PROGRESS, D.DONE]
_EVENT_FOR_STATE = {D.ASSIGNED: EventKind.ASSIGNED, D.IN_PROGRESS: EventKind.IN_PROGRESS, D.DONE: EventKind.DONE}

# Messages users see (the forms and the tests use these constants rather than copies of the text).
TAKEN = gettext_lazy("Văn bản này vừa được người khác xử lý (hiện ở trạng thái “%(s)s”).")
RETURN_REASON_REQUIRED = gettext_lazy("Cần nêu lý do trả lại.")
RECALL_NOT_YOURS = gettext_lazy("Chỉ văn thư hoặc lãnh đạo cơ quan ban hành mới được thu hồi văn bản.")
RECALL_REASON_REQUIRED = gettext_lazy("Cần nêu lý do thu hồi.")
RECALL_NOT_IN_FORCE = gettext_lazy("Chỉ thu hồi được văn bản đi đã phát hành và đang có hiệu lực.")
RECALLED_BY_SOMEONE = gettext_lazy("Văn bản vừa được người khác thu hồi.")
NO_RECALL_PENDING = gettext_lazy("Không có yêu cầu thu hồi nào đang chờ trả lời cho văn bản này.")
REFUSAL_REASON_REQUIRED = gettext_lazy("Cần nêu lý do từ chối thu hồi.")
RECALL_ANSWERED_BY_SOMEONE = gettext_lazy("Yêu cầu thu hồi vừa được người khác trả lời.")
LIST_NAME_REQUIRED = gettext_lazy("Cần đặt tên danh sách.")
LIST_MEMBER_TWICE = gettext_lazy("Một cơ quan được chọn hai lần.")


def _event(delivery_id: int, kind: EventKind, actor, description: str = "", at=None, reply: str = "") -> DeliveryEvent:
    """A status row for the sender. The name of whoever acted is kept only for the sender's own steps; for the
    recipient's, the sender reads the recipient agency (``DeliveryEvent.party``), the person stays in ``actor``."""
    shown = (actor.full_name or actor.get_username()) if actor and kind in SENDER_KINDS else ""
    return DeliveryEvent(delivery_id=delivery_id, kind=kind, code=STATUS_CODES[kind], at=at or timezone.now(),
                         actor=actor, actor_name=shown, description=description[:2000], reply=reply[:2000])


def _people(agency_ids, role) -> list[int]:
    return list(account_selectors.people_of(agency_ids=agency_ids, roles=[role]))


def delivery_send(*, actor, document: Document, recipient_ids: list[int]) -> list[Delivery]:
    """Deliver an issued outgoing document: one row per recipient agency, all in the caller's
    transaction. Agencies of this instance get it at once (status 01); bodies outside wait in the
    outbox for the inter-system exchange."""
    if document.direction != Direction.OUTGOING or document.status != DocumentStatus.ACTIVE:
        raise ValidationFailed({"document": [_("Chỉ gửi được văn bản đi đang có hiệu lực.")]})
    chosen = recipients_resolve(sender_agency_id=document.agency_id, agency_ids=recipient_ids)
    if Delivery.objects.filter(document=document, recipient_agency_id__in=chosen.agency_ids).exists():
        raise ValidationFailed({"recipients": [_("Văn bản đã được gửi đến một số nơi nhận này.")]})
    external = set(Agency.objects.filter(pk__in=chosen.agency_ids, is_external=True).values_list("pk", flat=True))
    now = timezone.now()
    urgent = document.urgency != Urgency.NORMAL
    with transaction.atomic():
        rows = Delivery.objects.bulk_create([
            Delivery(document=document, sender_agency_id=document.agency_id, recipient_agency_id=a,
                     state=D.WAITING_EXCHANGE if a in external else D.ARRIVED, is_urgent=urgent,
                     sent_at=now, updated_at=now)
            for a in chosen.agency_ids
        ])
        events = []
        for d in rows:
            events.append(_event(d.pk, EventKind.SENT, actor, at=now))
            if d.state == D.ARRIVED:
                events.append(_event(d.pk, EventKind.ARRIVED, None, at=now))
        DeliveryEvent.objects.bulk_create(events)
        OutboxMessage.objects.bulk_create([OutboxMessage(delivery=d) for d in rows if d.state == D.WAITING_EXCHANGE])
        audit_log(actor=actor, action=AuditAction.SENT, obj_type="document", obj_id=document.pk,
                  agency_id=document.agency_id,
                  summary=_("Gửi %(s)s đến %(n)s nơi nhận (%(e)s chờ liên thông)") % {
                      "s": document.number_symbol, "n": len(rows), "e": len(external)},
                  details={"recipients": chosen.agency_ids})
        internal = [d.recipient_agency_id for d in rows if d.state == D.ARRIVED]
        transaction.on_commit(lambda: _notify_arrival(document, internal, actor_id=getattr(actor, "pk", None)))
        core_events.emit_on_commit(core_events.DOCUMENTS_DELIVERED, document_ids=[document.pk])
    return rows


def _notify_arrival(document: Document, agency_ids: list[int], *, actor_id: int | None = None) -> None:
    """The văn thư of the recipient agencies, but not the one who sent it (a văn thư of both agencies)."""
    if not agency_ids:
        return
    prefix = _("KHẨN – ") if document.urgency != Urgency.NORMAL else ""
    notification_services.notify(
        user_ids=[u for u in _people(agency_ids, Role.CLERK) if u != actor_id], kind="incoming",
        title=prefix + _("Văn bản đến %(s)s của %(a)s") % {"s": document.number_symbol, "a": document.issuer_name},
        body=document.subject[:500], url=reverse("delivery:inbox"), dedupe_key=f"arrived:{document.pk}")


def _claim(delivery: Delivery, *, from_states, to_state: str, **fields) -> None:
    now = timezone.now()
    changed = Delivery.objects.filter(pk=delivery.pk, state__in=list(from_states)).update(
        state=to_state, updated_at=now, **fields)
    if not changed:
        current = Delivery.objects.filter(pk=delivery.pk).values_list("state", flat=True).first()
        raise ValidationFailed({"state": [TAKEN % {"s": D(current).label if current else "?"}]})
    delivery.state = to_state
    for k, v in fields.items():
        setattr(delivery, k, v)


def delivery_receive(*, actor, delivery_id: int) -> Delivery:
    """The văn thư acknowledges a delivered document (status 03 to the sender)."""
    delivery = delivery_for_recipient(user=actor, delivery_id=delivery_id)
    _not_recalled(delivery)
    with transaction.atomic():
        _claim(delivery, from_states=[D.ARRIVED], to_state=D.RECEIVED)
        DeliveryEvent.objects.bulk_create([_event(delivery.pk, EventKind.RECEIVED, actor)])
        audit_log(actor=actor, action=AuditAction.RECEIVED, obj_type="delivery", obj_id=delivery.pk,
                  agency_id=delivery.recipient_agency_id,
                  summary=_("Tiếp nhận %(s)s") % {"s": delivery.document.number_symbol})
    return delivery


def delivery_return(*, actor, delivery_id: int, reason: str) -> Delivery:
    """Return a delivered document to its sender with the reason (status 02): wrong recipient,
    invalid, unreadable… Only before it is registered."""
    delivery = delivery_for_recipient(user=actor, delivery_id=delivery_id)
    reason = nfc(reason)
    if not reason:
        raise ValidationFailed({"reason": [str(RETURN_REASON_REQUIRED)]})
    check_max_length(field="reason", value=reason, limit=REASON_MAX_LENGTH)
    with transaction.atomic():
        _claim(delivery, from_states=[D.ARRIVED, D.RECEIVED], to_state=D.RETURNED, reason=reason)
        DeliveryEvent.objects.bulk_create([_event(delivery.pk, EventKind.RETURNED, actor, reason)])
        audit_log(actor=actor, action=AuditAction.RETURNED, obj_type="delivery", obj_id=delivery.pk,
                  agency_id=delivery.recipient_agency_id,
                  summary=_("Trả lại %(s)s: %(r)s") % {"s": delivery.document.number_symbol, "r": reason[:300]})
        doc = delivery.document
        transaction.on_commit(lambda: notification_services.notify(
            user_ids=_people([doc.agency_id], Role.CLERK), kind="status",
            title=_("%(a)s trả lại văn bản %(s)s") % {"a": delivery.recipient_agency.name, "s": doc.number_symbol},
            body=reason, url=reverse("documents:detail", args=[doc.pk]), dedupe_key=f"returned:{delivery.pk}"))
    return delivery


def delivery_file_record_download(*, actor, delivery: Delivery, filename: str) -> None:
    """A web download of a delivered document's file by the recipient's văn thư: logged on the delivery."""
    audit_log(actor=actor, action=AuditAction.DOWNLOADED, obj_type="delivery", obj_id=delivery.pk,
              agency_id=delivery.recipient_agency_id, summary=filename[:300], read_only=True)


def delivery_document_record_download(*, actor, delivery: Delivery, filename: str) -> None:
    """An API download of a delivered document's file: logged on the sender's document record."""
    document_services.document_record_view(actor=actor, document=delivery.document, action=AuditAction.DOWNLOADED,
                                           detail=filename)


def _not_recalled(delivery: Delivery) -> None:
    if delivery.recall_state == RecallState.REQUESTED:
        raise ValidationFailed({"state": [_("Nơi gửi đang yêu cầu thu hồi văn bản này; "
                                            "hãy trả lời yêu cầu thu hồi trước.")]})


def _claim_for_registration(*, actor, delivery_id: int) -> Delivery:
    """Inside the caller's transaction: take a delivery for registration (from "arrived" or
    "received"). The caller then registers the incoming document and calls ``_registered``."""
    if not transaction.get_connection().in_atomic_block:
        raise RuntimeError("_claim_for_registration must run inside transaction.atomic()")
    delivery = delivery_for_recipient(user=actor, delivery_id=delivery_id)
    _not_recalled(delivery)
    # Straight from "arrived", the registration is also the acknowledgement (03). Decided by the
    # conditional update itself, not by the state read above: another văn thư may have just
    # received it, and the sender must not see "đã nhận" twice.
    if Delivery.objects.filter(pk=delivery.pk, state=D.ARRIVED).update(state=D.REGISTERED,
                                                                       updated_at=timezone.now()):
        delivery.state = D.REGISTERED
        DeliveryEvent.objects.bulk_create([_event(delivery.pk, EventKind.RECEIVED, actor)])
    else:
        _claim(delivery, from_states=[D.RECEIVED], to_state=D.REGISTERED)
    return delivery


def _registered(*, actor, delivery: Delivery, incoming: Document) -> None:
    Delivery.objects.filter(pk=delivery.pk).update(incoming_document=incoming)
    delivery.incoming_document = incoming
    DeliveryEvent.objects.bulk_create([_event(delivery.pk, EventKind.REGISTERED, actor, _(
        "Vào sổ văn bản đến, số đến %(n)s") % {"n": incoming.register_number})])


def delivery_register(*, actor, delivery_id: int, received_on: dt.date | None = None,
                      due_date: dt.date | None = None, notes: str = "", document_type=None,
                      today: dt.date | None = None) -> Document:
    """Register a delivered document (số đến): its metadata and files come from the sender's record.

    The incoming flow that follows (its handling) belongs to the processing app, above this one: it follows
    ``events.DELIVERY_REGISTERED``, emitted inside this transaction so both commit or roll back together."""
    today = today or timezone.localdate()
    with transaction.atomic():
        delivery = _claim_for_registration(actor=actor, delivery_id=delivery_id)
        source = delivery.document
        files = [
            document_services.stored_file_read(stored_file=df.stored_file, filename=df.filename,
                                               text=df.extracted_text, page_count=df.page_count)
            for df in DocumentFile.objects.filter(document=source).select_related("stored_file")
        ]
        data = document_services.DocumentInput(
            document_type=document_type or source.document_type, subject=source.subject, issued_on=source.issued_on,
            urgency=source.urgency, secrecy=source.secrecy, signer_authority=source.signer_authority,
            signer_position=source.signer_position, signer_name=source.signer_name,
            recipients_text=source.recipients_text, place=source.place, page_count=source.page_count,
            due_date=due_date, notes=notes, files=files,
        )
        incoming = document_services.document_register_incoming(
            actor=actor, agency=delivery.recipient_agency, data=data, number_symbol=source.number_symbol,
            issuer_agency=source.agency, issuer_name=source.issuer_name, received_on=received_on or today,
            today=today, check_notation=False)
        _registered(actor=actor, delivery=delivery, incoming=incoming)
        core_events.emit(core_events.DELIVERY_REGISTERED, document_id=incoming.pk, delivery_id=delivery.pk)
    return incoming


def delivery_report(*, actor, incoming_document_id: int, state: DeliveryState, description: str = "",
                    reply: str = "") -> bool:
    """The recipient's processing reached ``state`` (assigned / in progress / done): move the
    delivery forward and tell the sender. No-op for documents that did not come through the system
    or that are already further on. Returns whether the sender was told.

    What the sender reads: ``description``, written by the system from what the sender may know (the
    departments at work, the reply document's number), and ``reply``, the text the recipient chose to send
    back ("Nội dung phản hồi cho nơi gửi"). Never an internal note. A new reply at the same state (a second
    progress report) is one more row with the same code."""
    reply = nfc(reply)[:2000]
    earlier = _PROGRESS[:_PROGRESS.index(state)]
    now = timezone.now()
    changed = Delivery.objects.filter(incoming_document_id=incoming_document_id, state__in=earlier).update(
        state=state, updated_at=now)
    if not changed and reply:
        changed = Delivery.objects.filter(incoming_document_id=incoming_document_id, state=state).update(
            updated_at=now)
    if changed:
        delivery_id = Delivery.objects.filter(incoming_document_id=incoming_document_id).values_list(
            "pk", flat=True).first()
        assert delivery_id is not None  # the row just updated, in this transaction
        DeliveryEvent.objects.bulk_create([_event(delivery_id, _EVENT_FOR_STATE[state], actor, description,
                                                  reply=reply)])
    return bool(changed)


# --- Recall (NĐ30 Art. 18.4; PL6 §III.8) ----------------------------------------------------------

def delivery_recall(*, actor, document: Document, reason: str) -> int:
    """The issuer asks every recipient to give the document back (status 13). The issuer's record
    is frozen at once. Deliveries still waiting in the outbox are simply cancelled. Returns the
    number of recipients asked."""
    held = account_selectors.position_agencies(user=actor)
    if document.agency_id not in held.full_ids:
        raise PermissionDenied(str(RECALL_NOT_YOURS))
    reason = nfc(reason)
    errors = {}
    if not reason:
        errors["reason"] = [str(RECALL_REASON_REQUIRED)]
    elif too_long := too_long_message(reason, REASON_MAX_LENGTH):
        errors["reason"] = [too_long]
    if document.direction != Direction.OUTGOING or document.status != DocumentStatus.ACTIVE \
            or not Delivery.objects.filter(document=document).exists():
        errors["document"] = [str(RECALL_NOT_IN_FORCE)]
    if errors:
        raise ValidationFailed(errors)
    now = timezone.now()
    with transaction.atomic():
        # The check above read the document before this transaction: of two people recalling it at
        # once, only the one whose conditional update finds it still in force goes on.
        if not Document.objects.filter(pk=document.pk, status=DocumentStatus.ACTIVE).update(updated_at=now):
            raise ValidationFailed({"document": [str(RECALLED_BY_SOMEONE)]})
        live = Delivery.objects.filter(document=document).exclude(state__in=[D.RETURNED, D.WITHDRAWN])
        waiting = list(live.filter(state=D.WAITING_EXCHANGE, outbox__state=OutboxState.PENDING)
                       .values_list("pk", flat=True))
        OutboxMessage.objects.filter(delivery_id__in=waiting).delete()
        Delivery.objects.filter(pk__in=waiting).update(state=D.WITHDRAWN, recall_state=RecallState.ACCEPTED,
                                                       reason=reason, updated_at=now)
        asked = list(live.exclude(pk__in=waiting).values_list("pk", flat=True))
        Delivery.objects.filter(pk__in=asked).update(recall_state=RecallState.REQUESTED, reason=reason, updated_at=now)
        DeliveryEvent.objects.bulk_create(
            [_event(pk, EventKind.RECALL_REQUESTED, actor, reason, at=now) for pk in asked + waiting]
            + [_event(pk, EventKind.RECALL_ACCEPTED, None, _("Chưa gửi liên thông: đã hủy gửi."), at=now)
               for pk in waiting])
        document_services.document_set_status(
            actor=actor, document=document, status=DocumentStatus.RECALLED,
            summary=_("Thu hồi văn bản %(s)s: %(r)s") % {"s": document.number_symbol, "r": reason[:300]})
        # A recalled document is no longer a legally valid electronic document (QĐ 28/2018; NĐ30 Art. 18.4).
        document_services.document_set_legally_valid(invalid_ids=[document.pk])
        agencies = list(Delivery.objects.filter(pk__in=asked).values_list("recipient_agency_id", flat=True))
        transaction.on_commit(lambda: notification_services.notify(
            user_ids=_people(agencies, Role.CLERK), kind="recall",
            title=_("Yêu cầu thu hồi văn bản %(s)s của %(a)s") % {"s": document.number_symbol,
                                                                 "a": document.issuer_name},
            body=reason, url=reverse("delivery:inbox") + "?queue=recall", dedupe_key=f"recall:{document.pk}"))
    return len(asked)


def delivery_recall_answer(*, actor, delivery_id: int, agree: bool, reason: str = "") -> Delivery:
    """The recipient agrees (15: its copy leaves lists and search, record and log kept) or refuses (16)."""
    delivery = delivery_for_recipient(user=actor, delivery_id=delivery_id)
    reason = nfc(reason)
    if delivery.recall_state != RecallState.REQUESTED:
        raise ValidationFailed({"state": [str(NO_RECALL_PENDING)]})
    if not agree and not reason:
        raise ValidationFailed({"reason": [str(REFUSAL_REASON_REQUIRED)]})
    check_max_length(field="reason", value=reason, limit=REASON_MAX_LENGTH)
    now = timezone.now()
    with transaction.atomic():
        fields: dict[str, object] = {"recall_state": RecallState.ACCEPTED if agree else RecallState.REFUSED,
                                     "updated_at": now}
        if agree:
            fields["state"] = D.WITHDRAWN
        changed = Delivery.objects.filter(pk=delivery.pk, recall_state=RecallState.REQUESTED).update(**fields)
        if not changed:
            raise ValidationFailed({"state": [str(RECALL_ANSWERED_BY_SOMEONE)]})
        DeliveryEvent.objects.bulk_create([_event(
            delivery.pk, EventKind.RECALL_ACCEPTED if agree else EventKind.RECALL_REFUSED, actor, reason, at=now)])
        if agree and (incoming := delivery.incoming_document) is not None:
            # NĐ30 Art. 18.4; PL6 §III.8: the copy leaves lists, search, queues and downloads (the
            # selectors exclude a withdrawn document), its open work is closed, it is no longer legally
            # valid; its record, log and this delivery's recall events stay. Its open work is the processing
            # app's: it follows DOCUMENT_WITHDRAWN inside this transaction.
            document_services.document_set_status(
                actor=actor, document=incoming, status=DocumentStatus.WITHDRAWN,
                summary=_("Gỡ văn bản theo yêu cầu thu hồi của %(a)s") % {"a": delivery.sender_agency.name})
            document_services.document_set_legally_valid(invalid_ids=[incoming.pk])
            core_events.emit(core_events.DOCUMENT_WITHDRAWN, document_id=incoming.pk, actor_id=actor.pk,
                             sender_name=delivery.sender_agency.name)
        audit_log(actor=actor, action=AuditAction.RECALLED, obj_type="delivery", obj_id=delivery.pk,
                  agency_id=delivery.recipient_agency_id,
                  summary=(_("Đồng ý thu hồi %(s)s") if agree else _("Từ chối thu hồi %(s)s: %(r)s")) % {
                      "s": delivery.document.number_symbol, "r": reason[:300]})
        for k, v in fields.items():
            setattr(delivery, k, v)
    return delivery


def recipient_list_save(*, actor, agency_id: int | None, name: str, member_ids: list[int],
                        list_id: int | None = None) -> RecipientList:
    """Save a recipient list for one agency (its văn thư or leaders) or, for system administrators,
    for everyone (``agency_id`` None)."""
    held = account_selectors.position_agencies(user=actor)
    if agency_id is None and not actor.is_system_admin:
        raise PermissionDenied(_("Chỉ quản trị hệ thống được tạo danh sách nơi nhận dùng chung."))
    if agency_id is not None and agency_id not in held.full_ids:
        raise PermissionDenied(_("Chỉ văn thư hoặc lãnh đạo cơ quan được lưu danh sách nơi nhận."))
    name = nfc(name)
    errors = {}
    if not name:
        errors["name"] = [str(LIST_NAME_REQUIRED)]
    member_ids = [int(m) for m in member_ids]
    if not member_ids:
        errors["members"] = [_("Danh sách cần ít nhất một cơ quan.")]
    elif len(set(member_ids)) != len(member_ids):
        errors["members"] = [str(LIST_MEMBER_TWICE)]
    elif Agency.objects.filter(pk__in=member_ids, is_active=True).count() != len(member_ids):
        errors["members"] = [_("Có cơ quan không tồn tại hoặc đã ngừng hoạt động.")]
    if errors:
        raise ValidationFailed(errors)
    with transaction.atomic():
        if list_id:
            rl = RecipientList.objects.filter(pk=list_id).filter(
                Q(agency_id=agency_id) if agency_id else Q(agency__isnull=True)).first()
            if rl is None:
                raise ValidationFailed({"name": [_("Danh sách nơi nhận không tồn tại.")]})
            rl.name = name
            rl.save(update_fields=["name"])
        else:
            rl = RecipientList.objects.create(agency_id=agency_id, name=name)
        rl.members.set(member_ids)
    return rl


# --- The inter-system exchange (lienthong.exchange): statuses of external recipients, their recalls ----------

# The state an external recipient's status code moves a delivery to, the event it records, and the states it may
# move from: only forward (a 03 after a 06 is recorded but changes nothing).
_EXTERNAL_STATUS = {
    "01": (D.ARRIVED, EventKind.ARRIVED, [D.WAITING_EXCHANGE]),
    "02": (D.RETURNED, EventKind.RETURNED, [D.WAITING_EXCHANGE, D.ARRIVED, D.RECEIVED]),
    "03": (D.RECEIVED, EventKind.RECEIVED, [D.WAITING_EXCHANGE, D.ARRIVED]),
    "04": (D.ASSIGNED, EventKind.ASSIGNED, [D.WAITING_EXCHANGE, D.ARRIVED, D.RECEIVED, D.REGISTERED]),
    "05": (D.IN_PROGRESS, EventKind.IN_PROGRESS, [D.WAITING_EXCHANGE, D.ARRIVED, D.RECEIVED, D.REGISTERED,
                                                  D.ASSIGNED]),
    "06": (D.DONE, EventKind.DONE, [D.WAITING_EXCHANGE, D.ARRIVED, D.RECEIVED, D.REGISTERED, D.ASSIGNED,
                                    D.IN_PROGRESS]),
}
EXTERNAL_STATUS_CODES = frozenset([*_EXTERNAL_STATUS, "15", "16"])


def delivery_apply_external_status(*, actor, delivery_id: int, code: str, description: str = "",
                                   at: dt.datetime | None = None) -> bool:
    """A status an external recipient sent back (edXML status package) for one delivery to it: always recorded
    as an event for the sender's tracking, the delivery moved only forward (01 … 06, 02 with its reason in
    ``description``; 15/16 answer a pending recall). ``actor``: the exchange's system account, so the sender
    reads the recipient agency as the party. Returns whether the state moved."""
    if code not in EXTERNAL_STATUS_CODES:
        raise ValidationFailed({"status_code": [_("Mã trạng thái “%(c)s” không hợp lệ.") % {"c": code}]})
    now = timezone.now()
    with transaction.atomic():
        if code in ("15", "16"):
            agree = code == "15"
            fields: dict[str, object] = {"recall_state": RecallState.ACCEPTED if agree else RecallState.REFUSED,
                                         "updated_at": now}
            if agree:
                fields["state"] = D.WITHDRAWN
            moved = bool(Delivery.objects.filter(pk=delivery_id, recall_state=RecallState.REQUESTED).update(**fields))
            kind = EventKind.RECALL_ACCEPTED if agree else EventKind.RECALL_REFUSED
        else:
            state, kind, earlier = _EXTERNAL_STATUS[code]
            fields = {"state": state, "updated_at": now}
            if code == "02":
                fields["reason"] = nfc(description)[:2000]
            moved = bool(Delivery.objects.filter(pk=delivery_id, state__in=earlier).update(**fields))
        DeliveryEvent.objects.bulk_create([_event(delivery_id, kind, actor, description, at=at or now)])
    return moved


def delivery_recall_request_external(*, actor, document_id: int, reason: str) -> int:
    """An external sender asks for its document back (status 13): every live delivery of its record here gets the
    request; the recipients' văn thư answer it with ``delivery_recall_answer`` as for an internal sender.
    Returns the number of deliveries asked."""
    reason = nfc(reason)[:REASON_MAX_LENGTH]
    now = timezone.now()
    with transaction.atomic():
        asked = list(Delivery.objects.filter(document_id=document_id).exclude(state__in=[D.RETURNED, D.WITHDRAWN])
                     .exclude(recall_state__in=[RecallState.REQUESTED, RecallState.ACCEPTED])
                     .values_list("pk", "recipient_agency_id"))
        Delivery.objects.filter(pk__in=[pk for pk, _a in asked]).update(
            recall_state=RecallState.REQUESTED, reason=reason, updated_at=now)
        DeliveryEvent.objects.bulk_create([_event(pk, EventKind.RECALL_REQUESTED, actor, reason, at=now)
                                           for pk, _a in asked])
        agencies = [a for _pk, a in asked]
        transaction.on_commit(lambda: notification_services.notify(
            user_ids=_people(agencies, Role.CLERK), kind="recall", title=_("Yêu cầu thu hồi văn bản"),
            body=reason, url=reverse("delivery:inbox") + "?queue=recall", dedupe_key=f"recall:{document_id}"))
    return len(asked)


def outbox_mark(*, delivery_id: int, state: OutboxState, attempts: int, last_error: str = "") -> None:
    """The exchange gateway's progress on a delivery waiting in the outbox (shown with the delivery)."""
    OutboxMessage.objects.filter(delivery_id=delivery_id).update(state=state, attempts=attempts,
                                                                 last_error=last_error[:2000])
