"""Processing of incoming documents: submission to a leader, assignments, progress, completion
(NĐ30 Art. 23–24; vanthu.md §4.2; the Phiếu giải quyết văn bản đến of PL4 §VII).

Every registered incoming document has one ``Handling``. A leader's instruction creates top-level
``Assignment`` rows (lead, supporting, for information; each to a unit or a person, each with its
own deadline). A unit head hands a unit's assignment on to people of the unit with child rows.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _


class HandlingState(models.TextChoices):
    REGISTERED = "registered", _("Chờ trình lãnh đạo")
    SUBMITTED = "submitted", _("Chờ phân công")
    ASSIGNED = "assigned", _("Đã phân công")
    IN_PROGRESS = "in_progress", _("Đang xử lý")
    DONE = "done", _("Hoàn thành")
    # The copy was given back after a recall (NĐ30 Art. 18.4): its processing is closed, not completed.
    WITHDRAWN = "withdrawn", _("Đã đóng do văn bản bị thu hồi")


class Handling(models.Model):
    document = models.OneToOneField("documents.Document", verbose_name=_("văn bản"), on_delete=models.PROTECT,
                                    related_name="handling")
    agency = models.ForeignKey("agencies.Agency", verbose_name=_("cơ quan"), on_delete=models.PROTECT, related_name="+")
    state = models.CharField(_("trạng thái"), max_length=12, choices=HandlingState.choices,
                             default=HandlingState.REGISTERED)
    is_urgent = models.BooleanField(_("khẩn"), default=False)
    received_on = models.DateField(_("ngày đến"))
    submitted_to = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True,
                                     related_name="+", verbose_name=_("trình lãnh đạo"))
    submitted_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("người trình"),
                                     on_delete=models.PROTECT, null=True, blank=True,
                                     related_name="+")
    submitted_at = models.DateTimeField(_("trình lúc"), null=True, blank=True)
    submit_note = models.TextField(_("ý kiến văn thư"), blank=True, max_length=2000)
    reply_document = models.ForeignKey("documents.Document", on_delete=models.PROTECT, null=True, blank=True,
                                       related_name="+", verbose_name=_("văn bản trả lời"))
    completed_at = models.DateTimeField(_("hoàn thành lúc"), null=True, blank=True)
    created_at = models.DateTimeField(_("tạo lúc"), auto_now_add=True)

    class Meta:
        verbose_name = _("việc xử lý văn bản đến")
        verbose_name_plural = _("việc xử lý văn bản đến")
        indexes = [
            models.Index(fields=["agency", "state", "-is_urgent", "-created_at"], name="handling_agency_state"),
            models.Index(fields=["submitted_to", "state", "-is_urgent", "-submitted_at"], name="handling_leader"),
        ]


class AssignmentRole(models.TextChoices):
    LEAD = "lead", _("Chủ trì")
    SUPPORT = "support", _("Phối hợp")
    INFO = "info", _("Để biết")


class AssignmentState(models.TextChoices):
    PENDING = "pending", _("Chưa xử lý")
    IN_PROGRESS = "in_progress", _("Đang xử lý")
    DONE = "done", _("Hoàn thành")
    WITHDRAWN = "withdrawn", _("Đã đóng do văn bản bị thu hồi")


OPEN_STATES = (AssignmentState.PENDING, AssignmentState.IN_PROGRESS)


class Assignment(models.Model):
    handling = models.ForeignKey(Handling, verbose_name=_("việc xử lý văn bản"), on_delete=models.PROTECT,
                                 related_name="assignments")
    document = models.ForeignKey("documents.Document", verbose_name=_("văn bản"), on_delete=models.PROTECT,
                                 related_name="+")
    agency = models.ForeignKey("agencies.Agency", verbose_name=_("cơ quan"), on_delete=models.PROTECT, related_name="+")
    parent = models.ForeignKey("self", verbose_name=_("phân công cấp trên"), on_delete=models.PROTECT, null=True,
                               blank=True, related_name="children")
    role = models.CharField(_("vai trò"), max_length=8, choices=AssignmentRole.choices)
    unit = models.ForeignKey("agencies.Unit", on_delete=models.PROTECT, null=True, blank=True, related_name="+",
                             verbose_name=_("đơn vị"))
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True,
                             related_name="+", verbose_name=_("người xử lý"))
    deadline = models.DateField(_("hạn xử lý"), null=True, blank=True)
    instruction = models.TextField(_("ý kiến chỉ đạo"), blank=True, max_length=2000)
    assigned_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("người giao"), on_delete=models.PROTECT,
                                    related_name="+")
    assigned_at = models.DateTimeField(_("giao lúc"))
    state = models.CharField(_("trạng thái"), max_length=12, choices=AssignmentState.choices,
                             default=AssignmentState.PENDING)
    progress = models.PositiveSmallIntegerField(_("tiến độ (%)"), default=0)
    result = models.TextField(_("kết quả xử lý"), blank=True, max_length=4000)
    reply_to_sender = models.TextField(
        _("nội dung phản hồi cho nơi gửi"), blank=True, max_length=2000,
        help_text=_("Khi hoàn thành: điều người xử lý chọn gửi về cơ quan gửi văn bản (kết quả xử lý là nội bộ)."))
    reply_document = models.ForeignKey("documents.Document", on_delete=models.PROTECT, null=True, blank=True,
                                       related_name="+", verbose_name=_("văn bản trả lời"))
    completed_at = models.DateTimeField(_("hoàn thành lúc"), null=True, blank=True)

    class Meta:
        verbose_name = _("phân công xử lý")
        verbose_name_plural = _("phân công xử lý")
        ordering = ["handling_id", "id"]
        constraints = [
            models.CheckConstraint(condition=Q(user__isnull=False) ^ Q(unit__isnull=False),
                                   name="assignment_user_xor_unit"),
            models.CheckConstraint(condition=Q(progress__lte=100), name="assignment_progress_max"),
        ]
        indexes = [
            models.Index(fields=["user", "state", "deadline"], name="assignment_user_open"),
            models.Index(fields=["unit", "state", "deadline"], name="assignment_unit_open"),
            models.Index(fields=["state", "deadline"], name="assignment_open_deadline"),
        ]


class ProcessingNote(models.Model):
    assignment = models.ForeignKey(Assignment, on_delete=models.CASCADE, related_name="notes")
    author = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    text = models.TextField(_("nội dung"), max_length=4000, help_text=_("Nội bộ cơ quan nhận văn bản."))
    progress = models.PositiveSmallIntegerField(_("tiến độ (%)"), null=True, blank=True)
    reply_to_sender = models.TextField(
        _("nội dung phản hồi cho nơi gửi"), blank=True, max_length=2000,
        help_text=_("Điều người xử lý chọn gửi về cơ quan gửi văn bản cùng trạng thái “đang xử lý”."))
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["created_at", "id"]
