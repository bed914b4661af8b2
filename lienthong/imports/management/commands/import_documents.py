"""``manage.py import_documents TABLE --agency CODE [--files DIR|ZIP] [--direction in|out]``: see
``lienthong.imports.services`` and docs/operations.md ("Migrating documents from another system")."""

from __future__ import annotations

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from lienthong.core.errors import ValidationFailed
from lienthong.core.exports import csv_bytes
from lienthong.imports import services
from lienthong.imports.sources import FileSource, SourceRefused, read_table


class Command(BaseCommand):
    help = ("Import documents from another system: a table (CSV or XLSX) of metadata plus a folder or ZIP archive "
            "of their files, numbers kept from the source, in batches; run again to resume (rows already "
            "imported are skipped).")

    def add_arguments(self, parser):
        parser.add_argument("table", type=Path, help="CSV (UTF-8) or XLSX file, one row per document")
        parser.add_argument("--agency", required=True, help="identifier code (mã định danh) of the agency")
        parser.add_argument("--direction", choices=["in", "out"], default="in",
                            help="incoming (in, default) or outgoing (out) registers")
        parser.add_argument("--files", type=Path, default=None, help="folder or ZIP archive holding the files")
        parser.add_argument("--user", default="", help="username recorded as creator (default: the agency's clerk)")
        parser.add_argument("--report", type=Path, default=None,
                            help="write the rejected rows (row, column, reason) to this CSV file")
        parser.add_argument("--all-or-nothing", action="store_true",
                            help="import nothing when any row is rejected")
        parser.add_argument("--batch-size", type=int, default=services.BATCH_SIZE)

    def handle(self, *args, **options):
        try:
            agency = services.import_agency(options["agency"])
            actor = services.import_actor(agency=agency, username=options["user"])
        except ValidationFailed as exc:
            raise CommandError(" ".join(m for msgs in exc.errors.values() for m in msgs)) from None
        source = None
        try:
            if options["files"] is not None:
                source = FileSource.open(options["files"])
            done = 0

            def progress(n: int) -> None:
                nonlocal done
                done += n
                if options["verbosity"] >= 2:
                    self.stdout.write(f"  {done} …")

            report = services.documents_import(
                agency=agency, actor=actor, direction=options["direction"], rows=read_table(options["table"]),
                source=source, all_or_nothing=options["all_or_nothing"], batch_size=options["batch_size"],
                on_batch=progress)
        except SourceRefused as exc:
            raise CommandError(exc.message) from None
        finally:
            if source is not None:
                source.close()
        if options["report"] is not None:
            rows = [["Dòng", "Cột", "Lý do"], *([e.row or "", e.column, e.message] for e in report.rejected)]
            options["report"].write_bytes(csv_bytes(rows))  # cells a spreadsheet would run as formulas are quoted
        for e in report.rejected[:50]:
            self.stderr.write(str(e))
        if len(report.rejected) > 50:
            self.stderr.write(f"… {len(report.rejected) - 50} more (see --report)")
        summary = services.report_summary(report, all_or_nothing=options["all_or_nothing"])
        self.stdout.write(f"{summary} ({report.seconds:.1f} s, {report.rate:.0f} documents/s)")
        if options["all_or_nothing"] and report.rejected:
            raise CommandError(summary)
