"""HMAC-signed requests between instances (the own-API transport): who calls, and that the request is theirs,
fresh and not replayed.

The caller sends four headers: ``X-Exchange-System`` (its system id, as the called instance knows it in a
``Partner`` row), ``X-Exchange-Timestamp`` (Unix seconds), ``X-Exchange-Nonce`` (random, once) and
``X-Exchange-Signature``: hex HMAC-SHA256, with the partner's shared secret, over

    METHOD \\n PATH?QUERY \\n TIMESTAMP \\n NONCE \\n hex SHA-256 of the body

A request outside the clock window (``EXCHANGE_CLOCK_SKEW_SECONDS``, default 300) is refused, and so is a nonce
already seen inside it (the nonces are kept for twice the window).
"""

from __future__ import annotations

import datetime as dt
import hashlib
import hmac
import secrets

from django.conf import settings
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from lienthong.core.errors import DomainError
from lienthong.exchange.models import Partner, UsedNonce

HEADER_SYSTEM, HEADER_TIMESTAMP = "X-Exchange-System", "X-Exchange-Timestamp"
HEADER_NONCE, HEADER_SIGNATURE = "X-Exchange-Nonce", "X-Exchange-Signature"

MISSING_HEADERS = _("Thiếu chữ ký yêu cầu (các tiêu đề X-Exchange-System, X-Exchange-Timestamp, "
                    "X-Exchange-Nonce, X-Exchange-Signature).")
UNKNOWN_SYSTEM = _("Hệ thống gửi yêu cầu không có trong danh sách đối tác.")
PARTNER_INACTIVE = _("Hệ thống đối tác đã bị ngừng kết nối.")
BAD_SIGNATURE = _("Chữ ký yêu cầu không đúng.")
CLOCK_SKEW = _("Thời điểm ký yêu cầu lệch quá %(s)s giây so với máy chủ.")
REPLAYED = _("Yêu cầu đã được gửi trước đó (trùng mã nonce).")


class ExchangeAuthError(DomainError):
    code = "exchange_unauthorized"
    status = 401


class ExchangeForbidden(DomainError):
    code = "exchange_forbidden"
    status = 403


def clock_skew() -> int:
    return int(getattr(settings, "EXCHANGE_CLOCK_SKEW_SECONDS", 300))


def body_hash(body: bytes) -> str:
    return hashlib.sha256(body).hexdigest()


def signature(secret: str, *, method: str, path: str, timestamp: str, nonce: str, body: bytes) -> str:
    message = "\n".join([method.upper(), path, timestamp, nonce, body_hash(body)]).encode()
    return hmac.new(secret.encode(), message, hashlib.sha256).hexdigest()


def signed_headers(*, system_id: str, secret: str, method: str, path: str, body: bytes,
                   now: dt.datetime | None = None, nonce: str | None = None) -> dict[str, str]:
    """The headers of a signed request from ``system_id``."""
    timestamp = str(int((now or timezone.now()).timestamp()))
    nonce = nonce or secrets.token_hex(16)
    return {HEADER_SYSTEM: system_id, HEADER_TIMESTAMP: timestamp, HEADER_NONCE: nonce,
            HEADER_SIGNATURE: signature(secret, method=method, path=path, timestamp=timestamp, nonce=nonce,
                                        body=body)}


def authenticate(*, method: str, path: str, headers, body: bytes, now: dt.datetime | None = None) -> Partner:
    """The partner that signed this request; ``ExchangeAuthError`` (401) or ``ExchangeForbidden`` (403)."""
    values = [headers.get(h, "") for h in (HEADER_SYSTEM, HEADER_TIMESTAMP, HEADER_NONCE, HEADER_SIGNATURE)]
    if not all(values):
        raise ExchangeAuthError(MISSING_HEADERS, code="exchange_missing_signature")
    system_id, timestamp, nonce, given = values
    partner = Partner.objects.filter(system_id=system_id[:100]).first()
    if partner is None or not partner.secret:
        raise ExchangeAuthError(UNKNOWN_SYSTEM, code="exchange_unknown_system")
    expected = signature(partner.secret, method=method, path=path, timestamp=timestamp, nonce=nonce[:100],
                         body=body)
    if not hmac.compare_digest(expected, given.lower()):
        raise ExchangeAuthError(BAD_SIGNATURE, code="exchange_bad_signature")
    if not partner.is_active:
        raise ExchangeForbidden(PARTNER_INACTIVE, code="exchange_partner_inactive")
    now = now or timezone.now()
    window = clock_skew()
    try:
        signed_at = int(timestamp)
    except ValueError:
        signed_at = None
    if signed_at is None or abs(now.timestamp() - signed_at) > window:
        raise ExchangeAuthError(CLOCK_SKEW % {"s": window}, code="exchange_clock_skew")
    UsedNonce.objects.filter(seen_at__lt=now - dt.timedelta(seconds=2 * window)).delete()
    try:
        with transaction.atomic():
            UsedNonce.objects.create(partner=partner, nonce=nonce[:100], seen_at=now)
    except IntegrityError:
        raise ExchangeAuthError(REPLAYED, code="exchange_replayed") from None
    return partner
