import datetime as dt

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class RecordsConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "lienthong.records"
    verbose_name = _("Hồ sơ và lưu trữ")

    def ready(self) -> None:
        from lienthong.core import events
        from lienthong.records import services

        # Completing the lead part of a work files its reply into the lead's open files holding the document.
        events.subscribe(events.ASSIGNMENT_COMPLETED, services.on_assignment_completed)

        # Reminders 30 days before a closed file is due for handover (lienthong.core.schedules).
        from lienthong.core import schedules

        schedules.daily("lienthong.records.tasks.send_handover_reminders", at=dt.time(7, 15),
                        name="Nhắc hạn nộp lưu hồ sơ")
        schedules.daily("lienthong.records.tasks.propose_disposals", at=dt.time(2, 10),
                        name="Đề nghị xem xét tiêu hủy hồ sơ hết thời hạn bảo quản")
