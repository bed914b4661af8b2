import datetime as dt

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class DeliveryConfig(AppConfig):
    name = "lienthong.delivery"
    verbose_name = _("Gửi nhận liên thông")

    def ready(self):
        # The documents app, below this one, writes the Phụ lục VI metadata; who each document went to is read here.
        # The signing app, below too, judges legal validity and who may have a file verified again; whether a
        # document went through the system and who sees a file through a delivery are read here as well.
        from lienthong.delivery import file_access, selectors
        from lienthong.documents import metadata
        from lienthong.signing import verification

        metadata.recipients_provider_register(selectors.recipient_agencies_by_document)
        verification.went_through_provider_register(selectors.documents_delivered)
        verification.file_access_provider_register(file_access.stored_file_delivered_to)

        # Its scheduled job (lienthong.core.schedules): migrate makes the schedule, administrators set its time.
        from lienthong.core import schedules

        schedules.daily("lienthong.delivery.tasks.send_acknowledgement_reminders", at=dt.time(15, 30),
                        name="Nhắc xác nhận đã nhận văn bản đến trong ngày",
                        former=("lienthong.documents.tasks.send_acknowledgement_reminders",))
