import time

from django.core.management.base import BaseCommand

from lienthong.search.services import BATCH_SIZE, reindex_all, reindex_in_batches


class Command(BaseCommand):
    help = ("Rebuild the full-text search index of all documents: in one transaction (default), or batch by batch "
            "(--in-batches), resumable with --start-after.")

    def add_arguments(self, parser):
        parser.add_argument("--batch-size", type=int, default=BATCH_SIZE,
                            help=f"documents read and written per batch (default {BATCH_SIZE})")
        parser.add_argument("--in-batches", action="store_true",
                            help="one transaction per batch, in document id order, printing the last id done")
        parser.add_argument("--start-after", type=int, default=0,
                            help="with --in-batches: resume after this document id (the last one printed)")

    def handle(self, *args, **options):
        started = time.monotonic()
        batch_size = max(1, options["batch_size"])
        if options["in_batches"] or options["start_after"]:
            def progress(last_id: int, done: int) -> None:
                self.stdout.write(f"indexed {done} documents, up to id {last_id} "
                                  f"({time.monotonic() - started:.1f} s); resume with --start-after {last_id}")

            count = reindex_in_batches(start_after=max(0, options["start_after"]), batch_size=batch_size,
                                       progress=progress)
            self.stdout.write(f"Search index refreshed: {count} documents in {time.monotonic() - started:.1f} s")
            return
        count = reindex_all(batch_size=batch_size)
        self.stdout.write(f"Search index rebuilt: {count} documents in {time.monotonic() - started:.1f} s")
