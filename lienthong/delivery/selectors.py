"""Reads about deliveries: choosing recipients, the recipient's queue, the sender's tracking view."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.db.models import BooleanField, Count, Exists, ExpressionWrapper, OuterRef, Prefetch, Q, QuerySet
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from lienthong.accounts import selectors as account_selectors
from lienthong.agencies.models import AdministrativeLevel, Agency, AgencyGroup
from lienthong.agencies.selectors import agency_directory
from lienthong.core.errors import NotFound, ValidationFailed
from lienthong.delivery.models import (
    Delivery,
    DeliveryEvent,
    DeliveryState,
    EventKind,
    OutboxMessage,
    OutboxState,
    RecallState,
    RecipientList,
)
from lienthong.documents.models import Direction, Document, DocumentStatus
from lienthong.documents.selectors import document_files, documents_visible_to
from lienthong.signing import selectors as signing_selectors

# Messages users see (the tests use these constants rather than copies of the text).
CHOSEN_TWICE = gettext_lazy("“%(n)s” được chọn hai lần trong nơi nhận.")


@dataclass
class ChosenRecipients:
    agency_ids: list[int]
    labels: list[str]  # what "Nơi nhận" prints: a saved list by its name, single agencies by name


def recipients_resolve(*, sender_agency_id: int, agency_ids=(), list_ids=()) -> ChosenRecipients:
    """Expand saved lists and check the choice: every agency active, none twice, not the sender."""
    agency_ids = [int(a) for a in agency_ids]
    lists = list(RecipientList.objects.filter(pk__in=list(list_ids)).filter(
        Q(agency__isnull=True) | Q(agency_id=sender_agency_id)).prefetch_related("members"))
    if len(lists) != len(set(list_ids)):
        raise ValidationFailed({"recipients": [_("Danh sách nơi nhận không tồn tại.")]})
    chosen: list[int] = []
    labels: list[str] = []
    errors: list[str] = []
    for rl in lists:
        chosen += [m.pk for m in rl.members.all() if m.is_active]
        labels.append(rl.name)
    chosen += agency_ids
    names = dict(Agency.objects.filter(pk__in=set(chosen), is_active=True).values_list("pk", "name"))
    seen: set[int] = set()
    for a in chosen:
        if a not in names:
            errors.append(_("Cơ quan nhận (mã %(id)s) không tồn tại hoặc đã ngừng hoạt động.") % {"id": a})
        elif a in seen:
            errors.append(CHOSEN_TWICE % {"n": names[a]})
        elif a == sender_agency_id:
            errors.append(_("Không gửi văn bản cho chính cơ quan ban hành."))
        seen.add(a)
    if errors:
        raise ValidationFailed({"recipients": list(dict.fromkeys(errors))})
    labels += [names[a] for a in agency_ids]
    return ChosenRecipients(agency_ids=chosen, labels=labels)


def recipient_lists_for(*, agency_id: int, with_members: bool = False) -> QuerySet[RecipientList]:
    """The shared lists and those of one agency, each with its ``size`` (and its members, one more query)."""
    qs = RecipientList.objects.filter(Q(agency__isnull=True) | Q(agency_id=agency_id)).annotate(
        size=Count("members"))
    return qs.prefetch_related("members") if with_members else qs


def recipient_list_for(*, agency_id: int, list_id: int) -> RecipientList:
    """One of ``recipient_lists_for(agency_id)`` with its members; ``NotFound`` otherwise."""
    rl = recipient_lists_for(agency_id=agency_id, with_members=True).filter(pk=list_id).first()
    if rl is None:
        raise NotFound()
    return rl


def recipient_list_agencies(*, user) -> list[Agency]:
    """Agencies whose lists the user keeps: where the user is văn thư or an agency-wide leader."""
    full = account_selectors.position_agencies(user=user).full_ids
    return list(Agency.objects.filter(pk__in=sorted(full)).order_by("path")) if full else []


def recipient_lists_of(*, agency_ids) -> list[RecipientList]:
    """The lists of these agencies with their members, by agency then name."""
    ids = list(agency_ids)
    return list(RecipientList.objects.filter(agency_id__in=ids).select_related("agency")
                .prefetch_related("members").order_by("agency__path", "name")) if ids else []


def recipient_lists_shared() -> list[RecipientList]:
    """The lists every agency may use (kept by the system administrators), with their members."""
    return list(RecipientList.objects.filter(agency__isnull=True).prefetch_related("members").order_by("name"))


def recipient_list_get(*, list_id: int, agency_ids) -> RecipientList:
    """A list of one of ``agency_ids`` (the shared lists are not edited here); ``NotFound`` otherwise."""
    rl = RecipientList.objects.filter(pk=list_id, agency_id__in=list(agency_ids)).first()
    if rl is None:
        raise NotFound()
    return rl


def recipient_list_member_ids(*, recipient_list: RecipientList) -> list[int]:
    return [m.pk for m in recipient_list.members.order_by("path")]


def recipient_candidates(*, q: str = "", level_code: str = "", group_code: str = "", skip_ids=(),
                         limit: int) -> tuple[list[Agency], bool]:
    """The recipient picker's directory search: active agencies by name without diacritics, level and group,
    leaving out ``skip_ids`` (already chosen, the sender). At most ``limit``, and whether there are more."""
    qs = agency_directory(q=q, level_code=level_code or None).filter(is_active=True).select_related("parent")
    if group_code:
        qs = qs.filter(group__code=group_code)
    if skip_ids:
        qs = qs.exclude(pk__in=list(skip_ids))
    agencies = list(qs[:limit + 1])
    return agencies[:limit], len(agencies) > limit


def recipient_picker(*, chosen_ids, sender_ids=()) -> dict:
    """What the recipient picker (``delivery/recipient_list_picker.html``) shows, on the draft form and the
    recipient list form: the chosen agencies in the order given, the directory's levels and groups for its
    filters, and the senders to leave out of its search."""
    ids = list(chosen_ids)
    by_pk = {a.pk: a for a in Agency.objects.filter(pk__in=ids).select_related("level")} if ids else {}
    return {"chosen": [by_pk[i] for i in ids if i in by_pk], "levels": list(AdministrativeLevel.objects.all()),
            "groups": list(AgencyGroup.objects.all()), "sender_ids": list(sender_ids)}


INBOX_STATES = {
    "to_receive": (DeliveryState.ARRIVED,),
    "to_register": (DeliveryState.RECEIVED,),
}


def inbox(*, user, queue: str = "to_receive") -> QuerySet[Delivery]:
    """Deliveries waiting for a văn thư of one of the user's agencies, urgent first, newest first.
    ``queue`` is "to_receive", "to_register" or "recall" (recall requests to answer)."""
    clerk_ids = account_selectors.position_agencies(user=user).clerk_ids
    if not clerk_ids:
        return Delivery.objects.none()
    qs = Delivery.objects.filter(recipient_agency_id__in=sorted(clerk_ids))
    if queue == "recall":
        qs = qs.filter(recall_state=RecallState.REQUESTED).order_by("-sent_at", "-id")
    else:
        qs = qs.filter(state__in=INBOX_STATES[queue]).order_by("-is_urgent", "-sent_at", "-id")
    return qs.select_related("document__document_type", "sender_agency", "recipient_agency").annotate(
        signature_problem=signing_selectors.document_has_failing_file("document_id"))


def inbox_counts(*, user) -> dict[str, int]:
    """Counts of the văn thư's queues, one query."""
    clerk_ids = account_selectors.position_agencies(user=user).clerk_ids
    if not clerk_ids:
        return {"to_receive": 0, "to_register": 0, "recall": 0}
    return Delivery.objects.filter(recipient_agency_id__in=sorted(clerk_ids)).aggregate(
        to_receive=Count("pk", filter=Q(state=DeliveryState.ARRIVED)),
        to_register=Count("pk", filter=Q(state=DeliveryState.RECEIVED)),
        recall=Count("pk", filter=Q(recall_state=RecallState.REQUESTED)),
    )


def delivery_for_recipient(*, user, delivery_id: int) -> Delivery:
    """A delivery addressed to an agency where ``user`` is văn thư; ``NotFound`` otherwise."""
    clerk_ids = account_selectors.position_agencies(user=user).clerk_ids
    delivery = (Delivery.objects.filter(pk=delivery_id, recipient_agency_id__in=sorted(clerk_ids))
                .select_related("document__document_type", "document__issuer_agency", "sender_agency",
                                "recipient_agency").first())
    if delivery is None:
        raise NotFound()
    return delivery


def delivery_files(*, delivery: Delivery):
    """The files the recipient may open before registering: those of the delivered document; none once
    the recipient agreed to give it back (NĐ30 Art. 18.4)."""
    if delivery.state == DeliveryState.WITHDRAWN:
        return []
    return document_files(document=delivery.document)


def delivery_events(*, delivery: Delivery) -> list[DeliveryEvent]:
    """The status history of one delivery, oldest first."""
    return list(delivery.events.order_by("at", "id"))


def withdrawal_of(*, incoming_document_id: int) -> dict:
    """What stays of a copy withdrawn after a recall, for its record: the delivery (sender, reason) and
    the request (13) and agreement (15) events; empty for a copy that came some other way (two queries)."""
    delivery = (Delivery.objects.filter(incoming_document_id=incoming_document_id, state=DeliveryState.WITHDRAWN)
                .select_related("sender_agency").prefetch_related(Prefetch(
                    "events", queryset=DeliveryEvent.objects.filter(kind__in=[
                        EventKind.RECALL_REQUESTED, EventKind.RECALL_ACCEPTED]).select_related("actor")
                    .order_by("at", "id"))).first())
    if delivery is None:
        return {}
    events = list(delivery.events.all())
    last = {e.kind: e for e in events}
    return {"delivery": delivery, "requested": last.get(EventKind.RECALL_REQUESTED),
            "accepted": last.get(EventKind.RECALL_ACCEPTED)}


def deliveries_of(*, document: Document) -> list[Delivery]:
    """Every recipient of an outgoing document with its status history (two queries)."""
    return list(
        Delivery.objects.filter(document=document).select_related("recipient_agency", "incoming_document")
        .prefetch_related(Prefetch("events", queryset=DeliveryEvent.objects.order_by("at", "id")))
        .order_by("id"))


def delivery_summary(*, document_ids) -> dict[int, dict[str, int]]:
    """Per outgoing document: how many recipients are at each state (one query)."""
    out: dict[int, dict[str, int]] = {}
    rows = (Delivery.objects.filter(document_id__in=list(document_ids)).values("document_id", "state")
            .annotate(n=Count("pk")).order_by())
    for row in rows:
        out.setdefault(row["document_id"], {})[row["state"]] = row["n"]
    return out


# The sender's filters of the sent list: each a condition on the document's deliveries.
SENT_CONDITIONS: dict[str, dict[str, object]] = {
    "returned": {"state": DeliveryState.RETURNED},
    "unfinished": {"state__in": [DeliveryState.WAITING_EXCHANGE, DeliveryState.ARRIVED, DeliveryState.RECEIVED,
                                 DeliveryState.REGISTERED, DeliveryState.ASSIGNED, DeliveryState.IN_PROGRESS]},
    "recalling": {"recall_state": RecallState.REQUESTED},
}


def sent_documents(*, user, agency_id: int | None = None, having: str = "") -> QuerySet[Document]:
    """Outgoing documents the user sees that went to at least one recipient, newest first; ``having`` (a key
    of ``SENT_CONDITIONS``) keeps those with a delivery in that condition."""
    qs = documents_visible_to(user=user).filter(direction=Direction.OUTGOING, deliveries__isnull=False)
    if agency_id:
        qs = qs.filter(agency_id=agency_id)
    qs = qs.distinct().select_related("document_type").order_by("-created_at", "-id")
    if having:
        qs = qs.filter(Exists(Delivery.objects.filter(document_id=OuterRef("pk"), **SENT_CONDITIONS[having])))
    return qs


def incoming_origin(*, incoming_document_id: int) -> Delivery | None:
    return Delivery.objects.filter(incoming_document_id=incoming_document_id).select_related(
        "document", "sender_agency").first()


def recipient_agencies_by_document(*, document_ids) -> dict[int, list[Agency]]:
    """Per outgoing document: the agencies it was sent to, in the order they were chosen (one query). The
    ``To`` of the Phụ lục VI metadata (``documents.metadata``, which reads it through this function)."""
    to: dict[int, list[Agency]] = {}
    for delivery in (Delivery.objects.filter(document_id__in=list(document_ids)).select_related("recipient_agency")
                     .order_by("document_id", "id")):
        to.setdefault(delivery.document_id, []).append(delivery.recipient_agency)
    return to


def documents_delivered(*, document_ids) -> set[int]:
    """Among ``document_ids``: outgoing documents delivered to at least one recipient and incoming
    documents registered from a delivery — the documents that went through the system (one query)."""
    ids = {int(i) for i in document_ids}
    # A recalled document is no longer a legally valid one (NĐ30 Art. 18.4), on either side: the sender's
    # recalled record does not count, nor a recipient's copy it gave back.
    rows = (Delivery.objects.filter(Q(document_id__in=ids) | Q(incoming_document_id__in=ids))
            .exclude(state=DeliveryState.WITHDRAWN)
            .annotate(sent_recalled=ExpressionWrapper(Q(document__status=DocumentStatus.RECALLED),
                                                output_field=BooleanField()))
            .values_list("document_id", "incoming_document_id", "sent_recalled"))
    return {i for sent, incoming, recalled in rows for i in ((None if recalled else sent), incoming) if i in ids}


def outbox_backlog() -> dict[str, int]:
    """Messages for bodies outside this instance not yet sent, by state (pending, failed): for /metrics."""
    waiting = (OutboxState.PENDING, OutboxState.FAILED)
    counts = dict(OutboxMessage.objects.filter(state__in=waiting).values("state").annotate(n=Count("pk")).order_by()
                  .values_list("state", "n"))
    return {str(state): counts.get(state, 0) for state in waiting}


# --- For the inter-system exchange (lienthong.exchange) ---------------------------------------------------------

def deliveries_waiting_exchange(*, exclude_ids=()) -> list[dict[str, Any]]:
    """Deliveries to external agencies still in the outbox (pending), but those in ``exclude_ids``: each
    {"id", "document_id", "sender_agency_id", "recipient_agency_id"}."""
    qs = (Delivery.objects.filter(state=DeliveryState.WAITING_EXCHANGE, outbox__state=OutboxState.PENDING)
          .exclude(pk__in=exclude_ids).order_by("pk"))
    return [dict(row) for row in qs.values("id", "document_id", "sender_agency_id", "recipient_agency_id")]


def delivery_events_for_exchange(*, document_ids=(), delivery_ids=(), kinds, exclude_ids=()) -> list[dict[str, Any]]:
    """The events of the given kinds on deliveries of ``document_ids`` or with ``delivery_ids``, but those in
    ``exclude_ids``, oldest first: {"id", "delivery_id", "kind", "code", "at", "description", "reply",
    "document_id", "recipient_agency_id", "sender_agency_id"}."""
    qs = DeliveryEvent.objects.filter(kind__in=list(kinds)).filter(
        Q(delivery__document_id__in=document_ids) | Q(delivery_id__in=delivery_ids))
    return [dict(row) for row in qs.exclude(pk__in=exclude_ids).order_by("at", "pk").values(
        "id", "delivery_id", "kind", "code", "at", "description", "reply", "delivery__document_id",
        "delivery__recipient_agency_id", "delivery__sender_agency_id")]


def delivery_brief(*, delivery_id: int) -> dict[str, Any] | None:
    """{"id", "state", "recall_state", "document_id", "sender_agency_id", "recipient_agency_id"} of a delivery."""
    row = (Delivery.objects.filter(pk=delivery_id)
           .values("id", "state", "recall_state", "document_id", "sender_agency_id", "recipient_agency_id").first())
    return dict(row) if row is not None else None


def deliveries_of_document(*, document_id: int) -> list[dict[str, Any]]:
    """{"id", "state", "recipient_agency_id"} of every delivery of one document."""
    return [dict(row) for row in Delivery.objects.filter(document_id=document_id).order_by("pk")
            .values("id", "state", "recipient_agency_id")]
