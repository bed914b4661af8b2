"""Entering and leaving the processing flow: every registered incoming record gets its handling (a delivered
one through ``events.DELIVERY_REGISTERED``, a paper one here), an earlier record is brought in by hand, and a copy
withdrawn after a recall has its open work closed (``events.DOCUMENT_WITHDRAWN``)."""

from __future__ import annotations

import datetime as dt

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from lienthong.accounts import selectors as account_selectors
from lienthong.accounts.models import Position, Role
from lienthong.agencies.models import Agency
from lienthong.audit.models import AuditAction
from lienthong.audit.services import audit_log
from lienthong.core.choices import Urgency
from lienthong.core.errors import NotFound, PermissionDenied, ValidationFailed
from lienthong.documents import selectors as document_selectors
from lienthong.documents import services as document_services
from lienthong.documents.models import Document, DocumentStatus
from lienthong.notifications import services as notification_services
from lienthong.processing.models import OPEN_STATES, Assignment, AssignmentState, Handling, HandlingState
from lienthong.processing.services.common import doc_url

H = HandlingState
# Notifications' titles (the tests use these constants rather than copies of the text): the leaders' of an urgent
# arrival, and the people's whose work a recall closed.
URGENT_ARRIVED = gettext_lazy("KHẨN – văn bản đến %(s)s: %(t)s")
WORK_CLOSED_BY_RECALL = gettext_lazy("Văn bản %(s)s đã bị thu hồi: phần việc được giao đã đóng")


def handling_open(*, actor, document: Document) -> Handling:
    """Inside the registering transaction: the handling of a newly registered incoming document.
    An urgent document is flagged to the agency's leaders at once (NĐ30 Art. 23.1)."""
    urgent = document.urgency != Urgency.NORMAL
    handling = Handling.objects.create(document=document, agency_id=document.agency_id, is_urgent=urgent,
                                       received_on=document.received_on or timezone.localdate())
    if urgent:
        leaders = list(account_selectors.people_of(agency_ids=[document.agency_id], roles=[Role.LEADER]))
        transaction.on_commit(lambda: notification_services.notify(
            user_ids=leaders, kind="incoming",
            title=URGENT_ARRIVED % {"s": document.number_symbol, "t": document.subject[:150]},
            url=doc_url(document.pk), dedupe_key=f"urgent:{document.pk}"))
    return handling


def handling_start(*, actor, document_id: int) -> Handling:
    """Bring into the flow an incoming document registered before it existed (records imported from
    an earlier system, the 2017–2018 demo registers): a văn thư of its agency opens its handling."""
    document = document_selectors.documents_visible_to(user=actor).filter(pk=document_id).first()
    if document is None:
        raise NotFound()
    if document.agency_id not in account_selectors.position_agencies(user=actor).clerk_ids:
        raise PermissionDenied(_("Chỉ văn thư của cơ quan mới đưa văn bản đến vào luồng xử lý."))
    if document.direction != "in" or document.status != DocumentStatus.ACTIVE:
        raise ValidationFailed({"state": [_("Chỉ văn bản đến đang có hiệu lực mới được đưa vào xử lý.")]})
    with transaction.atomic():
        existing = Handling.objects.filter(document=document).first()
        if existing is not None:
            return existing
        handling = handling_open(actor=actor, document=document)
        audit_log(actor=actor, action=AuditAction.TRANSITION, obj_type="document", obj_id=document.pk,
                  agency_id=document.agency_id, summary=_("Đưa vào luồng xử lý"))
    return handling


def handling_open_for_delivery(*, document_id: int, delivery_id: int) -> Handling:
    """Follows ``events.DELIVERY_REGISTERED``, inside the registering transaction: a delivered document the
    recipient registered enters the processing flow like any other incoming record."""
    return handling_open(actor=None, document=Document.objects.get(pk=document_id))


def incoming_register_paper(*, actor, agency: Agency, data, number_symbol: str, issuer_agency=None,
                            issuer_name: str = "", received_on: dt.date | None = None,
                            today: dt.date | None = None) -> Document:
    """A paper (or e-mailed) document registered by hand enters the same flow."""
    with transaction.atomic():
        incoming = document_services.document_register_incoming(
            actor=actor, agency=agency, data=data, number_symbol=number_symbol, issuer_agency=issuer_agency,
            issuer_name=issuer_name, received_on=received_on, today=today)
        handling_open(actor=actor, document=incoming)
    return incoming


def handling_close_on_recall(*, document_id: int, actor_id: int | None, sender_name: str) -> int:
    """Follows ``events.DOCUMENT_WITHDRAWN``, inside the recall answer's transaction (NĐ30 Art. 18.4): the
    copy given back leaves every work queue. Its handling and its open assignments are closed ("withdrawn",
    not "done": nothing was completed), and the people working on it are told. Returns the number of
    assignments closed."""
    Handling.objects.filter(document_id=document_id).exclude(state=H.DONE).update(state=H.WITHDRAWN)
    open_rows = Assignment.objects.filter(document_id=document_id, state__in=OPEN_STATES)
    people = set(open_rows.filter(user__isnull=False).values_list("user_id", flat=True))
    unit_ids = set(open_rows.filter(unit__isnull=False).values_list("unit_id", flat=True))
    if unit_ids:
        people |= set(Position.objects.filter(unit_id__in=unit_ids, role=Role.LEADER, is_active=True)
                      .values_list("user_id", flat=True))
    closed = open_rows.update(state=AssignmentState.WITHDRAWN)
    people.discard(actor_id)
    if people:
        number_symbol = Document.objects.filter(pk=document_id).values_list("number_symbol", flat=True).get()
        transaction.on_commit(lambda: notification_services.notify(
            user_ids=sorted(people), kind="recall",
            title=WORK_CLOSED_BY_RECALL % {"s": number_symbol},
            body=_("%(a)s đã thu hồi văn bản; cơ quan đã đồng ý và gỡ văn bản.") % {"a": sender_name},
            dedupe_key=f"withdrawn:{document_id}"))
    return closed
