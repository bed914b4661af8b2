from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class DocumentsConfig(AppConfig):
    name = "lienthong.documents"
    verbose_name = _("Văn bản")

    def ready(self) -> None:
        from lienthong.files.inventory import register_source

        from .selectors import stored_originals

        register_source("documents.originals", stored_originals)
