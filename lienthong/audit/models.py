"""Append-only audit log, hash-chained per agency.

Each entry stores the HMAC-SHA-256 (under the audit key, kept outside the database; ``key_id`` names it)
of its own canonical content plus the previous entry's hash in the same chain; ``manage.py verify_audit``
recomputes every chain and compares it with the latest signed checkpoint (files outside the database).
``AuditChain`` holds the head of each chain and is locked while an entry is appended, so concurrent
writers cannot fork a chain. Entries from before the log was keyed have ``key_id`` "sha256-legacy"
(plain SHA-256).
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class AuditChain(models.Model):
    key = models.CharField(max_length=40, unique=True)
    last_seq = models.PositiveBigIntegerField(default=0)
    last_hash = models.CharField(max_length=64, default="0" * 64)


class AuditAction(models.TextChoices):
    CREATED = "created", _("tạo")
    CHANGED = "changed", _("sửa")
    NUMBERED = "numbered", _("cấp số")
    CANCELLED = "cancelled", _("hủy")
    VIEWED = "viewed", _("xem")
    DOWNLOADED = "downloaded", _("tải tệp")
    PRINTED = "printed", _("in")
    DENIED = "denied", _("truy cập bị từ chối")
    IMPORTED = "imported", _("nhập dữ liệu")
    TRANSITION = "transition", _("chuyển bước")
    SENT = "sent", _("gửi")
    RECEIVED = "received", _("tiếp nhận")
    RETURNED = "returned", _("trả lại")
    ASSIGNED = "assigned", _("phân công")
    PROGRESS = "progress", _("cập nhật tiến độ")
    COMPLETED = "completed", _("hoàn thành")
    RECALLED = "recalled", _("thu hồi")


class AuditEntry(models.Model):
    chain = models.CharField(max_length=40, db_index=True)
    seq = models.PositiveBigIntegerField()
    at = models.DateTimeField()
    actor = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT)
    actor_name = models.CharField(max_length=150, blank=True)
    action = models.CharField(max_length=20, choices=AuditAction.choices)
    object_type = models.CharField(max_length=40)
    object_id = models.CharField(max_length=40)
    summary = models.CharField(max_length=500, blank=True)
    details = models.JSONField(default=dict, blank=True)
    prev_hash = models.CharField(max_length=64)
    hash = models.CharField(max_length=64, unique=True)
    # The key the hash was computed with (lienthong.audit.keys); "sha256-legacy": unkeyed, from before issue 11.
    key_id = models.CharField(max_length=40, default="sha256-legacy")

    class Meta:
        ordering = ["chain", "seq"]
        constraints = [models.UniqueConstraint(fields=["chain", "seq"], name="audit_unique_chain_seq")]
        indexes = [models.Index(fields=["object_type", "object_id", "at"])]
        verbose_name = _("mục nhật ký")
        verbose_name_plural = _("nhật ký")

    def save(self, *args, **kwargs):
        if self.pk:
            raise RuntimeError("Audit entries are append-only")
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise RuntimeError("Audit entries are append-only")
