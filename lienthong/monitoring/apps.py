from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class MonitoringConfig(AppConfig):
    name = "lienthong.monitoring"
    verbose_name = _("Giám sát hệ thống")

    def ready(self):
        import datetime as dt

        from django.core.signals import got_request_exception
        from django_q.signals import post_execute

        from lienthong.core import jobs, schedules
        from lienthong.monitoring import services

        got_request_exception.connect(services.on_request_exception, dispatch_uid="lienthong.monitoring.request")
        post_execute.connect(services.on_task_executed, dispatch_uid="lienthong.monitoring.task")
        jobs.register_failure_listener(services.on_job_failed)
        schedules.every_minutes("lienthong.monitoring.tasks.worker_heartbeat",
                                name="Nhịp hoạt động của tiến trình nền", minutes=1)
        schedules.daily("lienthong.monitoring.tasks.prune_error_records", name="Xóa các lỗi đã quá hạn lưu",
                        at=dt.time(2, 15))
