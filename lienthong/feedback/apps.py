from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class FeedbackConfig(AppConfig):
    name = "lienthong.feedback"
    verbose_name = _("Báo lỗi / góp ý")

    def ready(self):
        from lienthong.feedback.selectors import stored_screenshots
        from lienthong.files.inventory import register_source

        register_source("feedback.screenshots", stored_screenshots)
