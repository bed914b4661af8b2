import datetime as dt

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class SigningConfig(AppConfig):
    name = "lienthong.signing"
    verbose_name = _("Ký văn bản")

    def ready(self):
        from lienthong.signing.pades import configure_logging  # no pyHanko import: only logger levels

        configure_logging()

        # asn1crypto fixes cms.ContentType's name table at its first lookup by name and asn1crypto.tsp adds
        # "tst_info" to it on import: load it now, or a process that verified a signature before its first
        # timestamped one cannot timestamp (tests/test_asn1_registry.py). About 40 ms, no pyHanko.
        import asn1crypto.tsp  # noqa: F401

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
