import datetime as dt

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class OversightConfig(AppConfig):
    name = "lienthong.oversight"
    verbose_name = _("Giám sát sử dụng hệ thống")

    def ready(self):
        from django.contrib.auth.signals import user_logged_in

        from lienthong.assessment import indicator_source
        from lienthong.oversight import indicators
        from lienthong.oversight.services import login_record

        user_logged_in.connect(login_record, dispatch_uid="oversight_login_record")
        indicator_source.register_provider(indicators.KEYS, indicators.usage_indicator_values)

        # Its scheduled job (lienthong.core.schedules): migrate makes the schedule, administrators set its time.
        from lienthong.core import schedules

        schedules.daily("lienthong.oversight.tasks.refresh_usage_stats", at=dt.time(1, 30),
                        name="Tính thống kê sử dụng hệ thống")
        schedules.every_minutes("lienthong.oversight.tasks.refresh_current_month", minutes=60,
                                name="Tính thống kê sử dụng của tháng hiện tại")

        # The current month follows the documents (issue 18): each event queues the touched agencies' figures.
        from lienthong.core import events
        from lienthong.oversight.services import on_documents_event

        for event in (events.DOCUMENT_CHANGED, events.DOCUMENTS_DELIVERED, events.DELIVERY_REGISTERED,
                      events.DOCUMENT_WITHDRAWN, events.ASSIGNMENT_COMPLETED, events.DOCUMENTS_VALIDITY_CHANGED):
            events.subscribe(event, on_documents_event)
