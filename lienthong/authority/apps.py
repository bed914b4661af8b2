from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AuthorityConfig(AppConfig):
    name = "lienthong.authority"
    verbose_name = _("Thẩm quyền ký")
