"""Tasks given in documents (nhiệm vụ) and how they are followed to the end.

A task comes from a source document (a thông báo kết luận, chỉ thị, kế hoạch…) held by the *giver* agency (the
Office that records and confirms it). A *lead* agency (cơ quan chủ trì) carries it out, possibly with coordinating
agencies (phối hợp); it has a deadline or none ("thường xuyên"). The lead agency hands it on, reports progress and a
result; the giver confirms completion or sends it back; extensions are asked and decided; every deadline change is
kept (``TaskDeadlineChange``). The event log of a task is its audit trail (``obj_type="task"``).
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class TaskState(models.TextChoices):
    OPEN = "open", _("Đang thực hiện")
    REPORTED = "reported", _("Chờ xác nhận hoàn thành")
    DONE = "done", _("Đã hoàn thành")


OPEN_STATES = (TaskState.OPEN, TaskState.REPORTED)


class Task(models.Model):
    content = models.TextField(_("nội dung nhiệm vụ"), max_length=4000)
    source_document = models.ForeignKey("documents.Document", on_delete=models.PROTECT, related_name="+",
                                        verbose_name=_("văn bản giao"))
    passage = models.TextField(_("trích đoạn văn bản"), max_length=4000, blank=True)
    giver_agency = models.ForeignKey("agencies.Agency", on_delete=models.PROTECT, related_name="+",
                                     verbose_name=_("cơ quan giao, theo dõi"))
    given_by = models.CharField(_("lãnh đạo giao"), max_length=200, blank=True)
    given_on = models.DateField(_("ngày giao"))
    lead_agency = models.ForeignKey("agencies.Agency", on_delete=models.PROTECT, related_name="+",
                                    verbose_name=_("cơ quan chủ trì"))
    lead_unit = models.ForeignKey("agencies.Unit", on_delete=models.PROTECT, null=True, blank=True, related_name="+",
                                  verbose_name=_("đơn vị chủ trì"))
    deadline = models.DateField(_("hạn hoàn thành"), null=True, blank=True)  # None: thường xuyên
    state = models.CharField(_("trạng thái"), max_length=10, choices=TaskState.choices, default=TaskState.OPEN)
    completed_on = models.DateField(_("ngày hoàn thành"), null=True, blank=True)
    reported_on = models.DateField(_("ngày báo cáo kết quả"), null=True, blank=True)
    handed_unit = models.ForeignKey("agencies.Unit", on_delete=models.PROTECT, null=True, blank=True,
                                    related_name="+", verbose_name=_("giao cho đơn vị"))
    handed_user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True,
                                    related_name="+", verbose_name=_("giao cho người"))
    overdue_notified = models.BooleanField(default=False)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("nhiệm vụ")
        verbose_name_plural = _("nhiệm vụ")
        ordering = ["deadline", "id"]
        indexes = [
            models.Index(fields=["lead_agency", "state", "deadline"], name="followup_task_lead"),
            models.Index(fields=["giver_agency", "state"], name="followup_task_giver"),
            models.Index(fields=["state", "deadline"], name="followup_task_due"),
            # The statistics' one aggregate reads this index alone (covering), in lead-agency order: no sort.
            models.Index(fields=["lead_agency", "given_on", "deadline", "state", "completed_on"],
                         name="followup_task_stats"),
        ]

    def __str__(self) -> str:
        return self.content[:80]

    @property
    def is_routine(self) -> bool:
        return self.deadline is None


class TaskCoordinator(models.Model):
    task = models.ForeignKey(Task, on_delete=models.CASCADE, related_name="coordinators")
    agency = models.ForeignKey("agencies.Agency", on_delete=models.PROTECT, related_name="+")

    class Meta:
        constraints = [models.UniqueConstraint(fields=["task", "agency"], name="followup_coordinator_once")]
        indexes = [models.Index(fields=["agency", "task"], name="followup_coordinator_agency")]


class TaskHandOn(models.Model):
    """The lead agency handed the task on to one of its units or people (kept: earlier holders still see it)."""

    task = models.ForeignKey(Task, on_delete=models.CASCADE, related_name="hand_ons")
    unit = models.ForeignKey("agencies.Unit", on_delete=models.PROTECT, null=True, blank=True, related_name="+")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True,
                             related_name="+")
    note = models.TextField(blank=True, max_length=1000)
    by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["at", "id"]
        indexes = [models.Index(fields=["user", "task"], name="followup_handon_user"),
                   models.Index(fields=["unit", "task"], name="followup_handon_unit")]


class ReportKind(models.TextChoices):
    PROGRESS = "progress", _("Báo cáo tiến độ")
    RESULT = "result", _("Báo cáo kết quả")


class TaskReport(models.Model):
    task = models.ForeignKey(Task, on_delete=models.CASCADE, related_name="reports")
    kind = models.CharField(max_length=10, choices=ReportKind.choices)
    text = models.TextField(max_length=4000)
    stored_file = models.ForeignKey("documents.StoredFile", on_delete=models.PROTECT, null=True, blank=True,
                                    related_name="+")
    filename = models.CharField(max_length=255, blank=True)
    linked_document = models.ForeignKey("documents.Document", on_delete=models.PROTECT, null=True, blank=True,
                                        related_name="+")
    by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    on_behalf = models.BooleanField(default=False)  # the Office reported for an external lead agency
    at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["at", "id"]


class ExtensionState(models.TextChoices):
    PENDING = "pending", _("Chờ quyết định")
    GRANTED = "granted", _("Đồng ý gia hạn")
    REFUSED = "refused", _("Không đồng ý")


class TaskExtension(models.Model):
    task = models.ForeignKey(Task, on_delete=models.CASCADE, related_name="extensions")
    requested_deadline = models.DateField()
    reason = models.TextField(max_length=2000)
    state = models.CharField(max_length=10, choices=ExtensionState.choices, default=ExtensionState.PENDING)
    requested_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    requested_at = models.DateTimeField(auto_now_add=True)
    decided_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True,
                                   related_name="+")
    decided_at = models.DateTimeField(null=True, blank=True)
    decision_note = models.TextField(max_length=2000, blank=True)

    class Meta:
        ordering = ["requested_at", "id"]
        constraints = [models.UniqueConstraint(fields=["task"], condition=models.Q(state="pending"),
                                               name="followup_one_pending_extension")]


class TaskDeadlineChange(models.Model):
    """Every change of a task's deadline: who, why, when (an extension granted, or the Office's correction)."""

    task = models.ForeignKey(Task, on_delete=models.CASCADE, related_name="deadline_changes")
    old_deadline = models.DateField(null=True, blank=True)
    new_deadline = models.DateField(null=True, blank=True)
    reason = models.TextField(max_length=2000)
    extension = models.ForeignKey(TaskExtension, on_delete=models.PROTECT, null=True, blank=True, related_name="+")
    by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["at", "id"]
