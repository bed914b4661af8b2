from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CommendationsConfig(AppConfig):
    name = "lienthong.commendations"
    verbose_name = _("Đề xuất khen thưởng")
