from django.apps import AppConfig


class FilesConfig(AppConfig):
    name = "lienthong.files"
    verbose_name = "Tệp gốc"
