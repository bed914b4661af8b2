import datetime as dt

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class DeliveryConfig(AppConfig):
    name = "lienthong.delivery"
    verbose_name = _("Gửi nhận liên thông")

    def ready(self):
        # The documents app, below this one, writes the Phụ lục VI metadata; who each document went to is read here.
        from lienthong.delivery import selectors
        from lienthong.documents import metadata

        metadata.recipients_provider_register(selectors.recipient_agencies_by_document)

        # Its scheduled job (lienthong.core.schedules): migrate makes the schedule, administrators set its time.
        from lienthong.core import schedules

        schedules.daily("lienthong.delivery.tasks.send_acknowledgement_reminders", at=dt.time(15, 30),
                        name="Nhắc xác nhận đã nhận văn bản đến trong ngày",
                        former=("lienthong.documents.tasks.send_acknowledgement_reminders",))
