import datetime as dt

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AuthorityConfig(AppConfig):
    name = "lienthong.authority"
    verbose_name = _("Thẩm quyền ký")

    def ready(self):
        # Its scheduled job (lienthong.core.schedules): migrate makes the schedule, administrators set its time.
        from lienthong.core import schedules

        schedules.daily("lienthong.authority.tasks.announce_ended_grants", at=dt.time(6, 30),
                        name="Báo hết hiệu lực văn bản giao ký TL., TUQ.",
                        former=("lienthong.authority.services.grants_announce_end",))
