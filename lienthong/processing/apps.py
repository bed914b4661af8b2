import datetime as dt

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ProcessingConfig(AppConfig):
    name = "lienthong.processing"
    verbose_name = _("Xử lý văn bản đến")

    def ready(self):
        # The delivery app, below this one, announces a registration and a withdrawal; the incoming
        # document's handling opens, or its open work closes, inside the same transaction.
        from lienthong.core import events
        from lienthong.processing import services

        events.subscribe(events.DELIVERY_REGISTERED, services.handling_open_for_delivery)
        events.subscribe(events.DOCUMENT_WITHDRAWN, services.handling_close_on_recall)

        # Its scheduled job (lienthong.core.schedules): migrate makes the schedule, administrators set its time.
        from lienthong.core import schedules

        schedules.daily("lienthong.processing.tasks.send_deadline_reminders", at=dt.time(7, 0),
                        name="Nhắc hạn xử lý văn bản đến")
