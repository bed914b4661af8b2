from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class DeliveryConfig(AppConfig):
    name = "lienthong.delivery"
    verbose_name = _("Gửi nhận liên thông")
