"""Reads of the exchange gateway: which partner serves an agency, which agencies this instance serves, what is
due, what waits for a partner that fetches, the counts ``manage.py exchange status`` prints."""

from __future__ import annotations

from django.conf import settings
from django.db.models import Count, Q, QuerySet
from django.utils import timezone

from lienthong.agencies.models import Agency
from lienthong.exchange.models import InboundPackage, OutboundPackage, OutboundState, Partner

WILDCARD = "*"


def is_hub() -> bool:
    return bool(getattr(settings, "EXCHANGE_HUB", False))


def own_system_id() -> str:
    return getattr(settings, "EXCHANGE_SYSTEM_ID", "") or "lienthong"


def partner_for(organ_id: str, *, exclude_id: int | None = None) -> Partner | None:
    """The active partner that serves ``organ_id``: one that names it, else one that serves every other
    agency (``*``)."""
    partners = [p for p in Partner.objects.filter(is_active=True).order_by("pk") if p.pk != exclude_id]
    for p in partners:
        if organ_id in p.served_organ_ids():
            return p
    for p in partners:
        if WILDCARD in p.served_organ_ids():
            return p
    return None


def agencies_served(organ_ids) -> dict[str, Agency]:
    """The agencies of this instance (active, not external) among these identifier codes, by code."""
    found = Agency.objects.filter(identifier_code__in=list(organ_ids), is_active=True, is_external=False)
    return {a.identifier_code or "": a for a in found}


def agency_by_code(organ_id: str) -> Agency | None:
    return Agency.objects.filter(identifier_code=organ_id).first()


def directory_entries() -> QuerySet[Agency]:
    """The agency list this instance gives its partners: its own agencies with an identifier code, and for a
    hub, the confirmed external agencies its members serve too."""
    qs = Agency.objects.filter(is_active=True, identifier_code__isnull=False).select_related("parent")
    if not is_hub():
        qs = qs.filter(is_external=False)
    return qs.order_by("identifier_code")


def due_packages(*, now=None, partner_ids=None, limit: int = 200) -> list[OutboundPackage]:
    """Pending packages whose time has come, for partners this instance sends to (those with an address)."""
    now = now or timezone.now()
    qs = (OutboundPackage.objects.filter(state=OutboundState.PENDING, partner__is_active=True)
          .filter(Q(next_attempt_at__isnull=True) | Q(next_attempt_at__lte=now)).exclude(partner__base_url="")
          .select_related("partner").order_by("next_attempt_at", "pk"))
    if partner_ids is not None:
        qs = qs.filter(partner_id__in=list(partner_ids))
    return list(qs[:limit])


def waiting_for_partner(*, partner: Partner, message_type: str | None = None, limit: int = 500) -> QuerySet:
    """What a partner that fetches from us (a hub member without an address) has not acknowledged yet."""
    qs = OutboundPackage.objects.filter(partner=partner, state=OutboundState.PENDING)
    if message_type:
        qs = qs.filter(message_type=message_type)
    return qs.order_by("pk")[:limit]


def sent_by_partner(*, partner: Partner, limit: int = 500) -> QuerySet:
    """The packages a partner sent us and what became of them, newest first."""
    return InboundPackage.objects.filter(partner=partner).order_by("-pk")[:limit]


def status_counts() -> dict:
    """{"outbound": {state: n}, "inbound": {state: n}, "partners": {name: {state: n}}}."""
    outbound = dict(OutboundPackage.objects.values_list("state").annotate(n=Count("pk")).order_by())
    inbound = dict(InboundPackage.objects.values_list("state").annotate(n=Count("pk")).order_by())
    partners: dict[str, dict[str, int]] = {p.name: {} for p in Partner.objects.all()}
    for name, state, n in (OutboundPackage.objects.values_list("partner__name", "state").annotate(n=Count("pk"))
                           .order_by()):
        partners.setdefault(name, {})[state] = n
    return {"outbound": outbound, "inbound": inbound, "partners": partners}
