from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ExchangeConfig(AppConfig):
    name = "lienthong.exchange"
    verbose_name = _("Liên thông với hệ thống khác")
