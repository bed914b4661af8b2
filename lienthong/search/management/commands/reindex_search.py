import time

from django.core.management.base import BaseCommand

from lienthong.search.services import BATCH_SIZE, reindex_all


class Command(BaseCommand):
    help = "Rebuild the full-text search index of all documents (one transaction; searches keep working)."

    def add_arguments(self, parser):
        parser.add_argument("--batch-size", type=int, default=BATCH_SIZE,
                            help=f"documents read and written per batch (default {BATCH_SIZE})")

    def handle(self, *args, **options):
        started = time.monotonic()
        count = reindex_all(batch_size=max(1, options["batch_size"]))
        self.stdout.write(f"Search index rebuilt: {count} documents in {time.monotonic() - started:.1f} s")
