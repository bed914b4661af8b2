import datetime as dt

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class FollowupConfig(AppConfig):
    name = "lienthong.followup"
    verbose_name = _("Theo dõi nhiệm vụ")

    def ready(self):
        from lienthong.assessment import indicator_source
        from lienthong.core import schedules
        from lienthong.followup import indicators

        indicator_source.register_provider(indicators.KEYS, indicators.task_indicator_values)
        schedules.daily("lienthong.followup.tasks.send_task_reminders", at=dt.time(6, 40),
                        name="Nhắc hạn nhiệm vụ được giao")
