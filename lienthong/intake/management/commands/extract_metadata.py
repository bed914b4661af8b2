"""``manage.py extract_metadata FILE [--json] [--agency]``: the Decree 30 fields of one incoming file (plain text,
DOCX or PDF with a text layer). ``--json`` prints one JSON object with the keys of issue 19 (null for a field not
found) and ``confidence``; ``--agency`` adds ``issuer_agency`` (the directory's match, or null)."""

from __future__ import annotations

import json
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from lienthong.intake import services
from lienthong.intake.extraction import FIELDS
from lienthong.intake.extraction.readers import MAX_FILE_BYTES, ReadError

CANNOT_OPEN = _("Không mở được tệp {path}: {reason}")
LOW = _("(độ tin cậy thấp)")


class Command(BaseCommand):
    help = "Đọc số, ký hiệu, ngày, cơ quan ban hành, trích yếu, người ký... của một văn bản đến."

    requires_system_checks: list[str] = []  # reads files; usable where the database is not set up

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("file")
        parser.add_argument("--json", action="store_true", help="In một đối tượng JSON.")
        parser.add_argument("--agency", action="store_true", help="Thêm cơ quan ban hành tìm được trong danh bạ.")

    def handle(self, *args, **options) -> None:
        path = Path(options["file"])
        try:
            with path.open("rb") as handle:
                data = handle.read(MAX_FILE_BYTES + 1)
        except OSError as err:
            raise CommandError(gettext(CANNOT_OPEN).format(path=path, reason=err.strerror or err)) from err
        try:
            fields = services.extract_file(data=data, name=path.name, match_agency=options["agency"])
        except ReadError as err:
            raise CommandError(services.describe(err)) from err
        out = fields.as_json()
        if options["agency"]:
            out["issuer_agency"] = ({"id": fields.agency_id, "name": fields.agency_name}
                                    if fields.agency_id else None)
        if options["json"]:
            self.stdout.write(json.dumps(out, ensure_ascii=False))
            return
        confidence = out["confidence"]
        assert isinstance(confidence, dict)
        for name in FIELDS:
            value = out[name]
            if isinstance(value, list):
                value = "; ".join(value)
            flag = f" {gettext(LOW)}" if value is not None and confidence[name] < 0.7 else ""
            self.stdout.write(f"{name:17} {'—' if value is None else value}{flag}")
