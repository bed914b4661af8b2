"""The catalogue of administrative procedures (TTHC) of each agency with its online public service level,
and the monthly dossier counts of each procedure, as kept by the province's one-stop system
(Hệ thống thông tin giải quyết TTHC). Entered by hand or imported from the one-stop system's export.

Levels changed on 15/8/2022 (NĐ 42/2022/NĐ-CP replaced NĐ 43/2011/NĐ-CP): mức độ 1–4 before, "toàn trình" /
"một phần" from then on. Each month row keeps the level the procedure had that month, so that a past
ranking year is computed with the levels of its time (docs/indicators.md, "Online public services").
"""

from __future__ import annotations

import datetime as dt

from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _

# NĐ 42/2022/NĐ-CP in force: from this day the levels are toàn trình / một phần.
LEVEL_CHANGE = dt.date(2022, 8, 15)


class OnlineLevel(models.TextChoices):
    NONE = "khong", _("Không có DVCTT (chỉ công khai thông tin)")
    LEVEL_1 = "1", _("Mức độ 1")
    LEVEL_2 = "2", _("Mức độ 2")
    LEVEL_3 = "3", _("Mức độ 3")
    LEVEL_4 = "4", _("Mức độ 4")
    PARTIAL = "mot_phan", _("Một phần")
    FULL = "toan_trinh", _("Toàn trình")


OLD_LEVELS = (OnlineLevel.LEVEL_1, OnlineLevel.LEVEL_2, OnlineLevel.LEVEL_3, OnlineLevel.LEVEL_4)
NEW_LEVELS = (OnlineLevel.PARTIAL, OnlineLevel.FULL)
# How the indicators read a level, whatever its regime (level 4 ≈ toàn trình, level 3 ≈ một phần).
FULL_LEVELS = (OnlineLevel.LEVEL_4, OnlineLevel.FULL)
PARTIAL_LEVELS = (OnlineLevel.LEVEL_3, OnlineLevel.PARTIAL)
ONLINE_LEVELS = FULL_LEVELS + PARTIAL_LEVELS


def levels_in_force(on: dt.date) -> tuple[str, ...]:
    """The levels a procedure may have on day ``on`` ("khong" always)."""
    return (OnlineLevel.NONE,) + (OLD_LEVELS if on < LEVEL_CHANGE else NEW_LEVELS)


def levels_in_month(month: dt.date) -> tuple[str, ...]:
    """The levels a month row may carry: August 2022 straddles the change and takes either."""
    first = month.replace(day=1)
    if first == LEVEL_CHANGE.replace(day=1):
        return (OnlineLevel.NONE,) + OLD_LEVELS + NEW_LEVELS
    return levels_in_force(first)


class Procedure(models.Model):
    agency = models.ForeignKey("agencies.Agency", on_delete=models.PROTECT, related_name="procedures",
                               verbose_name=_("cơ quan"))
    code = models.CharField(_("mã TTHC"), max_length=60)
    name = models.CharField(_("tên thủ tục hành chính"), max_length=500)
    field = models.CharField(_("lĩnh vực"), max_length=200, blank=True)
    online_level = models.CharField(_("mức độ DVCTT"), max_length=12, choices=OnlineLevel.choices)
    level_as_of = models.DateField(_("mức độ tính từ"), help_text=_(
        "Ngày (hoặc tháng) mà mức độ hiện tại được ghi nhận; số liệu nhập về tháng cũ hơn không đổi mức độ này."))
    active = models.BooleanField(_("đang áp dụng"), default=True)
    updated_at = models.DateTimeField(_("cập nhật lúc"), auto_now=True)
    updated_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True,
                                   related_name="+", verbose_name=_("người cập nhật"))

    class Meta:
        verbose_name = _("thủ tục hành chính")
        verbose_name_plural = _("thủ tục hành chính")
        ordering = ["agency_id", "field", "code"]
        constraints = [models.UniqueConstraint(fields=["agency", "code"], name="publicservices_procedure_code")]

    def __str__(self) -> str:
        return f"{self.code} · {self.name}"


class ProcedureMonth(models.Model):
    """One procedure's dossiers in one calendar month: received (all / online) and settled (all / on time)."""

    procedure = models.ForeignKey(Procedure, on_delete=models.CASCADE, related_name="months",
                                  verbose_name=_("thủ tục hành chính"))
    month = models.DateField(_("tháng"), help_text=_("Ngày đầu tháng."))
    online_level = models.CharField(_("mức độ DVCTT trong tháng"), max_length=12, choices=OnlineLevel.choices)
    total = models.PositiveIntegerField(_("hồ sơ tiếp nhận"))
    online = models.PositiveIntegerField(_("tiếp nhận trực tuyến"))
    settled = models.PositiveIntegerField(_("hồ sơ đã giải quyết"))
    on_time = models.PositiveIntegerField(_("giải quyết đúng hạn"))
    updated_at = models.DateTimeField(_("cập nhật lúc"), auto_now=True)
    updated_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True,
                                   related_name="+", verbose_name=_("người cập nhật"))

    class Meta:
        verbose_name = _("số liệu hồ sơ theo tháng")
        verbose_name_plural = _("số liệu hồ sơ theo tháng")
        ordering = ["procedure_id", "-month"]
        constraints = [
            models.UniqueConstraint(fields=["procedure", "month"], name="publicservices_month_unique"),
            models.CheckConstraint(condition=Q(online__lte=F("total")), name="publicservices_online_le_total"),
            models.CheckConstraint(condition=Q(on_time__lte=F("settled")), name="publicservices_on_time_le_settled"),
        ]
        indexes = [models.Index(fields=["month", "procedure"], name="publicservices_month_idx")]
