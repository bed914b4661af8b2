"""What the login needs to know about the HTTP request: the client's address (trusting X-Forwarded-For
from configured proxies only) and whether this browser logged in as this person before."""

from __future__ import annotations

import datetime as dt
import ipaddress
import secrets
from functools import lru_cache

from django.conf import settings
from django.core import signing

from lienthong.accounts.services import account_key

KNOWN_DEVICE_COOKIE = "lt_known_device"
KNOWN_DEVICE_MAX_AGE = dt.timedelta(days=180)
KNOWN_DEVICE_PER_BROWSER = 5  # people remembered by one (shared) browser
_SALT = "lienthong.accounts.known-device"


@lru_cache(maxsize=8)
def _networks(proxies: tuple[str, ...]) -> tuple:
    return tuple(ipaddress.ip_network(p, strict=False) for p in proxies)


def _address(value: str):
    """An IP address from a header entry ("1.2.3.4", "1.2.3.4:5678", "[2001:db8::1]:443"), or None."""
    value = (value or "").strip()
    if value.startswith("[") and "]" in value:
        value = value[1:value.index("]")]
    elif value.count(":") == 1:
        value = value.split(":", 1)[0]
    try:
        address = ipaddress.ip_address(value)
    except ValueError:
        return None
    return getattr(address, "ipv4_mapped", None) or address


def client_ip(request) -> str | None:
    """REMOTE_ADDR; when that is one of ``LIENTHONG_TRUSTED_PROXIES``, the right-most X-Forwarded-For
    entry that is not a trusted proxy (entries further left are whatever the client wrote). A trusted
    proxy that reports no usable client address gives None: never the proxy's own address."""
    peer = _address(request.META.get("REMOTE_ADDR", ""))
    trusted = _networks(tuple(settings.LIENTHONG_TRUSTED_PROXIES))
    if peer is None or not any(peer in net for net in trusted):
        return str(peer) if peer is not None else None
    for entry in reversed(request.META.get("HTTP_X_FORWARDED_FOR", "").split(",")):
        address = _address(entry)
        if address is None:
            return None
        if not any(address in net for net in trusted):
            return str(address)
    return None


def _remembered(request) -> list[list[str]]:
    raw = request.COOKIES.get(KNOWN_DEVICE_COOKIE) if request is not None else None
    if not raw:
        return []
    try:
        value = signing.loads(raw, salt=_SALT, max_age=KNOWN_DEVICE_MAX_AGE)
    except signing.BadSignature:
        return []
    return [e for e in value if isinstance(e, list) and len(e) == 2] if isinstance(value, list) else []


def known_device(request, username: str) -> str | None:
    """The id this browser was given when ``username`` last logged in from it (signed cookie), or None."""
    key = account_key(username)
    return next((device for name, device in _remembered(request) if name == key), None)


def remember_device(response, request, username: str) -> None:
    """After a successful login: this browser is known for ``username`` (kept first, a few people per browser)."""
    key = account_key(username)
    entries = _remembered(request)
    device = next((d for name, d in entries if name == key), None) or secrets.token_urlsafe(16)
    entries = [[key, device]] + [e for e in entries if e[0] != key][:KNOWN_DEVICE_PER_BROWSER - 1]
    response.set_cookie(KNOWN_DEVICE_COOKIE, signing.dumps(entries, salt=_SALT, compress=True),
                        max_age=int(KNOWN_DEVICE_MAX_AGE.total_seconds()), httponly=True, samesite="Lax",
                        secure=settings.SESSION_COOKIE_SECURE)
