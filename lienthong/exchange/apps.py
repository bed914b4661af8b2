from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ExchangeConfig(AppConfig):
    name = "lienthong.exchange"
    verbose_name = _("Liên thông với hệ thống khác")

    def ready(self) -> None:
        from lienthong.core import events, schedules
        from lienthong.exchange import services

        # A document with a package in transit keeps its files and status (documents asks before a change).
        events.subscribe(events.DOCUMENT_CHANGING, services.on_document_changing)
        # Its scheduled jobs (lienthong.core.schedules): migrate makes the schedules, administrators set them.
        schedules.every_minutes("lienthong.exchange.tasks.push", name="Gửi các gói tin liên thông đến hạn", minutes=1)
        schedules.every_minutes("lienthong.exchange.tasks.pull", name="Nhận gói tin liên thông từ các hệ thống đối tác",
                                minutes=2)
