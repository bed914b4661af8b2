"""Writes of the reports app: requesting a build, running it (the django-q job), and the pure entry point
``province_report_bytes`` that renders one campaign's province report in one format."""

from __future__ import annotations

import datetime as dt
import logging
from collections.abc import Callable

from django.conf import settings
from django.core.files.base import ContentFile
from django.db import transaction
from django.db.models import Q
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from lienthong.assessment.models import Campaign
from lienthong.core.errors import DomainError, ValidationFailed
from lienthong.core.jobs import enqueue
from lienthong.files.storage import StorageUnavailable, store_guard

from . import selectors
from .models import BuildState, ReportBuild, ReportFormat, ReportKind

log = logging.getLogger(__name__)
Progress = Callable[[int, str], None]

# Messages users see (the tests use these constants rather than copies of the text).
BAD_FORMAT = gettext_lazy("Định dạng báo cáo không hợp lệ.")
SYSTEM_FAILURE = gettext_lazy("Không tạo được báo cáo do lỗi của hệ thống. Lỗi đã được ghi lại; vui lòng thử lại hoặc "
                              "báo quản trị hệ thống.")


def charts_for(report) -> dict[str, bytes]:
    from .charts import CHARTS

    skip = set() if report.with_previous else {"thay-doi"}  # no last year: the text says so, no empty chart
    return {name: draw(report) for name, draw in CHARTS.items() if name not in skip}


def province_report_bytes(*, campaign: Campaign, fmt: str, progress: Progress | None = None) -> bytes:
    """The province-wide report of ``campaign`` (results computed) as ``fmt`` = docx | pdf | xlsx.

    ``progress(percent, message)`` is called along the way. No permission check: callers check. The document
    is always Vietnamese (built under ``translation.override("vi")``), whatever language is active."""

    if fmt not in ReportFormat.values:
        raise ValidationFailed({"format": [str(BAD_FORMAT)]})
    if campaign.results_computed_at is None:
        raise DomainError(_("Đợt đánh giá chưa có kết quả để lập báo cáo."), code="not_computed")
    step = progress or (lambda pct, msg: None)
    with translation.override("vi"):  # a Decree 30 document: Vietnamese whatever the requester's language
        return _report_bytes(campaign, fmt, step)


def _report_bytes(campaign: Campaign, fmt: str, step: Progress) -> bytes:
    from .data import campaign_report

    step(5, _("Đang đọc kết quả đánh giá"))
    report = campaign_report(campaign)
    abbreviation = campaign.council_agency.abbreviation
    if fmt == ReportFormat.XLSX:
        from .xlsx_report import build_xlsx

        step(30, _("Đang lập bảng tính"))
        data = build_xlsx(report, progress=step)
    else:
        step(15, _("Đang vẽ biểu đồ"))
        charts = charts_for(report)
        step(45, _("Đang soạn báo cáo"))
        if fmt == ReportFormat.DOCX:
            from .docx_report import build_docx

            data = build_docx(report, charts, abbreviation=abbreviation, progress=step)
        else:
            from .pdf_report import build_pdf

            data = build_pdf(report, charts, abbreviation=abbreviation, progress=step)
    step(95, _("Đang lưu tệp"))
    return data


def report_build_request(*, actor, campaign: Campaign, fmt: str) -> ReportBuild:
    """Queue a province report build (runs in the background; at once when the queue is synchronous)."""
    campaign = selectors.campaign_for_reports(user=actor, campaign_id=campaign.pk)
    if fmt not in ReportFormat.values:
        raise ValidationFailed({"format": [str(BAD_FORMAT)]})
    with transaction.atomic():
        build = ReportBuild.objects.create(campaign=campaign, kind=ReportKind.PROVINCE, format=fmt,
                                           requested_by=actor, message=_("Đang chờ đến lượt"))
        transaction.on_commit(lambda: _enqueue(build.pk))
    return build


def _enqueue(build_id: int) -> None:
    enqueue("lienthong.reports.tasks.run_build", build_id)


def _update(build_id: int, **fields) -> None:
    ReportBuild.objects.filter(pk=build_id).update(**fields)


def report_build_run(*, build_id: int) -> ReportBuild | None:
    """Run a queued build: progress stored as it goes; the file and the "done" state saved together; any
    failure leaves the build "failed" with a Vietnamese message (details in the log)."""
    # A build still "running" past the task timeout lost its worker (the timeout would have ended it): the
    # retried task takes it back and builds it once more; the file is saved with the "done" state only.
    now = timezone.now()
    abandoned = Q(state=BuildState.RUNNING, started_at__lt=now - dt.timedelta(seconds=settings.Q_TIMEOUT_SECONDS))
    claimed = ReportBuild.objects.filter(Q(state=BuildState.QUEUED) | abandoned, pk=build_id).update(
        state=BuildState.RUNNING, started_at=now, progress=1, message=_("Bắt đầu tạo báo cáo"))
    if not claimed:  # unknown, done, or running in a live worker: nothing to do (idempotent)
        return ReportBuild.objects.filter(pk=build_id).first()
    build = ReportBuild.objects.select_related("campaign__criteria_set", "campaign__council_agency").get(pk=build_id)

    def progress(pct: int, message: str) -> None:
        _update(build_id, progress=max(1, min(99, int(pct))), message=str(message)[:300])

    try:
        data = province_report_bytes(campaign=build.campaign, fmt=build.format, progress=progress)
    except DomainError as exc:
        _update(build_id, state=BuildState.FAILED, finished_at=timezone.now(), message="",
                error=_("Không tạo được báo cáo: %(e)s") % {"e": exc.message})
        return ReportBuild.objects.get(pk=build_id)
    except Exception:  # noqa: BLE001 - any bug must end as a visible failed build, not a stuck one
        log.exception("report build %s failed", build_id)
        _update(build_id, state=BuildState.FAILED, finished_at=timezone.now(), message="",
                error=str(SYSTEM_FAILURE))
        return ReportBuild.objects.get(pk=build_id)
    name = f"bao-cao-xep-hang-cntt-{build.campaign.year}-{build.pk}.{build.format}"
    try:
        with transaction.atomic():
            build = ReportBuild.objects.select_for_update().get(pk=build_id)
            with store_guard():  # the file store down: a failed build that says so, not a stuck one
                build.file.save(name, ContentFile(data), save=False)
            try:
                build.filename, build.size = name, len(data)
                build.state, build.progress, build.message = BuildState.DONE, 100, _("Hoàn thành")
                build.finished_at = timezone.now()
                build.save(update_fields=["file", "filename", "size", "state", "progress", "message", "finished_at"])
            except Exception:
                build.file.delete(save=False)  # the row did not record it: no orphan file
                raise
    except StorageUnavailable as exc:
        _update(build_id, state=BuildState.FAILED, finished_at=timezone.now(), message="",
                error=_("Không tạo được báo cáo: %(e)s") % {"e": exc.message})
        return ReportBuild.objects.get(pk=build_id)
    return build
