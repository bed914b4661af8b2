"""Writes on people: accounts, positions, login throttling and API tokens."""

from __future__ import annotations

import datetime as dt
import hashlib
import secrets

from django.conf import settings
from django.contrib.auth import authenticate
from django.db import transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _

from lienthong.accounts.models import ApiToken, LoginFailure, Position, User
from lienthong.core.errors import DomainError, ValidationFailed
from lienthong.core.text import nfc


class LoginLocked(DomainError):
    code = "login_locked"
    status = 429


def _window_start():
    return timezone.now() - dt.timedelta(seconds=settings.LOGIN_FAILURE_WINDOW_SECONDS)


def login_is_locked(*, username: str, ip: str | None) -> bool:
    """Too many recent failures for this user name, or from this address (5× the per-user limit)."""
    recent = LoginFailure.objects.filter(at__gte=_window_start())
    if recent.filter(username__iexact=username).count() >= settings.LOGIN_MAX_FAILURES:
        return True
    if ip and recent.filter(ip_address=ip).count() >= settings.LOGIN_MAX_FAILURES * 5:
        return True
    return False


def login_record_failure(*, username: str, ip: str | None) -> None:
    LoginFailure.objects.create(username=username[:150], ip_address=ip)
    LoginFailure.objects.filter(at__lt=timezone.now() - dt.timedelta(days=7)).delete()


def login_clear_failures(*, username: str) -> None:
    LoginFailure.objects.filter(username__iexact=username).delete()


def locked_message() -> str:
    minutes = max(settings.LOGIN_FAILURE_WINDOW_SECONDS // 60, 1)
    return _("Đăng nhập sai quá nhiều lần. Vui lòng thử lại sau %(m)s phút.") % {"m": minutes}


def user_authenticate(*, request, username: str, password: str, ip: str | None) -> User | None:
    """Authenticate with throttling. Raises ``LoginLocked``; returns None on bad credentials."""
    if login_is_locked(username=username, ip=ip):
        raise LoginLocked(locked_message())
    user = authenticate(request, username=username, password=password)
    if user is None:
        login_record_failure(username=username, ip=ip)
        return None
    login_clear_failures(username=username)
    return user


@transaction.atomic
def user_create(*, username: str, password: str, full_name: str, email: str = "",
                positions: list[tuple] = (), is_system_admin: bool = False) -> User:
    """Create a person with positions given as (agency, role, title) or (agency, role, title, unit) tuples."""
    user = User(username=username, full_name=nfc(full_name), email=email, is_system_admin=is_system_admin,
                is_staff=is_system_admin, is_superuser=is_system_admin)
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


def api_token_issue(*, user: User) -> str:
    token = secrets.token_urlsafe(32)
    ApiToken.objects.create(user=user, key_hash=_hash_token(token),
                            expires_at=timezone.now() + dt.timedelta(days=settings.API_TOKEN_TTL_DAYS))
    return token


def api_token_user(*, token: str) -> User | None:
    now = timezone.now()
    row = (ApiToken.objects.select_related("user")
           .filter(Q(key_hash=_hash_token(token)), expires_at__gt=now, user__is_active=True).first())
    if row is None:
        return None
    if row.last_used_at is None or now - row.last_used_at > dt.timedelta(minutes=5):
        ApiToken.objects.filter(pk=row.pk).update(last_used_at=now)
    return row.user
