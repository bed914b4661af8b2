"""In-app notifications: one row per person and event, read or unread.

E-mail is a copy of the row sent after commit (``services``); the row is what the person sees in the
application, so a mail server being down never loses a reminder.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _


class Kind(models.TextChoices):
    REMINDER_DUE_SOON = "reminder_due_soon", _("Sắp đến hạn")
    REMINDER_OVERDUE = "reminder_overdue", _("Quá hạn")
    CHASE = "chase", _("Đôn đốc")
    INCOMING = "incoming", _("Văn bản đến")
    DRAFT = "draft", _("Dự thảo")
    ASSIGNMENT = "assignment", _("Giao xử lý")
    RECALL = "recall", _("Thu hồi")
    STATUS = "status", _("Trạng thái")


class Notification(models.Model):
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="notifications",
                             verbose_name=_("người nhận"))
    kind = models.CharField(_("loại"), max_length=30, choices=Kind.choices)
    title = models.CharField(_("tiêu đề"), max_length=300)
    body = models.TextField(_("nội dung"), blank=True)
    url = models.CharField(_("đường dẫn"), max_length=500, blank=True)
    created_at = models.DateTimeField(_("thời điểm tạo"), auto_now_add=True)
    read_at = models.DateTimeField(_("đã đọc lúc"), null=True, blank=True)
    # The same event never notifies a person twice (a daily reminder job may run again after a crash):
    # callers pass e.g. "due:<assignment id>:<date>"; empty means "no deduplication".
    dedupe_key = models.CharField(_("khóa chống trùng"), max_length=120, blank=True)

    class Meta:
        verbose_name = _("thông báo")
        verbose_name_plural = _("thông báo")
        ordering = ["-created_at", "-id"]
        constraints = [
            models.UniqueConstraint(fields=["user", "dedupe_key"], condition=~Q(dedupe_key=""),
                                    name="notification_unique_user_dedupe_key"),
        ]
        indexes = [models.Index(fields=["user", "read_at", "-created_at"], name="notification_user_unread")]

    def __str__(self) -> str:
        return self.title

    @property
    def is_read(self) -> bool:
        return self.read_at is not None
