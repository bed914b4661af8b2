"""Report builds: one row per requested province report file, built in the background (django-q2).

The page polls a build's progress; the file lives under MEDIA_ROOT/reports/ and is served through the
download view (never directly), so the visibility rules of ``selectors`` apply to it."""

from __future__ import annotations

import datetime as dt

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class ReportFormat(models.TextChoices):
    DOCX = "docx", _("Văn bản Word (DOCX)")
    PDF = "pdf", _("PDF")
    XLSX = "xlsx", _("Bảng tính Excel (XLSX)")


class ReportKind(models.TextChoices):
    PROVINCE = "province", _("Báo cáo kết quả đánh giá, xếp hạng toàn tỉnh")


class BuildState(models.TextChoices):
    QUEUED = "queued", _("Đang chờ")
    RUNNING = "running", _("Đang tạo")
    DONE = "done", _("Hoàn thành")
    FAILED = "failed", _("Lỗi")


CONTENT_TYPES = {
    ReportFormat.DOCX: "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    ReportFormat.PDF: "application/pdf",
    ReportFormat.XLSX: "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
}


STALLED_AFTER = dt.timedelta(minutes=30)


class ReportBuild(models.Model):
    campaign = models.ForeignKey("assessment.Campaign", on_delete=models.CASCADE, related_name="+",
                                 verbose_name=_("đợt đánh giá"))
    kind = models.CharField(_("loại báo cáo"), max_length=20, choices=ReportKind.choices, default=ReportKind.PROVINCE)
    format = models.CharField(_("định dạng"), max_length=10, choices=ReportFormat.choices)
    params = models.JSONField(_("tham số"), default=dict, blank=True)
    state = models.CharField(_("trạng thái"), max_length=10, choices=BuildState.choices, default=BuildState.QUEUED)
    progress = models.PositiveSmallIntegerField(_("tiến độ (%)"), default=0)
    message = models.CharField(_("bước đang làm"), max_length=300, blank=True)
    error = models.TextField(_("lỗi"), blank=True)
    file = models.FileField(_("tệp"), upload_to="reports/%Y/", blank=True)
    filename = models.CharField(_("tên tệp"), max_length=200, blank=True)
    size = models.PositiveBigIntegerField(_("kích thước"), default=0)
    requested_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+",
                                     verbose_name=_("người yêu cầu"))
    requested_at = models.DateTimeField(_("yêu cầu lúc"), auto_now_add=True)
    started_at = models.DateTimeField(_("bắt đầu lúc"), null=True, blank=True)
    finished_at = models.DateTimeField(_("xong lúc"), null=True, blank=True)

    class Meta:
        verbose_name = _("bản báo cáo")
        verbose_name_plural = _("bản báo cáo")
        ordering = ["-requested_at", "-pk"]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} ({self.format}) #{self.pk}"

    @property
    def stalled(self) -> bool:
        """Queued or running for longer than any build takes (the worker stopped, or none is running)."""
        from django.utils import timezone

        return (self.state in (BuildState.QUEUED, BuildState.RUNNING)
                and timezone.now() - self.requested_at > STALLED_AFTER)

    @property
    def active(self) -> bool:
        return self.state in (BuildState.QUEUED, BuildState.RUNNING) and not self.stalled

    @property
    def content_type(self) -> str:
        return CONTENT_TYPES[ReportFormat(self.format)]
