from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ReportsConfig(AppConfig):
    name = "lienthong.reports"
    verbose_name = _("Báo cáo đánh giá, xếp hạng")

    def ready(self) -> None:
        from lienthong.files.inventory import register_source

        from .selectors import stored_reports

        register_source("reports.files", stored_reports)
