from django.apps import AppConfig


class CoreConfig(AppConfig):
    name = "lienthong.core"
    verbose_name = "Lõi hệ thống"
