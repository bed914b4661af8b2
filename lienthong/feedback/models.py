"""Problem reports (báo lỗi / góp ý) sent from any page, or opened by the system from an unhandled error, and the
operator's answers to them, measured against the service levels (SLA) per severity.

A report carries only what the reporter saw and typed: the page address, their role and agency at the time, the
browser, an optional screenshot taken in the browser, the request id of a failed request. The operator (the
contractor's staff, ``accounts.User.is_operator``) reads the report, never the documents behind it."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class Kind(models.TextChoices):
    UNSORTED = "", _("Chưa phân loại")
    DEFECT = "defect", _("Lỗi")
    SUGGESTION = "suggestion", _("Góp ý")
    GUIDANCE = "guidance", _("Hướng dẫn")


class Severity(models.TextChoices):
    CRITICAL = "critical", _("Nghiêm trọng")
    HIGH = "high", _("Cao")
    MEDIUM = "medium", _("Trung bình")
    LOW = "low", _("Thấp")


class State(models.TextChoices):
    NEW = "new", _("Mới")
    IN_PROGRESS = "in_progress", _("Đang xử lý")
    FIXED = "fixed", _("Đã sửa")
    CLOSED = "closed", _("Đã đóng")


OPEN_STATES = (State.NEW, State.IN_PROGRESS)


class Source(models.TextChoices):
    PAGE = "page", _("Từ trang đang xem")
    ERROR_PAGE = "error_page", _("Từ trang báo lỗi máy chủ")
    AUTOMATIC = "automatic", _("Tự động từ lỗi hệ thống")
    API = "api", _("Qua API")


class SlaTarget(models.Model):
    """The service level of one severity: hours until the first answer and until the fix (calendar hours,
    docs/decisions.md). Rows seeded by the migration; the system administrator edits them in the admin. A change
    applies to reports opened or re-graded afterwards: each report keeps the due times it was given."""

    severity = models.CharField(_("mức độ"), max_length=10, choices=Severity.choices, unique=True)
    response_hours = models.PositiveIntegerField(_("thời hạn phản hồi (giờ)"))
    fix_hours = models.PositiveIntegerField(_("thời hạn khắc phục (giờ)"))

    class Meta:
        verbose_name = _("cam kết chất lượng dịch vụ (SLA)")
        verbose_name_plural = _("cam kết chất lượng dịch vụ (SLA)")

    def __str__(self) -> str:
        return str(self.get_severity_display())


class ProblemReport(models.Model):
    text = models.TextField(_("nội dung"))
    source = models.CharField(_("nguồn"), max_length=12, choices=Source.choices, default=Source.PAGE)
    page_url = models.CharField(_("địa chỉ trang"), max_length=1000, blank=True)
    reporter = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True,
                                 related_name="problem_reports", verbose_name=_("người báo"))
    reporter_role = models.CharField(_("vai trò người báo"), max_length=120, blank=True)
    reporter_agency = models.ForeignKey("agencies.Agency", on_delete=models.PROTECT, null=True, blank=True,
                                        related_name="+", verbose_name=_("cơ quan người báo"))
    user_agent = models.CharField(_("trình duyệt"), max_length=300, blank=True)
    request_id = models.CharField(_("mã yêu cầu lỗi"), max_length=64, blank=True, db_index=True)
    # The screenshot, content-addressed in the file store (lienthong.files), written with the row.
    screenshot_name = models.CharField(_("tên ảnh chụp màn hình"), max_length=200, blank=True)
    screenshot_sha256 = models.CharField(_("mã băm SHA-256 của ảnh"), max_length=64, blank=True)
    screenshot_size = models.PositiveIntegerField(_("dung lượng ảnh (byte)"), null=True, blank=True)
    screenshot_type = models.CharField(_("loại ảnh"), max_length=40, blank=True)

    kind = models.CharField(_("phân loại"), max_length=12, choices=Kind.choices, blank=True, default=Kind.UNSORTED)
    severity = models.CharField(_("mức độ"), max_length=10, choices=Severity.choices, default=Severity.MEDIUM)
    state = models.CharField(_("trạng thái"), max_length=12, choices=State.choices, default=State.NEW)
    fixed_in = models.CharField(_("sửa trong phiên bản"), max_length=60, blank=True)

    created_at = models.DateTimeField(_("thời điểm báo"), default=timezone.now, db_index=True)
    response_due_at = models.DateTimeField(_("hạn phản hồi"))
    fix_due_at = models.DateTimeField(_("hạn khắc phục"))
    first_response_at = models.DateTimeField(_("phản hồi lần đầu"), null=True, blank=True)
    fixed_at = models.DateTimeField(_("thời điểm sửa xong"), null=True, blank=True)
    closed_at = models.DateTimeField(_("thời điểm đóng"), null=True, blank=True)

    # Automatic reports: one open report per cause (exception type + where it was raised).
    cause_key = models.CharField(_("mã nguyên nhân lỗi"), max_length=64, blank=True, db_index=True)
    cause = models.CharField(_("nguyên nhân"), max_length=400, blank=True)
    occurrences = models.PositiveIntegerField(_("số lần xảy ra"), default=1)
    last_seen_at = models.DateTimeField(_("lần gần nhất"), null=True, blank=True)
    previous = models.ForeignKey("self", on_delete=models.SET_NULL, null=True, blank=True, related_name="+",
                                 verbose_name=_("báo cáo trước (đã sửa)"))

    class Meta:
        ordering = ["-created_at", "-pk"]
        verbose_name = _("báo lỗi / góp ý")
        verbose_name_plural = _("báo lỗi / góp ý")
        constraints = [
            models.UniqueConstraint(fields=["cause_key"], condition=Q(state__in=["new", "in_progress"])
                                    & ~Q(cause_key=""), name="feedback_one_open_report_per_cause"),
        ]
        indexes = [models.Index(fields=["state", "severity"]), models.Index(fields=["reporter", "created_at"])]

    def __str__(self) -> str:
        return f"#{self.pk} {self.text[:60]}"

    @property
    def is_open(self) -> bool:
        return self.state in OPEN_STATES


class ReportMessage(models.Model):
    """One message of a report's thread: an operator's answer or the reporter's reply."""

    report = models.ForeignKey(ProblemReport, on_delete=models.CASCADE, related_name="messages")
    author = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    by_operator = models.BooleanField(default=False)
    text = models.TextField(_("nội dung"))
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["created_at", "pk"]
        verbose_name = _("trao đổi về báo lỗi")
        verbose_name_plural = _("trao đổi về báo lỗi")
