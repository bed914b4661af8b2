from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class SigningConfig(AppConfig):
    name = "lienthong.signing"
    verbose_name = _("Ký văn bản")

    def ready(self):
        from lienthong.signing.pdf import configure_logging  # no pyHanko import: only logger levels

        configure_logging()

        from lienthong.documents import signals as document_signals
        from lienthong.signing import services

        document_signals.file_stored.connect(services.on_file_stored, dispatch_uid="signing_verify_stored_files")
        document_signals.documents_delivered.connect(services.on_documents_delivered,
                                                     dispatch_uid="signing_validity_on_delivery")
