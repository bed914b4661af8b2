"""People, the positions they hold in agencies, and their API tokens.

A person can hold several positions (clerk in one agency, specialist in another). Every permission
is derived from active positions, in SQL, by ``selectors``.
"""

from __future__ import annotations

from django.contrib.auth.models import AbstractUser
from django.db import models
from django.utils.translation import gettext_lazy as _


class User(AbstractUser):
    full_name = models.CharField(_("họ và tên"), max_length=150, blank=True)
    is_system_admin = models.BooleanField(_("quản trị hệ thống"), default=False)

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
    """One failed login; the throttle counts recent rows by user name and by address."""

    username = models.CharField(max_length=150, db_index=True)
    ip_address = models.GenericIPAddressField(null=True, db_index=True)
    at = models.DateTimeField(auto_now_add=True, db_index=True)


class ApiToken(models.Model):
    """Bearer token for the JSON API. Only the SHA-256 of the token is stored."""

    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="api_tokens")
    key_hash = models.CharField(max_length=64, unique=True)
    created_at = models.DateTimeField(auto_now_add=True)
    expires_at = models.DateTimeField()
    last_used_at = models.DateTimeField(null=True, blank=True)
