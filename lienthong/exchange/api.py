"""The own exchange API between instances, under /api/exchange/ (transport (a); docs/operations.md).

Every call is signed by the calling system (``exchange.auth``: HMAC-SHA256 over method, path, timestamp, nonce
and body hash): a missing, wrong, stale or replayed signature gets 401, an inactive partner 403, each with a
Vietnamese ``{code, message}``.

- ``POST /exchange/packages?message_type=edoc|status&to=…``, the package as the body (``application/xml``):
  taken at once (applied, routed by a hub, or waiting for its sender to be confirmed), or refused with 422 and
  the reason (also sent back as status 02); over ``EXCHANGE_MAX_PACKAGE_BYTES``, 413.
- ``GET /exchange/packages?message_type=``: the packages waiting for the caller (a hub member fetching);
  ``GET /exchange/packages/{id}``: one of them (base64 in JSON); ``POST /exchange/packages/{id}/ack``: taken,
  or not and why.
- ``GET /exchange/sent``: what the caller sent and what became of it.
- ``GET /exchange/agencies``: the agency list this instance serves (a hub: its members' too).
"""

from __future__ import annotations

import base64

from ninja import Field, Query, Router, Schema, Status

from lienthong.core.errors import DomainError, NotFound
from lienthong.exchange import auth, selectors, services
from lienthong.exchange.models import MessageType, OutboundPackage

router = Router(tags=["Liên thông giữa các hệ thống"], auth=None)



def _partner(request):
    return auth.authenticate(method=request.method, path=request.get_full_path(), headers=request.headers,
                             body=request.body)


class PackageOut(Schema):
    id: int | None
    state: str
    duplicate: bool = False


class ErrorOut(Schema):
    code: str
    message: str


class WaitingOut(Schema):
    id: str
    message_type: str
    from_organ_id: str
    to_organ_ids: list[str]
    created_at: str


class PackageBytesOut(Schema):
    id: str
    message_type: str
    package: str


class AckIn(Schema):
    ok: bool = True
    reason: str = Field("", max_length=2000)


class SentOut(Schema):
    id: int
    remote_id: str
    message_type: str
    edxml_document_id: str
    state: str
    reason: str


class AgencyOut(Schema):
    organ_id: str
    name: str
    parent_organ_id: str
    email: str = ""


class PackageRefused(DomainError):
    code = "package_refused"
    status = 422


class PackageTooLarge(DomainError):
    code = "package_too_large"
    status = 413


def _package_body(request) -> bytes:
    """The raw package, read here within ``EXCHANGE_MAX_PACKAGE_BYTES`` (not Django's in-memory form limit: a
    package with its signed PDFs is larger than any form)."""
    limit = services.max_package_bytes()
    declared = int(request.META.get("CONTENT_LENGTH") or 0)
    if declared > limit:
        raise PackageTooLarge(services.PACKAGE_TOO_LARGE % {"n": limit // (1024 * 1024)})
    data = request.read(limit + 1)
    if len(data) > limit:
        raise PackageTooLarge(services.PACKAGE_TOO_LARGE % {"n": limit // (1024 * 1024)})
    return data


@router.post("/exchange/packages", response={200: PackageOut, 401: ErrorOut, 403: ErrorOut, 413: ErrorOut,
                                             422: ErrorOut},
             url_name="exchange_send", summary="Gửi một gói tin edXML (thân yêu cầu là gói tin)")
def send(request, message_type: str = Query(..., pattern="^(edoc|status)$"), to: str = Query("", max_length=500)):
    """The body is the package itself (``application/xml``); ``message_type`` and ``to`` (the To OrganIds,
    comma-separated, for a hub's routing and logs) are in the query, which the signature covers."""
    data = _package_body(request)
    partner = auth.authenticate(method=request.method, path=request.get_full_path(), headers=request.headers,
                                body=data)
    outcome = services.receive(partner=partner, data=data)
    if not outcome.ok:
        raise PackageRefused(outcome.reason)
    return Status(200, {"id": outcome.inbound_id, "state": outcome.state, "duplicate": outcome.duplicate})


@router.get("/exchange/packages", response={200: list[WaitingOut], 401: ErrorOut, 403: ErrorOut},
            url_name="exchange_waiting", summary="Các gói tin chờ hệ thống gọi đến lấy")
def waiting(request, message_type: str = ""):
    partner = _partner(request)
    kind = message_type if message_type in MessageType.values else None
    return [{"id": str(p.pk), "message_type": p.message_type, "from_organ_id": p.from_organ_id,
             "to_organ_ids": [c for c in p.to_organ_ids.split(",") if c], "created_at": p.created_at.isoformat()}
            for p in selectors.waiting_for_partner(partner=partner, message_type=kind)]


def _waiting_one(partner, package_id: str) -> OutboundPackage:
    if not package_id.isdigit():
        raise NotFound()
    package = OutboundPackage.objects.filter(pk=int(package_id), partner=partner).first()
    if package is None:
        raise NotFound()
    return package


@router.get("/exchange/packages/{package_id}", response={200: PackageBytesOut, 401: ErrorOut, 403: ErrorOut,
                                                        404: ErrorOut},
            url_name="exchange_get", summary="Lấy một gói tin")
def get(request, package_id: str):
    package = _waiting_one(_partner(request), package_id)
    return {"id": str(package.pk), "message_type": package.message_type,
            "package": base64.b64encode(bytes(package.package)).decode()}


@router.post("/exchange/packages/{package_id}/ack", response={200: PackageOut, 401: ErrorOut, 403: ErrorOut,
                                                             404: ErrorOut},
             url_name="exchange_ack", summary="Báo đã lấy gói tin (hoặc không lấy được, kèm lý do)")
def acknowledge(request, package_id: str, body: AckIn):
    partner = _partner(request)
    package = _waiting_one(partner, package_id)
    services.partner_acknowledge(partner=partner, package_id=package.pk, ok=body.ok, reason=body.reason)
    package.refresh_from_db()
    return {"id": package.pk, "state": package.state}


@router.get("/exchange/sent", response={200: list[SentOut], 401: ErrorOut, 403: ErrorOut},
            url_name="exchange_sent", summary="Các gói tin hệ thống gọi đến đã gửi và kết quả")
def sent(request):
    partner = _partner(request)
    return [{"id": p.pk, "remote_id": p.remote_id, "message_type": p.message_type,
             "edxml_document_id": p.edxml_document_id, "state": p.state, "reason": p.reason}
            for p in selectors.sent_by_partner(partner=partner)]


@router.get("/exchange/agencies", response={200: list[AgencyOut], 401: ErrorOut, 403: ErrorOut},
            url_name="exchange_agencies", summary="Danh mục cơ quan hệ thống này phục vụ")
def agencies(request):
    _partner(request)
    return [{"organ_id": a.identifier_code, "name": a.name,
             "parent_organ_id": (a.parent.identifier_code or "") if a.parent_id else ""}
            for a in selectors.directory_entries()]
