from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class IntakeConfig(AppConfig):
    name = "lienthong.intake"
    verbose_name = _("Tiếp nhận văn bản giấy, bản quét, tệp gửi qua thư")
