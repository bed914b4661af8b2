from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AuditConfig(AppConfig):
    name = "lienthong.audit"
    verbose_name = _("Nhật ký")

    def ready(self):
        from lienthong.audit import checks  # noqa: F401  (registers the audit key check)
