import datetime as dt

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AssessmentConfig(AppConfig):
    name = "lienthong.assessment"
    label = "assessment"
    verbose_name = _("Đánh giá, xếp hạng ứng dụng CNTT")

    def ready(self):
        # Its scheduled job (lienthong.core.schedules): migrate makes the schedule, administrators set its time.
        from lienthong.core import schedules

        schedules.daily("lienthong.assessment.tasks.send_self_assessment_reminders", at=dt.time(7, 0),
                        name="Nhắc hạn tự đánh giá xếp hạng ứng dụng CNTT",
                        former=("lienthong.assessment.reminders.self_assessment_reminders",))
