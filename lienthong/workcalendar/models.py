"""The working-day calendar: which dates the province's offices are open, and how long a document may wait.

The rule is the 40-hour week of state offices (Decision 188/1999/QĐ-TTg): Monday to Friday are working
days, Saturday and Sunday are not. ``Holiday`` rows are the exceptions an administrator keeps:
public holidays and the Prime Minister's compensating days off (``day_off``), and the Saturdays that
become working days when a bridge day is swapped ("làm bù", ``working_day``). A date has at most one row.
"""

from __future__ import annotations

from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from lienthong.core.choices import Urgency


class HolidayKind(models.TextChoices):
    DAY_OFF = "day_off", _("Ngày nghỉ (nghỉ lễ, Tết, nghỉ bù)")
    WORKING_DAY = "working_day", _("Ngày làm bù")


class Holiday(models.Model):
    date = models.DateField(_("ngày"), unique=True)
    name = models.CharField(_("tên ngày lễ"), max_length=200)
    kind = models.CharField(_("loại"), max_length=20, choices=HolidayKind.choices, default=HolidayKind.DAY_OFF)

    class Meta:
        ordering = ["date"]
        verbose_name = _("ngày nghỉ lễ, làm bù")
        verbose_name_plural = _("ngày nghỉ lễ, làm bù")
        constraints = [
            models.CheckConstraint(condition=Q(kind__in=HolidayKind.values), name="workcalendar_holiday_kind_valid"),
        ]

    def __str__(self) -> str:
        return f"{self.date:%d/%m/%Y} – {self.name}"


class DeadlinePolicy(models.Model):
    """How many working days a document of a given urgency may take. ``agency`` empty = province default."""

    agency = models.ForeignKey(
        "agencies.Agency", on_delete=models.CASCADE, null=True, blank=True, related_name="deadline_policies",
        verbose_name=_("cơ quan"), help_text=_("Để trống: áp dụng chung toàn tỉnh."),
    )
    urgency = models.CharField(_("độ khẩn"), max_length=20, choices=Urgency.choices)
    working_days = models.PositiveSmallIntegerField(
        _("số ngày làm việc"), help_text=_("0: xử lý ngay trong ngày (nếu là ngày làm việc)."),
    )

    class Meta:
        ordering = ["agency_id", "urgency"]
        verbose_name = _("thời hạn xử lý")
        verbose_name_plural = _("thời hạn xử lý")
        constraints = [
            # Two partial constraints: a plain unique (agency, urgency) would let many NULL-agency rows through.
            models.UniqueConstraint(fields=["agency", "urgency"], condition=Q(agency__isnull=False),
                                    name="workcalendar_policy_agency_urgency_uniq"),
            models.UniqueConstraint(fields=["urgency"], condition=Q(agency__isnull=True),
                                    name="workcalendar_policy_default_urgency_uniq"),
            models.CheckConstraint(condition=Q(urgency__in=Urgency.values), name="workcalendar_policy_urgency_valid"),
        ]

    def __str__(self) -> str:
        scope = self.agency.short_name if self.agency_id else _("Toàn tỉnh")
        return f"{scope} – {self.get_urgency_display()}: {self.working_days}"
