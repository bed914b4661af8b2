from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ProcessingConfig(AppConfig):
    name = "lienthong.processing"
    verbose_name = _("Xử lý văn bản đến")
