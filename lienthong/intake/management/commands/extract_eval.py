"""``manage.py extract_eval DIR [--misses N]``: the exact-match rate of each field on a labelled set (documents
plus ``labels.jsonl``, see ``lienthong.intake.evaluation``), one column per file format, against issue 19's
targets. The project's set is ``bench/intake`` (``python bench/intake/make_set.py`` writes its DOCX and PDF)."""

from __future__ import annotations

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from lienthong.intake import services
from lienthong.intake.evaluation import evaluate
from lienthong.intake.extraction.readers import ReadError

NO_LABELS = _("Thư mục {path} không có tệp labels.jsonl.")


class Command(BaseCommand):
    help = "Đo tỷ lệ đọc đúng từng trường trên một bộ văn bản có nhãn (labels.jsonl)."

    requires_system_checks: list[str] = []  # reads files; usable where the database is not set up

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("dir")
        parser.add_argument("--misses", type=int, default=0, help="In N trường đọc sai đầu tiên.")

    def handle(self, *args, **options) -> None:
        folder = Path(options["dir"])
        if not (folder / "labels.jsonl").is_file():
            raise CommandError(gettext(NO_LABELS).format(path=folder))

        def extract_file(data: bytes, name: str) -> dict[str, object]:
            try:
                return services.extract_file(data=data, name=name, match_agency=False).as_json()
            except ReadError as err:
                raise ValueError(services.describe(err)) from err

        report = evaluate(folder, extract_file)
        self.stdout.write(report.table())
        for file, name, expected, got in report.misses[:options["misses"]]:
            self.stdout.write(f"{file} {name}: {expected!r} ≠ {got!r}")
        for errors in report.errors.values():
            for line in errors:
                self.stdout.write(line)
