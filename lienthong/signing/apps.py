import datetime as dt

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class SigningConfig(AppConfig):
    name = "lienthong.signing"
    verbose_name = _("Ký văn bản")

    def ready(self):
        from lienthong.signing.pades import configure_logging  # no pyHanko import: only logger levels

        configure_logging()

        from lienthong.core import events
        from lienthong.signing.verification import legal_validity
        from lienthong.signing.verification import services as verification_services

        events.subscribe(events.FILE_STORED, verification_services.on_file_stored)
        events.subscribe(events.DOCUMENTS_DELIVERED, legal_validity.on_documents_delivered)

        # Its scheduled job (lienthong.core.schedules): migrate makes the schedule, administrators set its time.
        from lienthong.core import schedules

        schedules.daily("lienthong.signing.tasks.send_credential_expiry_warnings", at=dt.time(6, 30),
                        name="Cảnh báo chứng thư số sắp hết hạn",
                        former=("lienthong.signing.services.credential_expiry_warnings",))
