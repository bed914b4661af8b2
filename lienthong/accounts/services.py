"""Writes on people: accounts, positions, login throttling, API tokens and web sessions.

Login throttling (docs/decisions.md, "Login throttling"): never a hard lock. Each account, each known
browser and each client address has a ``LoginThrottle`` row; a failure past the free ones sets a back-off
that doubles with each further failure and is capped at ``LOGIN_BACKOFF_MAX_SECONDS``. During a back-off
no password is checked (and nothing is counted), so a script hammering an account keeps it slowed, never
locked for longer than the cap, and the owner's browser that logged in before uses its own count. An
address is slowed only once failures on many distinct accounts came from it.

API tokens and tracked web sessions carry a stamp of the password hash they were created under: a
password change, by whatever path, makes them invalid when next used.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import logging
import math
import secrets
from collections.abc import Sequence
from importlib import import_module

from django.conf import settings
from django.contrib.auth import authenticate
from django.db import transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.crypto import constant_time_compare
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from lienthong.accounts.models import (
    ApiToken,
    LoginFailure,
    LoginThrottle,
    Position,
    ThrottleScope,
    User,
    UserSession,
    password_stamp,
)
from lienthong.audit.models import AuditAction
from lienthong.audit.services import audit_log
from lienthong.core.errors import DomainError, NotFound, PermissionDenied, ValidationFailed
from lienthong.core.text import nfc

logger = logging.getLogger("lienthong.accounts")

THROTTLE_OBJECT = "login_throttle"
# A login refused while a back-off runs: ``LOGIN_LOCKED % {"s": seconds to wait}``.
LOGIN_LOCKED = gettext_lazy("Đăng nhập sai quá nhiều lần. Vui lòng thử lại sau %(s)s giây.")
_KEEP_FAILURES = dt.timedelta(days=7)


class LoginLocked(DomainError):
    """A back-off is running: try again in ``retry_after`` seconds."""

    code = "login_locked"
    status = 429

    def __init__(self, *, retry_after: int):
        self.retry_after = max(1, int(retry_after))
        super().__init__(LOGIN_LOCKED % {"s": self.retry_after})


# --- Login throttling ---------------------------------------------------------------------------------

def account_key(username: str) -> str:
    """The name an account's failures are counted under: as typed, NFC, trimmed, lower case."""
    return nfc(username or "").strip().lower()[:150]


def backoff_seconds(*, failures: int, free: int) -> int:
    """0 while ``failures`` < ``free``; then base × 2^(failures − free), never above the maximum."""
    if failures < free:
        return 0
    exponent = min(failures - free, 32)  # 2^32 s is far past any sensible maximum: no huge integers
    return min(settings.LOGIN_BACKOFF_BASE_SECONDS * 2 ** exponent, settings.LOGIN_BACKOFF_MAX_SECONDS)


def _buckets(*, username: str, ip: str | None, device: str | None) -> list[tuple[str, str]]:
    """The throttles that apply to one attempt: a known browser answers for itself alone; otherwise
    the account and the client address."""
    if device:
        return [(ThrottleScope.DEVICE, device)]
    out: list[tuple[str, str]] = [(ThrottleScope.ACCOUNT, account_key(username))]
    if ip:
        out.append((ThrottleScope.ADDRESS, ip))
    return out


def login_wait_seconds(*, username: str, ip: str | None, device: str | None = None) -> int:
    """Seconds before a password may be tried for this attempt (0: now)."""
    now = timezone.now()
    match = Q(pk__in=[])
    for scope, key in _buckets(username=username, ip=ip, device=device):
        match |= Q(scope=scope, key=key)
    until = (LoginThrottle.objects.filter(match, blocked_until__gt=now)
             .order_by("-blocked_until").values_list("blocked_until", flat=True).first())
    return math.ceil((until - now).total_seconds()) if until else 0


def _locked_row(*, scope: str, key: str, username: str = "") -> LoginThrottle:
    row, _created = LoginThrottle.objects.get_or_create(scope=scope, key=key, defaults={"username": username})
    return LoginThrottle.objects.select_for_update().get(pk=row.pk)


def _describe(row: LoginThrottle) -> str:
    if row.scope == ThrottleScope.ADDRESS:
        return _("địa chỉ %(a)s") % {"a": row.key}
    if row.scope == ThrottleScope.DEVICE:
        return _("một trình duyệt đã biết của %(u)s") % {"u": row.username}
    return _("tài khoản %(u)s") % {"u": row.username or row.key}


def _set_backoff(row: LoginThrottle, *, seconds: int, now) -> None:
    """Start or extend the back-off of ``row`` (already counted); a new series is logged once."""
    if not seconds:
        row.locked_since = None
        row.save()
        return
    row.blocked_until = now + dt.timedelta(seconds=seconds)
    starts = row.locked_since is None
    if starts:
        row.locked_since = now
    row.save()
    if starts:
        what = _describe(row)
        logger.warning("Login back-off started for %s %s (%s failures)", row.scope, row.username or row.key,
                       row.failures)
        audit_log(actor=None, action=AuditAction.DENIED, obj_type=THROTTLE_OBJECT, obj_id=row.pk,
                  summary=_("Tạm hạn chế đăng nhập: %(w)s (%(n)s lần sai)") % {"w": what, "n": row.failures},
                  details={"scope": row.scope, "key": row.username or row.key, "failures": row.failures,
                           "seconds": seconds})


def _count_failure(*, scope: str, key: str, username: str, now) -> None:
    """One more failure in a row for an account or a known browser (a quiet window starts afresh)."""
    row = _locked_row(scope=scope, key=key, username=username)
    window = dt.timedelta(seconds=settings.LOGIN_FAILURE_WINDOW_SECONDS)
    if row.last_failure_at is None or row.last_failure_at < now - window:
        row.failures, row.locked_since = 0, None
    row.failures += 1
    row.last_failure_at = now
    _set_backoff(row, seconds=backoff_seconds(failures=row.failures, free=settings.LOGIN_MAX_FAILURES), now=now)


def _count_address_failure(*, ip: str, now) -> None:
    """The address's count is the number of distinct user names that failed from it in the window."""
    row = _locked_row(scope=ThrottleScope.ADDRESS, key=ip)
    recent = LoginFailure.objects.filter(
        ip_address=ip, at__gte=now - dt.timedelta(seconds=settings.LOGIN_FAILURE_WINDOW_SECONDS))
    if row.counting_since is not None:
        recent = recent.filter(at__gt=row.counting_since)
    row.failures = recent.values("username").distinct().count()
    row.last_failure_at = now
    _set_backoff(row, seconds=backoff_seconds(failures=row.failures, free=settings.LOGIN_ADDRESS_MAX_ACCOUNTS),
                 now=now)


@transaction.atomic
def login_record_failure(*, username: str, ip: str | None, device: str | None = None) -> None:
    """A wrong password: log it and count it for the account, the known browser and the address."""
    now = timezone.now()
    key = account_key(username)
    LoginFailure.objects.create(username=key, ip_address=ip)
    _count_failure(scope=ThrottleScope.ACCOUNT, key=key, username=key, now=now)
    if device:
        _count_failure(scope=ThrottleScope.DEVICE, key=device, username=key, now=now)
    if ip:
        _count_address_failure(ip=ip, now=now)
    LoginFailure.objects.filter(at__lt=now - _KEEP_FAILURES).delete()
    LoginThrottle.objects.filter(last_failure_at__lt=now - _KEEP_FAILURES).delete()


def login_record_success(*, username: str, device: str | None = None) -> None:
    """The owner got in: the account's (and the browser's) series ends. The address keeps its count:
    one good login must not wipe a script's failures on other accounts."""
    keys = Q(scope=ThrottleScope.ACCOUNT, key=account_key(username))
    if device:
        keys |= Q(scope=ThrottleScope.DEVICE, key=device)
    LoginThrottle.objects.filter(keys).delete()


def user_authenticate(*, request, username: str, password: str, ip: str | None,
                      device: str | None = None) -> User | None:
    """Authenticate with throttling. Raises ``LoginLocked`` during a back-off (the password is not
    checked then); returns None on bad credentials. ``device``: the id of a browser this person logged
    in from before (``accounts.http.known_device``), which is throttled on its own."""
    wait = login_wait_seconds(username=username, ip=ip, device=device)
    if wait:
        raise LoginLocked(retry_after=wait)
    user = authenticate(request, username=username, password=password)
    if user is None:
        login_record_failure(username=username, ip=ip, device=device)
        return None
    login_record_success(username=username, device=device)
    return user


@transaction.atomic
def login_throttle_lift(*, actor: User, throttle_id: int) -> LoginThrottle:
    """A system administrator ends a back-off (and the count behind it) at once; audit-logged."""
    if not actor.is_system_admin:
        raise PermissionDenied(_("Chỉ quản trị hệ thống được gỡ khóa đăng nhập."))
    row = LoginThrottle.objects.select_for_update().filter(pk=throttle_id).first()
    if row is None:
        raise NotFound()
    now = timezone.now()
    row.failures, row.blocked_until, row.locked_since, row.counting_since = 0, None, None, now
    row.save()
    audit_log(actor=actor, action=AuditAction.CHANGED, obj_type=THROTTLE_OBJECT, obj_id=row.pk,
              summary=_("Gỡ khóa đăng nhập: %(w)s") % {"w": _describe(row)},
              details={"scope": row.scope, "key": row.username or row.key})
    return row


@transaction.atomic
def user_create(*, username: str, password: str, full_name: str, email: str = "",
                positions: Sequence[tuple] = (), is_system_admin: bool = False, is_operator: bool = False) -> User:
    """Create a person with positions given as (agency, role, title) or (agency, role, title, unit) tuples.
    An operator (the contractor's staff answering problem reports) holds no position."""
    if is_operator and positions:
        raise ValidationFailed({"positions": [_("Nhân viên nhà thầu / vận hành không giữ vị trí công tác.")]})
    user = User(username=username, full_name=nfc(full_name), email=email, is_system_admin=is_system_admin,
                is_staff=is_system_admin, is_superuser=is_system_admin, is_operator=is_operator)
    user.set_password(password)
    user.save()
    for agency, role, title, *rest in positions:
        unit = rest[0] if rest else None
        if unit is not None and unit.agency_id != agency.pk:
            raise ValidationFailed({"unit": [_("Đơn vị không thuộc cơ quan đã chọn.")]})
        Position.objects.create(user=user, agency=agency, role=role, title=nfc(title), unit=unit)
    return user


def _hash_token(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def api_token_issue(*, user: User, user_agent: str = "", ip: str | None = None) -> str:
    token = secrets.token_urlsafe(32)
    ApiToken.objects.create(user=user, key_hash=_hash_token(token), password_stamp=password_stamp(user),
                            user_agent=(user_agent or "")[:200], ip_address=ip,
                            expires_at=timezone.now() + dt.timedelta(days=settings.API_TOKEN_TTL_DAYS))
    return token


def api_token_find(*, token: str) -> ApiToken | None:
    """The live token row for ``token`` (with its user), or None: unknown, expired, its owner inactive,
    or issued under a password that has changed since (such a token is deleted)."""
    now = timezone.now()
    row = (ApiToken.objects.select_related("user")
           .filter(key_hash=_hash_token(token), expires_at__gt=now, user__is_active=True).first())
    if row is None:
        return None
    if not constant_time_compare(row.password_stamp, password_stamp(row.user)):
        ApiToken.objects.filter(pk=row.pk).delete()
        return None
    if row.last_used_at is None or now - row.last_used_at > dt.timedelta(minutes=5):
        ApiToken.objects.filter(pk=row.pk).update(last_used_at=now)
    return row


def api_token_user(*, token: str) -> User | None:
    row = api_token_find(token=token)
    return row.user if row is not None else None


@transaction.atomic
def api_token_revoke(*, user: User, token_id: int) -> None:
    """Revoke one of ``user``'s own tokens (NotFound for anyone else's); audit-logged."""
    deleted, _rows = ApiToken.objects.filter(pk=token_id, user=user).delete()
    if not deleted:
        raise NotFound()
    audit_log(actor=user, action=AuditAction.CANCELLED, obj_type="api_token", obj_id=token_id,
              summary=_("Thu hồi mã truy cập API"))


# --- Web sessions -----------------------------------------------------------------------------------------

def _session_store():
    return import_module(settings.SESSION_ENGINE).SessionStore


def user_session_record(*, user: User, session_key: str | None, user_agent: str = "", ip: str | None = None) -> None:
    """Remember that ``session_key`` belongs to ``user`` (called at login)."""
    if not session_key:
        return
    now = timezone.now()
    UserSession.objects.update_or_create(session_key=session_key, defaults={
        "user": user, "password_stamp": password_stamp(user), "user_agent": (user_agent or "")[:200],
        "ip_address": ip, "last_seen_at": now})


def user_session_forget(*, session_key: str | None) -> None:
    """The session ended by itself (logout): drop its record."""
    if session_key:
        UserSession.objects.filter(session_key=session_key).delete()


@transaction.atomic
def user_session_revoke(*, user: User, session_id: int) -> str:
    """End one of ``user``'s own web sessions (NotFound for anyone else's); returns its key."""
    row = UserSession.objects.filter(pk=session_id, user=user).first()
    if row is None:
        raise NotFound()
    _session_store()().delete(row.session_key)
    row.delete()
    audit_log(actor=user, action=AuditAction.CANCELLED, obj_type="web_session", obj_id=session_id,
              summary=_("Kết thúc phiên đăng nhập"))
    return row.session_key


def user_credentials_end(*, user: User) -> None:
    """End every recorded web session and every API token of ``user`` (deactivation)."""
    store = _session_store()()
    for key in UserSession.objects.filter(user=user).values_list("session_key", flat=True):
        store.delete(key)
    UserSession.objects.filter(user=user).delete()
    ApiToken.objects.filter(user=user).delete()
