"""``manage.py sweep_orphans``: objects in the file store that no row refers to, and rows whose object is
missing (``files.sweep``). Dry run unless ``--delete``; exits 1 when a row's object is missing."""

from __future__ import annotations

import datetime as dt

from django.core.management.base import BaseCommand, CommandError

from lienthong.files.storage import StorageUnavailable
from lienthong.files.sweep import ListedObject, sweep_orphans

DEFAULT_GRACE_MINUTES = 60


class Command(BaseCommand):
    help = ("List objects in the file store (local folder or S3 bucket) that no row refers to, and rows whose "
            "object is missing. Nothing is changed unless --delete is given; rows are never changed. Exits "
            "with status 1 when rows without objects exist.")

    def add_arguments(self, parser):
        parser.add_argument("--delete", action="store_true",
                            help="Delete the orphan objects older than the grace period.")
        parser.add_argument("--older-than-minutes", type=int, default=DEFAULT_GRACE_MINUTES,
                            help="Grace period: orphans younger than this are only listed, never deleted, so "
                                 "files of transactions still in flight are safe (default: %(default)s).")
        parser.add_argument("--quiet", action="store_true", help="Print the counts only, not each name.")

    def handle(self, *args, **options):
        minutes = options["older_than_minutes"]
        if minutes < 1:
            raise CommandError("--older-than-minutes must be at least 1")
        delete, quiet = options["delete"], options["quiet"]

        def on_orphan(obj: ListedObject, old_enough: bool) -> None:
            if quiet:
                return
            if not old_enough:
                state = "kept (younger than the grace period)"
            else:
                state = "deleted" if delete else "would be deleted with --delete"
            self.stdout.write(f"orphan {obj.name} {obj.size} bytes, modified {obj.modified:%Y-%m-%d %H:%M:%S}Z: "
                              f"{state}")

        try:
            result = sweep_orphans(delete=delete, older_than=dt.timedelta(minutes=minutes), on_orphan=on_orphan)
        except StorageUnavailable as exc:
            raise CommandError(f"The file store is unavailable: {exc.__cause__ or exc}") from exc
        if not quiet:
            for name in result.missing:
                self.stderr.write(f"missing {name}: a row refers to it, the store does not hold it")
        self.stdout.write(
            f"{result.listed} objects in the store, {result.referenced} names referred to by rows; "
            f"{result.orphans} orphan objects ({result.orphans_recent} younger than {minutes} min), "
            f"{result.deleted} deleted{'' if delete else ' (dry run)'}; "
            f"{len(result.missing)} rows without their object.")
        if result.missing:
            raise CommandError(f"{len(result.missing)} rows refer to objects missing from the store "
                               "(restore them from a backup; see docs/operations.md)", returncode=1)
