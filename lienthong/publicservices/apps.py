from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class PublicServicesConfig(AppConfig):
    name = "lienthong.publicservices"
    verbose_name = _("Dịch vụ công trực tuyến")

    def ready(self):
        from lienthong.assessment import indicator_source
        from lienthong.publicservices import indicators

        indicator_source.register_provider(indicators.KEYS, indicators.service_indicator_values)
