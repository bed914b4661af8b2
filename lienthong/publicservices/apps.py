from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class PublicServicesConfig(AppConfig):
    name = "lienthong.publicservices"
    verbose_name = _("Dịch vụ công trực tuyến")
