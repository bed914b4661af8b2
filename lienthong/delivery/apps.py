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
