from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class SearchConfig(AppConfig):
    name = "lienthong.search"
    verbose_name = _("Tìm kiếm")

    def ready(self):
        from lienthong.core import events
        from lienthong.search import services

        # A registered, extracted, withdrawn or cancelled document: its entry is refreshed in the same
        # transaction, so it commits or rolls back with the row.
        events.subscribe(events.DOCUMENT_CHANGED, services.on_document_changed)
