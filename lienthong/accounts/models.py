"""People, the positions they hold in agencies, and their API tokens.

A person can hold several positions (clerk in one agency, specialist in another). Every permission
is derived from active positions, in SQL, by ``selectors``.
"""

from __future__ import annotations

from django.contrib.auth.models import AbstractUser
from django.db import models
from django.utils.crypto import salted_hmac
from django.utils.translation import gettext_lazy as _


class User(AbstractUser):
    full_name = models.CharField(_("họ và tên"), max_length=150, blank=True)
    is_system_admin = models.BooleanField(_("quản trị hệ thống"), default=False)
    # The contractor's staff who answer problem reports (lienthong.feedback): no position counts for them
    # (``selectors.active_positions`` is empty), so they see no document, draft or file by construction.
    is_operator = models.BooleanField(_("nhà thầu / vận hành"), default=False, db_default=False)

    class Meta:
        verbose_name = _("người dùng")
        verbose_name_plural = _("người dùng")

    def __str__(self) -> str:
        return self.full_name or self.username


class Role(models.TextChoices):
    CLERK = "clerk", _("Văn thư")
    LEADER = "leader", _("Lãnh đạo")
    SPECIALIST = "specialist", _("Chuyên viên")
    AGENCY_ADMIN = "agency_admin", _("Quản trị cơ quan")
    ARCHIVIST = "archivist", _("Lưu trữ")  # the agency archive (Lưu trữ cơ quan): receives handed-over files


class Position(models.Model):
    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="positions", verbose_name=_("người dùng"))
    agency = models.ForeignKey(
        "agencies.Agency", on_delete=models.PROTECT, related_name="positions", verbose_name=_("cơ quan")
    )
    unit = models.ForeignKey(
        "agencies.Unit", on_delete=models.PROTECT, null=True, blank=True, related_name="positions",
        verbose_name=_("đơn vị"), help_text=_("Để trống với lãnh đạo và văn thư của cơ quan."),
    )
    role = models.CharField(_("vai trò"), max_length=20, choices=Role.choices)
    title = models.CharField(_("chức danh"), max_length=120, blank=True, help_text=_("Ví dụ: Chánh Văn phòng"))
    is_active = models.BooleanField(_("đang giữ"), default=True)

    class Meta:
        verbose_name = _("vị trí công tác")
        verbose_name_plural = _("vị trí công tác")
        constraints = [
            models.UniqueConstraint(fields=["user", "agency", "role"], name="position_unique_user_agency_role"),
        ]
        indexes = [models.Index(fields=["user", "is_active", "agency"])]

    def __str__(self) -> str:
        return f"{self.user} – {self.get_role_display()} – {self.agency.short_name}"


class LoginFailure(models.Model):
    """One failed login (a wrong password, not a refusal during a back-off): the log the per-address
    throttle counts distinct user names in. Rows older than a week are pruned."""

    username = models.CharField(max_length=150, db_index=True)  # as typed, lower-cased
    ip_address = models.GenericIPAddressField(null=True, db_index=True)
    at = models.DateTimeField(auto_now_add=True, db_index=True)


class ThrottleScope(models.TextChoices):
    ACCOUNT = "account", _("tài khoản")
    ADDRESS = "address", _("địa chỉ")
    DEVICE = "device", _("trình duyệt đã biết")


class LoginThrottle(models.Model):
    """The back-off state of one account, one client address or one known browser.

    ``failures``: for an account or a browser, failed logins in a row (forgotten after a quiet window);
    for an address, the distinct user names that failed from it in the window since ``counting_since``.
    ``blocked_until``: no password is checked for it before then. ``locked_since``: when the current
    series of back-offs began (empty when there is none), which is what the lock-out page lists.
    """

    scope = models.CharField(_("phạm vi"), max_length=10, choices=ThrottleScope.choices)
    key = models.CharField(_("khóa"), max_length=150)  # user name (lower case), address, or browser id
    username = models.CharField(_("tên đăng nhập"), max_length=150, blank=True)
    failures = models.PositiveIntegerField(_("số lần sai"), default=0)
    last_failure_at = models.DateTimeField(_("lần sai gần nhất"), null=True, blank=True)
    blocked_until = models.DateTimeField(_("chờ đến"), null=True, blank=True)
    locked_since = models.DateTimeField(_("bị hạn chế từ"), null=True, blank=True, db_index=True)
    counting_since = models.DateTimeField(_("đếm từ"), null=True, blank=True)

    class Meta:
        verbose_name = _("hạn chế đăng nhập")
        verbose_name_plural = _("hạn chế đăng nhập")
        constraints = [models.UniqueConstraint(fields=["scope", "key"], name="login_throttle_unique_scope_key")]

    def __str__(self) -> str:
        return f"{self.get_scope_display()}: {self.username or self.key}"


def password_stamp(user: User) -> str:
    """A keyed hash of the user's password hash: changes whenever the password does. Stored on tokens and
    tracked sessions when they are made (services) and compared when they are listed (selectors)."""
    return salted_hmac("lienthong.accounts.password-stamp", user.password or "", algorithm="sha256").hexdigest()[:32]


class ApiToken(models.Model):
    """Bearer token for the JSON API. Only the SHA-256 of the token is stored.

    ``password_stamp`` is a keyed hash of the owner's password hash when the token was issued: a token
    whose stamp no longer matches (the password was changed, by whatever path) is refused and deleted.
    """

    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="api_tokens")
    key_hash = models.CharField(max_length=64, unique=True)
    password_stamp = models.CharField(max_length=64, blank=True)
    user_agent = models.CharField(_("chương trình"), max_length=200, blank=True)
    ip_address = models.GenericIPAddressField(_("địa chỉ"), null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    expires_at = models.DateTimeField()
    last_used_at = models.DateTimeField(null=True, blank=True)


class UserSession(models.Model):
    """Which web session belongs to whom (recorded at login), so that a person can see and end their
    sessions. The session itself lives in Django's session store; this is bookkeeping only."""

    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="web_sessions")
    session_key = models.CharField(max_length=40, unique=True)
    password_stamp = models.CharField(max_length=64, blank=True)
    user_agent = models.CharField(_("trình duyệt"), max_length=200, blank=True)
    ip_address = models.GenericIPAddressField(_("địa chỉ"), null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    last_seen_at = models.DateTimeField(null=True, blank=True)
