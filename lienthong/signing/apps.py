from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class SigningConfig(AppConfig):
    name = "lienthong.signing"
    verbose_name = _("Ký văn bản")

    def ready(self):
        from lienthong.signing.pdf import configure_logging  # no pyHanko import: only logger levels

        configure_logging()
