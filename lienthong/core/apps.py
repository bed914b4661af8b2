from django.apps import AppConfig


class CoreConfig(AppConfig):
    name = "lienthong.core"
    verbose_name = "Lõi hệ thống"

    def ready(self):
        # The apps register their scheduled jobs in their own ready(); every migrate makes the missing schedules.
        from django.db.models.signals import post_migrate

        from lienthong.core import caches, schedules

        post_migrate.connect(schedules.sync_after_migrate, dispatch_uid="lienthong.core.schedules.sync")
        # Production's database cache (settings.CACHES) gets its table from every migrate.
        post_migrate.connect(caches.create_cache_table_after_migrate, dispatch_uid="lienthong.core.caches.table")
