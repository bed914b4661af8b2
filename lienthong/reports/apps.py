from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ReportsConfig(AppConfig):
    name = "lienthong.reports"
    verbose_name = _("Báo cáo đánh giá, xếp hạng")
