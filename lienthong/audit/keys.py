"""The keys of the audit log: the current HMAC key (kept outside the database) and older ones for verification.

``settings.AUDIT_KEY`` comes from ``LIENTHONG_AUDIT_KEY`` or the file named by ``LIENTHONG_AUDIT_KEY_FILE``;
``settings.AUDIT_OLD_KEYS`` ("id:key,id:key", or a dict) holds the keys of entries written before a rotation.
Every entry records the id of the key it was sealed with. Entries written before the log was keyed carry
``LEGACY_KEY_ID``: plain SHA-256, which anyone with database access can recompute (docs/decisions.md).

In development, without a key, one is derived from ``SECRET_KEY`` (the system check ``audit.W001`` warns);
production mode refuses to start without one.
"""

from __future__ import annotations

import functools
import hashlib
import hmac
from dataclasses import dataclass, field
from pathlib import Path

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured

LEGACY_KEY_ID = "sha256-legacy"
KEY_ID_MAX_LENGTH = 40
MIN_KEY_LENGTH = 32


@dataclass(frozen=True)
class Keyring:
    current_id: str
    current: bytes
    keys: dict[str, bytes] = field(default_factory=dict)  # every usable id -> key, the current one included
    derived: bool = False  # the development fallback derived from SECRET_KEY

    def key(self, key_id: str) -> bytes | None:
        return self.keys.get(key_id)


def key_fingerprint(key: bytes) -> str:
    """A key id that names a key without revealing it: "k-" and 12 hex digits of a hash of the key."""
    return "k-" + hashlib.sha256(b"lienthong audit key id\x00" + key).hexdigest()[:12]


def parse_old_keys(raw) -> dict[str, bytes]:
    """"id:key,id:key" (or one pair per line, or a dict) -> {id: key bytes}."""
    if not raw:
        return {}
    if isinstance(raw, dict):
        pairs = list(raw.items())
    else:
        pairs = []
        for item in str(raw).replace("\n", ",").split(","):
            item = item.strip()
            if not item or item.startswith("#"):
                continue
            key_id, sep, key = item.partition(":")
            if not sep or not key_id.strip() or not key.strip():
                raise ImproperlyConfigured("LIENTHONG_AUDIT_OLD_KEYS must be 'id:key' pairs separated by commas")
            pairs.append((key_id.strip(), key.strip()))
    out = {}
    for key_id, key in pairs:
        _check_id(key_id)
        out[key_id] = key.encode("utf-8") if isinstance(key, str) else bytes(key)
    return out


def _check_id(key_id: str) -> None:
    if not key_id or len(key_id) > KEY_ID_MAX_LENGTH or key_id == LEGACY_KEY_ID or ":" in key_id:
        raise ImproperlyConfigured(
            f"Audit key id {key_id!r} is not usable (1-{KEY_ID_MAX_LENGTH} characters, no ':', not {LEGACY_KEY_ID!r})")


def _read_key_file(path: str) -> str:
    try:
        return Path(path).read_text(encoding="utf-8").strip()
    except OSError as exc:
        raise ImproperlyConfigured(f"Cannot read the audit key file {path}: {exc}") from exc


def keyring() -> Keyring:
    """The keyring from the current settings. Built once per distinct configuration: a key file is read
    when the process first needs it (after a rotation, restart the processes)."""
    return _keyring(
        getattr(settings, "AUDIT_KEY", "") or "", getattr(settings, "AUDIT_KEY_FILE", "") or "",
        getattr(settings, "AUDIT_KEY_ID", "") or "", _hashable(getattr(settings, "AUDIT_OLD_KEYS", "")),
        getattr(settings, "AUDIT_OLD_KEYS_FILE", "") or "", bool(getattr(settings, "PRODUCTION", False)),
        settings.SECRET_KEY,
    )


def _hashable(raw):
    return tuple(sorted(raw.items())) if isinstance(raw, dict) else (raw or "")


@functools.lru_cache(maxsize=16)
def _keyring(raw: str, key_file: str, key_id: str, old_raw, old_file: str, production: bool,
             secret_key: str) -> Keyring:
    if not raw and key_file:
        raw = _read_key_file(key_file)
    old = parse_old_keys(dict(old_raw) if isinstance(old_raw, tuple) else old_raw)
    if old_file:
        old = {**parse_old_keys(_read_key_file(old_file)), **old}
    derived = False
    if raw:
        if len(raw) < MIN_KEY_LENGTH:
            raise ImproperlyConfigured(f"The audit key must be at least {MIN_KEY_LENGTH} characters long")
        key = raw.encode("utf-8")
    else:
        if production:
            raise ImproperlyConfigured("LIENTHONG_AUDIT_KEY or LIENTHONG_AUDIT_KEY_FILE must be set in production mode")
        key = hmac.new(secret_key.encode("utf-8"), b"lienthong.audit.key", hashlib.sha256).digest()
        derived = True
    key_id = key_id or key_fingerprint(key)
    _check_id(key_id)
    if key_id in old and old[key_id] != key:
        raise ImproperlyConfigured(f"Audit key id {key_id!r} names two different keys")
    return Keyring(current_id=key_id, current=key, keys={**old, key_id: key}, derived=derived)
