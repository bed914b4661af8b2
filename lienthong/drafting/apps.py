from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class DraftingConfig(AppConfig):
    name = "lienthong.drafting"
    verbose_name = _("Soạn thảo và phát hành")

    def ready(self):
        # The signing app, below this one, decides who may have a file verified again; drafts are read here.
        from lienthong.drafting import file_access
        from lienthong.signing import verification

        verification.file_access_provider_register(file_access.stored_file_in_visible_draft)
