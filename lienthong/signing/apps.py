from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class SigningConfig(AppConfig):
    name = "lienthong.signing"
    verbose_name = _("Ký văn bản")

    def ready(self):
        from lienthong.signing.pdf import configure_logging  # no pyHanko import: only logger levels

        configure_logging()

        from lienthong.core import events
        from lienthong.signing import services

        events.subscribe(events.FILE_STORED, services.on_file_stored)
        events.subscribe(events.DOCUMENTS_DELIVERED, services.on_documents_delivered)
