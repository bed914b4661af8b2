from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CopiesConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "lienthong.copies"
    verbose_name = _("Bản sao văn bản")
