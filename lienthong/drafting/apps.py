from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class DraftingConfig(AppConfig):
    name = "lienthong.drafting"
    verbose_name = _("Soạn thảo và phát hành")
