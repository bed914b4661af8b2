"""Usage statistics per agency and month, computed from the platform's own records by
``services.usage_stats_refresh`` (a daily job) and read by ``selectors``. Definitions:
``docs/indicators.md``."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class LoginMonth(models.Model):
    """A person logged in at least once in this month (Vietnam time). ``User.last_login`` is
    overwritten at each login, so past months need this record; one row per person and month."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    month = models.DateField(_("tháng"))

    class Meta:
        constraints = [models.UniqueConstraint(fields=["user", "month"], name="loginmonth_unique")]
        indexes = [models.Index(fields=["month", "user"], name="loginmonth_month")]


class AgencyMonthStats(models.Model):
    agency = models.ForeignKey("agencies.Agency", on_delete=models.CASCADE, related_name="+")
    month = models.DateField(_("tháng"), help_text=_("Ngày đầu tháng"))
    staff_accounts = models.PositiveIntegerField(_("tài khoản cán bộ"), default=0)
    active_users = models.PositiveIntegerField(_("người dùng hoạt động"), default=0)
    documents_issued = models.PositiveIntegerField(_("văn bản phát hành"), default=0)
    documents_received = models.PositiveIntegerField(_("văn bản đến"), default=0)
    issued_normal = models.PositiveIntegerField(_("văn bản phát hành không mật"), default=0)
    sent_electronically = models.PositiveIntegerField(_("văn bản gửi qua hệ thống"), default=0)
    issued_e_doc = models.PositiveIntegerField(_("văn bản điện tử gửi qua hệ thống"), default=0)
    issued_legally_valid = models.PositiveIntegerField(_("văn bản điện tử có giá trị pháp lý"), default=0)
    received_signed_valid = models.PositiveIntegerField(_("văn bản đến có chữ ký số hợp lệ"), default=0)
    received_assigned = models.PositiveIntegerField(_("văn bản đến được phân công trên hệ thống"), default=0)
    assignments_completed = models.PositiveIntegerField(_("phần việc chủ trì hoàn thành"), default=0)
    completed_with_deadline = models.PositiveIntegerField(_("phần việc hoàn thành có hạn"), default=0)
    completed_on_time = models.PositiveIntegerField(_("hoàn thành đúng hạn"), default=0)
    overdue_open = models.PositiveIntegerField(_("quá hạn chưa xong cuối tháng"), default=0)
    handlings_completed = models.PositiveIntegerField(_("văn bản đến xử lý xong"), default=0)
    late_acknowledgements = models.PositiveIntegerField(
        _("xác nhận đã nhận trễ hạn"), default=0,
        help_text=_("Văn bản đến qua hệ thống trong tháng không được xác nhận đã nhận (03) trong ngày làm việc đến"))
    documents_filed = models.PositiveIntegerField(
        _("văn bản đã đưa vào hồ sơ"), default=0, db_default=0,
        help_text=_("Văn bản phát hành và văn bản đến trong tháng đã được đưa vào ít nhất một hồ sơ"))
    median_processing_days = models.FloatField(_("số ngày xử lý (trung vị)"), null=True, blank=True)
    last_activity_at = models.DateTimeField(_("hoạt động gần nhất"), null=True, blank=True)
    computed_at = models.DateTimeField(_("tính lúc"))

    class Meta:
        ordering = ["agency_id", "month"]
        verbose_name = _("thống kê sử dụng theo tháng")
        verbose_name_plural = _("thống kê sử dụng theo tháng")
        constraints = [models.UniqueConstraint(fields=["agency", "month"], name="agencymonthstats_unique")]
        indexes = [models.Index(fields=["month", "agency"], name="agencymonthstats_month")]


class SavedThresholds(models.Model):
    """The thresholds an overseeing agency (the Provincial Office, Sở TT&TT) chases laggards by: the usage
    dashboard opens with them, so the công văn đôn đốc is one click away. Shares are ratios (0.8 = 80 %);
    an empty value is no threshold on that indicator."""

    agency = models.OneToOneField("agencies.Agency", on_delete=models.CASCADE, related_name="+",
                                  verbose_name=_("cơ quan"))
    min_active_share = models.FloatField(_("tỷ lệ người dùng hoạt động tối thiểu"), null=True, blank=True)
    min_electronic_share = models.FloatField(_("tỷ lệ gửi điện tử tối thiểu"), null=True, blank=True)
    min_signed_share = models.FloatField(_("tỷ lệ ký số hợp lệ tối thiểu"), null=True, blank=True)
    max_overdue = models.PositiveIntegerField(_("số việc quá hạn tối đa"), null=True, blank=True)
    updated_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+",
                                   verbose_name=_("người lưu"))
    updated_at = models.DateTimeField(_("lưu lúc"), auto_now=True)

    class Meta:
        verbose_name = _("ngưỡng đôn đốc đã lưu")
        verbose_name_plural = _("ngưỡng đôn đốc đã lưu")

    def __str__(self) -> str:
        return str(self.agency_id)
