"""What the monitoring app keeps: the unhandled errors the system administrator reads in the admin, and the
background worker's heartbeat that ``/readyz`` checks."""

from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class ErrorSource(models.TextChoices):
    REQUEST = "request", _("Yêu cầu web")
    TASK = "task", _("Tác vụ nền")


class ErrorRecord(models.Model):
    """One unhandled exception: of a request (Django's ``got_request_exception``) or of a background job.
    ``path`` is the address without its query string (which may hold a token), or the job's function."""

    occurred_at = models.DateTimeField(_("thời điểm"), default=timezone.now, db_index=True)
    source = models.CharField(_("nguồn"), max_length=10, choices=ErrorSource.choices)
    request_id = models.CharField(_("mã yêu cầu"), max_length=64, blank=True, db_index=True)
    method = models.CharField(_("phương thức"), max_length=10, blank=True)
    path = models.CharField(_("địa chỉ hoặc tác vụ"), max_length=500, blank=True)
    username = models.CharField(_("người dùng"), max_length=150, blank=True)
    exception_type = models.CharField(_("loại lỗi"), max_length=200)
    message = models.TextField(_("thông báo lỗi"), blank=True)
    traceback = models.TextField(_("vết lỗi"), blank=True)

    class Meta:
        ordering = ["-occurred_at", "-pk"]
        verbose_name = _("lỗi chưa xử lý")
        verbose_name_plural = _("lỗi chưa xử lý")

    def __str__(self) -> str:
        return f"{self.exception_type} [{self.request_id}]"


class WorkerHeartbeat(models.Model):
    """The last time the worker cluster ``cluster`` ran its heartbeat job (every minute)."""

    cluster = models.CharField(max_length=100, unique=True)
    beat_at = models.DateTimeField()
