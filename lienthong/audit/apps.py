import datetime as dt

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AuditConfig(AppConfig):
    name = "lienthong.audit"
    verbose_name = _("Nhật ký")

    def ready(self):
        from lienthong.audit import checks  # noqa: F401  (registers the audit key check)

        # Its scheduled job (lienthong.core.schedules): migrate makes the schedule, administrators set its time.
        from lienthong.core import schedules

        schedules.daily("lienthong.audit.tasks.write_audit_checkpoint", at=dt.time(0, 30),
                        name="Điểm kiểm chứng nhật ký (checkpoint)",
                        former=("lienthong.audit.services.audit_checkpoint_write",))
