"""The administrative-reform (CCHC, "PAR index") scores that the commendation proposals combine with the
IT-application ranking. One row per (year, agency); an import replaces the year's value of an agency.
Writes go through ``services``, reads through ``selectors``."""

from __future__ import annotations

from decimal import Decimal

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils.translation import gettext_lazy as _


class ReformIndexScore(models.Model):
    """A unit's administrative-reform index of one year, on the 0–100 scale the province publishes."""

    year = models.PositiveSmallIntegerField(_("năm"))
    agency = models.ForeignKey("agencies.Agency", on_delete=models.PROTECT, related_name="+",
                               verbose_name=_("cơ quan"))
    value = models.DecimalField(_("chỉ số CCHC"), max_digits=5, decimal_places=2,
                                validators=[MinValueValidator(Decimal(0)), MaxValueValidator(Decimal(100))])
    rank = models.PositiveIntegerField(_("xếp hạng CCHC"), null=True, blank=True)
    source_filename = models.CharField(_("tệp nguồn"), max_length=255, blank=True)
    imported_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+",
                                    verbose_name=_("người nhập"))
    imported_at = models.DateTimeField(_("nhập lúc"))

    class Meta:
        verbose_name = _("chỉ số cải cách hành chính")
        verbose_name_plural = _("chỉ số cải cách hành chính")
        ordering = ["-year", "rank", "agency__name"]
        constraints = [
            models.UniqueConstraint(fields=["year", "agency"], name="reform_index_year_agency_unique"),
            models.CheckConstraint(condition=models.Q(value__gte=0) & models.Q(value__lte=100),
                                   name="reform_index_value_0_100"),
        ]

    def __str__(self) -> str:
        return f"{self.year} · {self.agency_id}: {self.value}"
